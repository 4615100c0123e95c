"""The hall for real people (issue 16): nothing moves under a finger, a tap just after
something moved issues nothing, the ticket screen ends with a tap anywhere, and every wait on
screen and paper is what the hub promises: a range, the priority queue's for a priority
citizen, and no promise at all when no open counter serves the service."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from drivers.printer import open_printer
from drivers.printer.decoder import render_escpos
from kiosk import texts
from tests.kiosk.conftest import KioskDriver, escpos_text, service_state
from tests.support import DEMO_PIN, wait_for


def _on_screen(kiosk: KioskDriver, widget: QWidget) -> QRect:
    """Where a widget is in the window, once the layout has had its passes."""
    QApplication.processEvents()
    return QRect(widget.mapTo(kiosk.window, QPoint(0, 0)), widget.size())


def _tiles_on_screen(kiosk: KioskDriver, grid) -> dict[str, QRect]:
    return {tile_id: _on_screen(kiosk, tile) for tile_id, tile in grid.tiles.items()}


def _tap_at(kiosk: KioskDriver, spot: QPoint) -> None:
    """A finger at a spot of the window, whatever is there now (no waiting for it to
    settle): the press and release go to the window system, which gives them to the widget
    under that spot."""
    QApplication.processEvents()
    QTest.mouseClick(kiosk.window.windowHandle(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, spot)
    QApplication.processEvents()


def _settle_past(kiosk: KioskDriver) -> None:
    kiosk.settle()
    QApplication.processEvents()


def test_a_notice_moves_no_card_and_a_second_tap_issues_nothing(hub, devices, make_kiosk):
    """Before: the notice came in above the cards and pushed them down 83 px, so an elderly
    citizen's second tap on a stopped service landed on the next one and printed it."""
    manager = devices("manager-1")
    manager.request("service.close", {"service": "datdai"})
    kiosk = make_kiosk()
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    kiosk.until(lambda: kiosk.tile("service", "datdai").property("tone") == "closed")
    _settle_past(kiosk)
    before = _tiles_on_screen(kiosk, kiosk.window.services)
    kiosk.shot("1-before-the-tap")

    spot = before["datdai"].center()
    _tap_at(kiosk, spot)
    kiosk.until(lambda: kiosk.find("notice").isVisible())
    assert kiosk.find("notice").text() == "Đất đai: Tạm ngừng cấp số – Xin hỏi bàn hướng dẫn"
    assert _tiles_on_screen(kiosk, kiosk.window.services) == before
    kiosk.shot("2-notice-in-its-own-strip")

    # The second tap of a double tap, at the same spot, a moment later, and again later on.
    for pause_s in (0.3, 1.0):
        time.sleep(pause_s)
        _tap_at(kiosk, spot)
        QApplication.processEvents()
        assert kiosk.page == "page-services"
        assert _tiles_on_screen(kiosk, kiosk.window.services) == before
    kiosk.qtbot.wait(500)
    assert kiosk.printed() == []
    assert service_state(manager, "moitruong").issued == 0
    assert service_state(manager, "datdai").issued == 0


def test_the_priority_banner_moves_no_card(hub, make_kiosk):
    """Before: choosing a priority group put a banner above the cards (and took the "Ưu
    tiên" button away below them): every card moved."""
    kiosk = make_kiosk()
    kiosk.wait_ready()
    _settle_past(kiosk)
    start = _tiles_on_screen(kiosk, kiosk.window.departments)
    button = _on_screen(kiosk, kiosk.find("priority-button"))
    kiosk.shot("1-start")

    kiosk.tap(kiosk.find("priority-button"))
    kiosk.wait_page("page-priority")
    kiosk.tap(kiosk.tile("priority", "elderly"))
    kiosk.wait_page("page-start")
    _settle_past(kiosk)
    assert kiosk.find("priority-chosen").isVisible()
    assert _tiles_on_screen(kiosk, kiosk.window.departments) == start
    # The banner takes the button's place, no more.
    assert _on_screen(kiosk, kiosk.find("priority-banner", QWidget)) == button
    kiosk.shot("2-start-with-priority")

    kiosk.open_department("stnmt")
    _settle_past(kiosk)
    services = _tiles_on_screen(kiosk, kiosk.window.services)
    kiosk.tap(kiosk.find("priority-cancel"))
    kiosk.until(lambda: not kiosk.find("priority-chosen").isVisible())
    assert _tiles_on_screen(kiosk, kiosk.window.services) == services
    kiosk.shot("3-services-priority-cancelled")


