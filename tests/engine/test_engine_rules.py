"""Every rule of the queue engine, and each error code it gives."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import msgspec
import pytest

from broker.core.engine import OPS
from broker.core.queue_state import TicketState
from config import load_config
from tests.engine.driver import MONDAY_8AM, TZ, EngineDriver


@pytest.fixture
def q() -> EngineDriver:
    return EngineDriver()


def small_config(**service_changes):
    config = load_config()
    services = [msgspec.structs.replace(s, **service_changes) if s.id == "dkdn" else s
                for s in config.services]
    return msgspec.structs.replace(config, services=services)


# --- issuing ------------------------------------------------------------------------------

def test_numbers_come_from_the_service_range_in_order(q):
    assert [q.issue("dkdn")["number"] for _ in range(3)] == ["1001", "1002", "1003"]
    assert q.issue("datdai")["number"] == "2001"


def test_numbers_restart_each_day(q):
    q.issue("dkdn")
    q.issue("dkdn")
    q.now = datetime(2026, 11, 24, 8, 0, tzinfo=TZ)
    ticket = q.issue("dkdn")
    assert ticket["number"] == "1001" and ticket["id"].startswith("20261124-")
    assert len(q.state.tickets) == 1


def test_prefix_and_width_of_numbers():
    q = EngineDriver(small_config(prefix="A", range=(1, 999)))
    assert q.issue("dkdn")["number"] == "A001"


def test_daily_limit_ends_issuing():
    q = EngineDriver(small_config(daily_limit=2))
    q.issue("dkdn")
    q.issue("dkdn")
    assert q.error("kiosk-1", "ticket.issue", service="dkdn") == "daily_limit_reached"
    assert q.engine.closed_reason(q.state, "dkdn", q.now) == "daily_limit"


def test_range_running_out_ends_issuing():
    q = EngineDriver(small_config(range=(1001, 1002), daily_limit=None))
    q.issue("dkdn")
    q.issue("dkdn")
    assert q.error("kiosk-1", "ticket.issue", service="dkdn") == "daily_limit_reached"


@pytest.mark.parametrize(("when", "is_open"), [
    (datetime(2026, 11, 23, 6, 59, tzinfo=TZ), False),   # Monday before opening
    (datetime(2026, 11, 23, 7, 0, tzinfo=TZ), True),
    (datetime(2026, 11, 23, 11, 29, tzinfo=TZ), True),
    (datetime(2026, 11, 23, 11, 30, tzinfo=TZ), False),  # lunch
    (datetime(2026, 11, 23, 13, 0, tzinfo=TZ), True),
    (datetime(2026, 11, 23, 17, 0, tzinfo=TZ), False),
    (datetime(2026, 11, 28, 9, 0, tzinfo=TZ), True),     # Saturday morning
    (datetime(2026, 11, 28, 14, 0, tzinfo=TZ), False),   # Saturday afternoon
    (datetime(2026, 11, 29, 9, 0, tzinfo=TZ), False),    # Sunday
    (datetime(2026, 11, 23, 1, 30, tzinfo=TZ), False),         # night
])
def test_opening_hours(when, is_open):
    q = EngineDriver(now=when)
    outcome = q.try_("kiosk-1", "ticket.issue", service="dkdn")
    assert (getattr(outcome, "code", None) != "service_closed") is is_open


def test_opening_hours_are_read_in_the_centers_time_zone():
    utc_0100 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi
    q = EngineDriver(now=utc_0100)
    assert q.issue("dkdn")["issued_at"] == "2026-11-23T08:00:00+07:00"


def test_a_service_can_stop_issuing_before_the_hall_closes():
    q = EngineDriver(now=datetime(2026, 11, 23, 16, 45, tzinfo=TZ))
    assert q.error("kiosk-1", "ticket.issue", service="chungthuc") == "service_closed"
    q.issue("dkdn")


def test_manager_closes_and_opens_a_service(q):
    q.do("manager-1", "service.close", service="dkdn")
    assert q.error("kiosk-1", "ticket.issue", service="dkdn") == "service_closed"
    assert q.engine.closed_reason(q.state, "dkdn", q.now) == "manager"
    q.do("manager-1", "service.open", service="dkdn")
    q.issue("dkdn")


def test_unknown_service_and_priority_group(q):
    assert q.error("kiosk-1", "ticket.issue", service="nope") == "unknown_service"
    assert q.error("kiosk-1", "ticket.issue", service="dkdn", reason="vip") == "bad_request"


def test_priority_records_its_reason(q):
    ticket = q.issue("dkdn", priority=True, reason="elderly")
    assert ticket["priority"] is True and ticket["reason"] == "elderly"
    assert q.issue("dkdn", reason="pregnant")["priority"] is True
    plain = q.issue("dkdn", priority=True)
    assert plain["priority"] is True and plain["reason"] is None


def test_people_ahead_and_estimated_wait(q):
    first = q.issue("datdai")
    assert first["ahead"] == 0
    assert q.issue("datdai")["ahead"] == 1
    third = q.issue("datdai")
    # No counter open yet: everyone ahead plus this citizen, one after another.
    assert third["ahead"] == 2 and third["ewt_s"] == 3 * 720
    q.open("4")
    q.open("5")
    fourth = q.issue("datdai")
    # Two idle counters, three ahead: the first two start now, the third when one frees at
    # 12 minutes, and this citizen takes the other counter then.
    assert fourth["ahead"] == 3 and fourth["ewt_s"] == 720
    priority = q.issue("datdai", reason="elderly")
    assert priority["ahead"] == 0 and priority["ewt_s"] == 0


def test_estimated_wait_learns_the_recent_counter_time(q):
    q.open("4")
    for _ in range(3):
        q.issue("datdai")
    for minutes in (4, 6):
        q.call_next("4")
        q.advance(minutes=minutes)
        q.do("counter-4", "ticket.done")
    assert q.engine.mean_service_s(q.state, "datdai") == 300
    # Two samples are few: the forecast draws them toward the configured 12 minutes at
    # today's pace, that configured mean counting as 5 samples. The pace is the samples over
    # their configured means, from 1 as if from 20 samples: (4/12 + 6/12 + 20) / 22; so the
    # expected counter time is (240 + 360 + 5 * 720 * pace) / 7 = 572.7 s.
    pace = (240 / 720 + 360 / 720 + 20) / 22
    expected = (240 + 360 + 5 * 720 * pace) / 7
    assert q.engine.counter_times(q.state).mean_s("datdai") == pytest.approx(expected)
    assert round(expected) == 573
    q.call_next("4")
    q.advance(minutes=1)
    ticket = q.issue("datdai")
    # Nobody waits ahead; the counter's citizen has the expected time less the minute spent
    # left (too few samples yet for the residual life of their spread).
    assert ticket["ahead"] == 0 and ticket["ewt_s"] == round(expected - 60) == 513
    q.advance(minutes=10)
    # An overrunning citizen is not taken to leave at once: a third of the expected time is
    # still to come (what a time varying by 40% keeps once overrun), then the citizen issued
    # above holds the counter for the expected time.
    assert q.engine.estimated_wait_s(q.state, "datdai", q.now) == round(
        expected / 3 + expected) == 764


def test_estimated_wait_counts_the_other_services_of_shared_counters(q):
    # Counters 2 (dkdn, dautu) and 3 (dautu, dkdn) share two services; counter 1 only dkdn.
    q.open("2")
    q.open("3")
    for _ in range(4):
        q.issue("dautu")  # 15 minutes each
    ticket = q.issue("dkdn")  # 8 minutes each
    # dautu's four fill both counters twice: 30 minutes before either is free.
    assert ticket["ewt_s"] == 2 * 900
    q.open("1")
    # The dkdn citizen already waiting takes counter 1 first; the next one waits for them.
    assert q.engine.estimated_wait_s(q.state, "dkdn", q.now) == 480


# --- counters -----------------------------------------------------------------------------

def test_open_pause_close(q):
    q.open("5", "hve")
    assert q.state.counters["5"].status == "open" and q.state.counters["5"].officer == "hve"
    q.do("counter-5", "counter.pause")
    assert q.state.counters["5"].status == "paused"
    q.issue("datdai")
    assert q.error("counter-5", "counter.call_next") == "counter_not_open"
    q.open("5")
    assert q.state.counters["5"].officer == "hve"
    q.do("counter-5", "counter.close")
    assert q.state.counters["5"].status == "closed"
    assert q.error("counter-5", "counter.pause") == "counter_not_open"


def test_open_takes_the_configured_officer_by_default_and_checks_officers(q):
    q.open("5")
    assert q.state.counters["5"].officer == "hve"
    assert q.error("counter-5", "counter.open", officer="nobody") == "unknown_officer"


def test_manager_acts_on_a_named_counter(q):
    q.do("manager-1", "counter.open", counter="3")
    assert q.state.counters["3"].status == "open"
    assert q.error("manager-1", "counter.pause") == "bad_request"
    assert q.error("manager-1", "counter.pause", counter="77") == "unknown_counter"


def test_counter_acts_for_its_own_counter_only(q):
    assert q.error("counter-5", "counter.open", counter="6") == "forbidden"


def test_roles(q):
    assert q.error("kiosk-1", "counter.call_next") == "forbidden"
    assert q.error("counter-1", "ticket.issue", service="dkdn") == "forbidden"
    assert q.error("tablet-1", "counter.open") == "forbidden"
    assert q.error("board-hall", "board.message", text="x") == "forbidden"


def test_close_with_a_ticket_in_progress_is_refused(q):
    q.open("1")
    q.issue("dkdn")
    q.call_next("1")
    assert q.error("counter-1", "counter.close") == "ticket_in_progress"


def test_reassignment_takes_effect_at_the_next_call(q):
    q.open("1")
    q.issue("dkdn")
    q.issue("datdai")
    q.do("manager-1", "counter.assign", counter="1", services=["datdai"])
    assert q.call_next("1") == "2001"
    assert q.error("manager-1", "counter.assign", counter="1", services=["x"]) == "unknown_service"
    assert q.error("manager-1", "counter.assign", counter="1",
                   services=["dkdn", "dkdn"]) == "bad_request"


# --- calling ------------------------------------------------------------------------------

def test_next_calls_the_oldest_among_the_counters_services(q):
    q.open("2")  # dkdn, dautu
    q.issue("dautu")
    q.advance(seconds=1)
    q.issue("dkdn")
    assert q.call_next("2") == "1501"
    q.do("counter-2", "ticket.done")
    assert q.call_next("2") == "1001"


def test_service_order_policy_takes_the_first_service_with_anyone_waiting():
    config = load_config()
    config = msgspec.structs.replace(
        config, queue=msgspec.structs.replace(config.queue, policy="service_order"))
    q = EngineDriver(config)
    q.open("3")  # dautu first, then dkdn
    q.issue("dkdn")
    q.advance(seconds=1)
    q.issue("dautu")
    assert q.call_next("3") == "1501"


def test_queue_empty_and_one_ticket_at_a_time(q):
    q.open("1")
    assert q.error("counter-1", "counter.call_next") == "queue_empty"
    q.issue("dkdn")
    q.issue("dkdn")
    q.call_next("1")
    assert q.error("counter-1", "counter.call_next") == "ticket_in_progress"


def test_priority_interleave_one_priority_per_two_ordinary(q):
    q.open("1")
    for _ in range(6):
        q.issue("dkdn")
    for _ in range(3):
        q.issue("dkdn", reason="elderly")
    calls = []
    for _ in range(9):
        number = q.call_next("1")
        calls.append(q.state.ticket_by_number(number).priority)
        q.do("counter-1", "ticket.done")
    # A priority citizen first, then two ordinary, then priority again...
    assert calls == [True, False, False, True, False, False, True, False, False]


def test_priority_waits_no_longer_than_the_ratio_when_it_arrives_late(q):
    q.open("1")
    for _ in range(5):
        q.issue("dkdn")
    calls = [q.call_next("1")]
    q.do("counter-1", "ticket.done")
    calls.append(q.call_next("1"))
    q.do("counter-1", "ticket.done")
    q.issue("dkdn", reason="disabled")
    calls.append(q.call_next("1"))
    assert calls[-1] == "1006"


def test_recall_counts_calls_and_keeps_the_board_newest_first(q):
    q.open("1")
    q.open("2")
    q.issue("dkdn")
    q.issue("dkdn")
    q.call_next("1")
    q.call_next("2")
    ticket = q.do("counter-1", "counter.recall")["ticket"]
    assert ticket["calls"] == 2
    assert [c.number for c in q.state.board] == ["1001", "1002"]
    q.do("counter-1", "ticket.serve")
    assert q.error("counter-1", "counter.recall") == "invalid_transition"


def test_no_show_then_called_again_by_number(q):
    q.open("1")
    q.issue("dkdn")
    q.issue("dkdn")
    q.call_next("1")
    q.do("counter-1", "ticket.no_show")
    assert q.state.ticket_by_number("1001").state == TicketState.NO_SHOW
    assert q.call_next("1") == "1002"
    q.do("counter-1", "ticket.done")
    again = q.do("counter-1", "counter.call", number="1001")["ticket"]
    assert again["state"] == "called" and again["calls"] == 2


def test_call_by_number_rules(q):
    q.open("1")
    q.issue("datdai")
    assert q.error("counter-1", "counter.call", number="2001") == "forbidden"
    assert q.error("counter-1", "counter.call", number="9999") == "unknown_ticket"
    q.issue("dkdn")
    q.issue("dkdn")
    assert q.do("counter-1", "counter.call", number="1002")["ticket"]["number"] == "1002"
    q.do("counter-1", "ticket.done")
    assert q.error("counter-1", "counter.call", number="1002") == "invalid_transition"


def test_done_no_show_and_transfer_need_a_current_ticket(q):
    q.open("1")
    for op in ("ticket.done", "ticket.no_show", "counter.recall", "ticket.serve"):
        assert q.error("counter-1", op) == "no_current_ticket"
    assert q.error("counter-1", "ticket.transfer", service="datdai") == "no_current_ticket"


def test_no_show_only_from_called(q):
    q.open("1")
    q.issue("dkdn")
    q.call_next("1")
    q.do("counter-1", "ticket.serve")
    assert q.error("counter-1", "ticket.no_show") == "invalid_transition"


def test_done_from_called_passes_through_serving(q):
    q.open("1")
    q.issue("dkdn")
    q.call_next("1")
    q.advance(minutes=7)
    ticket = q.do("counter-1", "ticket.done")["ticket"]
    assert ticket["state"] == "done" and ticket["served_at"] == ticket["called_at"]
    assert q.state.services["dkdn"].recent_service_s == (420.0,)
    assert q.state.services["dkdn"].served == 1


def test_transfer_to_a_service_keeps_the_place_in_time(q):
    q.open("1")
    q.open("4")
    q.issue("dkdn")
    q.advance(minutes=1)
    q.issue("datdai")
    q.call_next("1")
    moved = q.do("counter-1", "ticket.transfer", service="datdai")["ticket"]
    assert moved["state"] == "waiting" and moved["service"] == "datdai"
    assert moved["transfers"] == 1 and moved["issued_at"] == "2026-11-23T08:00:00+07:00"
    assert q.state.counters["1"].ticket is None
    assert q.call_next("4") == "1001"  # older than 2001


def test_transfer_to_a_counter_only_that_counter_calls_it(q):
    q.open("1")
    q.open("2")
    q.open("9")
    q.issue("dkdn")
    q.call_next("1")
    q.do("counter-1", "ticket.transfer", counter="9")
    assert q.error("counter-2", "counter.call_next") == "queue_empty"
    assert q.call_next("9") == "1001"  # though counter 9 serves lltp only


def test_transfer_arguments(q):
    q.open("1")
    q.issue("dkdn")
    q.call_next("1")
    assert q.error("counter-1", "ticket.transfer") == "bad_request"
    assert q.error("counter-1", "ticket.transfer", service="x", counter="2") == "bad_request"
    assert q.error("counter-1", "ticket.transfer", counter="1") == "bad_request"
    assert q.error("counter-1", "ticket.transfer", counter="77") == "unknown_counter"
    assert q.error("counter-1", "ticket.transfer", service="nope") == "unknown_service"


def test_cancel_a_waiting_ticket(q):
    ticket = q.issue("dkdn")
    q.do("manager-1", "ticket.cancel", ticket=ticket["id"])
    assert q.state.services["dkdn"].waiting == ()
    assert q.error("manager-1", "ticket.cancel", ticket=ticket["id"]) == "invalid_transition"
    assert q.error("manager-1", "ticket.cancel", ticket="nope") == "unknown_ticket"


# --- ratings ------------------------------------------------------------------------------

def _finished(q: EngineDriver) -> dict:
    q.open("1")
    ticket = q.issue("dkdn")
    q.call_next("1")
    q.do("counter-1", "ticket.done")
    return ticket


def test_rating_once_for_a_ticket_finished_here(q):
    ticket = _finished(q)
    assert q.error("tablet-2", "rating.submit", ticket=ticket["id"], score=4) == "forbidden"
    q.do("tablet-1", "rating.submit", ticket=ticket["id"], score=1, reasons=["long_wait"])
    assert q.state.ratings[ticket["id"]].reasons == ("long_wait",)
    assert q.state.tickets[ticket["id"]].rating == 1
    assert q.error("tablet-1", "rating.submit", ticket=ticket["id"], score=4) == "already_rated"


def test_rating_window_and_values(q):
    ticket = _finished(q)
    assert q.error("tablet-1", "rating.submit", ticket=ticket["id"], score=3,
                   reasons=["nope"]) == "bad_request"
    assert q.error("tablet-1", "rating.submit", ticket="x", score=3) == "unknown_ticket"
    q.advance(seconds=121)
    assert q.error("tablet-1", "rating.submit", ticket=ticket["id"],
                   score=3) == "rating_window_closed"


def test_rating_needs_a_finished_ticket(q):
    q.open("1")
    ticket = q.issue("dkdn")
    q.call_next("1")
    assert q.error("tablet-1", "rating.submit", ticket=ticket["id"],
                   score=3) == "invalid_transition"


# --- board --------------------------------------------------------------------------------

def test_board_message_with_an_end(q):
    until = MONDAY_8AM.replace(hour=9)
    q.do("manager-1", "board.message", text="Trung tâm nghỉ trưa từ 11:30", until=until)
    assert q.state.message.text == "Trung tâm nghỉ trưa từ 11:30"
    q.do("manager-1", "board.message", text="  ")
    assert q.state.message is None


def test_board_keeps_the_configured_number_of_calls(q):
    q.open("1")
    for _ in range(10):
        q.issue("dkdn")
    for _ in range(10):
        q.call_next("1")
        q.do("counter-1", "ticket.done")
    assert len(q.state.board) == q.config.queue.board_last_calls == 8
    assert q.state.board[0].number == "1010"


# --- the transition table -----------------------------------------------------------------

def test_every_transition_table_entry_is_an_edge_of_the_lifecycle():
    from broker.core.engine import LIFECYCLE_EDGES

    for spec in OPS.values():
        for start, path in spec.transitions.items():
            states = (start, *path)
            for edge in pairwise(states):
                assert edge in LIFECYCLE_EDGES, edge


def test_unknown_op_changes_nothing(q):
    from broker.core.commands import Command, NoArgs

    before = q.state
    outcome = q.engine.apply(before, Command("x", "ticket.teleport", NoArgs(),
                                             q.config.device("manager-1")), q.now)
    assert outcome.code == "unknown_op"
