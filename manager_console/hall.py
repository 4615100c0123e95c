"""The live hall as rows a manager reads: per service and per counter, from the retained state.

Pure: the states, the config and the time in; rows of words and numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from broker.wire.protocol import CounterState, ServiceState
from config.schema import CenterConfig
from manager_console.health import Level
from manager_console.texts import text

LONG_WAIT_S = 30 * 60  # a citizen waiting this long stands out
LONG_SERVICE_S = 30 * 60  # so does a desk busy with one citizen this long


@dataclass(frozen=True, slots=True)
class ServiceRow:
    id: str
    name: str
    waiting: int
    waiting_priority: int
    longest_wait_s: float | None
    ewt_s: int | None
    counters_open: int
    issued: int
    served: int
    issuing: str  # open, or why not, in words
    open: bool
    closed_reason: str | None  # manager, daily_limit, hours
    level: Level
    unserved: bool = False  # people wait and no open counter serves the service
    long_wait: bool = False
    wait_range: tuple[int, int] | None = None  # what a ticket taken now is told

    @property
    def manager_closed(self) -> bool:
        """Issuing stopped by a manager, so a manager can resume it."""
        return self.closed_reason == "manager"


@dataclass(frozen=True, slots=True)
class CounterRow:
    id: str
    name: str
    status: str  # open / paused / closed
    status_text: str
    officer: str
    services: tuple[str, ...]  # ids, in the counter's order
    services_text: str
    ticket: str
    busy_s: float | None  # since the current ticket was called or taken in
    waiting: int
    level: Level


def service_name(config: CenterConfig, service_id: str, lang: str) -> str:
    service = config.service(service_id)
    return service.name.get(lang) if service else service_id


def counter_name(config: CenterConfig, counter_id: str, lang: str) -> str:
    counter = config.counter(counter_id)
    return text("counter_name", lang, number=counter.number if counter else counter_id)


def officer_name(config: CenterConfig, officer_id: str | None) -> str:
    if officer_id is None:
        return ""
    officer = config.officer(officer_id)
    return officer.name if officer else officer_id


def _seconds_since(then: datetime | None, now: datetime) -> float | None:
    return None if then is None else max(0.0, (now - then).total_seconds())


def service_rows(config: CenterConfig, states: Mapping[str, ServiceState], now: datetime,
                 lang: str, *, long_wait_s: float = LONG_WAIT_S,
                 issued: Mapping[str, int] | None = None) -> list[ServiceRow]:
    """`issued`: today's tickets per service by the reports' rule (a transferred ticket under
    the service it was sent to); without it, the numbers each service's kiosk gave out."""
    rows = []
    for service in config.services:
        state = states.get(service.id)
        name = service.name.get(lang)
        if state is None:
            rows.append(ServiceRow(service.id, name, 0, 0, None, None, 0, 0, 0,
                                   text("none", lang), False, None, Level.UNKNOWN))
            continue
        longest = _seconds_since(state.oldest_issued_at, now) if state.waiting else None
        issuing = text(f"issuing_{state.closed_reason or 'open'}", lang)
        unserved = bool(state.waiting) and state.counters_open == 0
        long_wait = longest is not None and longest >= long_wait_s
        level = (Level.PROBLEM if unserved else Level.WARNING if long_wait
                 else Level.OK if state.open else Level.UNKNOWN)
        rows.append(ServiceRow(
            service.id, name, state.waiting, state.waiting_priority, longest,
            state.ewt_s if state.open else None, state.counters_open,
            issued.get(service.id, 0) if issued is not None else state.issued, state.served,
            issuing, state.open, state.closed_reason, level, unserved, long_wait,
            state.wait_range()))
    return rows


def counter_rows(config: CenterConfig, states: Mapping[str, CounterState],
                 services: Mapping[str, ServiceState], now: datetime, lang: str, *,
                 long_service_s: float = LONG_SERVICE_S) -> list[CounterRow]:
    rows = []
    for counter in config.counters:
        state = states.get(counter.id)
        name = text("counter_name", lang, number=counter.number)
        if state is None:
            rows.append(CounterRow(counter.id, name, "closed", text("none", lang), "",
                                   tuple(counter.services), "", "", None, 0, Level.UNKNOWN))
            continue
        ticket, busy = state.ticket, None
        ticket_text = ""
        if ticket is not None:
            started = ticket.served_at if ticket.state == "serving" else ticket.called_at
            busy = _seconds_since(started, now)
            key = "ticket_serving" if ticket.state == "serving" else "ticket_called"
            ticket_text = text(key, lang, number=ticket.number)
        level = {"open": Level.OK, "paused": Level.WARNING}.get(state.status, Level.UNKNOWN)
        if busy is not None and busy >= long_service_s:
            level = Level.WARNING
        rows.append(CounterRow(
            counter.id, name, state.status, text(f"counter_{state.status}", lang),
            officer_name(config, state.officer), tuple(state.services),
            ", ".join(service_name(config, s, lang) for s in state.services),
            ticket_text, busy, state.may_call(services), level))
    return rows


def alerts(services: list[ServiceRow], lang: str, *, long_wait_s: float = LONG_WAIT_S
           ) -> list[str]:
    """What a manager must act on now, in words."""
    found = []
    unserved = [row.name for row in services if row.unserved]
    if unserved:
        found.append(text("alert_unserved", lang, services=", ".join(unserved)))
    waiting_long = [row.name for row in services if row.long_wait]
    if waiting_long:
        found.append(text("alert_long_wait", lang, minutes=round(long_wait_s / 60),
                          services=", ".join(waiting_long)))
    return found


@dataclass(frozen=True, slots=True)
class HallSummary:
    waiting: int
    counters_open: int
    counters: int
    services_closed: int


def summary(services: list[ServiceRow], counters: list[CounterRow]) -> HallSummary:
    return HallSummary(
        waiting=sum(row.waiting for row in services),
        counters_open=sum(1 for row in counters if row.status == "open"),
        counters=len(counters),
        services_closed=sum(1 for row in services if not row.open),
    )
