"""The desk's rating tablet: from the officer's Done to a rating the hub stored, taps on faces
and reasons; what it refuses to offer; what it does when it cannot deliver."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from tests.counter_terminal.conftest import eventually
from tests.support import DEMO_PIN, EventLog


def stored_ratings(hub) -> list[tuple]:
    """The ledger's rating rows, read from the hub's own SQLite file."""
    with closing(sqlite3.connect(hub.db)) as conn:
        rows = conn.execute("SELECT ticket, counter, officer, score, reasons FROM ratings "
                            "ORDER BY at").fetchall()
    return [(ticket.rsplit("-", 1)[-1], counter, officer, score, json.loads(reasons))
            for ticket, counter, officer, score, reasons in rows]


def serve_one(counter, kiosk, service: str = "datdai") -> str:
    """A citizen served at the counter, start to finish; returns the ticket's number."""
    kiosk.request("ticket.issue", {"service": service})
    number = counter.request("counter.call_next")["ticket"]["number"]
    counter.request("ticket.done")
    return number


def test_from_done_to_a_stored_rating(hub, devices, tablet):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    ratings = EventLog(manager)
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    screen = tablet("tablet-5", thanks_s=0.5)

    # Idle: the counter, the officer, the ticket being served.
    kiosk.request("ticket.issue", {"service": "datdai"})
    counter.request("counter.call_next")
    screen.wait(lambda: screen.text("status_text") == "Đang phục vụ số 2001", "2001 served")
    assert screen.page == "idle_page"
    assert screen.text("counter_text") == "Quầy số 5"
    assert screen.text("officer_text") == "Cán bộ Huỳnh Văn Em"
    screen.shot("11-tablet-idle")

    # Done: the question, with the configured levels as faces.
    counter.request("ticket.done")
    screen.wait_page("ask_page")
    assert screen.text("question") == "Ông/bà đánh giá thế nào về thái độ phục vụ của cán bộ?"
    assert screen.text("ask_detail") == "Số 2001  ·  Cán bộ Huỳnh Văn Em"
    assert [screen.text(f"rate_{score}") for score in (4, 3, 2, 1)] == [
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]
    screen.shot("12-tablet-ask")

    # A lower level asks for reasons (optional), then the hub's confirmation, then thanks.
    screen.tap("rate_2")
    screen.wait_page("reasons_page")
    screen.tap("reason_long_wait")
    screen.tap("reason_unclear")
    screen.shot("13-tablet-reasons")
    screen.tap("send_button")
    screen.wait(lambda: screen.text("message") == "Cảm ơn ông/bà đã đánh giá!", "thanks")
    screen.shot("14-tablet-thanks")
    # The broadcast event names no ticket (the rater stays confidential): counter, officer.
    eventually(lambda: [(r.counter, r.score, r.officer, r.ticket, r.number)
                        for r in ratings.of("rating.recorded")]
               == [("5", 2, "hve", None, None)], "the rating event")
    assert stored_ratings(hub) == [("2001", "5", "hve", 2, ["long_wait", "unclear"])]

    # Back to idle by itself; one rating per ticket: nothing more is offered for 2001.
    screen.wait_page("idle_page")
    assert not screen.levels_shown()
    assert screen.text("status_text") == "Xin kính chào quý ông/bà"

    # A level without reasons goes straight to the hub.
    serve_one(counter, kiosk)
    screen.wait_page("ask_page")
    assert screen.text("ask_detail").startswith("Số 2002")
    screen.tap("rate_4")
    screen.wait(lambda: screen.text("message") == "Cảm ơn ông/bà đã đánh giá!", "thanks")
    eventually(lambda: [(r.counter, r.score) for r in ratings.of("rating.recorded")] == [
        ("5", 2), ("5", 4)], "two ratings")


