"""One officer at one counter at a time: a queue rule, in the pure engine (the PIN is the
hub's, `tests/reliability/test_reliability_guard.py`)."""

from __future__ import annotations

from tests.engine.driver import EngineDriver


def test_an_officer_open_or_paused_at_one_counter_cannot_open_another():
    q = EngineDriver()
    q.do("counter-5", "counter.open", officer="hve")
    assert q.error("counter-6", "counter.open", officer="hve") == "officer_busy"
    assert q.error("manager-1", "counter.open", counter="6", officer="hve") == "officer_busy"
    q.do("counter-5", "counter.pause")
    assert q.error("counter-6", "counter.open", officer="hve") == "officer_busy"
    # Reopening at its own counter, under the same officer, is no conflict.
    q.do("counter-5", "counter.open", officer="hve")
    q.do("counter-5", "counter.close")
    opened = q.do("counter-6", "counter.open", officer="hve")
    assert opened["counter"]["officer"] == "hve"


def test_the_default_officer_of_a_counter_is_checked_too():
    q = EngineDriver()
    q.do("counter-6", "counter.open", officer="hve")  # counter 5's own officer, at 6
    # Counter 5 opened with no officer named would take its configured one, hve: refused.
    assert q.error("counter-5", "counter.open") == "officer_busy"
    assert q.do("counter-5", "counter.open", officer="vtp")["counter"]["officer"] == "vtp"


def test_the_note_and_the_raters_ticket_are_not_on_the_events():
    q = EngineDriver()
    q.do("counter-5", "counter.open", officer="hve")
    q.issue("datdai", reason="disabled")
    q.do("counter-5", "counter.call_next")
    done = q.try_("counter-5", "ticket.done", note="CCCD 079123456789")
    event = next(e for e in done.events if e.kind == "ticket.done")
    assert "note" not in event.data
    ticket = next(iter(done.tickets)).id
    rated = q.try_("tablet-5", "rating.submit", ticket=ticket, score=4)
    event = next(e for e in rated.events if e.kind == "rating.recorded")
    assert "ticket" not in event.data and "number" not in event.data
    assert event.data["officer"] == "hve" and event.data["score"] == 4
