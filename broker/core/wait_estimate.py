"""The estimated wait printed on a new ticket, and published with each service's state.

A deterministic forecast of the calls to come, made only of what the engine has seen today.
The open counters that serve the service, with every open counter linked to them through a
shared service, call one after another as the call policy would: the priority interleave,
then the oldest ticket (or the counter's first service) among those each may take.

- A busy counter is ready when its citizen is expected to leave: the mean residual life of
  the recent counter times (`CounterTimes.remaining_s`), not "mean minus elapsed", which
  says a citizen who has overrun is about to leave.
- A counter standing free calls after the hall's recent pickup delay (from a citizen's
  arrival to the call), one that has just freed after the hall's recent turnaround.
- Each citizen called holds the counter for the service's expected counter time: from the call
  to leaving the desk, so the walk to the desk and the minutes lost on a no-show are in it;
  the recent mean, drawn toward the configured mean at today's pace (`CounterTimes.mean_s`).
- An ordinary ticket is also overtaken while it waits by tickets not yet in line: priority
  tickets issued later, transfers (they keep their first issue time), missed citizens called
  back. Its wait is stretched by the share of calls that went to those today
  (`overtaken_share`).

The new ticket's wait is when a counter calls it. Cheap whatever the queue: the first
`CALLS_WALKED` calls are followed one by one from the head of each queue, the rest of each
queue is counted (not walked) and shared among its counters as the walk shared it.

What a citizen is told is a range around it (`wait_range`): one wait is a sum of a few counter
times that vary by 40%, so a point is within ±20% of it for only about 40% of citizens, while
the range holds the real wait for about 80% (`tests/engine/test_wait_estimate_accuracy.py`).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import datetime
from heapq import heapify, heappop, heappush
from itertools import accumulate

from broker.core.queue_state import CounterDay, CounterStatus, QueueState, ServiceDay, Ticket

# Calls followed one by one; counting the rest keeps a forecast as cheap with ten thousand
# waiting as with ten (tests/engine/test_wait_estimate.py). Walking 24, 36 or 60 calls gave
# the same accuracy on tests/engine/hall_model.py's mornings: that far ahead the forecast's
# own spread (a sum of dozens of counter times) dwarfs what walking would change.
CALLS_WALKED = 24
# A service's configured mean, at today's pace, counts as this many of its samples: a few
# times that vary by 40% give a mean 15-20% off, and a first sample alone (a no-show's two
# minutes for a ten-minute service) would swing the forecast.
PRIOR_SAMPLES = 5
# Today's pace (recent times over configured means, across services) starts from 1 as if from
# this many samples: the first ones to finish are the short ones (the long ones still run).
PACE_PRIOR = 20
# The empirical residual life needs this many samples in the hall, and a few longer than the
# time already spent.
SHAPE_SAMPLES = 20
TAIL_SAMPLES = 3
# The share of calls that overtake a waiting ticket starts the day as if from this many calls
# that overtook no one; and never stretches a wait to more than twice the line ahead of it.
PRIOR_CALLS = 10
MAX_OVERTAKEN = 0.5
# The range around a forecast of `e` seconds for a service whose citizens hold a counter for
# `m` seconds each: `e ± RANGE_Z * spread`, rounded to `RANGE_STEPS`, where the spread is
# `sqrt(e * m + (RANGE_RELATIVE * e) ** 2)` times how far off today's forecasts have been
# (`CounterTimes.misses`). The first term is the spread of a sum of e/m counter times (how much
# a queue of them varies grows with its square root); the second, what grows with the wait
# itself: the means learnt today, and the priority tickets and transfers that arrive
# meanwhile. Calibrated on tests/engine/hall_model.py's twelve mornings (with the rounding) so
# that about 80% of real waits fall inside, as narrow as that allows.
RANGE_Z = 0.65
RANGE_RELATIVE = 0.2
# A forecast's miss is |wait - forecast| over its spread (at least a minute); the mornings'
# mean miss is `TYPICAL_MISS`. Today's mean miss over it scales the spread, starting from 1 as
# if from `PRIOR_MISSES` typical misses: a hard morning (long counter times early, a queue
# that the forecast keeps underestimating) widens the ranges, an easy one narrows them.
TYPICAL_MISS = 0.365
PRIOR_MISSES = 20
MIN_SPREAD_S = 60.0
# (up to this many seconds for the range's top, the step its ends are rounded to): whole
# minutes for a short wait, 5 minutes up to an hour, 10 up to two, then whole hours.
RANGE_STEPS = ((600, 60), (3600, 300), (7200, 600))
RANGE_STEP_LAST = 3600


class CounterTimes:
    """What today's counter times say: each service's expected time at the desk, and how long
    a citizen who has been at the desk a while still stays. Depends only on the services'
    recent samples and the configured means, so one serves every forecast of a state."""

    def __init__(self, services: Mapping[str, ServiceDay], configured_s: Mapping[str, float]
                 ) -> None:
        self.services = services
        self.configured_s = configured_s
        self._means: dict[str, float] = {}
        self._pace: float | None = None
        self._misses: float | None = None
        self._shape: list[float] | None = None
        self._longer_sums: list[float] = []

    def pace(self) -> float:
        """How today's counter times run against the configured means, over all services."""
        if self._pace is None:
            ratios = count = 0.0
            for day in self.services.values():
                if day.recent_service_s:
                    ratios += sum(day.recent_service_s) / self.configured_s[day.id]
                    count += len(day.recent_service_s)
            self._pace = (ratios + PACE_PRIOR) / (count + PACE_PRIOR)
        return self._pace

    def mean_s(self, service_id: str) -> float:
        """The service's expected counter time: its recent mean, drawn toward its configured
        mean at today's pace (`PRIOR_SAMPLES`)."""
        found = self._means.get(service_id)
        if found is None:
            recent = self.services[service_id].recent_service_s
            prior = self.configured_s[service_id] * self.pace()
            found = (sum(recent) + PRIOR_SAMPLES * prior) / (len(recent) + PRIOR_SAMPLES)
            self._means[service_id] = found
        return found

    def misses(self) -> float:
        """How far off today's forecasts have been, over a typical morning's (`TYPICAL_MISS`):
        the mean of every service's recent misses, drawn toward 1 (`PRIOR_MISSES`)."""
        if self._misses is None:
            total = count = 0.0
            for day in self.services.values():
                total += sum(day.recent_misses)
                count += len(day.recent_misses)
            self._misses = (total / TYPICAL_MISS + PRIOR_MISSES) / (count + PRIOR_MISSES)
        return self._misses

    def shape(self) -> list[float]:
        """Every service's recent counter times over that service's expected time, sorted.
        How much a counter time varies around its mean is taken to be alike across services,
        so a residual draws on the whole hall's samples rather than on one service's few.
        (Over `mean_s`, not over the samples' own mean: a single sample over itself is 1,
        and a shape made of those would say counter times hardly vary.)"""
        if self._shape is None:
            shape: list[float] = []
            for day in self.services.values():
                if day.recent_service_s:
                    mean = self.mean_s(day.id)
                    shape += (sample / mean for sample in day.recent_service_s)
            self._shape = sorted(shape)
            # The sum of the shape from each position on, for a residual in one bisection.
            self._longer_sums = list(accumulate(reversed(self._shape), initial=0.0))[::-1]
        return self._shape

    def remaining_s(self, service_id: str, elapsed_s: float) -> float:
        """The expected time left for a citizen at the desk for `elapsed_s`: the mean residual
        life E[S - e | S > e] of the samples. A counter time that varies keeps time left
        however long it has run (one varying like a log-normal with sigma 0.4 keeps about a
        third of its mean once the mean has passed)."""
        mean = self.mean_s(service_id)
        shape = self.shape()
        n = len(shape)
        if n < SHAPE_SAMPLES:
            # Too few samples for a shape: what is left of the mean, and at least that third.
            return max(mean - elapsed_s, mean / 3)
        x = elapsed_s / mean
        first_longer = bisect_right(shape, x)
        longer = n - first_longer
        if longer >= TAIL_SAMPLES:
            return mean * (self._longer_sums[first_longer] / longer - x)
        # Longer than nearly every sample: the mean excess of the longest few over the
        # longest sample below them (a tail's residual life changes slowly).
        below = bisect_left(shape, shape[n - TAIL_SAMPLES]) - 1
        if below < 0:
            return max(mean - elapsed_s, mean / 3)  # the samples are all alike
        return mean * (self._longer_sums[below + 1] / (n - below - 1) - shape[below])


