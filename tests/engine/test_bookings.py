"""Appointments in the pure engine: booking, the kiosk's check-in and its refusals, the call
at the slot ahead of the walk-ins, the interleave, the wait of walk-ins, the replay."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from broker.core import bookings
from broker.core.engine import Accepted, read_bookings
from broker.service.ledger import Ledger
from tests.engine.driver import MONDAY_8AM, TZ, EngineDriver


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def book(q: EngineDriver, slot: datetime, service: str = "dkdn", **args) -> dict:
    return q.do("web-1", "booking.create", service=service, slot=slot.isoformat(),
                **args)["booking"]


def checkin(q: EngineDriver, code: str) -> dict:
    return q.do("kiosk-1", "booking.checkin", code=code)


def test_a_booking_has_a_readable_code_and_shows_in_the_slots():
    q = EngineDriver()
    made = book(q, at(9, 30), nonce=12345)
    code = made["code"]
    assert len(code) == 8 and set(code) <= set(bookings.ALPHABET)
    assert not set(code) & set("01OI")
    assert made["slot"] == "2026-11-23T09:30:00+07:00"
    assert made["checkin_from"] == "2026-11-23T09:00:00+07:00"
    assert made["checkin_until"] == "2026-11-23T09:45:00+07:00"
    assert made["status"] == "booked" and made["has_phone"] is False
    slots = read_bookings(q.engine, q.state, "booking.slots", _slots_args(service="dkdn"), q.now)
    day = slots["days"][0]
    nine_thirty = next(s for s in day["slots"] if s["start"] == "2026-11-23T09:30:00+07:00")
    assert nine_thirty["free"] == 1 and nine_thirty["capacity"] == 2
    # only slots after now, within the hours (07:00-11:30, 13:00-17:00; 30-minute slots)
    starts = [s["start"][11:16] for s in day["slots"]]
    assert starts[0] == "08:30" and "11:00" in starts and "11:30" not in starts
    assert starts[-1] == "16:30"
    # the code as typed with dashes, spaces or lower case, or read from a QR's address
    assert bookings.normalize_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert bookings.normalize_code(f"http://hcc/dat-lich/{code}") == code


def _slots_args(**args):
    from broker.core.commands import SlotsArgs
    return msgspec.convert(args, SlotsArgs)


def test_codes_are_unique_and_replay_the_same():
    q = EngineDriver()
    codes = {book(q, at(14, 0) + timedelta(minutes=30 * (i % 6)), nonce=7)["code"]
             for i in range(12)}
    assert len(codes) == 12  # the same randomness still gives different codes


def test_slot_capacity_horizon_hours_and_closed_day():
    q = EngineDriver()
    book(q, at(10))
    book(q, at(10))
    assert q.error("web-1", "booking.create", service="dkdn", slot=at(10).isoformat()) == \
        "slot_full"
    assert q.error("web-1", "booking.create", service="dkdn", slot=at(7).isoformat()) == \
        "slot_unavailable"  # already past
    assert q.error("web-1", "booking.create", service="dkdn", slot=at(12).isoformat()) == \
        "slot_unavailable"  # the lunch break
    assert q.error("web-1", "booking.create", service="dkdn",
                   slot=at(9, 10).isoformat()) == "slot_unavailable"  # not a slot's start
    book(q, datetime(2026, 11, 28, 9, tzinfo=TZ))  # Saturday, 5 days ahead
    assert q.error("web-1", "booking.create", service="dkdn",
                   slot=datetime(2026, 11, 30, 9, tzinfo=TZ).isoformat()) == "slot_unavailable"
    assert q.error("web-1", "booking.create", service="dkdn",
                   slot=datetime(2026, 11, 29, 9, tzinfo=TZ).isoformat()) == "slot_unavailable"
    assert q.error("web-1", "booking.create", service="dautu", slot=at(10).isoformat()) == \
        "not_bookable"
    q.do("manager-1", "booking.close_day", day="2026-11-25")
    assert q.error("web-1", "booking.create", service="dkdn",
                   slot=datetime(2026, 11, 25, 9, tzinfo=TZ).isoformat()) == \
        "booking_day_closed"
    assert q.error("kiosk-1", "booking.create", service="dkdn", slot=at(11).isoformat()) == \
        "forbidden"


def test_a_phone_needs_consent_and_holds_at_most_two_a_day():
    q = EngineDriver()
    phone = "0912345678"
    assert q.error("web-1", "booking.create", service="dkdn", slot=at(9).isoformat(),
                   phone=phone) == "consent_required"
    book(q, at(9), phone=phone, consent=True)
    book(q, at(14), service="datdai", phone=phone, consent=True)
    assert q.error("web-1", "booking.create", service="lltp", slot=at(15).isoformat(),
                   phone=phone, consent=True) == "phone_limit_reached"
    book(q, datetime(2026, 11, 24, 9, tzinfo=TZ), phone=phone, consent=True)  # another day


@pytest.mark.parametrize(("minutes", "code"), [
    (-31, "checkin_too_early"), (16, "checkin_too_late"),
])
def test_checkin_window(minutes, code):
    q = EngineDriver()
    made = book(q, at(10))
    q.now = at(10) + timedelta(minutes=minutes)
    assert q.error("kiosk-1", "booking.checkin", code=made["code"]) == code


def test_checkin_used_cancelled_unknown():
    q = EngineDriver()
    first, second = book(q, at(9)), book(q, at(9))
    q.do("web-1", "booking.cancel", code=second["code"])
    assert q.error("web-1", "booking.cancel", code=second["code"]) == "booking_cancelled"
    q.now = at(8, 40)
    ticket = checkin(q, first["code"])["ticket"]
    assert ticket["number"] == "H001" and ticket["appointment_at"] == "2026-11-23T09:00:00+07:00"
    assert q.error("kiosk-1", "booking.checkin", code=first["code"]) == "booking_used"
    assert q.error("kiosk-1", "booking.checkin", code=second["code"]) == "booking_cancelled"
    assert q.error("kiosk-1", "booking.checkin", code="ABCD-EFGH") == "unknown_booking"
    assert q.error("web-1", "booking.cancel", code=first["code"]) == "booking_used"
    # a cancelled place is free again
    book(q, at(9))


def test_called_at_its_slot_ahead_of_walk_ins_with_an_interleave():
    q = EngineDriver(now=at(8, 50))
    q.open("1")
    a, b = book(q, at(9)), book(q, at(9))
    walk_ins = [q.issue("dkdn")["number"] for _ in range(4)]
    checkin(q, a["code"])
    checkin(q, b["code"])
    # checked in early: waits for its slot; walk-ins go first
    assert q.call_next("1") == walk_ins[0]
    q.do("counter-1", "ticket.done")
    q.now = at(9, 1)
    assert q.call_next("1") == "H001"  # its slot has come: before the walk-ins
    q.do("counter-1", "ticket.done")
    assert q.call_next("1") == walk_ins[1]  # one walk-in between two appointments
    q.do("counter-1", "ticket.done")
    assert q.call_next("1") == "H002"
    q.do("counter-1", "ticket.done")
    assert q.call_next("1") == walk_ins[2]


def test_an_appointment_past_its_grace_goes_first():
    q = EngineDriver(now=at(8, 50))
    q.open("1")
    a, b = book(q, at(9)), book(q, at(9))
    [q.issue("dkdn") for _ in range(3)]
    checkin(q, a["code"])
    checkin(q, b["code"])
    q.now = at(9, 1)
    assert q.call_next("1") == "H001"
    q.do("counter-1", "ticket.done")
    q.now = at(9, 11)  # H002 is past its slot by more than the 10 minutes of grace
    assert q.call_next("1") == "H002"


def test_an_early_appointment_is_called_when_nobody_else_waits():
    q = EngineDriver(now=at(8, 40))
    q.open("1")
    checkin(q, book(q, at(9))["code"])
    assert q.call_next("1") == "H001"


def test_the_wait_of_walk_ins_counts_the_booked_slots_ahead():
    q = EngineDriver(now=at(8, 50))
    q.open("1")
    for _ in range(3):  # a queue that lasts past 09:00
        q.issue("dkdn")
    before = q.engine.estimated_wait_s(q.state, "dkdn", q.now)
    book(q, at(9))
    book(q, at(9))
    after = q.engine.estimated_wait_s(q.state, "dkdn", q.now)
    assert after >= before + 2 * 480 * 0.9
    # a slot far later than the wait does not count
    q2 = EngineDriver(now=at(8, 50))
    q2.open("1")
    for _ in range(3):
        q2.issue("dkdn")
    book(q2, at(16))
    assert q2.engine.estimated_wait_s(q2.state, "dkdn", q2.now) == before


def test_bookings_cross_days_and_replay_from_the_ledger_with_phones_erased():
    q = EngineDriver(now=at(10))
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(Path(tmp) / "l.db", synchronous="OFF")
        tomorrow = datetime(2026, 11, 24, 9, tzinfo=TZ)
        today = book(q, at(15), phone="0912345678", consent=True, nonce=1)
        later = book(q, tomorrow, phone="0987654321", consent=True, nonce=2)
        for command, now, outcome in q.accepted:
            ledger.record(command, msgspec.json.encode(command.args), now, outcome,
                          msgspec.json.encode(outcome.result))
        q.accepted.clear()
        rebuilt = ledger.rebuild(q.engine, date(2026, 11, 23))
        assert rebuilt.bookings == q.state.bookings
        # the next day: yesterday's booking and its phone number are gone, tomorrow's kept
        q.now = datetime(2026, 11, 24, 8, 40, tzinfo=TZ)
        outcome = q.try_("kiosk-1", "booking.checkin", code=later["code"])
        assert isinstance(outcome, Accepted)
        command, now, _ = q.accepted[-1]
        ledger.record(command, msgspec.json.encode(command.args), now, outcome,
                      msgspec.json.encode(outcome.result))
        assert today["code"] not in q.state.bookings.by_code
        assert ledger.erase_phones_before(date(2026, 11, 24)) == 1
        stored = ledger.conn.execute("SELECT group_concat(args) FROM commands").fetchone()[0]
        assert "0912345678" not in stored and "0987654321" in stored
        everything = "".join(str(row) for table in ("commands", "events", "tickets")
                             for row in ledger.conn.execute(f"SELECT * FROM {table}"))
        assert "0912345678" not in everything
        rebuilt = ledger.rebuild(q.engine, date(2026, 11, 24))
        assert rebuilt.bookings == q.state.bookings
        assert rebuilt.tickets == q.state.tickets
        assert ledger.erase_phones_before(date(2026, 11, 25)) == 1
        ledger.close()
    assert MONDAY_8AM.date() == date(2026, 11, 23)
