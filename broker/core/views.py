"""What the hub publishes and replies about the queue: the wire's typed messages
(`broker.core.messages`) built from the engine's state. The one place a ticket, service,
counter or board of the domain takes its wire shape."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, overload

import msgspec

from broker.core.messages import (
    BoardCallInfo,
    BoardNotice,
    BoardState,
    CounterState,
    IssuedTicketInfo,
    QueuedTicket,
    ServiceState,
    TicketInfo,
    TicketRef,
)
from broker.core.opening_hours import hours_of, next_opening
from broker.core.queue_state import QueueState, Ticket

if TYPE_CHECKING:  # only for the hints: the engine imports this module for its replies
    from broker.core.engine import QueueEngine

QUEUE_PREVIEW = 50


@overload
def to_second(at: datetime) -> datetime: ...


@overload
def to_second(at: None) -> None: ...


def to_second(at: datetime | None) -> datetime | None:
    """The wire carries times to the second: a device shows no more, and the bytes of a
    view change only when what it shows does."""
    return at.replace(microsecond=0) if at is not None and at.microsecond else at


def ticket_info(t: Ticket) -> TicketInfo:
    return TicketInfo(
        id=t.id, number=t.number, service=t.service, state=t.state.value,
        priority=t.priority, reason=t.reason, issued_at=to_second(t.issued_at),
        counter=t.counter, called_at=to_second(t.called_at), calls=t.calls,
        served_at=to_second(t.served_at), finished_at=to_second(t.finished_at),
        for_counter=t.for_counter, transfers=t.transfers,
    )


def issued_ticket_info(t: Ticket, ahead: int, ewt_s: int, told: tuple[int, int] | None, *,
                       token: str, status_url: str) -> IssuedTicketInfo:
    """`told`: the range of the wait (`QueueEngine.wait_range`), None if no counter serves."""
    return IssuedTicketInfo(**msgspec.structs.asdict(ticket_info(t)), ahead=ahead, ewt_s=ewt_s,
                            ewt_low_s=told[0] if told else None,
                            ewt_high_s=told[1] if told else None,
                            no_counter=told is None, token=token, status_url=status_url)


def service_view(engine: QueueEngine, state: QueueState, service_id: str, now: datetime
                 ) -> ServiceState:
    service = engine.config.service(service_id)
    assert service is not None
    day = state.services[service_id]
    reason = engine.closed_reason(state, service_id, now)
    opens_at = None
    if reason == "hours":
        opens_at = next_opening(hours_of(engine.config, service), engine.local(now))
    waiting = [state.tickets[t] for t in day.waiting]
    ewt_s = engine.estimated_wait_s(state, service_id, now)
    told = engine.wait_range(state, service_id, ewt_s)
    told_priority = (engine.wait_range(state, service_id,
                                       engine.estimated_wait_s(state, service_id, now, True))
                     if told is not None else None)
    return ServiceState(
        id=service_id,
        department=service.department,
        waiting=len(waiting),
        waiting_priority=len(day.waiting_priority),
        reserved=sum(1 for t in waiting if t.for_counter is not None),
        open=reason is None,
        closed_reason=reason,
        opens_at=to_second(opens_at),
        ewt_s=ewt_s,
        ewt_low_s=told[0] if told else None,
        ewt_high_s=told[1] if told else None,
        ewt_priority_low_s=told_priority[0] if told_priority else None,
        ewt_priority_high_s=told_priority[1] if told_priority else None,
        no_counter=told is None,
        mean_service_s=round(engine.mean_service_s(state, service_id)),
        counters_open=engine.serving_counters(state, service_id),
        issued=day.issued,
        served=day.served,
        daily_limit=service.daily_limit,
        last_issued=day.last_issued,
        last_called=day.last_called,
        oldest_issued_at=to_second(min((t.issued_at for t in waiting), default=None)),
        queue=[
            QueuedTicket(id=t.id, number=t.number, priority=t.priority,
                         issued_at=to_second(t.issued_at), for_counter=t.for_counter)
            for t in waiting[:QUEUE_PREVIEW]
        ],
    )


def counter_view(engine: QueueEngine, state: QueueState, counter_id: str) -> CounterState:
    configured = engine.config.counter(counter_id)
    assert configured is not None
    counter = state.counters[counter_id]
    ticket = state.tickets[counter.ticket] if counter.ticket else None
    return CounterState(
        id=counter_id,
        number=configured.number,
        status=counter.status.value,
        officer=counter.officer,
        services=list(counter.services),
        # Retained and read by every device: the priority flag, never its reason (a
        # disability, a pregnancy: a personal category). The calling counter's reply has it.
        ticket=msgspec.structs.replace(ticket_info(ticket), reason=None) if ticket else None,
        missed=[_ref(state.tickets[t]) for t in counter.missed],
        sent_here=[_ref(state.tickets[t]) for t in counter.sent_here],
    )


def _ref(t: Ticket) -> TicketRef:
    return TicketRef(id=t.id, number=t.number, service=t.service)


def board_view(engine: QueueEngine, state: QueueState, now: datetime) -> BoardState:
    message = state.message
    if message is not None and message.until is not None and message.until <= now:
        message = None
    numbers = {k.id: k.number for k in engine.config.counters}
    return BoardState(
        calls=[
            BoardCallInfo(ticket=c.ticket, number=c.number, counter=c.counter,
                          counter_number=numbers[c.counter], service=c.service,
                          at=to_second(c.at))
            for c in state.board
        ],
        message=BoardNotice(text=message.text, until=to_second(message.until))
        if message else None,
    )
