"""The hall board over a real Mosquitto and hub process, read through its widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.display_board.board_support import calls, hero, label, screenshot, start_board, tile
from tests.support import DEMO_PIN


def test_a_call_appears_with_number_and_counter(hub, devices, qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    board = start_board(qtbot, devices("board-hall"))
    assert label(board, "centerName") == "Trung tâm Phục vụ hành chính công tỉnh Long An"
    assert hero(board)[0] == "" and label(board, "heroLabel") == "Chưa có số nào được gọi"
    assert tile(board, "5") == ("", "Đóng")

    for _ in range(3):
        kiosk.request("ticket.issue", {"service": "datdai"})
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    qtbot.waitUntil(lambda: tile(board, "5") == ("", "Sẵn sàng"))
    counter.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("2001", "Quầy 5"))
    # the hub publishes the board's state, then the call's event: the blink follows the hero
    qtbot.waitUntil(lambda: board.controller.blinking
                    and board.controller.blinking_number == "2001")
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


def test_a_busy_hall(hub, devices, qtbot, artifacts):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    officers = {"1": "nva", "2": "ttb", "4": "pthd", "5": "hve", "9": "dvk", "11": "dqm"}
    counters = {k: devices(f"counter-{k}") for k in officers}
    for service, count in (("dkdn", 5), ("datdai", 6), ("lltp", 4), ("chungthuc", 3)):
        for _ in range(count):
            kiosk.request("ticket.issue", {"service": service})
    for k, officer in officers.items():
        counters[k].request("counter.open", {"officer": officer, "pin": DEMO_PIN})
    for k in ("1", "2", "4", "5", "9", "11"):
        counters[k].request("counter.call_next")
    for k in ("1", "4"):
        counters[k].request("ticket.done")
        counters[k].request("counter.call_next")
    counters["2"].request("ticket.serve")
    counters["9"].request("ticket.done")
    counters["9"].request("counter.pause")
    manager.request("service.close", {"service": "chungthuc"})
    manager.request("board.message", {"text": "Kính mời quý công dân giữ trật tự và chú ý "
                                      "nghe gọi số. Trung tâm làm việc buổi chiều từ 13 giờ."})
    board = start_board(qtbot, devices("board-hall"))
    qtbot.waitUntil(lambda: len(calls(board)) == 8)
    qtbot.waitUntil(lambda: tile(board, "9") == ("", "Tạm dừng"))
    assert tile(board, "2") == ("1002", "Đang phục vụ")
    assert hero(board) == calls(board)[0] == ("2003", "Quầy 4")
    assert [number for number, _ in calls(board)] == [
        "2003", "1003", "5501", "5001", "2002", "2001", "1002", "1001"]
    assert label(board, "service_chungthuc_name") == "Chứng thực · Tạm ngừng"
    assert board.window.message.text().startswith("Kính mời quý công dân")
    screenshot(board, artifacts / "board_busy.png")
