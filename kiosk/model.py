"""What the kiosk shows, computed from the config and the hub's retained service state.

Pure functions and plain data, no Qt: the controller keeps the state, these turn it into tiles
and tickets, and the views only lay them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from broker.core.opening_hours import hours_of, next_opening
from broker.wire.protocol import ServiceState
from config.schema import CenterConfig, Service
from drivers.printer import PrintedTicket
from kiosk import texts
from qtkit.texts import Lang

Tone = Literal["open", "closed", "priority"]


class Screen(StrEnum):
    START = "start"
    SERVICES = "services"
    PRIORITY = "priority"
    ISSUING = "issuing"
    TICKET = "ticket"
    OUT_OF_SERVICE = "out_of_service"
    OFFLINE = "offline"
    CHECKIN = "checkin"  # a booked appointment checks in (kiosk/checkin.py)


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Tile:
    """One big touch target: a department, a service or a priority group."""

    id: str
    title: str
    lines: tuple[str, ...]
    tone: Tone = "open"  # "closed": cannot be taken now, the lines say why


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    number: str
    service_name: str
    ahead: int
    wait_range: tuple[int, int] | None  # None: no open counter serves the service
    priority_label: str | None
    print_state: PrintState


@dataclass(frozen=True, slots=True)
class KioskView:
    """Everything one frame of the kiosk shows."""

    screen: Screen
    lang: Lang
    center_name: str
    attract: str
    departments: tuple[Tile, ...]
    department_name: str
    services: tuple[Tile, ...]
    priority_groups: tuple[Tile, ...]
    priority_label: str | None
    ticket: IssuedTicket | None
    notice: str
    printer_health: str


def service_status(service: Service, state: ServiceState | None, config: CenterConfig,
                   lang: Lang, now: datetime, priority: bool = False
                   ) -> tuple[bool, tuple[str, ...]]:
    """Whether the service can be taken now, and the lines that say how long or why not: the
    wait a ticket taken now would be told, a priority ticket's once a priority group is
    chosen."""
    if state is None:
        return False, (texts.text("closed_unknown", lang),)
    if state.open:
        return True, (texts.waiting(state.waiting, lang),
                      texts.wait_time(state.wait_range(priority), lang))
    return False, closed_lines(service, state, config, lang, now)


def closed_lines(service: Service, state: ServiceState, config: CenterConfig, lang: Lang,
                 now: datetime) -> tuple[str, ...]:
    reason = state.closed_reason
    if reason == "hours":
        opens_at = state.opens_at
        why = texts.text("closed_hours", lang)
    elif reason == "daily_limit":
        # The hub names no time for a used-up range: numbers restart with the next open day.
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0), now.tzinfo)
        opens_at = next_opening(hours_of(config, service), tomorrow)
        why = texts.text("closed_daily_limit", lang)
    else:
        opens_at = None
        why = texts.text("closed_manager", lang)
    when = (texts.opens(opens_at.astimezone(now.tzinfo), now, lang) if opens_at is not None
            else texts.text("ask_help_desk", lang))
    return why, when


def services_of(config: CenterConfig, department_id: str) -> list[Service]:
    return [s for s in config.services if s.department == department_id]


def service_tiles(config: CenterConfig, department_id: str,
                  states: Mapping[str, ServiceState], lang: Lang, now: datetime,
                  priority: bool = False) -> tuple[Tile, ...]:
    tiles = []
    for service in services_of(config, department_id):
        available, lines = service_status(service, states.get(service.id), config, lang, now,
                                          priority)
        tiles.append(Tile(service.id, service.name.get(lang), lines,
                          "open" if available else "closed"))
    return tuple(tiles)


def department_tiles(config: CenterConfig, states: Mapping[str, ServiceState], lang: Lang,
                     now: datetime, priority: bool = False) -> tuple[Tile, ...]:
    """A department with one service stands for that service (one tap fewer), so its tile
    says what the service tile would; otherwise it sums up its services."""
    tiles = []
    for department in config.departments:
        services = services_of(config, department.id)
        if not services:
            continue
        name = department.name.get(lang)
        if len(services) == 1:
            available, lines = service_status(services[0], states.get(services[0].id), config,
                                              lang, now, priority)
            tiles.append(Tile(department.id, name, lines, "open" if available else "closed"))
            continue
        # The services' names help a citizen who knows what they need, not which department.
        names = " · ".join(s.name.get(lang) for s in services)
        open_states = [states[s.id] for s in services if s.id in states and states[s.id].open]
        if any(s.id not in states for s in services):
            tiles.append(Tile(department.id, name, (names, texts.text("closed_unknown", lang)),
                              "closed"))
        elif open_states:
            lines = (names, texts.waiting(sum(s.waiting for s in open_states), lang))
            tiles.append(Tile(department.id, name, lines))
        else:
            # Still tappable: the services screen says why each one is closed and until when.
            tiles.append(Tile(department.id, name, (names, texts.text("all_closed", lang)),
                              "closed"))
    return tuple(tiles)


def priority_tiles(config: CenterConfig, lang: Lang) -> tuple[Tile, ...]:
    return tuple(Tile(g.id, g.name.get(lang), (), "priority")
                 for g in config.priority_groups)


def priority_label(config: CenterConfig, group_id: str | None, lang: Lang) -> str | None:
    group = next((g for g in config.priority_groups if g.id == group_id), None)
    return group.name.get(lang) if group else None


def told_range(issued: Mapping[str, Any]) -> tuple[int, int] | None:
    """The range of the wait in the hub's `ticket.issue` result; None when no open counter
    serves the service (`no_counter`): the ticket then promises no wait."""
    low, high = issued.get("ewt_low_s"), issued.get("ewt_high_s")
    return None if issued.get("no_counter") or low is None or high is None else (low, high)


def print_job(config: CenterConfig, issued: Mapping[str, Any], lang: Lang,
              priority_group: str | None) -> PrintedTicket:
    """The printer's ticket from the hub's `ticket.issue` result."""
    service = config.service(issued["service"])
    if service is None:
        raise ValueError(f"the hub issued a ticket for {issued['service']!r}, not in the config")
    department = config.department(service.department)
    return PrintedTicket(
        center_name=config.center.name.get(lang),
        number=issued["number"],
        service_name=service.name.get(lang),
        department_name=department.name.get(lang) if department else "",
        issued_at=datetime.fromisoformat(issued["issued_at"]),
        ahead=issued["ahead"],
        wait_range=told_range(issued),
        priority_label=priority_label(config, priority_group, lang),
        # The ticket's own web page (status_url + its token), made by the hub.
        qr_data=issued.get("status_url") or issued["id"],
        footer=config.texts.ticket_footer.get(lang),
        lang=lang,
    )
