"""Which waiting ticket a counter calls next. A center picks a policy by name in its config."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from broker.core.queue_state import CounterDay, QueueState, Ticket


def eligible(state: QueueState, counter: CounterDay) -> list[Ticket]:
    """Waiting tickets this counter may call: its services' queues, and those sent to it."""
    tickets = state.tickets
    found = [tickets[t] for service in counter.services for t in state.services[service].waiting
             if tickets[t].for_counter is None]
    found += [tickets[t] for t in counter.sent_here]
    return found


def priority_turn(waiting: Sequence[Ticket], counter: CounterDay, ordinary_per_priority: int
                  ) -> list[Ticket]:
    """The interleave: a priority ticket after every `ordinary_per_priority` ordinary calls.

    While only one kind waits, that kind is called; so neither queue starves.
    """
    priority = [t for t in waiting if t.priority]
    ordinary = [t for t in waiting if not t.priority]
    if not priority or not ordinary:
        return priority or ordinary
    return priority if counter.ordinary_streak >= ordinary_per_priority else ordinary


def appointment_turn(waiting: Sequence[Ticket], counter: CounterDay, now: datetime | None,
                     walk_ins_per_appointment: int = 1, grace: timedelta = timedelta(0)
                     ) -> list[Ticket]:
    """Appointments before walk-ins, at an interleave: an appointment whose slot has come is
    called before the walk-ins, then the counter owes `walk_ins_per_appointment` walk-in calls
    (while walk-ins wait) before the next one; an appointment past its slot by more than
    `grace` goes first whatever is owed (appointments are few: slots have a capacity, so
    walk-ins never starve). One checked in early waits for its slot, unless nobody else
    waits. Without `now` (a caller that knows nothing of appointments) all are walk-ins."""
    if now is None:
        return list(waiting)
    walk_ins = [t for t in waiting if t.appointment_at is None]
    if len(walk_ins) == len(waiting):
        return walk_ins
    due = [t for t in waiting if t.appointment_at is not None and t.appointment_at <= now]
    overdue = [t for t in due if t.appointment_at is not None and now - t.appointment_at > grace]
    if overdue:
        return overdue
    if due and (not walk_ins or counter.owes_walk_ins <= 0):
        return due
    if walk_ins:
        return walk_ins
    return [t for t in waiting if t.appointment_at is not None]  # only early ones wait


def _slot_first(turn: list[Ticket]) -> Ticket | None:
    """Among appointments, the earliest slot, then the first checked in."""
    return min(turn, key=lambda t: (t.appointment_at, *_arrival(t)), default=None)


def _arrival(ticket: Ticket) -> tuple:
    # A transferred ticket keeps its place in time: its original issue time counts.
    return (ticket.issued_at, ticket.seq, ticket.id)


def oldest_first(waiting: Sequence[Ticket], counter: CounterDay, ordinary_per_priority: int,
                 *, now: datetime | None = None, walk_ins_per_appointment: int = 1,
                 grace: timedelta = timedelta(0)) -> Ticket | None:
    """Appointments whose slot has come (`appointment_turn`), then the priority interleave,
    then the oldest ticket among all the counter's services."""
    waiting = appointment_turn(waiting, counter, now, walk_ins_per_appointment, grace)
    if waiting and waiting[0].appointment_at is not None:
        return _slot_first(waiting)
    turn = priority_turn(waiting, counter, ordinary_per_priority)
    return min(turn, key=_arrival, default=None)


def service_order(waiting: Sequence[Ticket], counter: CounterDay, ordinary_per_priority: int,
                  *, now: datetime | None = None, walk_ins_per_appointment: int = 1,
                  grace: timedelta = timedelta(0)) -> Ticket | None:
    """Appointments whose slot has come (`appointment_turn`), then the interleave, then the
    counter's first service that has anyone waiting (tickets sent to this counter first),
    oldest first within it."""
    waiting = appointment_turn(waiting, counter, now, walk_ins_per_appointment, grace)
    if waiting and waiting[0].appointment_at is not None:
        return _slot_first(waiting)
    turn = priority_turn(waiting, counter, ordinary_per_priority)

    def rank(ticket: Ticket) -> tuple:
        if ticket.for_counter == counter.id:
            return (-1, *_arrival(ticket))
        return (counter.services.index(ticket.service), *_arrival(ticket))

    return min(turn, key=rank, default=None)


CallPolicy = Callable[..., Ticket | None]  # (waiting, counter, ordinary_per_priority, *, now...)

POLICIES: dict[str, CallPolicy] = {
    "oldest_first": oldest_first,
    "service_order": service_order,
}
