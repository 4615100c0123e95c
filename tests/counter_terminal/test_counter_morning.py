"""An officer's morning at counter 5, through the terminal's own buttons, list and keys,
checked against what the hub recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.counter_terminal.conftest import eventually
from tests.support import DEMO_PIN, EventLog, wait_for

ACTIONS = ("next", "recall", "serve", "no_show", "done", "transfer", "call", "pause", "close")


def enabled_actions(screen) -> set[str]:
    return {a for a in ACTIONS if screen.enabled(f"{a}_button")}


def test_an_officers_morning(hub, devices, terminal):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    events = EventLog(manager)
    for service in ("datdai", "datdai", "datdai", "moitruong"):
        kiosk.request("ticket.issue", {"service": service})
    topics = manager.topics

    def counter5():
        return manager.cached(topics.counter_state("5"))

    screen = terminal("counter-5")

    # Sign in: the officers of the config, the counter's own officer chosen already.
    screen.wait_page("signin_page")
    assert screen.text("signin_title") == "Mở quầy 5"
    assert screen.terminal.window.officer_list.currentItem().text() == "Huỳnh Văn Em"
    screen.shot("01-signin")
    screen.terminal.window.pin_input.setText(DEMO_PIN)
    screen.tap("signin_button")
    screen.wait_page("main_page")
    screen.wait(lambda: screen.text("status").strip() == "Đang mở", "the open status")
    assert screen.text("officer") == "Cán bộ: Huỳnh Văn Em"
    eventually(lambda: (counter5().status, counter5().officer) == ("open", "hve"), "open")
    screen.wait(lambda: "Đất đai" in screen.text("waiting") and ">3<" in screen.text("waiting"),
                "3 waiting for land")
    assert screen.text("ticket_number") == ""
    assert enabled_actions(screen) == {"next", "call", "pause", "close"}
    screen.shot("02-open")

    # Next: the oldest ticket, called; only what a called ticket allows is enabled.
    screen.tap("next_button")
    screen.wait_ticket("2001")
    eventually(lambda: (counter5().ticket.number, counter5().ticket.state) == ("2001", "called"),
               "2001 called")
    assert enabled_actions(screen) == {"recall", "serve", "no_show", "done", "transfer", "pause"}
    assert screen.text("ticket_detail").startswith("Đã gọi 1 lần")
    screen.shot("03-called")

    # Recall, then the citizen does not come: no-show, and the number is in the missed list.
    screen.tap("recall_button")
    screen.wait(lambda: screen.text("ticket_detail").startswith("Đã gọi 2 lần"), "2 calls")
    eventually(lambda: counter5().ticket.calls == 2, "2 calls")
    screen.tap("no_show_button")
    screen.wait(lambda: screen.text("missed") == "2001" and screen.ready(), "2001 missed")
    assert screen.text("ticket_number") == ""
    eventually(lambda: [t.number for t in counter5().missed] == ["2001"], "2001 missed")

    # Next is 2002; it belongs at counter 7: transfer it there, picked from the list.
    screen.tap("next_button")
    screen.wait_ticket("2002")
    screen.tap("transfer_button")
    screen.wait_page("pick_page")
    assert screen.text("pick_title") == "Chuyển số 2002 đến"
    screen.shot("04-transfer-picker")
    screen.pick("Quầy 7")
    screen.wait(lambda: screen.text("ticket_number") == "" and screen.ready(), "transferred")
    assert screen.page == "main_page"
    land = wait_for(lambda: (s := manager.cached(topics.service_state("datdai")))
                    and any(q.number == "2002" for q in s.queue) and s, what="2002 queued")
    assert next(q for q in land.queue if q.number == "2002").for_counter == "7"

    # Call a number: the missed 2001 came back. The list has what this counter may call.
    screen.tap("call_button")
    screen.wait_page("pick_page")
    picker = screen.terminal.window.pick_list
    lines = [picker.item(i).text() for i in range(picker.count())]
    assert lines == ["Đất đai", "2003", "Môi trường", "2501", "Số vắng mặt", "2001  · Đất đai"]
    screen.shot("05-call-picker")
    screen.pick("2001")
    screen.wait_ticket("2001")
    eventually(lambda: counter5().ticket.calls == 3 and counter5().missed == [], "3 calls")

    # The citizen sits down: Start, the timer counts service time; then Done.
    screen.tap("serve_button")
    screen.wait(lambda: screen.text("ticket_detail").startswith("Đang phục vụ"), "serving")
    eventually(lambda: counter5().ticket.state == "serving", "serving")
    assert enabled_actions(screen) == {"done", "transfer", "pause"}
    screen.shot("06-serving")
    screen.tap("done_button")
    screen.wait(lambda: screen.text("ticket_number") == "" and screen.ready(), "done")
    wait_for(lambda: manager.cached(topics.service_state("datdai")).served == 1,
             what="one served")

    # A break: pause; the counter calls no one until it is resumed.
    screen.tap("pause_button")
    screen.wait(lambda: screen.text("status").strip() == "Tạm dừng" and screen.ready(), "paused")
    eventually(lambda: counter5().status == "paused", "paused")
    assert screen.text("pause_button").startswith("Mở lại")
    assert not screen.enabled("next_button")
    assert "Mở lại" in screen.text("hint")
    screen.shot("07-paused")

    # The keyboard: F9 resumes, F2 calls the next, F5 finishes it.
    screen.window.activateWindow()
    screen.qtbot.waitUntil(lambda: screen.window.isActiveWindow())
    screen.qtbot.keyClick(screen.window, Qt.Key.Key_F9)
    screen.wait(lambda: screen.text("status").strip() == "Đang mở" and screen.ready(), "resumed")
    screen.qtbot.keyClick(screen.window, Qt.Key.Key_F2)
    screen.wait_ticket("2003")
    screen.qtbot.keyClick(screen.window, Qt.Key.Key_F5)
    screen.wait(lambda: screen.text("ticket_number") == "" and screen.ready(), "done by F5")

    # The end of the morning: close the counter; the sign-in is back.
    screen.tap("close_button")
    screen.wait_page("signin_page")
    eventually(lambda: counter5().status == "closed", "closed")
    eventually(lambda: [e.number for e in events.of("ticket.done")] == ["2001", "2003"], "done")
    assert [e.number for e in events.of("ticket.no_show")] == ["2001"]
    assert [e.number for e in events.of("ticket.transferred")] == ["2002"]


def test_a_refusal_from_the_hub_is_shown_in_plain_words(hub, devices, terminal):
    """Two officers pick the same citizen: the one whose screen had not caught up yet is told
    why in plain words, and the list catches up."""
    kiosk, counter4 = devices("kiosk-1"), devices("counter-4")
    kiosk.request("ticket.issue", {"service": "datdai"})
    counter4.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    screen = terminal("counter-5")
    screen.sign_in(then_enabled="call_button")
    screen.tap("call_button")
    screen.wait_page("pick_page")
    picker = screen.terminal.window.pick_list
    screen.wait(lambda: picker.count() == 2, "2001 in the list")
    rect = picker.visualItemRect(picker.item(1))
    screen.qtbot.mouseClick(picker.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    # Counter 4 calls 2001 first. This test holds the GUI thread, so the terminal has not yet
    # seen that news when the officer confirms.
    counter4.request("counter.call", {"number": "2001"})
    screen.terminal.window.pick_ok.click()
    screen.wait(lambda: bool(screen.text("banner"))
                and screen.text("banner") == "Số này không thể thực hiện thao tác đó lúc này",
                "the refusal in plain words")
    screen.shot("08-refused")
    screen.wait(lambda: not screen.enabled("call_button") and not screen.enabled("next_button"),
                "nothing left to call")
    assert screen.text("ticket_number") == ""
    assert "Không còn ai đang chờ" in screen.text("hint")


def test_english_and_the_large_layout(hub, devices, terminal):
    devices("kiosk-1").request("ticket.issue", {"service": "moitruong", "priority": True,
                                                "reason": "elderly"})
    devices("manager-1").request("counter.open", {"counter": "5", "officer": "hve"})
    screen = terminal("counter-5", large=True)
    screen.wait(lambda: screen.enabled("next_button"), "someone waiting")
    screen.tap("next_button")
    screen.wait_ticket("2501")
    # The reason of a priority (a personal category) is not on the retained counter state
    # every device reads (docs/privacy.md): the terminal shows the priority alone.
    assert screen.text("priority_badge") == "Ưu tiên"
    screen.shot("09-large-vi")
    screen.tap("lang_button")
    screen.wait(lambda: screen.text("status").strip() == "Open", "English")
    assert screen.text("recall_button") == "Recall  (F3)"
    assert screen.text("officer") == "Officer: Huỳnh Văn Em"
    assert screen.text("hint") == "When the citizen arrives, press Start"
    assert screen.text("priority_badge") == "Priority"
    screen.shot("10-large-en")
    screen.tap("lang_button")
    screen.wait(lambda: screen.text("status").strip() == "Đang mở", "Vietnamese again")