def spread_s(estimate_s: float, mean_s: float) -> float:
    """How much the wait behind a forecast of `estimate_s` varies, in seconds, on a typical
    morning; `mean_s` is the service's expected counter time (see `RANGE_Z`)."""
    estimate_s, mean_s = max(0.0, estimate_s), max(0.0, mean_s)
    return math.sqrt(estimate_s * mean_s + (RANGE_RELATIVE * estimate_s) ** 2)


def miss(waited_s: float, estimate_s: float, spread: float) -> float:
    """How far a wait fell from its forecast, in spreads."""
    return abs(waited_s - estimate_s) / max(spread, MIN_SPREAD_S)


def wait_range(estimate_s: float, spread: float) -> tuple[int, int]:
    """The range, in seconds, that the real wait behind a forecast of `estimate_s` with that
    spread (`spread_s`, scaled by today's misses) falls in for about 80% of citizens. Both ends
    are whole steps a person reads at a glance (`RANGE_STEPS`), the nearest to the spread, and
    the range is at least one step wide: 0-60 s is "under a minute"."""
    half = RANGE_Z * spread
    low, high = max(0.0, estimate_s - half), max(0.0, estimate_s + half)
    step = next((step for top, step in RANGE_STEPS if high <= top), RANGE_STEP_LAST)
    low_steps = math.floor(low / step + 0.5)
    high_steps = max(math.floor(high / step + 0.5), low_steps + 1)
    return low_steps * step, high_steps * step