def test_a_tap_just_after_the_screen_changed_issues_nothing(hub, devices, make_kiosk):
    """A double tap on a department: its second tap lands on the services screen that has
    just come up, on a service card. It must not take a number."""
    manager = devices("manager-1")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    _settle_past(kiosk)
    department = _on_screen(kiosk, kiosk.tile("department", "stnmt"))
    _tap_at(kiosk, department.center())
    kiosk.wait_page("page-services")
    QApplication.processEvents()
    # What the second tap lands on, a quarter of a second later, is a service card.
    under = kiosk.window.childAt(department.center())
    assert under is not None
    tiles = kiosk.window.services.tiles.values()
    assert any(tile is under or tile.isAncestorOf(under) for tile in tiles)
    kiosk.qtbot.wait(250)
    _tap_at(kiosk, department.center())
    kiosk.qtbot.wait(500)
    assert kiosk.page == "page-services"
    assert kiosk.printed() == []
    assert all(service_state(manager, s).issued == 0 for s in ("datdai", "moitruong"))

    # Once the screen has stood still for a moment, the same tap takes a number.
    _settle_past(kiosk)
    _tap_at(kiosk, department.center())
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())


def test_a_tap_anywhere_ends_the_ticket_screen(hub, make_kiosk):
    """Before: only "Xong" ended it; a tap elsewhere did nothing for 8 s while the next
    citizen waited."""
    kiosk = make_kiosk()  # the ticket stays 8 s by itself
    kiosk.wait_ready()
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    kiosk.shot("ticket")
    shown_at = time.monotonic()
    kiosk.tap(kiosk.find("ticket-number"))  # the big number, not the "Xong" button
    kiosk.wait_page("page-start", timeout=3_000)
    assert time.monotonic() - shown_at < 4
    assert "Xin mời chọn cơ quan giải quyết hồ sơ" in kiosk.screen_text()


def test_no_open_counter_promises_no_wait(hub, devices, make_kiosk, printer_dir, artifacts):
    """Before: with every counter closed, screen and paper said "Chờ khoảng 12 phút"."""
    manager = devices("manager-1")
    kiosk = make_kiosk(printer=open_printer(f"virtual:{printer_dir}", "cp1258"))
    kiosk.wait_ready()
    assert kiosk.tile_text("department", "skhcn") == [
        "Sở Khoa học và Công nghệ", "Không có người chờ", "Chưa có quầy phục vụ"]
    kiosk.open_department("stnmt")
    assert kiosk.tile_text("service", "datdai")[1:] == ["Không có người chờ",
                                                        "Chưa có quầy phục vụ"]
    kiosk.shot("1-services-no-counter")
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"
    screen = kiosk.screen_text()
    assert "Chưa có quầy phục vụ" in screen and "phút" not in screen
    kiosk.shot("2-ticket-no-counter")

    [job] = kiosk.printed()
    lines = escpos_text(job.read_bytes())
    assert "Thời gian chờ dự kiến: chưa có quầy phục vụ" in lines
    assert not any("phút" in line for line in lines)
    render_escpos(job.read_bytes()).save(artifacts / "3-paper-no-counter.png")

    state = service_state(manager, "datdai")
    assert state.no_counter and state.wait_range() is None and state.ewt_low_s is None


def test_cards_and_ticket_say_the_same_range_and_priority_gets_its_own(
        hub, devices, make_kiosk, printer_dir, artifacts):
    """Before: with a priority group chosen, the cards showed the ordinary queue's wait while
    the ticket then said 4 minutes."""
    manager, counter = devices("manager-1"), devices("counter-4")
    counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    for _ in range(6):
        manager.request("ticket.issue", {"service": "datdai"})
    wait_for(lambda: (s := service_state(manager, "datdai")) is not None and s.waiting == 6,
             what="six waiting for land")
    state = service_state(manager, "datdai")
    ordinary, priority = state.wait_range(), state.wait_range(priority=True)
    assert ordinary is not None and priority is not None
    assert priority[1] < ordinary[0], (priority, ordinary)  # nobody priority waits: sooner
    ordinary_text, priority_text = (texts.wait_time(ordinary, "vi"),
                                    texts.wait_time(priority, "vi"))
    assert ordinary_text.startswith("Chờ khoảng") and "-" in ordinary_text

    kiosk = make_kiosk(printer=open_printer(f"virtual:{printer_dir}", "cp1258"))
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    kiosk.until(lambda: kiosk.tile_text("service", "datdai")[1:] == [
        "6 người đang chờ", ordinary_text])
    kiosk.shot("1-services-ordinary")
    kiosk.tap_named("back-button")
    kiosk.wait_page("page-start")

    kiosk.tap(kiosk.find("priority-button"))
    kiosk.wait_page("page-priority")
    kiosk.tap(kiosk.tile("priority", "elderly"))
    kiosk.wait_page("page-start")
    kiosk.open_department("stnmt")
    assert kiosk.tile_text("service", "datdai")[2] == priority_text
    kiosk.shot("2-services-priority")
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-priority").text() == "Ưu tiên: Người cao tuổi"
    assert priority_text in kiosk.screen_text()
    kiosk.shot("3-ticket-priority")
    [job] = kiosk.printed()
    lines = escpos_text(job.read_bytes())
    paper = priority_text.replace("Chờ khoảng", "khoảng").replace("Chờ dưới", "dưới")
    assert f"Thời gian chờ dự kiến: {paper}" in lines
    render_escpos(job.read_bytes()).save(artifacts / "4-paper-priority.png")
