"""A simulated morning against the pure engine, in simulated time: how true is the printed
estimated wait?

The same citizens and officers as `qms.simulation` (the headless demo's stand-in for a real
hall), replayed as discrete events instead of threads over MQTT, so a morning takes well
under a second and is the same on every run: arrivals from `qms.simulation.arrival_offsets`
(busiest early), services weighted by their daily limit, 8% priority; officers who call next,
poll every 15 s when nobody waits, lose 5% of calls to no-shows (called, recalled after a
minute, missed after another: 2 minutes of counter time), take 15-40 s from the call to the
citizen at the desk, serve for a log-normal time (sigma 0.4) around the service's configured
mean, and transfer 3% to another service.

`python -m tests.engine.hall_model [seeds]` prints the accuracy by people ahead.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import random
import sys
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean, median

from broker.core.engine import Rejected
from qms.simulation import Plan, arrival_offsets
from tests.engine.driver import TZ, EngineDriver

# The demo's morning: 160 citizens over 120 minutes, officers go on for 90 more.
DEMO_PLAN = Plan(citizens=160, minutes=120.0, drain_minutes=90.0)
MONDAY_7AM = datetime(2026, 11, 23, 7, 0, tzinfo=TZ)
POLL_S = 15.0  # an idle officer tries again after this long

# A process yields how many simulated seconds it sleeps before going on.
Process = Generator[float, None, None]


@dataclass
class Issued:
    ticket: str
    service: str
    priority: bool
    ahead: int
    estimate_s: int
    low_s: int | None
    high_s: int | None


@dataclass(frozen=True)
class Compared:
    ahead: int
    priority: bool
    estimate_s: int
    actual_s: float
    low_s: int | None = None  # the range printed; None: no counter served the service
    high_s: int | None = None


class Hall:
    def __init__(self, plan: Plan = DEMO_PLAN) -> None:
        self.plan = plan
        self.q = EngineDriver(now=MONDAY_7AM, enforce_hours=False)  # the demo's --always-open
        self.start = MONDAY_7AM
        self.events: list[tuple[float, int, Process]] = []
        self.order = 0
        self.arrivals_done = False
        self.issued: list[Issued] = []
        config = self.q.config
        self.services = [s for s in config.services
                         if any(s.id in k.services for k in config.counters)]

    def at(self, t: float, process: Process) -> None:
        self.order += 1
        heapq.heappush(self.events, (t, self.order, process))

    def run(self) -> list[Compared]:
        self.at(0.0, self.citizens())
        for counter in self.q.config.counters:
            self.at(0.0, self.officer(counter.id, counter.officer))
        end = (self.plan.minutes + self.plan.drain_minutes) * 60
        while self.events:
            t, _, process = heapq.heappop(self.events)
            if t > end:
                break
            self.q.now = self.start + timedelta(seconds=t)
            with contextlib.suppress(StopIteration):  # the process is over
                self.at(t + next(process), process)
        return self.compared()

    def citizens(self) -> Process:
        rng = random.Random(self.plan.seed)
        weights = [s.daily_limit or 100 for s in self.services]
        groups = [g.id for g in self.q.config.priority_groups]
        last = 0.0
        for offset in arrival_offsets(self.plan, rng):
            yield offset - last
            last = offset
            service = rng.choices(self.services, weights)[0]
            reason = rng.choice(groups) if rng.random() < self.plan.priority_share else None
            ticket = self.q.issue(service.id, **({"reason": reason} if reason else {}))
            self.issued.append(Issued(ticket["id"], service.id, ticket["priority"],
                                      ticket["ahead"], ticket["ewt_s"],
                                      ticket["ewt_low_s"], ticket["ewt_high_s"]))
        self.arrivals_done = True

    def officer(self, counter: str, officer: str | None) -> Process:
        rng = random.Random(f"{self.plan.seed}-{counter}")
        device = f"counter-{counter}"
        self.q.open(counter, officer)
        idle = 0.0
        while True:
            outcome = self.q.try_(device, "counter.call_next")
            if isinstance(outcome, Rejected):
                if self.arrivals_done:
                    idle += POLL_S
                    if idle > 600:
                        return  # the hall has emptied
                yield POLL_S
                continue
            idle = 0.0
            ticket = outcome.result["ticket"]
            if rng.random() < self.plan.no_show_share:
                yield 60
                self.q.do(device, "counter.recall")
                yield 60
                self.q.do(device, "ticket.no_show")
                continue
            service = self.q.config.service(ticket.service)
            mean_s = service.mean_service_s if service else 600
            duration = rng.lognormvariate(math.log(mean_s) - 0.08, 0.4)
            yield rng.uniform(15, 40)
            self.q.do(device, "ticket.serve")
            yield duration
            if rng.random() < self.plan.transfer_share and len(self.services) > 1:
                target = rng.choice([s.id for s in self.services if s.id != ticket.service])
                self.q.do(device, "ticket.transfer", service=target)
                continue
            self.q.do(device, "ticket.done")
            # The citizen's rating: no queue time, but its draws keep each officer's sequence
            # of service times the same as the demo's (every counter has a tablet).
            if rng.random() < self.plan.rating_share:
                score = rng.choices([4, 3, 2, 1], [60, 28, 9, 3])[0]
                if score <= 2 and rng.random() < 0.7:
                    rng.choice(["long_wait", "attitude", "unclear", "paperwork"])

    def compared(self) -> list[Compared]:
        found = []
        for issued in self.issued:
            ticket = self.q.state.tickets[issued.ticket]
            if ticket.first_called_at is None:
                continue
            waited = (ticket.first_called_at - ticket.issued_at).total_seconds()
            found.append(Compared(issued.ahead, issued.priority, issued.estimate_s, waited,
                                  issued.low_s, issued.high_s))
        return found


def mornings(seeds: Iterable[int], plan: Plan = DEMO_PLAN) -> list[Compared]:
    found: list[Compared] = []
    for seed in seeds:
        found += Hall(Plan(**{**plan.__dict__, "seed": seed})).run()
    return found


# --- the figures the demo's summary gives, and by people ahead ------------------------------

def within_20(c: Compared) -> bool:
    return abs(c.estimate_s - c.actual_s) <= 0.2 * c.actual_s


def within_20_or_2_min(c: Compared) -> bool:
    return abs(c.estimate_s - c.actual_s) <= max(0.2 * c.actual_s, 120)


def in_range(c: Compared) -> bool:
    """The real wait fell inside the printed range."""
    return c.low_s is not None and c.high_s is not None and c.low_s <= c.actual_s <= c.high_s


def within_50(c: Compared) -> bool:
    """The baseline: inside a plain ±50% range around the point estimate."""
    return abs(c.estimate_s - c.actual_s) <= 0.5 * c.estimate_s


def width_s(c: Compared) -> float:
    return (c.high_s - c.low_s) if c.low_s is not None and c.high_s is not None else 0.0


def ratio(c: Compared) -> float:
    """Actual over estimate; an estimate under a second counts as one second."""
    return c.actual_s / max(c.estimate_s, 1)


BUCKETS: dict[str, Callable[[Compared], bool]] = {
    "priority": lambda c: c.priority,
    "0 ahead": lambda c: not c.priority and c.ahead == 0,
    "1-2 ahead": lambda c: not c.priority and 1 <= c.ahead <= 2,
    "3-5 ahead": lambda c: not c.priority and 3 <= c.ahead <= 5,
    "6-10 ahead": lambda c: not c.priority and 6 <= c.ahead <= 10,
    ">10 ahead": lambda c: not c.priority and c.ahead > 10,
}


@dataclass(frozen=True)
class Figures:
    tickets: int
    in_range: float  # the share of real waits inside the printed range
    median_width_s: float  # of the printed range
    within_50: float  # the baseline: inside a plain ±50% range around the point
    median_estimate_s: float  # a ±50% range's median width
    within_20: float
    within_20_or_2_min: float
    mean_abs_error_s: float
    median_ratio: float


def figures(compared: list[Compared]) -> Figures:
    return Figures(
        len(compared),
        sum(map(in_range, compared)) / len(compared),
        median(map(width_s, compared)),
        sum(map(within_50, compared)) / len(compared),
        median(c.estimate_s for c in compared),
        sum(map(within_20, compared)) / len(compared),
        sum(map(within_20_or_2_min, compared)) / len(compared),
        mean(abs(c.estimate_s - c.actual_s) for c in compared),
        median(map(ratio, compared)),
    )


def by_bucket(compared: list[Compared]) -> dict[str, Figures]:
    return {name: figures(found) for name, test in BUCKETS.items()
            if (found := [c for c in compared if test(c)])}


def report(compared: list[Compared]) -> str:
    lines = [f"{'':12} {'tickets':>7} {'in range':>8} {'width min':>9} {'±50%':>5} "
             f"{'width min':>9} {'±20%':>5} {'±20%|2m':>8} {'MAE min':>8} {'actual/est':>10}"]
    rows = {"all": figures(compared), **by_bucket(compared)}
    for name, f in rows.items():
        lines.append(f"{name:12} {f.tickets:7d} {f.in_range:8.1%} {f.median_width_s / 60:9.0f} "
                     f"{f.within_50:5.0%} {f.median_estimate_s / 60:9.1f} "
                     f"{f.within_20:5.0%} {f.within_20_or_2_min:8.0%} "
                     f"{f.mean_abs_error_s / 60:8.1f} {f.median_ratio:10.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(report(mornings(range(1, count + 1))))
