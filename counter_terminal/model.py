"""The terminal's view-model: which actions the counter's retained state allows, and what the
screen shows, as plain data built from what the hub last published. No Qt here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from broker.wire.protocol import CounterState, ServiceState, TicketInfo
from config.schema import CenterConfig
from counter_terminal.texts import text
from qtkit.formats import duration
from qtkit.texts import error_text


class Action(StrEnum):
    NEXT = "next"
    RECALL = "recall"
    SERVE = "serve"
    NO_SHOW = "no_show"
    DONE = "done"
    TRANSFER = "transfer"
    CALL = "call"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


# The actions that are one command without arguments; the others ask for something first.
SIMPLE_OPS: dict[Action, str] = {
    Action.NEXT: "counter.call_next",
    Action.RECALL: "counter.recall",
    Action.SERVE: "ticket.serve",
    Action.NO_SHOW: "ticket.no_show",
    Action.DONE: "ticket.done",
    Action.PAUSE: "counter.pause",
    Action.CLOSE: "counter.close",
}

Blocked = Literal["not_connected", "hub_offline", "not_bound", "loading"]
Page = Literal["signin", "main", "call", "transfer"]


@dataclass(frozen=True)
class Snapshot:
    """Everything the terminal knows, all of it from the hub's retained topics."""

    device_id: str
    connected: bool = False
    hub_online: bool = False
    config: CenterConfig | None = None
    counter: CounterState | None = None
    services: Mapping[str, ServiceState] = field(default_factory=dict)
    counters: Mapping[str, CounterState] = field(default_factory=dict)
    busy: bool = False
    # (ticket id, its calls before this visit to this counter): a transferred or missed
    # ticket comes with the calls of other counters, which are not this officer's.
    call_base: tuple[str, int] | None = None

    def calls_here(self) -> int:
        """How many times this counter has called its current ticket in this visit."""
        ticket = self.ticket
        if ticket is None:
            return 0
        base = self.call_base[1] if self.call_base and self.call_base[0] == ticket.id else 0
        return max(1, ticket.calls - base)

    @property
    def counter_id(self) -> str | None:
        device = self.config.device(self.device_id) if self.config else None
        return device.counter if device and device.role == "counter" else None

    @property
    def ticket(self) -> TicketInfo | None:
        return self.counter.ticket if self.counter else None


def blocked_reason(s: Snapshot) -> Blocked | None:
    """Why nothing can be done right now, if so."""
    if not s.connected:
        return "not_connected"
    if not s.hub_online:
        return "hub_offline"
    if s.config is not None and s.counter_id is None:
        return "not_bound"
    if s.config is None or s.counter is None:
        return "loading"
    return None


@dataclass(frozen=True)
class CallableNumber:
    ticket: str
    number: str
    service: str
    kind: Literal["sent_here", "missed", "waiting"]
    priority: bool = False


def callable_numbers(s: Snapshot) -> list[CallableNumber]:
    """What `counter.call` accepts here: tickets sent to this counter, waiting tickets of its
    services not reserved for another counter, and its own missed tickets."""
    counter = s.counter
    if counter is None:
        return []
    found = [CallableNumber(t.id, t.number, t.service, "sent_here") for t in counter.sent_here]
    seen = {t.ticket for t in found}
    for service_id in counter.services:
        service = s.services.get(service_id)
        for queued in service.queue if service else []:
            if queued.id not in seen and queued.for_counter in (None, counter.id):
                seen.add(queued.id)
                found.append(CallableNumber(queued.id, queued.number, service_id, "waiting",
                                            queued.priority))
    found += [CallableNumber(t.id, t.number, t.service, "missed") for t in counter.missed]
    return found


def allowed(s: Snapshot, action: Action) -> bool:
    """The hub's rules, mirrored so that a button the state does not allow is disabled."""
    if blocked_reason(s) is not None or s.busy or s.counter is None:
        return False
    status = s.counter.status
    ticket = s.counter.ticket
    state = ticket.state if ticket else None
    match action:
        case Action.NEXT:
            return status == "open" and ticket is None and s.counter.may_call(s.services) > 0
        case Action.CALL:
            return status == "open" and ticket is None and bool(callable_numbers(s))
        case Action.RECALL | Action.SERVE | Action.NO_SHOW:
            return state == "called"
        case Action.DONE | Action.TRANSFER:
            return state in ("called", "serving")
        case Action.PAUSE:
            return status == "open"
        case Action.RESUME:
            return status == "paused"
        case Action.CLOSE:
            return status != "closed" and ticket is None
    return False


@dataclass(frozen=True)
class Pending:
    """A command held back for a few seconds so that the officer can take it back ("Hoàn
    tác"): nothing is sent until the time is up."""

    action: Action
    ticket: str  # the ticket's id
    number: str
    seconds_left: int


def enabled_actions(s: Snapshot, pending: Pending | None = None) -> dict[Action, bool]:
    """What each button may do. While a command waits to be sent, only "Next" is on (it
    sends the waiting command at once, then calls the next citizen)."""
    if pending is None:
        return {action: allowed(s, action) for action in Action}
    counter = s.counter
    next_ok = (blocked_reason(s) is None and not s.busy and counter is not None
               and counter.status == "open" and counter.may_call(s.services) > 0)
    return {action: action is Action.NEXT and next_ok for action in Action}