def test_only_its_own_counter_and_a_refusal_shown(hub, devices, tablet):
    kiosk, counter5, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    ratings = EventLog(manager)
    counter5.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    own6 = tablet("tablet-6")
    # A tablet set up by mistake for counter 5: the hub still knows it is counter 6's.
    wrong = tablet("tablet-6", counter="5", thanks_s=30)
    wrong.wait(lambda: wrong.text("counter_text") == "Quầy số 5", "counter 5 on the wrong one")

    serve_one(counter5, kiosk)
    wrong.wait_page("ask_page")
    wrong.tap("rate_3")
    wrong.wait(lambda: wrong.text("message") == "Đánh giá chưa được ghi nhận", "the refusal")
    assert wrong.text("message_detail") == "Thiết bị này không được phép làm thao tác đó"
    wrong.shot("15-tablet-refused")
    assert own6.page == "idle_page" and not own6.levels_shown()
    assert ratings.of("rating.recorded") == [] and stored_ratings(hub) == []


def test_the_offer_times_out_back_to_idle(hub, devices, tablet):
    kiosk, counter = devices("kiosk-1"), devices("counter-5")
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    # Event times are whole seconds: a window of 3 s leaves at least 2 s to see the offer.
    screen = tablet("tablet-5", window_s=3.0)
    serve_one(counter, kiosk)
    screen.wait_page("ask_page")
    screen.tap("lang_button")
    screen.wait(lambda: screen.text("rate_4") == "Very satisfied", "the levels in English")
    assert screen.text("question") == "How satisfied are you with our service?"
    screen.shot("20-tablet-ask-en")
    screen.wait_page("idle_page")
    assert not screen.levels_shown()
    assert screen.text("status_text") == "Xin kính chào quý ông/bà"  # the next one: Vietnamese


def test_offline_it_offers_nothing_and_recovers(hub, devices, tablet):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    ratings = EventLog(manager)
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    screen = tablet("tablet-5")
    serve_one(counter, kiosk)
    screen.wait_page("ask_page")

    hub.kill()
    screen.wait_page("message_page")
    assert screen.text("message") == "Tạm thời chưa thể đánh giá"
    assert not screen.levels_shown()
    screen.shot("16-tablet-offline")

    hub.start()
    # Still within the rating window: offered again once the hub is back, and delivered.
    screen.wait_page("ask_page", timeout=20_000)
    screen.tap("rate_4")
    screen.wait(lambda: screen.text("message") == "Cảm ơn ông/bà đã đánh giá!", "thanks")
    eventually(lambda: [(r.counter, r.score) for r in ratings.of("rating.recorded")] == [
        ("5", 4)], "the rating after the outage")


def test_the_tablet_and_terminal_read_the_hall_clock_they_are_given(hub, devices, tablet,
                                                                    terminal, qtbot):
    """A demo runs the hall's clock apart from the wall's: the tablet and the terminal read the
    clock they are given, not the machine's."""
    from datetime import datetime, timedelta

    def hours_on() -> datetime:
        return datetime.now().astimezone() + timedelta(hours=3)

    def minutes_on() -> datetime:
        return datetime.now().astimezone() + timedelta(minutes=7)

    kiosk, counter = devices("kiosk-1"), devices("counter-5")
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    screen = tablet("tablet-5", clock=hours_on)
    officer = terminal("counter-5", clock=minutes_on)
    kiosk.request("ticket.issue", {"service": "datdai"})
    counter.request("counter.call_next")
    # Called "now" by the hub's clock: 7 minutes ago by the terminal's.
    officer.wait(lambda: officer.text("ticket_detail").endswith(("7:00", "7:01")),
                 "7 minutes on its clock")
    screen.wait(lambda: screen.text("status_text") == "Đang phục vụ số 2001", "2001 served")
    counter.request("ticket.done")
    # By the tablet's clock the ticket was finished 3 hours ago, long past the rating window.
    qtbot.wait(1500)
    assert screen.page == "idle_page"
