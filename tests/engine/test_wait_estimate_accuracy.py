"""How true is the estimated wait printed on a new ticket?

Twelve simulated mornings of the demo center (tests/engine/hall_model.py: the headless demo's
citizens and officers, as discrete events against the pure engine, seeded), about 1,900
tickets, each printed estimate against the wait that followed. `python -m
tests.engine.hall_model 12` prints the same figures.

What a ticket says is a range (`wait_estimate.wait_range`): the real wait fell inside it for
82.7% of the tickets, and its median width is 10 minutes. The baseline, a plain ±50% range
around the same point estimate, holds 73.6% with a median width of 12.6 minutes (the
estimate's median). By people ahead, inside the range: priority 85%, 0 ahead 89% (a range of
one minute: "under 1 min"), 1-2 ahead 74%, 3-5 81%, 6-10 82%, >10 95%. Each morning alone:
78-88%. (With a fixed spread, not widened by today's misses: 81% over the mornings, but
71-88% morning by morning, and 72% in the headless demo's harder morning.)

The point estimate itself, on these twelve mornings (the share of tickets; actual/estimate is
the median):

                      within ±20%  ±20% or 2 min  mean abs error  actual/estimate
    before (fd70d63)      33%           59%          5.3 min        1.20
    now                   41%           64%          4.3 min        1.00

    by people ahead, actual/estimate before -> now: priority 1.76 -> 0.86, 0 ahead 2.92 -> 0.93,
    1-2 ahead 1.12 -> 1.07, 3-5 ahead 1.10 -> 1.03, 6-10 ahead 1.04 -> 0.98, >10 0.87 -> 0.96.
    Sixteen other mornings (seeds 9-24): before 31% / 57% / 6.0 min, now 40% / 63% / 4.9 min.

±20% for one citizen is bounded by how much service times vary (log-normal, sigma 0.4) and by
the priority tickets and transfers that happen to arrive while the citizen waits. Given the
true mean times instead of learning them, the forecast reaches the same 41% here; with no
priority tickets or transfers in the mornings, 49% (46% learning the means). The 80% aim is out
of reach for a single citizen's wait; what the forecast can be is unbiased at every queue
length, and that is what these tests hold it to.
"""

from __future__ import annotations

import pytest

from tests.engine.hall_model import Compared, by_bucket, figures, mornings

SEEDS = range(1, 13)


@pytest.fixture(scope="module")
def compared() -> list[Compared]:
    return mornings(SEEDS)


def test_enough_tickets_are_compared(compared):
    assert len(compared) >= 1800
    assert all(f.tickets >= 50 for f in by_bucket(compared).values())


def test_no_systematic_bias_at_any_number_of_people_ahead(compared):
    # Before: a median actual/estimate of 2.92 with nobody ahead (an idle counter was "no
    # wait", a busy one's citizen "about to leave") and 1.76 for priority tickets (the ordinary
    # calls the interleave owes first were left out).
    for bucket, found in by_bucket(compared).items():
        assert 0.8 <= found.median_ratio <= 1.25, (bucket, found)


def test_the_printed_range_holds_80_percent_of_real_waits(compared):
    found = figures(compared)
    # Measured 82.7% inside, median width 10 min; ±50% around the point: 73.6%, 12.6 min.
    assert 0.78 <= found.in_range <= 0.84
    assert found.median_width_s <= 10 * 60
    assert found.within_50 < found.in_range
    assert found.median_width_s < found.median_estimate_s  # and narrower than ±50%
    # Inside for three citizens in four or more at every queue length: not 80% overall made
    # of the short waits' easy one-minute ranges alone.
    for bucket, group in by_bucket(compared).items():
        assert group.in_range >= 0.72, (bucket, group)


def test_every_morning_alone_is_near_80_percent():
    # Measured 78-88%: today's misses widen a hard morning's ranges (fixed: 71-88%).
    for seed in SEEDS:
        found = figures(mornings([seed]))
        assert 0.75 <= found.in_range <= 0.9, (seed, found)


def test_the_point_behind_the_range_is_unbiased(compared):
    found = figures(compared)
    # Measured 4.3 min, median 1.00; before 5.3 min, 1.20.
    assert found.mean_abs_error_s <= 4.6 * 60
    assert 0.9 <= found.median_ratio <= 1.1
