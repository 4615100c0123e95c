"""A citizen taps through to a printed ticket: two taps, one for a one-service department, never
two tickets for a double tap, in Vietnamese or English, portrait or landscape."""

from __future__ import annotations

import re
import signal

from PySide6.QtCore import Qt

from drivers.printer import open_printer
from tests.kiosk.conftest import LANDSCAPE, PORTRAIT, escpos_text, service_state
from tests.support import CONFIG

CENTER = "Trung tâm Phục vụ hành chính công tỉnh Long An"


def test_department_then_service_prints_the_ticket(hub, devices, make_kiosk, printer_dir):
    manager = devices("manager-1")
    kiosk = make_kiosk(printer=open_printer(f"virtual:{printer_dir}", "cp1258"), ticket_s=1)
    kiosk.wait_ready()
    screen = kiosk.screen_text()
    assert "Xin mời chọn cơ quan giải quyết hồ sơ" in screen
    assert "Chạm vào màn hình để lấy số thứ tự" in screen  # the attract line from config
    assert kiosk.tile_text("department", "stnmt")[:2] == ["Sở Tài nguyên và Môi trường",
                                                          "Đất đai · Môi trường"]
    kiosk.shot("1-start")

    kiosk.open_department("stnmt")
    assert kiosk.tile_text("service", "datdai")[:2] == ["Đất đai", "Không có người chờ"]
    # No counter is open: no wait is promised (test_kiosk_steady.py has the whole story).
    assert kiosk.tile_text("service", "datdai")[2] == "Chưa có quầy phục vụ"
    kiosk.shot("2-services")

    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"
    screen = kiosk.screen_text()
    assert "Đất đai" in screen and "Không có ai chờ trước ông/bà" in screen
    kiosk.shot("3-ticket")

    kiosk.until(lambda: (s := service_state(manager, "datdai")) and s.issued == 1)
    state = service_state(manager, "datdai")
    assert state.last_issued == "2001" and state.waiting == 1
    [job] = kiosk.printed()
    lines = escpos_text(job.read_bytes())
    assert lines[:4] == [CENTER, "-" * 48, "SỐ THỨ TỰ", "2001"]
    assert lines[4:6] == ["Đất đai", "Sở Tài nguyên và Môi trường"]
    assert "Số người đang chờ trước: 0" in lines
    assert "Thời gian chờ dự kiến: chưa có quầy phục vụ" in lines
    [qr] = [line for line in lines if line.startswith("QR:")]
    assert re.fullmatch(r"QR:http://127\.0\.0\.1:8480/t/[A-Za-z0-9_-]{16}", qr)
    assert lines[-1] == "Vui lòng chờ đến lượt. Xin cảm ơn!"

    kiosk.wait_page("page-start")  # by itself, for the next citizen


def test_department_with_one_service_takes_one_tap(hub, devices, make_kiosk):
    kiosk = make_kiosk()
    kiosk.wait_ready()
    assert kiosk.tile_text("department", "skhcn") == [
        "Sở Khoa học và Công nghệ", "Không có người chờ", "Chưa có quầy phục vụ"]
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "6501"
    assert "Khoa học và công nghệ" in kiosk.screen_text()


def test_double_tap_gives_one_ticket(hub, devices, make_kiosk):
    manager = devices("manager-1")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    kiosk.open_department("stp")
    tile = kiosk.tile("service", "lltp")
    kiosk.qtbot.waitUntil(lambda: "Không có người chờ" in tile.text_lines())
    kiosk.settle()
    # A trembling hand: a tap, a double tap and one more, before the hub has answered.
    kiosk.qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    kiosk.qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    kiosk.qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "5001"
    # The next number goes to someone else: the extra taps took none.
    assert manager.request("ticket.issue", {"service": "lltp"})["ticket"]["number"] == "5002"
    assert len(kiosk.printed()) == 1


