"""Appointments over a real Mosquitto and hub process: the web face books, the kiosk checks
in, a counter calls the appointment at its slot ahead of the walk-ins, the manager's report
counts it; the bookings survive a restart of the hub (replayed from the ledger)."""

from __future__ import annotations

from datetime import date

import pytest

from broker.wire.device_client import RequestError
from tests.support import DEMO_PIN, EventLog, HubProcess, wait_for

# The hub's clock: Monday 23 November 2026, 08:58, running 20 times faster than real time.
CLOCK = ("--clock-start", "2026-11-23T08:58:00", "--clock-speed", "20")


def code_of(client, op, args=None) -> str:
    try:
        client.request(op, args)
    except RequestError as exc:
        return exc.code
    return "ok"


@pytest.fixture
def clocked_hub(broker, tmp_path):
    process = HubProcess(broker.url, tmp_path / "ledger.db", args=CLOCK).start()
    yield process
    process.stop()


def test_book_check_in_call_at_the_slot_and_count(clocked_hub, broker, devices):
    web, kiosk, counter, manager = (devices(d) for d in
                                    ("web-1", "kiosk-1", "counter-1", "manager-1"))
    events = EventLog(manager)
    days = web.request("booking.slots", {"service": "dkdn"})["days"]
    starts = [s["start"] for s in days[0]["slots"]]
    assert days[0]["day"] == "2026-11-23" and starts[0] == "2026-11-23T09:00:00+07:00"
    booking = web.request("booking.create", {
        "service": "dkdn", "slot": "2026-11-23T09:00:00+07:00", "phone": "0912345678",
        "consent": True})["booking"]
    code = booking["code"]
    assert booking["status"] == "booked" and "phone" not in booking
    assert code_of(kiosk, "booking.create", {"service": "dkdn",
                                             "slot": "2026-11-23T09:30:00+07:00"}) == "forbidden"
    assert code_of(kiosk, "booking.checkin", {"code": "ZZZZ-ZZZZ"}) == "unknown_booking"

    walk_ins = [kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]
                for _ in range(3)]
    checked = kiosk.request("booking.checkin", {"code": code.lower()})
    assert checked["ticket"]["number"] == "H001"
    assert checked["ticket"]["appointment_at"] == "2026-11-23T09:00:00+07:00"
    assert code_of(kiosk, "booking.checkin", {"code": code}) == "booking_used"

    counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
    # the hub's clock passes 09:00 within about 6 s
    wait_for(lambda: web.request("booking.slots", {"service": "dkdn"})["days"][0]["slots"][0]
             ["start"] != "2026-11-23T09:00:00+07:00", timeout=15, interval=0.5,
             what="the hub's clock to pass 09:00")
    called = counter.request("counter.call_next")["ticket"]
    assert called["number"] == "H001"  # ahead of the walk-ins issued before it
    counter.request("ticket.done")
    assert counter.request("counter.call_next")["ticket"]["number"] == walk_ins[0]
    wait_for(lambda: any(e.number == "H001" for e in events.of("ticket.called")),
             what="the call event")

    rows = manager.request("report.get", {"kind": "appointment", "from": "2026-11-23",
                                          "to": "2026-11-23"})["rows"]
    assert rows == [{
        "day": "2026-11-23", "key": "dkdn", "name": "Đăng ký doanh nghiệp", "booked": 1,
        "cancelled": 0, "checked_in": 1, "not_come": 0, "to_come": 0, "served": 1,
        "mean_slot_to_call_s": rows[0]["mean_slot_to_call_s"],
        "median_slot_to_call_s": rows[0]["median_slot_to_call_s"],
        "max_slot_to_call_s": rows[0]["max_slot_to_call_s"]}]
    assert 0 <= rows[0]["mean_slot_to_call_s"] < 600

    # a booking for tomorrow, cancelled by its code; then the hub restarts
    later = web.request("booking.create", {"service": "lltp",
                                           "slot": "2026-11-24T07:30:00+07:00"})["booking"]
    kept = web.request("booking.create", {"service": "lltp",
                                          "slot": "2026-11-24T08:00:00+07:00"})["booking"]
    web.request("booking.cancel", {"code": later["code"]})
    manager.request("booking.close_day", {"day": date(2026, 11, 25).isoformat()})
    clocked_hub.stop()
    clocked_hub.start()
    assert web.request("booking.find", {"code": code})["booking"]["status"] == "checked_in"
    assert web.request("booking.find", {"code": later["code"]})["booking"]["status"] == \
        "cancelled"
    assert web.request("booking.find", {"code": kept["code"]})["booking"]["status"] == "booked"
    assert code_of(kiosk, "booking.checkin", {"code": code}) == "booking_used"
    assert code_of(web, "booking.create", {"service": "lltp",
                                           "slot": "2026-11-25T08:00:00+07:00"}) == \
        "booking_day_closed"


def test_the_hub_erases_past_phone_numbers_when_it_starts_on_a_later_day(tmp_path):
    """Decree 13/2023: the phone number of a booking is kept only until its day is over."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from broker.service.hub import Hub
    from broker.service.ledger import Ledger
    from tests.support import CONFIG

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    now = [datetime(2026, 11, 23, 8, 0, tzinfo=tz)]
    ledger = Ledger(tmp_path / "ledger.db", synchronous="OFF")
    hub = Hub(CONFIG, ledger, clock=lambda: now[0])
    replies = []
    hub.publish = lambda topic, payload, retain: replies.append(payload) if "reply" in topic \
        else None
    for n, (slot, phone) in enumerate([("2026-11-23T09:00:00+07:00", "0912345678"),
                                       ("2026-11-24T09:00:00+07:00", "0987654321")]):
        hub.handle("web-1", (f'{{"v":1,"id":"b{n}","op":"booking.create","args":{{"service":'
                             f'"dkdn","slot":"{slot}","phone":"{phone}","consent":true}}}}'
                             ).encode())
    assert all(b'"ok":true' in r for r in replies) and len(replies) == 2
    assert not any(b"0912345678" in r for r in replies)  # never in a reply
    ledger.close()

    now[0] = datetime(2026, 11, 24, 7, 0, tzinfo=tz)  # the next morning: a restart
    ledger = Ledger(tmp_path / "ledger.db", synchronous="OFF")
    hub = Hub(CONFIG, ledger, clock=lambda: now[0])
    stored = "".join(str(row) for table in ("commands", "events", "tickets", "refusals")
                     for row in ledger.conn.execute(f"SELECT * FROM {table}"))
    assert "0912345678" not in stored  # yesterday's booking: erased
    assert "0987654321" in stored  # today's: kept until the day is over
    [kept] = hub.state.bookings.by_code.values()
    assert kept.phone == "0987654321" and kept.slot.day == 24
    ledger.close()