def can_sign_in(s: Snapshot) -> bool:
    return (blocked_reason(s) is None and not s.busy and s.counter is not None
            and s.counter.status == "closed")


# --- what the screen shows ------------------------------------------------------------------


@dataclass(frozen=True)
class PickItem:
    key: str  # what the controller acts on: a number, or "service:<id>" / "counter:<id>"
    text: str
    header: bool = False  # a section title, not selectable


@dataclass(frozen=True)
class Screen:
    page: Page
    lang: str
    title: str
    counter_label: str
    signin_title: str
    status: str  # open / paused / closed / "" when unknown
    status_text: str
    officer_text: str
    ticket_number: str
    ticket_detail: str
    priority: str  # "" for an ordinary ticket
    transferred: str  # "" unless the ticket was sent here from another service or counter
    enabled: Mapping[Action, bool]
    hint: str
    banner: str
    banner_kind: Literal["", "offline", "error", "busy"]
    waiting: tuple[tuple[str, int], ...]
    missed: tuple[str, ...]
    officers: tuple[tuple[str, str], ...]
    default_officer: str | None
    can_sign_in: bool
    pick_title: str
    pick_items: tuple[PickItem, ...]
    pick_ok: str
    notice: str = ""  # a command waiting to be sent, or what the last one did
    undo: str = ""  # the undo button's words while a command can be taken back


def build_screen(s: Snapshot, *, page: Page, lang: str, now: datetime,
                 error: str | None = None, sending: bool = False,
                 pending: Pending | None = None, notice: str = "") -> Screen:
    """The screen for snapshot `s`; `page` is the one the officer opened, `error` the code of
    the last refusal, `sending` that the hub is slow to answer, `pending` a command held
    back for undo, `notice` what the last command did (e.g. where a ticket was sent)."""
    config, counter = s.config, s.counter
    configured = config.counter(s.counter_id) if config and s.counter_id else None
    number = counter.number if counter else (configured.number if configured else "")
    blocked = blocked_reason(s)
    enabled = enabled_actions(s, pending)
    if counter is not None and counter.status == "closed" and blocked is None:
        page = "signin"
    elif (page == "signin" or (page == "call" and not enabled[Action.CALL])
          or (page == "transfer" and not enabled[Action.TRANSFER])):
        # A picker the state no longer allows (the hub moved on, the link dropped) closes.
        page = "main"
    ticket = counter.ticket if counter else None
    return Screen(
        page=page,
        lang=lang,
        title=text("terminal.title", lang, number=number),
        counter_label=text("counter", lang, number=number),
        signin_title=text("signin.title", lang, number=number),
        status=counter.status if counter else "",
        status_text=text(f"status.{counter.status}", lang) if counter else "",
        officer_text=_officer_text(config, counter, lang),
        ticket_number=ticket.number if ticket else "",
        ticket_detail=_ticket_detail(ticket, s.calls_here(), lang, now),
        priority=_priority(config, ticket, lang),
        transferred=text("transferred_in", lang) if ticket and ticket.transfers else "",
        enabled=enabled,
        hint=_hint(s, lang),
        **_banner(s, blocked, error, sending, lang),
        waiting=_waiting(s, lang),
        missed=tuple(t.number for t in counter.missed) if counter else (),
        officers=_officers(s, lang),
        default_officer=_default_officer(s, configured.officer if configured else None),
        can_sign_in=can_sign_in(s),
        **_picker(s, page, lang),
        notice=(text(f"undo.{pending.action.value}", lang, number=pending.number,
                     seconds=pending.seconds_left) if pending else notice),
        undo=text("undo", lang) if pending else "",
    )


def officers_elsewhere(s: Snapshot) -> dict[str, CounterState]:
    """Officers signed in (open or paused) at another counter, and where."""
    return {k.officer: k for k in s.counters.values()
            if k.officer and k.status != "closed" and k.id != s.counter_id}


def _officers(s: Snapshot, lang: str) -> tuple[tuple[str, str], ...]:
    if s.config is None:
        return ()
    elsewhere = officers_elsewhere(s)
    return tuple((o.id, text("signin.busy", lang, name=o.name, number=elsewhere[o.id].number)
                  if o.id in elsewhere else o.name) for o in s.config.officers)


def _default_officer(s: Snapshot, configured: str | None) -> str | None:
    """The counter's own officer, unless signed in at another counter: the sign-in never
    pre-selects an officer who works elsewhere (the hub would refuse `officer_busy`)."""
    counter = s.counter
    default = counter.officer if counter and counter.officer else configured
    return None if default in officers_elsewhere(s) else default


def _officer_text(config: CenterConfig | None, counter: CounterState | None, lang: str) -> str:
    if config is None or counter is None or counter.officer is None:
        return text("no_officer", lang)
    officer = config.officer(counter.officer)
    return text("officer", lang, name=officer.name if officer else counter.officer)


