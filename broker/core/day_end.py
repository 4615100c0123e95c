"""The end of a business day, and a day's state carried over to another config. Pure.

A day ends explicitly: the hub records `day.close` for it (in the ledger, like a command, so
a replay ends the day the same way). Tickets still waiting, called or being served get their
own end state, `day_closed` ("not served: the day closed"), one `day.closed` event lists them,
counters close and the board clears. Missed tickets (`no_show`) stay missed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from broker.core.commands import Args
from broker.core.engine import Accepted, EngineEvent, QueueEngine, iso
from broker.core.queue_state import (
    CounterDay,
    CounterStatus,
    QueueState,
    ServiceDay,
    TicketState,
)

DAY_CLOSE_OP = "day.close"
DAY_CLOSED_EVENT = "day.closed"
HUB_DEVICE_ID = "hub"  # the ledger's `device` of what the hub records on its own
UNFINISHED = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING})


class DayCloseArgs(Args):
    day: date


def day_close_id(day: date) -> str:
    """The command id of a day's close: one per day, so a day is closed once."""
    return f"{DAY_CLOSE_OP}:{day.isoformat()}"


def close_day(engine: QueueEngine, state: QueueState, at: datetime) -> Accepted:
    """The day's last step: what was not served is closed, counters close, the board clears.
    `at` is when the hub closed it (usually just after midnight, or at its next start)."""
    at = engine.local(at)
    unfinished = sorted((t for t in state.tickets.values() if t.state in UNFINISHED),
                        key=lambda t: t.issued_at)
    closed = {t.id: replace(t, state=TicketState.DAY_CLOSED) for t in unfinished}
    counters = {
        k: replace(c, status=CounterStatus.CLOSED, officer=None, ticket=None, sent_here=(),
                   missed=())
        for k, c in state.counters.items()
    }
    services = {s: replace(d, waiting=(), waiting_priority=()) for s, d in state.services.items()}
    listed = [{"id": t.id, "number": t.number, "service": t.service, "was": t.state.value,
               "counter": t.counter if t.state is not TicketState.WAITING else None}
              for t in unfinished]
    new_state = QueueState(
        day=state.day, tickets={**state.tickets, **closed}, counters=counters,
        services=services, board=(), message=None, ratings=state.ratings,
        bookings=state.bookings,  # the book spans days: its bookings to come stay
    )
    event = EngineEvent(DAY_CLOSED_EVENT, {"at": iso(at), "day": state.day.isoformat(),
                                     "not_served": len(listed), "tickets": listed})
    result: dict[str, Any] = {"day": state.day.isoformat(), "not_served": listed}
    return Accepted(new_state, result, (event,), tuple(closed.values()))


def fit_state(engine: QueueEngine, state: QueueState) -> QueueState:
    """A day's state carried over to `engine`'s config (an edit applies to what comes next):
    counters and services the config adds start closed and empty; those it removes stay while
    they still hold tickets (nothing is lost), and go once they hold none; the board keeps the
    calls of counters that still exist."""
    config = engine.config
    counters = dict(state.counters)
    services = dict(state.services)
    for k in config.counters:
        if k.id not in counters:
            counters[k.id] = CounterDay(
                k.id, CounterStatus.CLOSED, None, tuple(s for s in k.services),
                ordinary_streak=config.queue.ordinary_per_priority)
    for s in config.services:
        if s.id not in services:
            services[s.id] = ServiceDay(s.id, next_seq=s.range[0])
    for counter_id, c in list(counters.items()):
        if config.counter(counter_id) is None and c.ticket is None and not c.sent_here:
            del counters[counter_id]
    in_use = {s for c in counters.values() for s in c.services}
    for service_id, d in list(services.items()):
        if config.service(service_id) is None and not d.waiting and service_id not in in_use:
            del services[service_id]
    for counter_id, c in counters.items():
        kept = tuple(s for s in c.services if s in services)
        if kept != c.services:
            counters[counter_id] = replace(c, services=kept)
    board = tuple(call for call in state.board if config.counter(call.counter) is not None)
    return replace(state, counters=counters, services=services, board=board)
