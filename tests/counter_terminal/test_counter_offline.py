"""The terminal without its broker or its hub: every button disabled with the reason on
screen, and back by itself to the counter's true state from the retained topics."""

from __future__ import annotations

from counter_terminal.model import Action
from tests.support import DEMO_PIN, wait_for

BUTTONS = [f"{a.value}_button" for a in Action if a is not Action.RESUME]


def test_broker_and_hub_outages_then_recovery(broker, hub, devices, terminal):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    kiosk.request("ticket.issue", {"service": "datdai"})
    screen = terminal("counter-5")
    screen.sign_in(then_enabled="next_button")
    screen.tap("next_button")
    screen.wait_ticket("2001")

    # The broker goes away: nothing can be sent, and the screen says why.
    broker.stop()
    screen.wait(lambda: screen.text("banner") == "Mất kết nối tới hệ thống — đang kết nối lại…",
                "the disconnected banner")
    assert not any(screen.enabled(name) for name in BUTTONS)
    assert screen.text("ticket_number") == "2001"  # what it last knew, shown but not usable
    screen.shot("18-disconnected")

    # Back. The manager pauses counter 5 as soon as it can, maybe before the terminal is
    # reconnected: either way the terminal ends up showing the counter as the hub has it.
    broker.start()
    wait_for(lambda: manager.connected.is_set() and manager.hub_online, timeout=20,
             what="the manager and the hub back")
    manager.request("counter.pause", {"counter": "5"})
    screen.wait(lambda: not screen.text("banner")
                and screen.text("status").strip() == "Tạm dừng", "reconnected, paused",
                timeout=20_000)
    assert screen.text("ticket_number") == "2001"
    assert screen.enabled("done_button") and screen.text("pause_button").startswith("Mở lại")
    assert screen.enabled("pause_button") and not screen.enabled("next_button")

    # The hub dies: the broker is there, but no one would answer.
    hub.kill()
    screen.wait(lambda: screen.text("banner").startswith("Máy chủ xếp hàng đang ngừng"),
                "the hub-offline banner")
    assert not any(screen.enabled(name) for name in BUTTONS)
    screen.shot("19-hub-offline")
    hub.start()
    screen.wait(lambda: not screen.text("banner"), "the hub back", timeout=20_000)
    screen.wait(lambda: screen.enabled("pause_button"), "resume enabled again")
    screen.tap("pause_button")
    screen.wait(lambda: screen.text("status").strip() == "Đang mở", "resumed")
    screen.tap("done_button")
    screen.wait(lambda: screen.text("ticket_number") == "" and screen.ready(), "done")


def test_a_new_terminal_shows_the_counter_as_the_hub_has_it(hub, devices, terminal):
    kiosk, counter = devices("kiosk-1"), devices("counter-5")
    kiosk.request("ticket.issue", {"service": "moitruong"})
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    counter.request("counter.call_next")
    counter.request("ticket.serve")
    # A terminal started now (a restart, a second PC) learns it all from retained state.
    screen = terminal("counter-5")
    screen.wait_ticket("2501")
    assert screen.page == "main_page"
    assert screen.text("status").strip() == "Đang mở"
    assert screen.text("ticket_detail").startswith("Đang phục vụ")
    assert screen.enabled("done_button") and not screen.enabled("next_button")


def test_a_device_not_bound_to_a_counter_says_so(hub, devices, terminal):
    screen = terminal("kiosk-2")
    screen.wait(lambda: screen.text("banner")
                == "Thiết bị kiosk-2 chưa được gán quầy trong cấu hình", "the binding error")
    assert not any(screen.enabled(name) for name in BUTTONS)
