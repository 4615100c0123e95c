"""The board's view-model on its own: revs, zones, statuses, message expiry, freshness."""

from __future__ import annotations

from datetime import datetime, timedelta

from broker.wire.protocol import (
    BoardCallInfo,
    BoardNotice,
    BoardState,
    CounterState,
    Event,
    ServiceState,
    TicketInfo,
)
from display_board.model import BoardModel, is_fresh
from tests.support import CONFIG

NOW = datetime.fromisoformat("2025-11-21T09:30:00+07:00")


def _model(device: str = "board-hall", zone: tuple[str, ...] | None = None) -> BoardModel:
    model = BoardModel(device, zone)
    model.set_config(CONFIG)
    return model


def test_an_older_rev_never_replaces_a_newer_one():
    model = _model()
    assert model.apply(CounterState(id="5", status="open", rev=7))
    assert not model.apply(CounterState(id="5", status="closed", rev=6))
    assert not model.apply(CounterState(id="5", status="closed", rev=7))
    assert next(r for r in model.counters() if r.id == "5").status == "ready"


def test_counter_statuses():
    model = _model()
    ticket = TicketInfo(id="t", number="2001", service="datdai", state="serving")
    model.apply(CounterState(id="4", status="open", ticket=ticket, rev=1))
    model.apply(CounterState(id="5", status="paused", rev=1))
    rows = {r.id: (r.ticket, r.status) for r in model.counters()}
    assert rows["4"] == ("2001", "serving")
    assert rows["5"] == ("", "paused")
    assert rows["6"] == ("", "closed")


def test_zone_from_the_config_and_a_services_reassignment():
    model = _model("board-zone-a")
    assert [r.id for r in model.counters()] == ["1", "2", "3", "4", "5", "6"]
    model.apply(CounterState(id="6", status="open", services=["gpxd", "khcn"], rev=1))
    assert "khcn" in [s.id for s in model.services()]
    assert "nhao" not in [s.id for s in model.services()]


def test_service_rows_carry_why_a_service_is_closed():
    model = _model(zone=("9",))
    model.apply(ServiceState(id="lltp", waiting=4, open=False, closed_reason="daily_limit",
                             rev=1))
    [row] = model.services()
    assert (row.id, row.waiting, row.closed_reason) == ("lltp", 4, "daily_limit")


def test_newest_call_prefers_a_fresher_event_over_the_retained_board():
    model = _model()
    model.apply(BoardState(calls=[BoardCallInfo(number="2001", counter="4", counter_number=4,
                                                 at=NOW)], rev=1))
    later = NOW + timedelta(seconds=2)
    model.note_call(Event(kind="ticket.called", at=later, number="2002", counter="5",
                          counter_number=5))
    assert (model.newest_call().number, model.newest_call().counter_number) == ("2002", 5)
    outside = _model(zone=("1",))
    assert outside.note_call(Event(kind="ticket.called", at=later, number="2002",
                                   counter="5")) is None


def test_the_message_disappears_when_its_time_is_up():
    model = _model()
    until = NOW + timedelta(minutes=5)
    model.apply(BoardState(message=BoardNotice(text="Nghỉ trưa", until=until), rev=1))
    assert model.message(NOW) == "Nghỉ trưa"
    assert model.message(until) == ""


def test_freshness():
    assert is_fresh(NOW - timedelta(seconds=3), NOW, 10)
    assert not is_fresh(NOW - timedelta(seconds=30), NOW, 10)
    assert not is_fresh(NOW + timedelta(seconds=30), NOW, 10)
