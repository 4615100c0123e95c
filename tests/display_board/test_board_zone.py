"""A board for one zone of the hall shows only its counters, their calls and services; the
layout scales to screens other than 1920x1080."""

from __future__ import annotations

import pytest

from display_board.zone import parse_counters
from tests.display_board.board_support import (
    calls,
    hero,
    label,
    screenshot,
    shown_counters,
    start_board,
    tile,
)
from tests.support import DEMO_PIN

ZONE_A_SERVICES = ["dkdn", "dautu", "datdai", "moitruong", "gpxd", "nhao"]


def test_zone_board_from_the_device_config(hub, devices, qtbot, artifacts):
    kiosk, counter2, counter8 = devices("kiosk-1"), devices("counter-2"), devices("counter-8")
    board = start_board(qtbot, devices("board-zone-a"))
    assert shown_counters(board) == ["1", "2", "3", "4", "5", "6"]
    assert board.window.counter_tile("8") is None
    assert [row.id for row in board.controller.model.services()] == ZONE_A_SERVICES
    assert board.window.service_chip("thuongmai") is None

    kiosk.request("ticket.issue", {"service": "thuongmai"})
    kiosk.request("ticket.issue", {"service": "dkdn"})
    kiosk.request("ticket.issue", {"service": "dkdn"})
    counter8.request("counter.open", {"officer": "bth", "pin": DEMO_PIN})
    counter8.request("counter.call_next")
    counter2.request("counter.open", {"officer": "ttb", "pin": DEMO_PIN})
    counter2.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("1001", "Quầy 2"))
    qtbot.waitUntil(lambda: label(board, "service_dkdn_waiting") == "1")
    # Counter 8 is in another zone: its call shows on neither the hero nor the list.
    assert calls(board) == [("1001", "Quầy 2")]
    assert tile(board, "2") == ("1001", "Đang mời")
    screenshot(board, artifacts / "board_zone_a.png")


def test_zone_board_from_the_command_line_option(hub, devices, qtbot, artifacts):
    kiosk, counter8 = devices("kiosk-1"), devices("counter-8")
    board = start_board(qtbot, devices("board-hall"), counters="7-9")
    assert shown_counters(board) == ["7", "8", "9"]
    assert [row.id for row in board.controller.model.services()] == [
        "gpxd", "nhao", "thuongmai", "dien", "lltp"]
    kiosk.request("ticket.issue", {"service": "dien"})
    counter8.request("counter.open", {"officer": "bth", "pin": DEMO_PIN})
    counter8.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("4501", "Quầy 8"))
    screenshot(board, artifacts / "board_zone_7_9.png")


def test_the_board_scales_with_the_screen(hub, devices, qtbot, artifacts):
    board = start_board(qtbot, devices("board-hall"))
    full = board.window.findChild(type(board.window.hero_number), "heroNumber")
    big = full.font().pixelSize()
    board.window.resize(1366, 768)
    qtbot.waitUntil(lambda: full.font().pixelSize() < big)
    assert board.window.clock.font().pixelSize() == round(56 * 768 / 1080)
    screenshot(board, artifacts / "board_1366x768.png")


@pytest.mark.parametrize(("spec", "ids"), [
    ("1-6", ("1", "2", "3", "4", "5", "6")),
    ("1,3,7-9", ("1", "3", "7", "8", "9")),
    ("A1, B2,A1", ("A1", "B2")),
])
def test_parse_counters(spec, ids):
    assert parse_counters(spec) == ids


@pytest.mark.parametrize("spec", ["", " , ", "9-7"])
def test_parse_counters_refuses(spec):
    with pytest.raises(ValueError):
        parse_counters(spec)