def test_a_retry_after_a_lost_answer_gives_the_same_ticket(hub, devices, make_kiosk):
    """The hub freezes mid-request: the kiosk gives up, the citizen taps again, and the hub,
    which meanwhile issued the number, answers with that same ticket instead of a second."""
    manager = devices("manager-1")
    kiosk = make_kiosk(client_options={"attempt_timeout": 0.4, "attempts": 2})
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    hub.process.send_signal(signal.SIGSTOP)
    try:
        kiosk.tap(kiosk.tile("service", "datdai"))
        kiosk.wait_page("page-issuing")
        assert "Đang lấy số, xin chờ trong giây lát…" in kiosk.screen_text()
        kiosk.shot("issuing")
        kiosk.until(lambda: kiosk.page == "page-services"
                    and "Hệ thống không phản hồi, vui lòng thử lại" in kiosk.screen_text())
        kiosk.shot("timeout-notice")
    finally:
        hub.process.send_signal(signal.SIGCONT)
    kiosk.until(lambda: (s := service_state(manager, "datdai")) and s.issued == 1)
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"
    assert manager.request("ticket.issue", {"service": "datdai"})["ticket"]["number"] == "2002"
    assert len(kiosk.printed()) == 1


def test_english_then_back_to_vietnamese(hub, devices, make_kiosk, printer_dir):
    kiosk = make_kiosk(printer=open_printer(f"virtual:{printer_dir}", "cp1258"), ticket_s=0.5,
                       idle_s=1)
    kiosk.wait_ready()
    kiosk.tap(kiosk.find("lang-button"))
    kiosk.qtbot.waitUntil(lambda: "Please choose a department" in kiosk.screen_text())
    assert kiosk.find("lang-button").text() == "Tiếng Việt"
    assert kiosk.tile_text("department", "stp")[0] == "Department of Justice"
    kiosk.shot("1-start-en")
    kiosk.open_department("stp")
    assert kiosk.tile_text("service", "lltp")[:2] == ["Criminal record certificates",
                                                      "No one waiting"]
    kiosk.shot("2-services-en")
    kiosk.tap(kiosk.tile("service", "lltp"))
    kiosk.qtbot.waitUntil(lambda: "Please take your ticket" in kiosk.screen_text())
    assert "No one is ahead of you" in kiosk.screen_text()
    kiosk.shot("3-ticket-en")
    [job] = kiosk.printed()
    lines = escpos_text(job.read_bytes())
    assert lines[2:4] == ["YOUR NUMBER", "5001"]
    assert lines[4:6] == ["Criminal record", "certificates"]  # large print wraps on paper
    # The next citizen meets the kiosk in Vietnamese again.
    kiosk.qtbot.waitUntil(lambda: "Xin mời chọn cơ quan giải quyết hồ sơ" in kiosk.screen_text())
    assert kiosk.page == "page-start"

    # Left half-way, the kiosk goes back to the start, in Vietnamese, by itself.
    kiosk.tap(kiosk.find("lang-button"))
    kiosk.open_department("stnmt")
    assert "Please choose a service" in kiosk.screen_text()
    kiosk.wait_page("page-start")
    assert "Xin mời chọn cơ quan giải quyết hồ sơ" in kiosk.screen_text()


def test_columns_follow_the_orientation_and_targets_stay_big(hub, make_kiosk):
    for size, columns, name, device in ((PORTRAIT, 2, "portrait", "kiosk-1"),
                                        (LANDSCAPE, 3, "landscape", "kiosk-2")):
        kiosk = make_kiosk(size=size, device=device)
        kiosk.wait_ready()
        kiosk.shot(f"start-{name}")
        tiles = [kiosk.tile("department", d.id) for d in CONFIG.departments]
        first_row = [t for t in tiles if t.geometry().top() == tiles[0].geometry().top()]
        assert len(first_row) == columns
        # 15 mm is about 60 px on a 21" full-HD screen; the tiles and buttons are far above it.
        assert min(t.height() for t in tiles) >= 180
        assert kiosk.find("lang-button").height() >= 90
        assert kiosk.find("priority-button").height() >= 140
        kiosk.open_department("stp")
        kiosk.shot(f"services-{name}")
        kiosk.window.hide()
