"""The terminal for real people (issue 16): no button moves under a finger whatever the state
shows, a no-show can be taken back before it is sent, a transfer is shown on both counters
with the calls of this counter's visit, and Return in the "Gọi số" list calls the number."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from msgspec.structs import replace as sreplace
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from broker.wire.protocol import TicketInfo
from counter_terminal.model import Action, Pending, build_screen
from counter_terminal.views import TerminalWindow
from tests.counter_terminal.conftest import eventually
from tests.counter_terminal.test_counter_rules import NOW, snapshot, ticket
from tests.support import EventLog


def _states():
    """Every kind of line the screen shows or hides, as (name, snapshot, extra build args)."""
    called = ticket("called", calls=1)
    priority = ticket("called", priority=True, reason="elderly", transfers=1, calls=3)
    serving = sreplace(ticket("serving"), served_at=NOW)
    return [
        ("idle", snapshot(), {}),
        ("queue_empty", snapshot(waiting=0), {}),
        ("called", snapshot(current=called), {}),
        ("priority_transferred", snapshot(current=priority), {}),
        ("serving", snapshot(current=serving), {}),
        ("paused", snapshot("paused"), {}),
        ("offline", replace(snapshot(current=called), connected=False), {}),
        ("hub_offline", replace(snapshot(), hub_online=False), {}),
        ("refused", snapshot(current=called), {"error": "invalid_transition"}),
        ("sending", replace(snapshot(current=called), busy=True), {"sending": True}),
        ("undo", snapshot(current=called),
         {"pending": Pending(Action.NO_SHOW, called.id, called.number, 5)}),
        ("sent", snapshot(), {"notice": "Đã chuyển số 2001 đến Quầy 7"}),
    ]


def _geometry(window: TerminalWindow) -> dict[str, QRect]:
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    return {action.value: QRect(button.mapTo(window, QPoint(0, 0)), button.size())
            for action, button in window.buttons.items()}


@pytest.mark.parametrize("large", [False, True])
def test_every_button_keeps_its_place_in_every_state(qtbot, artifacts, large):
    window = TerminalWindow(large=large)
    qtbot.addWidget(window)
    window.show()
    places: dict[str, dict[str, QRect]] = {}
    for name, state, extra in _states():
        window.render(build_screen(state, page="main", lang="vi", now=NOW, **extra))
        places[name] = _geometry(window)
        window.grab().save(str(artifacts / f"{'large' if large else 'narrow'}-{name}.png"))
    first = places["idle"]
    assert all(rect.height() > 0 and window.rect().contains(rect) for rect in first.values())
    for name, rects in places.items():
        moved = {a: (first[a].topLeft().toTuple(), r.topLeft().toTuple())
                 for a, r in rects.items() if r != first[a]}
        assert not moved, f"buttons moved in state {name!r}: {moved}"


def test_undo_shows_on_the_screen_while_a_no_show_waits(qtbot):
    window = TerminalWindow()
    qtbot.addWidget(window)
    window.show()
    called = ticket("called", calls=1)
    screen = build_screen(snapshot(current=called), page="main", lang="vi", now=NOW,
                          pending=Pending(Action.NO_SHOW, called.id, called.number, 4))
    window.render(screen)
    assert window.notice.text() == "Số 2001: báo vắng mặt sau 4 giây"
    assert window.undo_button.isVisible() and window.undo_button.text().startswith("Hoàn tác")
    # only "Next" is on: it sends the no-show at once and calls the next citizen
    assert [a for a, on in screen.enabled.items() if on] == [Action.NEXT]


def test_a_no_show_can_be_undone_before_it_is_sent(hub, devices, terminal):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    events = EventLog(manager)
    for _ in range(3):
        kiosk.request("ticket.issue", {"service": "datdai"})
    screen = terminal("counter-5")
    screen.terminal.controller.undo_s = 1.5
    screen.sign_in(then_enabled="next_button")
    screen.tap("next_button")
    screen.wait_ticket("2001")

    # F6 acts on screen at once, with a way back; the hub hears nothing yet.
    screen.tap("no_show_button")
    assert screen.text("notice").startswith("Số 2001: báo vắng mặt sau")
    assert screen.find("undo_button").isVisible()
    screen.shot("undo-offered")
    screen.tap("undo_button")
    assert not screen.find("undo_button").isVisible()
    assert screen.text("notice") == ""
    time.sleep(2.0)
    screen.qtbot.wait(100)
    assert events.of("ticket.no_show") == []
    assert screen.text("ticket_number") == "2001" and screen.enabled("no_show_button")

    # Left alone, the no-show is sent when its time is up.
    screen.tap("no_show_button")
    screen.wait(lambda: screen.text("missed") == "2001" and screen.ready(), "2001 missed",
                timeout=5_000)
    eventually(lambda: [e.number for e in events.of("ticket.no_show")] == ["2001"], "no-show")

    # F6 then F2 at once: the no-show goes now, then the next citizen is called.
    screen.tap("next_button")
    screen.wait_ticket("2002")
    screen.tap("no_show_button")
    assert screen.enabled("next_button")
    screen.tap("next_button")
    screen.wait_ticket("2003")
    eventually(lambda: [e.number for e in events.of("ticket.no_show")] == ["2001", "2002"],
               "the second no-show")


def test_a_transfer_is_shown_on_both_counters_with_this_counters_calls(hub, devices, terminal):
    kiosk = devices("kiosk-1")
    kiosk.request("ticket.issue", {"service": "datdai"})
    five = terminal("counter-5")
    seven = terminal("counter-7")
    for screen in (five, seven):
        screen.sign_in()
        screen.wait_page("main_page")
    five.wait(lambda: five.enabled("next_button"), "next enabled")
    five.tap("next_button")
    five.wait_ticket("2001")
    five.tap("recall_button")
    five.wait(lambda: five.text("ticket_detail").startswith("Đã gọi 2 lần"), "2 calls")
    five.tap("transfer_button")
    five.wait_page("pick_page")
    five.pick("Quầy 7")
    # the sending counter says where the citizen went
    five.wait(lambda: five.text("notice") == "Đã chuyển số 2001 đến Quầy 7", "the transfer")
    five.shot("transfer-sent")

    seven.wait(lambda: seven.enabled("next_button"), "2001 sent to counter 7")
    seven.tap("next_button")
    seven.wait_ticket("2001")
    # called once here (twice at counter 5 before), and marked as sent here
    assert seven.text("ticket_detail").startswith("Đã gọi 1 lần")
    assert seven.find("transferred_badge").isVisible()
    assert seven.text("transferred_badge") == "Số chuyển đến"
    seven.shot("transfer-received")
    seven.tap("recall_button")
    seven.wait(lambda: seven.text("ticket_detail").startswith("Đã gọi 2 lần"), "recalled here")


def test_return_in_the_call_list_calls_the_selected_number(hub, devices, terminal):
    kiosk = devices("kiosk-1")
    for _ in range(2):
        kiosk.request("ticket.issue", {"service": "datdai"})
    screen = terminal("counter-5")
    screen.sign_in(then_enabled="call_button")
    screen.tap("call_button")
    screen.wait_page("pick_page")
    picker = screen.terminal.window.pick_list
    screen.wait(lambda: picker.count() >= 3, "the numbers")
    screen.window.activateWindow()
    screen.qtbot.waitUntil(lambda: screen.window.isActiveWindow())
    # the keyboard alone: down to the second number, Return
    screen.qtbot.keyClick(picker, Qt.Key.Key_Down)
    screen.qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert picker.selectedItems()[0].text() == "2002"
    screen.qtbot.keyClick(picker, Qt.Key.Key_Return)
    screen.wait_ticket("2002")
    assert screen.page == "main_page"


def test_a_ticket_met_at_start_up_counts_its_calls_by_whether_it_was_transferred():
    from counter_terminal.controller import _call_base

    fresh = snapshot()
    once = TicketInfo(id="a", number="2001", service="datdai", state="called", calls=3)
    moved = sreplace(once, transfers=1)
    start = replace(fresh, counter=None)
    assert _call_base(start, sreplace(fresh.counter, ticket=once)) == ("a", 0)
    assert _call_base(start, sreplace(fresh.counter, ticket=moved)) == ("a", 2)
    # seen arriving, the call that brought it is the first of this visit
    assert _call_base(fresh, sreplace(fresh.counter, ticket=once)) == ("a", 2)
    here = replace(fresh, counter=sreplace(fresh.counter, ticket=moved), call_base=("a", 2))
    assert here.calls_here() == 1


def test_a_keypad_key_mapped_to_undo_takes_a_no_show_back(hub, devices, terminal):
    from counter_terminal.keypad import key_map

    assert key_map({"KP1": "next", "KP3": "no_show", "KPDOT": "undo"})
    kiosk = devices("kiosk-1")
    kiosk.request("ticket.issue", {"service": "datdai"})
    screen = terminal("counter-5")
    screen.sign_in(then_enabled="next_button")
    controller = screen.terminal.controller
    controller.keypad_action("next")
    screen.wait_ticket("2001")
    controller.keypad_action("no_show")
    screen.wait(lambda: screen.find("undo_button").isVisible(), "the undo offered")
    controller.keypad_action("undo")
    screen.wait(lambda: not screen.find("undo_button").isVisible(), "the no-show taken back")
    assert controller.pending is None and screen.text("ticket_number") == "2001"
