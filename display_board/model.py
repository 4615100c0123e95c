"""What the board shows, computed from the retained state it was last told (no Qt here).

The hub is the only source of truth: the model keeps the newest rev of each retained topic and
derives rows for the view from them, filtered to the board's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from broker.wire.protocol import BoardState, CounterState, Event, Retained, ServiceState
from config.schema import CenterConfig, Text
from display_board.zone import zone_of

TileStatus = Literal["ready", "called", "serving", "paused", "closed"]
CALL_KINDS = frozenset({"ticket.called", "ticket.recalled"})


@dataclass(frozen=True, slots=True)
class CounterRow:
    id: str
    number: int
    ticket: str  # the number at the counter, "" when none
    status: TileStatus


@dataclass(frozen=True, slots=True)
class CallRow:
    number: str
    counter: str
    counter_number: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ServiceRow:
    id: str
    name: Text
    waiting: int
    closed_reason: str | None  # None while the service issues numbers


class BoardModel:
    def __init__(self, device_id: str, explicit_zone: tuple[str, ...] | None = None) -> None:
        self.device_id = device_id
        self.explicit_zone = explicit_zone
        self.config: CenterConfig | None = None
        self.zone: frozenset[str] | None = None
        self.counter_states: dict[str, CounterState] = {}
        self.service_states: dict[str, ServiceState] = {}
        self.board: BoardState | None = None
        self.last_event_call: CallRow | None = None

    # --- input ------------------------------------------------------------------------------

    def set_config(self, config: CenterConfig) -> bool:
        if config == self.config:
            return False
        self.config = config
        self.zone = zone_of(config, self.device_id, self.explicit_zone)
        return True

    def apply(self, message: Retained) -> bool:
        """Take a retained state message; False when it is older than what the model holds.

        The device client drops older revs too, but a queued Qt signal can still arrive after
        the model was filled from the client's cache.
        """
        if isinstance(message, CounterState):
            held: Retained | None = self.counter_states.get(message.id)
        elif isinstance(message, ServiceState):
            held = self.service_states.get(message.id)
        elif isinstance(message, BoardState):
            held = self.board
        else:
            return False
        if held is not None and message.rev <= held.rev:
            return False
        if isinstance(message, CounterState):
            self.counter_states[message.id] = message
        elif isinstance(message, ServiceState):
            self.service_states[message.id] = message
        else:
            self.board = message
        return True

    def note_call(self, event: Event) -> CallRow | None:
        """A call event in this zone becomes the newest call at once, even if the retained board
        state that carries it is still on its way."""
        if event.kind not in CALL_KINDS or not event.number or not event.counter:
            return None
        if not self.in_zone(event.counter):
            return None
        call = CallRow(event.number, event.counter,
                       event.counter_number or self._counter_number(event.counter), event.at)
        self.last_event_call = call
        return call

    # --- output -----------------------------------------------------------------------------

    def in_zone(self, counter_id: str) -> bool:
        return self.zone is None or counter_id in self.zone

    def counters(self) -> list[CounterRow]:
        if self.config is None:
            return []
        rows = []
        for counter in self.config.counters:
            if not self.in_zone(counter.id):
                continue
            state = self.counter_states.get(counter.id)
            rows.append(CounterRow(counter.id, counter.number,
                                   state.ticket.number if state and state.ticket else "",
                                   _status(state)))
        return sorted(rows, key=lambda row: row.number)

    def calls(self) -> list[CallRow]:
        if self.board is None:
            return []
        return [CallRow(c.number, c.counter, c.counter_number or self._counter_number(c.counter),
                        c.at)
                for c in self.board.calls if self.in_zone(c.counter)]

    def newest_call(self) -> CallRow | None:
        calls = self.calls()
        candidates = [c for c in (calls[0] if calls else None, self.last_event_call) if c]
        return max(candidates, key=lambda c: c.at) if candidates else None

    def services(self) -> list[ServiceRow]:
        if self.config is None:
            return []
        served: set[str] | None = None
        if self.zone is not None:
            served = set()
            for counter in self.config.counters:
                if counter.id in self.zone:
                    state = self.counter_states.get(counter.id)
                    # A manager may have moved the counter to other services today.
                    served.update(state.services if state else counter.services)
        rows = []
        for service in self.config.services:
            if served is not None and service.id not in served:
                continue
            state = self.service_states.get(service.id)
            rows.append(ServiceRow(
                service.id, service.name, state.waiting if state else 0,
                None if state is None or state.open else state.closed_reason or "manager"))
        return rows

    def message(self, now: datetime) -> str:
        notice = self.board.message if self.board else None
        if notice is None or (notice.until is not None and notice.until <= now):
            return ""
        return notice.text

    def center_name(self, lang: str) -> str:
        return self.config.center.name.get(lang) if self.config else ""

    def _counter_number(self, counter_id: str) -> int:
        counter = self.config.counter(counter_id) if self.config else None
        if counter is not None:
            return counter.number
        state = self.counter_states.get(counter_id)
        return state.number if state else 0


def _status(state: CounterState | None) -> TileStatus:
    if state is None or state.status == "closed":
        return "closed"
    if state.status == "paused":
        return "paused"
    if state.ticket is not None:
        return "serving" if state.ticket.state == "serving" else "called"
    return "ready"


def is_fresh(at: datetime, now: datetime, max_age_s: float) -> bool:
    """A call is fresh when it happened at most `max_age_s` ago (a little clock skew between
    the hub and this device is tolerated in the other direction)."""
    return now - at <= timedelta(seconds=max_age_s) and at - now <= timedelta(seconds=max_age_s)
