"""What the hub publishes as retained state: plain dicts computed from the engine's state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from broker.core.engine import QueueEngine, iso, ticket_view
from broker.core.opening_hours import hours_of, next_opening
from broker.core.queue_state import QueueState

QUEUE_PREVIEW = 50


def service_view(engine: QueueEngine, state: QueueState, service_id: str, now: datetime
                 ) -> dict[str, Any]:
    service = engine.config.service(service_id)
    assert service is not None
    day = state.services[service_id]
    reason = engine.closed_reason(state, service_id, now)
    opens_at = None
    if reason == "hours":
        opens_at = next_opening(hours_of(engine.config, service), engine.local(now))
    waiting = [state.tickets[t] for t in day.waiting]
    ahead = len(waiting)
    return {
        "id": service_id,
        "department": service.department,
        "waiting": ahead,
        "waiting_priority": len(day.waiting_priority),
        "reserved": sum(1 for t in waiting if t.for_counter is not None),
        "open": reason is None,
        "closed_reason": reason,
        "opens_at": iso(opens_at),
        "ewt_s": engine.estimated_wait_s(state, service_id, now),
        "mean_service_s": round(engine.mean_service_s(state, service_id)),
        "counters_open": engine.serving_counters(state, service_id),
        "issued": day.issued,
        "served": day.served,
        "daily_limit": service.daily_limit,
        "last_issued": day.last_issued,
        "last_called": day.last_called,
        "oldest_issued_at": iso(min((t.issued_at for t in waiting), default=None)),
        "queue": [
            {"id": t.id, "number": t.number, "priority": t.priority, "issued_at": iso(t.issued_at),
             "for_counter": t.for_counter}
            for t in waiting[:QUEUE_PREVIEW]
        ],
    }


def counter_view(engine: QueueEngine, state: QueueState, counter_id: str) -> dict[str, Any]:
    configured = engine.config.counter(counter_id)
    assert configured is not None
    counter = state.counters[counter_id]
    ticket = state.tickets[counter.ticket] if counter.ticket else None
    missed = [state.tickets[t] for t in counter.missed]
    return {
        "id": counter_id,
        "number": configured.number,
        "status": counter.status.value,
        "officer": counter.officer,
        "services": list(counter.services),
        "ticket": ticket_view(ticket) if ticket else None,
        "missed": [{"id": t.id, "number": t.number, "service": t.service} for t in missed],
        "sent_here": [{"id": t.id, "number": t.number, "service": t.service}
                      for t in map(state.tickets.__getitem__, counter.sent_here)],
    }


def board_view(engine: QueueEngine, state: QueueState, now: datetime) -> dict[str, Any]:
    message = state.message
    if message is not None and message.until is not None and message.until <= now:
        message = None
    numbers = {k.id: k.number for k in engine.config.counters}
    return {
        "calls": [
            {"ticket": c.ticket, "number": c.number, "counter": c.counter,
             "counter_number": numbers[c.counter], "service": c.service, "at": iso(c.at)}
            for c in state.board
        ],
        "message": {"text": message.text, "until": iso(message.until)} if message else None,
    }
