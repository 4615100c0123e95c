"""Signing in at a counter terminal: the officer's PIN, typed on the terminal and checked by
the hub; an officer open at another counter is never pre-selected."""

from __future__ import annotations

from tests.counter_terminal.conftest import eventually
from tests.support import DEMO_PIN


def test_the_pin_is_asked_checked_and_never_kept_on_screen(hub, devices, terminal):
    manager = devices("manager-1")
    counter5 = manager.topics.counter_state("5")
    screen = terminal("counter-5")
    screen.wait_page("signin_page")
    pin = screen.terminal.window.pin_input
    assert pin.placeholderText() == "Mã PIN của cán bộ"

    # No PIN, then a wrong one: refused in plain words, the counter stays closed.
    screen.tap("signin_button")
    screen.wait(lambda: screen.text("banner") == "Vui lòng nhập mã PIN", "PIN required")
    pin.setText("9753")
    screen.tap("signin_button")
    assert pin.text() == ""  # cleared at once, whatever the answer
    screen.wait(lambda: screen.text("banner") == "Mã PIN không đúng", "wrong PIN")
    screen.shot("signin-wrong-pin")
    assert manager.cached(counter5).status == "closed"

    pin.setText(DEMO_PIN)
    screen.tap("signin_button")
    screen.wait_page("main_page")
    eventually(lambda: (manager.cached(counter5).status, manager.cached(counter5).officer)
               == ("open", "hve"), "open under hve")


def test_an_officer_open_elsewhere_is_shown_so_and_not_preselected(hub, devices, terminal):
    manager = devices("manager-1")
    # Counter 5's own officer (hve) works at counter 6 this morning.
    manager.request("counter.open", {"counter": "6", "officer": "hve"})
    screen = terminal("counter-5")
    screen.wait_page("signin_page")
    officers = screen.terminal.window.officer_list
    screen.wait(lambda: any(officers.item(i).text() == "Huỳnh Văn Em — đang ở quầy 6"
                            for i in range(officers.count())), "hve marked at counter 6")
    assert officers.currentItem() is None
    screen.shot("signin-officer-elsewhere")
    # Chosen anyway, the hub refuses it, in words.
    row = next(i for i in range(officers.count()) if officers.item(i).text().startswith("Huỳnh"))
    officers.setCurrentRow(row)
    screen.terminal.window.pin_input.setText(DEMO_PIN)
    screen.tap("signin_button")
    screen.wait(lambda: screen.text("banner") == "Cán bộ này đang làm việc tại quầy khác",
                "officer_busy")