def oldest_ordinary(state: QueueState, counter: CounterDay, but: str) -> Ticket | None:
    """The longest-waiting ordinary ticket that this counter could call, other than `but`.
    Looks only past the few priority or sent tickets at the head of each of its queues."""
    found: Ticket | None = None
    for service_id in counter.services:
        for ticket_id in state.services[service_id].waiting:
            ticket = state.tickets[ticket_id]
            if ticket_id != but and not ticket.priority and ticket.for_counter is None:
                if found is None or _arrival(ticket) < _arrival(found):
                    found = ticket
                break
    return found


def overtaken_share(counters: list[CounterDay]) -> float:
    """The share of these counters' calls today, made while an ordinary ticket waited for
    them, that went to a ticket which was not in line before it (`CounterDay`'s counts)."""
    overtaking = sum(k.overtaking_calls for k in counters)
    queued = sum(k.queued_calls for k in counters)
    return min(MAX_OVERTAKEN, overtaking / (queued + PRIOR_CALLS))


def _arrival(ticket: Ticket) -> tuple[datetime, int]:
    # A transferred ticket keeps its place in time: its original issue time counts.
    return (ticket.issued_at, ticket.seq)


def _mean(samples: list[float]) -> float:
    return sum(samples) / len(samples) if samples else 0.0


class _Queue:
    """One service's waiting tickets as two heads, priority and ordinary, that the forecast
    moves along as it calls them. Tickets sent to one counter are that counter's."""

    def __init__(self, state: QueueState, day: ServiceDay) -> None:
        self.tickets = state.tickets
        self.lines = {True: day.waiting_priority, False: day.waiting}
        self.at = {True: 0, False: 0}
        self.heads: dict[bool, Ticket | None] = {}
        self.taken = {True: 0, False: 0}

    def head(self, priority: bool) -> Ticket | None:
        if priority in self.heads:
            return self.heads[priority]
        line, at = self.lines[priority], self.at[priority]
        found = None
        while at < len(line):
            ticket = self.tickets[line[at]]
            if ticket.for_counter is None and ticket.priority == priority:
                found = ticket
                break
            at += 1
        self.at[priority], self.heads[priority] = at, found
        return found

    def take(self, priority: bool) -> None:
        self.at[priority] += 1
        self.taken[priority] += 1
        del self.heads[priority]

    def left(self, ordinary_per_priority: int | None) -> int:
        """How many are still ahead, counted, not walked; for a new priority ticket (the
        interleave given) the priority ones and the ordinary calls between them."""
        everyone = len(self.lines[False]) - self.taken[True] - self.taken[False]
        if ordinary_per_priority is None:
            return max(0, everyone)
        priority = len(self.lines[True]) - self.taken[True]
        return max(0, min(everyone, priority * (1 + ordinary_per_priority)))


def links_key(state: QueueState) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What `CounterLinks` depends on: which counters are open and what each serves."""
    return tuple((k.id, k.services) for k in state.counters.values()
                 if k.status is CounterStatus.OPEN)


class CounterLinks:
    """For each service, the open counters whose calls decide who is left for it: those that
    serve it or share a service with them, and so on; and which of them serve each service.
    In the config's order. Depends only on `links_key`, so one serves every forecast until a
    counter opens, closes or changes its services (a walk over every counter each time cost
    as much as the rest of a forecast in a hall of a hundred)."""

    def __init__(self, key: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.key = key
        self._of: dict[str, tuple[list[str], dict[str, list[str]]]] = {}

    def of(self, service_id: str) -> tuple[list[str], dict[str, list[str]]]:
        """The linked counters' ids, and the ids of those serving each of their services."""
        found = self._of.get(service_id)
        if found is None:
            services = {service_id}
            linked: set[str] = set()
            grew = True
            while grew:
                grew = False
                for counter_id, served in self.key:
                    if counter_id not in linked and not services.isdisjoint(served):
                        linked.add(counter_id)
                        services.update(served)
                        grew = True
            ids = [counter_id for counter_id, _ in self.key if counter_id in linked]
            takers: dict[str, list[str]] = {}
            for counter_id, served in self.key:
                if counter_id in linked:
                    for s in served:
                        takers.setdefault(s, []).append(counter_id)
            found = (ids, takers)
            for s in services:
                self._of[s] = found
        return found


