"""The estimated wait printed on a new ticket.

A small deterministic forecast: each open counter that serves the service frees up when its
current citizen is expected to leave; the tickets ahead, in any service those counters take,
go oldest first to the earliest-free counter that may take them, each holding it for its
service's recent mean counter time (call to done). The new ticket's wait is when a counter
that serves it is free after them. This is "people ahead x mean time / counters", made right
for counters shared between services and for counters that are busy right now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from broker.queue_state import CounterState, CounterStatus, QueueState, Ticket

MeanTime = Callable[[str], float]


def _remaining_s(state: QueueState, counter: CounterState, now: datetime,
                 mean_s: MeanTime) -> float:
    if counter.ticket is None:
        return 0.0
    ticket = state.tickets[counter.ticket]
    expected = mean_s(ticket.service)
    elapsed = (now - (ticket.called_at or now)).total_seconds()
    # An overrunning citizen is assumed to leave soon, not never.
    return max(expected - elapsed, 0.1 * expected)


def estimated_wait_s(state: QueueState, service_id: str, now: datetime, mean_s: MeanTime,
                     *, priority: bool = False) -> int:
    counters = [k for k in state.counters.values()
                if k.status is CounterStatus.OPEN and service_id in k.services]
    if not counters:
        # Nobody serves it now: everyone ahead, one after another, once a counter opens.
        waiting = state.services[service_id].waiting
        ahead = [t for t in waiting if state.tickets[t].priority] if priority else waiting
        return round((len(ahead) + 1) * mean_s(service_id))
    free = {k.id: _remaining_s(state, k, now, mean_s) for k in counters}
    # How many open counters take each service: a K counter takes its share of a ticket that
    # counters outside K may also take.
    takers: dict[str, int] = {}
    for k in state.counters.values():
        if k.status is CounterStatus.OPEN:
            for s in k.services:
                takers[s] = takers.get(s, 0) + 1
    ahead: list[Ticket] = []
    services = {s for k in counters for s in k.services}
    for s in services:
        for ticket_id in state.services[s].waiting:
            ticket = state.tickets[ticket_id]
            if priority and not ticket.priority:
                continue
            if ticket.for_counter is None or ticket.for_counter in free:
                ahead.append(ticket)
    ahead.sort(key=lambda t: (t.issued_at, t.seq))
    for ticket in ahead:
        if ticket.for_counter is not None:
            able = [ticket.for_counter]
            share = 1.0
        else:
            able = [k.id for k in counters if ticket.service in k.services]
            share = len(able) / takers.get(ticket.service, len(able))
        chosen = min(able, key=free.__getitem__)
        free[chosen] += mean_s(ticket.service) * share
    return round(min(free.values()))
