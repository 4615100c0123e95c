"""The hall board over a real Mosquitto and hub process, read through its widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.display_board.board_support import calls, hero, label, screenshot, start_board, tile


def test_a_call_appears_with_number_and_counter(hub, devices, qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    board = start_board(qtbot, devices("board-hall"))
    assert label(board, "centerName") == "Trung tâm Phục vụ hành chính công tỉnh Long An"
    assert hero(board)[0] == "" and label(board, "heroLabel") == "Chưa có số nào được gọi"
    assert tile(board, "5") == ("", "Đóng")

    for _ in range(3):
        kiosk.request("ticket.issue", {"service": "datdai"})
    counter.request("counter.open", {"officer": "hve"})
    qtbot.waitUntil(lambda: tile(board, "5") == ("", "Sẵn sàng"))
    counter.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("2001", "Quầy 5"))
    assert board.controller.blinking and board.controller.blinking_number == "2001"
    assert label(board, "heroLabel") == "Xin mời công dân có số"
    qtbot.waitUntil(lambda: tile(board, "5") == ("2001", "Đang mời"))
    assert calls(board) == [("2001", "Quầy 5")]
    qtbot.waitUntil(lambda: label(board, "service_datdai_waiting") == "2")
    assert label(board, "service_datdai_name") == "Đất đai"
    screenshot(board, artifacts / "board_call.png")

    counter.request("ticket.serve")
    qtbot.waitUntil(lambda: tile(board, "5") == ("2001", "Đang phục vụ"))
    counter.request("ticket.done")
    counter.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("2002", "Quầy 5"))
    assert calls(board) == [("2002", "Quầy 5"), ("2001", "Quầy 5")]
    manager.request("board.message", {"text": "Trung tâm nghỉ trưa từ 11 giờ 30 đến 13 giờ"})
    qtbot.waitUntil(lambda: board.window.message.text()
                    == "Trung tâm nghỉ trưa từ 11 giờ 30 đến 13 giờ")
    assert board.window.message_bar.isVisible()
    screenshot(board, artifacts / "board_message.png")

    qtbot.keyClick(board.window, Qt.Key.Key_L)
    assert hero(board) == ("2002", "Counter 5")
    assert label(board, "centerName") == "Long An Public Administrative Service Center"
    assert tile(board, "5") == ("2002", "Calling")
    screenshot(board, artifacts / "board_english.png")