def _ticket_detail(ticket: TicketInfo | None, calls: int, lang: str, now: datetime) -> str:
    if ticket is None:
        return text("no_ticket", lang)
    if ticket.state == "serving" and ticket.served_at is not None:
        return text("ticket.serving", lang,
                    elapsed=duration((now - ticket.served_at).total_seconds()))
    since = ticket.called_at or now
    return text("ticket.called", lang, calls=calls,
              elapsed=duration((now - since).total_seconds()))


def _priority(config: CenterConfig | None, ticket: TicketInfo | None, lang: str) -> str:
    if ticket is None or not ticket.priority:
        return ""
    group = next((g for g in config.priority_groups if g.id == ticket.reason),
                 None) if config else None
    return f"{text('priority', lang)}: {group.name.get(lang)}" if group else text("priority", lang)


def _hint(s: Snapshot, lang: str) -> str:
    counter = s.counter
    if blocked_reason(s) is not None or counter is None:
        return ""
    if counter.status == "paused":
        return text("hint.paused", lang)
    if counter.ticket is not None and counter.ticket.state == "called":
        return text("hint.called", lang)
    if counter.status == "open" and counter.ticket is None and counter.may_call(s.services) == 0:
        return text("hint.queue_empty", lang)
    return ""


def _banner(s: Snapshot, blocked: Blocked | None, error: str | None, sending: bool,
            lang: str) -> dict[str, str]:
    if blocked == "not_bound":
        return {"banner": text("blocked.not_bound", lang, device=s.device_id),
                "banner_kind": "error"}
    if blocked is not None:
        return {"banner": text(f"blocked.{blocked}", lang), "banner_kind": "offline"}
    if error is not None:
        return {"banner": error_text(error, lang), "banner_kind": "error"}
    if sending and s.busy:
        return {"banner": text("busy", lang), "banner_kind": "busy"}
    return {"banner": "", "banner_kind": ""}


def _service_name(config: CenterConfig | None, service_id: str, lang: str) -> str:
    service = config.service(service_id) if config else None
    return service.name.get(lang) if service else service_id


def _waiting(s: Snapshot, lang: str) -> tuple[tuple[str, int], ...]:
    counter = s.counter
    if counter is None:
        return ()
    rows = [(_service_name(s.config, service_id, lang), _waiting_for(s, service_id))
            for service_id in counter.services]
    if counter.sent_here:
        rows.append((text("sent_here", lang), len(counter.sent_here)))
    return tuple(rows)


def _waiting_for(s: Snapshot, service_id: str) -> int:
    """Who waits in a service for any of its counters (those sent to this one have their own
    row)."""
    service = s.services.get(service_id)
    return service.waiting - service.reserved if service else 0


def _picker(s: Snapshot, page: Page, lang: str) -> dict[str, object]:
    if page == "call":
        return {"pick_title": text("pick.call.title", lang), "pick_items": _call_items(s, lang),
                "pick_ok": text("pick.call.ok", lang)}
    if page == "transfer":
        ticket = s.ticket
        return {"pick_title": text("pick.transfer.title", lang,
                                 number=ticket.number if ticket else "—"),
                "pick_items": _transfer_items(s, lang), "pick_ok": text("pick.transfer.ok", lang)}
    return {"pick_title": "", "pick_items": (), "pick_ok": ""}


def _call_items(s: Snapshot, lang: str) -> tuple[PickItem, ...]:
    items: list[PickItem] = []
    section = ""
    for found in callable_numbers(s):
        title = (text(found.kind, lang) if found.kind != "waiting"
                 else _service_name(s.config, found.service, lang))
        if title != section:
            items.append(PickItem(f"header:{title}", title, header=True))
            section = title
        label = found.number
        if found.priority:
            label += f"  ({text('priority', lang)})"
        if found.kind != "waiting":
            label += f"  · {_service_name(s.config, found.service, lang)}"
        items.append(PickItem(found.number, label))
    return tuple(items)


def transfer_targets(s: Snapshot) -> tuple[list[str], list[str]]:
    """Services and counters a current ticket can be sent to (not where it already is)."""
    config, ticket = s.config, s.ticket
    if config is None or ticket is None:
        return [], []
    services = [service.id for service in config.services if service.id != ticket.service]
    counters = [counter.id for counter in config.counters if counter.id != s.counter_id]
    return services, counters


def _transfer_items(s: Snapshot, lang: str) -> tuple[PickItem, ...]:
    config = s.config
    services, counters = transfer_targets(s)
    if config is None:
        return ()
    items = [PickItem("header:services", text("pick.services", lang), header=True)]
    items += [PickItem(f"service:{sid}", _service_name(config, sid, lang)) for sid in services]
    items.append(PickItem("header:counters", text("pick.counters", lang), header=True))
    for counter_id in counters:
        configured = config.counter(counter_id)
        assert configured is not None
        state = s.counters.get(counter_id)
        served = state.services if state else configured.services
        items.append(PickItem(f"counter:{counter_id}", text(
            "pick.counter_item", lang, number=configured.number,
            status=text(f"status.{state.status if state else 'closed'}", lang),
            services=", ".join(_service_name(config, sid, lang) for sid in served))))
    return tuple(items)