def estimated_wait_s(state: QueueState, service_id: str, now: datetime, times: CounterTimes,
                     links: CounterLinks, *, priority: bool = False,
                     ordinary_per_priority: int = 2, service_order: bool = False) -> int:
    """Seconds until a ticket for `service_id` issued now would be called (see the module).

    `ordinary_per_priority` is the configured interleave; `service_order` says the counters
    call their first service first rather than the oldest ticket."""
    ids, takers = links.of(service_id)
    serving = [state.counters[k] for k in takers.get(service_id, ())]
    if not serving:
        # Nobody serves it now: everyone ahead, one after another, once a counter opens.
        day = state.services[service_id]
        ahead = len(day.waiting_priority) if priority else len(day.waiting)
        return round((ahead + 1) * times.mean_s(service_id))

    stretch = 1.0 if priority else 1 / (1 - overtaken_share(serving))
    counters = [state.counters[k] for k in ids]
    queues = {s: _Queue(state, state.services[s]) for s in takers}
    # The delays before a call, over every counter's samples (each counter has few).
    pickup = _mean([s for k in state.counters.values() for s in k.recent_pickup_s])
    turnaround = _mean([s for k in state.counters.values() for s in k.recent_turnaround_s])
    ready: dict[str, float] = {}  # seconds from now until each counter may call
    streak: dict[str, int] = {}
    for k in counters:
        streak[k.id] = k.ordinary_streak
        if k.ticket is not None:
            held = state.tickets[k.ticket].service
            elapsed = (now - k.since).total_seconds() if k.since is not None else 0.0
            ready[k.id] = times.remaining_s(held, max(0.0, elapsed)) + turnaround
        else:
            ready[k.id] = pickup
        # The tickets sent to this counter alone: first in `service_order`, and mostly the
        # oldest anyway (they keep their issue time).
        for t in k.sent_here:
            sent = state.tickets[t]
            if sent.priority or not priority:
                ready[k.id] += times.mean_s(sent.service) + turnaround

    # The counter ready first calls next; on a tie, the one first in the config.
    calling = [(ready[k.id], i, k) for i, k in enumerate(counters)]
    heapify(calling)
    taken: dict[tuple[str, str], int] = {}  # tickets of each service each counter took
    for _ in range(CALLS_WALKED):
        if not calling:
            break
        _, i, k = heappop(calling)
        mine = service_id in k.services
        firsts = [(s, h) for s in k.services if (h := queues[s].head(True)) is not None]
        ordinary = [(s, h) for s in k.services if (h := queues[s].head(False)) is not None]
        has_priority = bool(firsts) or (mine and priority)
        has_ordinary = bool(ordinary) or (mine and not priority)
        if not has_priority and not has_ordinary:
            continue  # nothing more for this counter ahead of the new ticket
        # The priority interleave, as in `call_policy.priority_turn`.
        kind = has_priority and (streak[k.id] >= ordinary_per_priority or not has_ordinary)
        candidates: list[tuple[str, Ticket | None]] = firsts if kind else ordinary
        if mine and kind == priority:
            candidates = [*candidates, (service_id, None)]  # the new ticket, newest of its kind
        if service_order:
            s, ticket = min(candidates, key=lambda c: (k.services.index(c[0]), c[1] is None))
        else:
            s, ticket = min(candidates,
                            key=lambda c: _arrival(c[1]) if c[1] else (now, 1 << 62))
        if ticket is None:
            return round(ready[k.id] * stretch)
        queues[s].take(kind)
        taken[k.id, s] = taken.get((k.id, s), 0) + 1
        ready[k.id] += times.mean_s(s) + turnaround
        streak[k.id] = 0 if kind else streak[k.id] + 1
        heappush(calling, (ready[k.id], i, k))

    # Past the walked calls: the rest of each queue is shared among its counters as the walk
    # shared it (a counter busy with its other service takes less), evenly if the walk took
    # none; the new ticket is called when the first of its counters is through its share.
    for s, queue in queues.items():
        left = queue.left(ordinary_per_priority if priority else None)
        if not left:
            continue
        split = [taken.get((k, s), 0) for k in takers[s]]
        total = sum(split)
        for k_id, n in zip(takers[s], split, strict=True):
            share = n / total if total else 1 / len(takers[s])
            ready[k_id] += left * share * (times.mean_s(s) + turnaround)
    return round(min(ready[k.id] for k in serving) * stretch)
