"""The queue's state as frozen values. Only the engine makes new ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from broker.core.bookings import BookingBook


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    DAY_CLOSED = "day_closed"  # not served: the day closed while it waited or was served


class CounterStatus(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    number: str
    seq: int
    service: str
    origin_service: str
    priority: bool
    reason: str | None
    lang: str
    issued_at: datetime
    state: TicketState = TicketState.WAITING
    counter: str | None = None  # the counter that holds (or last held) it
    for_counter: str | None = None  # transferred to one counter only
    officer: str | None = None
    first_called_at: datetime | None = None
    called_at: datetime | None = None
    served_at: datetime | None = None
    finished_at: datetime | None = None
    calls: int = 0
    transfers: int = 0
    rating: int | None = None
    # The forecast it was told at issue, and the spread its range was made of (seconds; None
    # when no open counter served it): how far off today's forecasts are (`ServiceDay`).
    told_s: int | None = None
    told_spread_s: float | None = None
    # An appointment ticket: its booking, and its slot's start (it is called from then on).
    booking: str | None = None
    appointment_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CounterDay:
    """A counter's day in the queue; what devices see of it is the wire's `CounterState`."""

    id: str
    status: CounterStatus
    officer: str | None
    services: tuple[str, ...]
    ticket: str | None = None
    # Ordinary calls since the last priority call; drives the priority interleave.
    ordinary_streak: int = 0
    # Waiting tickets transferred to this counter, and tickets missed (no-show) here; kept
    # here so that a counter's view never scans the whole day.
    sent_here: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    # When the counter took its current ticket (a recall does not restart it) or, holding
    # none, when it became free: how long its citizen has been at the desk, and how long its
    # officer takes to call the next one. The estimated wait is made of these.
    since: datetime | None = None
    # Recent delays before its calls, in seconds: from a citizen's arrival while the counter
    # stood free, and from the counter's last citizen leaving while others waited.
    recent_pickup_s: tuple[float, ...] = ()
    recent_turnaround_s: tuple[float, ...] = ()
    # Today's calls made while an ordinary citizen waited for this counter, and those of them
    # that went ahead of such a citizen without being in line before them (a priority ticket
    # issued later, a transferred or missed one coming back): how much a waiting ticket is
    # overtaken.
    queued_calls: int = 0
    overtaking_calls: int = 0
    # Walk-in calls this counter still owes after its last appointment call, before the next
    # appointment whose slot has come (the appointment interleave).
    owes_walk_ins: int = 0


@dataclass(frozen=True, slots=True)
class ServiceDay:
    id: str
    issuing: bool = True  # a manager may close issuing
    next_seq: int = 0
    issued: int = 0
    served: int = 0
    waiting: tuple[str, ...] = ()  # ids of this service's waiting tickets, in arrival order
    # The priority ones among them, in the same order: the estimated wait follows the
    # priority interleave without scanning the whole queue.
    waiting_priority: tuple[str, ...] = ()
    # Counter time per citizen, from the call to leaving the desk (done, no-show, transfer).
    recent_service_s: tuple[float, ...] = ()
    # How far off the forecast was for its recent tickets, at their first call: the wait's
    # distance from the forecast over the spread then assumed (`wait_estimate.CounterTimes`).
    recent_misses: tuple[float, ...] = ()
    last_issued: str | None = None
    last_called: str | None = None


@dataclass(frozen=True, slots=True)
class BoardCall:
    ticket: str
    number: str
    counter: str
    service: str
    at: datetime


@dataclass(frozen=True, slots=True)
class BoardMessage:
    text: str
    until: datetime | None


@dataclass(frozen=True, slots=True)
class RatingRecord:
    ticket: str
    counter: str
    officer: str | None
    score: int
    reasons: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class QueueState:
    day: date
    tickets: Mapping[str, Ticket]
    counters: Mapping[str, CounterDay]
    services: Mapping[str, ServiceDay]
    board: tuple[BoardCall, ...] = ()
    message: BoardMessage | None = None
    ratings: Mapping[str, RatingRecord] = field(default_factory=dict)
    bookings: BookingBook = field(default_factory=BookingBook)  # spans days: carried over

    def ticket_by_number(self, number: str) -> Ticket | None:
        return next((t for t in self.tickets.values() if t.number == number), None)
