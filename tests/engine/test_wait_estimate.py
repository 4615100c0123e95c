"""The rules of the estimated wait (broker/core/wait_estimate.py), each on a small hall."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import timedelta

import pytest

from broker.core.queue_state import QueueState, ServiceDay, Ticket
from broker.core.wait_estimate import CALLS_WALKED, CounterTimes
from tests.engine.driver import EngineDriver


@pytest.fixture
def q() -> EngineDriver:
    return EngineDriver()


# --- what the counter times say -------------------------------------------------------------

def test_a_no_shows_counter_time_counts_from_the_first_call(q):
    q.open("4")
    q.issue("datdai")
    q.call_next("4")
    q.advance(seconds=60)
    q.do("counter-4", "counter.recall")
    q.advance(seconds=60)
    q.do("counter-4", "ticket.no_show")
    # Called, recalled after a minute, missed after another: two minutes of the counter.
    assert q.state.services["datdai"].recent_service_s == (120.0,)


def test_a_citizen_past_the_mean_keeps_the_mean_residual_life_of_the_samples():
    # Twenty samples, 315 s to 885 s by 30 s: their mean is the configured 600 s, so today's
    # pace is 1 and the expected time is 600 s.
    samples = tuple(600.0 + 30 * (i - 9.5) for i in range(20))
    times = CounterTimes({"a": ServiceDay("a", recent_service_s=samples)}, {"a": 600.0})
    assert times.mean_s("a") == pytest.approx(600)
    assert times.remaining_s("a", 0) == pytest.approx(600)
    # At 600 s the ten samples longer than that average 750 s: 150 s are left on average
    # ("mean minus elapsed" said nothing is, and the old floor said a tenth, 60 s).
    assert times.remaining_s("a", 600) == pytest.approx(150)
    # Past every sample: the three longest (825, 855, 885) over the longest below (795).
    assert times.remaining_s("a", 900) == pytest.approx(60)


def test_few_samples_are_drawn_toward_the_configured_mean_at_todays_pace():
    # One service ran its ten samples at 1.2x its configured mean; the other has one sample.
    services = {"a": ServiceDay("a", recent_service_s=(720.0,) * 10),
                "b": ServiceDay("b", recent_service_s=(100.0,))}
    times = CounterTimes(services, {"a": 600.0, "b": 300.0})
    # Pace: (10 x 1.2 + 100/300 + 20) / (11 + 20), from 1 as if from 20 samples.
    pace = (12 + 100 / 300 + 20) / 31
    assert times.pace() == pytest.approx(pace)
    # b's one short sample weighs one against its configured mean at that pace weighing five.
    assert times.mean_s("b") == pytest.approx((100 + 5 * 300 * pace) / 6)


# --- the forecast ---------------------------------------------------------------------------

def test_an_idle_counter_calls_after_the_halls_pickup_delay(q):
    q.open("4")
    q.issue("datdai")
    q.advance(seconds=10)
    q.call_next("4")  # the counter stood free: a pickup of 10 s
    q.advance(minutes=5)
    q.do("counter-4", "ticket.done")
    q.advance(minutes=1)
    assert q.issue("datdai")["ewt_s"] == 10


def test_a_priority_ticket_waits_for_the_ordinary_calls_the_interleave_owes(q):
    # The demo center calls one priority ticket per two ordinary ones.
    assert q.config.queue.ordinary_per_priority == 2
    q.open("4")
    for _ in range(3):
        q.issue("datdai")
    q.call_next("4")
    q.advance(minutes=1)
    # Two ordinary calls since the last priority one (the day starts so): the priority
    # ticket is next, when the current citizen leaves: 12 minutes expected, 1 spent.
    assert q.issue("datdai", reason="elderly")["ewt_s"] == 720 - 60
    q.advance(minutes=9)
    q.do("counter-4", "ticket.done")  # a sample of 600 s
    assert q.call_next("4") == "2004"  # the priority ticket
    q.advance(minutes=1)
    # Now the interleave owes the two ordinary citizens waiting their calls first: this
    # priority ticket waits for the current citizen and both of them (the old forecast
    # counted only the priority tickets ahead: none).
    pace = (600 / 720 + 20) / 21
    expected = (600 + 5 * 720 * pace) / 6
    ticket = q.issue("datdai", reason="elderly")
    assert ticket["ahead"] == 0
    assert ticket["ewt_s"] == round(expected - 60 + 2 * expected) == 2026


def test_an_ordinary_ticket_is_stretched_by_todays_overtaking(q):
    q.open("4")
    q.issue("datdai")
    q.advance(seconds=1)
    q.issue("datdai")
    q.advance(seconds=1)
    q.issue("datdai", reason="elderly")
    assert q.call_next("4") == "2003"  # the priority ticket goes ahead of the two
    counter = q.state.counters["4"]
    assert (counter.queued_calls, counter.overtaking_calls) == (1, 1)
    q.advance(minutes=1)
    # The line ahead: 11 minutes left of the current citizen, then two of 12 minutes. One call
    # of one overtook, counted as if the day began with ten that did not: the wait is
    # stretched by 1 / (1 - 1/11).
    line = 660 + 2 * 720
    assert q.issue("datdai")["ewt_s"] == round(line * 11 / 10) == 2310


class CountingTickets(Mapping[str, Ticket]):
    """The tickets of a state, counting how many the forecast reads."""

    def __init__(self, tickets: Mapping[str, Ticket]) -> None:
        self.tickets, self.reads = tickets, 0

    def __getitem__(self, ticket_id: str) -> Ticket:
        self.reads += 1
        return self.tickets[ticket_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tickets)

    def __len__(self) -> int:
        return len(self.tickets)


def queue_of(q: EngineDriver, n: int) -> QueueState:
    """The state with `n` land tickets waiting, one in 25 a priority one."""
    tickets = dict(q.state.tickets)
    for i in range(n):
        tickets[f"t{i}"] = Ticket(
            id=f"t{i}", number=str(i), seq=i, service="datdai", origin_service="datdai",
            priority=i % 25 == 0, reason=None, lang="vi",
            issued_at=q.now - timedelta(seconds=n - i))
    day = replace(q.state.services["datdai"], waiting=tuple(f"t{i}" for i in range(n)),
                  waiting_priority=tuple(f"t{i}" for i in range(0, n, 25)))
    return replace(q.state, tickets=CountingTickets(tickets),
                   services={**q.state.services, "datdai": day})


@pytest.mark.parametrize("priority", [False, True])
def test_a_forecast_reads_a_few_tickets_of_a_long_queue(q, priority):
    q.open("4")
    q.open("5")
    state = queue_of(q, 10_000)
    tickets = state.tickets
    assert isinstance(tickets, CountingTickets)
    ewt = q.engine.estimated_wait_s(state, "datdai", q.now, priority)
    # The old forecast read (and sorted) all 10,000 for every service state the hub published:
    # 33 ms each on this machine, against 0.12 ms now (measured, not asserted). This one reads
    # the heads it walks: 26 tickets.
    assert tickets.reads <= 2 * CALLS_WALKED
    if not priority:
        # Two free counters share 10,000 citizens of 12 minutes: the walk takes 24 of them,
        # the rest are counted and shared as the walk shared them (evenly).
        assert ewt == 10_000 * 720 // 2
    else:
        # 400 priority tickets ahead, each with the two ordinary calls the interleave owes.
        assert ewt == pytest.approx(400 * 3 * 720 / 2, rel=0.01)
