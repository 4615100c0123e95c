"""What the queue shows, in the shapes the wire carries: the retained state of every service,
counter and the board, and the ticket in replies. Typed once here: the engine's views build
them, the hub encodes them and devices decode them (through `broker.wire.protocol`, which adds
topics, envelopes and the messages devices send).

Devices decode these leniently (fields they do not know are ignored), so fields can be added
within v1. The hub encodes every field, in the order written here: the order is part of the
bytes on the wire (`tests/hub/test_wire_bytes.py`). Times go out to the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

import msgspec

VERSION = 1


class Message(msgspec.Struct, frozen=True, kw_only=True):
    v: int = VERSION


class Retained(Message, frozen=True, kw_only=True):
    rev: int = 0


class TicketInfo(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    number: str
    service: str
    state: str
    priority: bool = False
    reason: str | None = None
    issued_at: datetime | None = None
    counter: str | None = None
    called_at: datetime | None = None
    calls: int = 0
    served_at: datetime | None = None
    finished_at: datetime | None = None
    for_counter: str | None = None
    transfers: int = 0


class IssuedTicketInfo(TicketInfo, frozen=True, kw_only=True):
    """`ticket.issue`'s ticket: who is ahead of it, and its estimated wait."""

    ahead: int = 0
    ewt_s: int = 0
    # The ticket's web page: its token and address (the QR printed on it); never in events.
    token: str = ""
    status_url: str = ""


class QueuedTicket(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    number: str
    priority: bool = False
    issued_at: datetime | None = None
    for_counter: str | None = None


class ServiceState(Retained, frozen=True, kw_only=True):
    id: str
    department: str = ""
    waiting: int = 0
    waiting_priority: int = 0
    reserved: int = 0  # of `waiting`, those sent to one counter: only it may call them
    open: bool = False
    closed_reason: str | None = None
    opens_at: datetime | None = None
    ewt_s: int = 0
    mean_service_s: int = 0
    counters_open: int = 0
    issued: int = 0
    served: int = 0
    daily_limit: int | None = None
    last_issued: str | None = None
    last_called: str | None = None
    oldest_issued_at: datetime | None = None
    queue: list[QueuedTicket] = []


class TicketRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    number: str
    service: str


class CounterState(Retained, frozen=True, kw_only=True):
    id: str
    number: int = 0
    status: Literal["open", "paused", "closed"] = "closed"
    officer: str | None = None
    services: list[str] = []
    ticket: TicketInfo | None = None
    missed: list[TicketRef] = []
    sent_here: list[TicketRef] = []

    def may_call(self, services: Mapping[str, ServiceState]) -> int:
        """How many waiting tickets this counter may call now (`counter.call_next`): those of
        its services that are not sent to one counter, and those sent to it. From the
        services' states, so that a new ticket changes one retained topic, not every
        counter's."""
        return len(self.sent_here) + sum(
            s.waiting - s.reserved for s in map(services.get, self.services) if s is not None)


class BoardCallInfo(msgspec.Struct, frozen=True, kw_only=True):
    ticket: str = ""
    number: str
    counter: str
    counter_number: int = 0
    service: str = ""
    at: datetime


class BoardNotice(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    until: datetime | None = None


class BoardState(Retained, frozen=True, kw_only=True):
    calls: list[BoardCallInfo] = []
    message: BoardNotice | None = None
