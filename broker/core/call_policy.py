"""Which waiting ticket a counter calls next. A center picks a policy by name in its config."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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


def _arrival(ticket: Ticket) -> tuple:
    # A transferred ticket keeps its place in time: its original issue time counts.
    return (ticket.issued_at, ticket.seq, ticket.id)


def oldest_first(waiting: Sequence[Ticket], counter: CounterDay, ordinary_per_priority: int
                 ) -> Ticket | None:
    """The interleave, then the oldest ticket among all the counter's services."""
    turn = priority_turn(waiting, counter, ordinary_per_priority)
    return min(turn, key=_arrival, default=None)


def service_order(waiting: Sequence[Ticket], counter: CounterDay, ordinary_per_priority: int
                  ) -> Ticket | None:
    """The interleave, then the counter's first service that has anyone waiting (tickets sent
    to this counter first), oldest first within it."""
    turn = priority_turn(waiting, counter, ordinary_per_priority)

    def rank(ticket: Ticket) -> tuple:
        if ticket.for_counter == counter.id:
            return (-1, *_arrival(ticket))
        return (counter.services.index(ticket.service), *_arrival(ticket))

    return min(turn, key=rank, default=None)


CallPolicy = Callable[[Sequence[Ticket], CounterDay, int], Ticket | None]

POLICIES: dict[str, CallPolicy] = {
    "oldest_first": oldest_first,
    "service_order": service_order,
}
