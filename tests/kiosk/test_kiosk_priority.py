"""The "Ưu tiên" path: the citizen says which priority group, and the ticket carries it."""

from __future__ import annotations

from tests.kiosk.conftest import ocr
from tests.support import DEMO_PIN


def test_priority_ticket_records_the_reason(hub, devices, make_kiosk):
    counter = devices("counter-4")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    assert "Người cao tuổi, Người khuyết tật, Phụ nữ mang thai, Người có công với cách mạng" in (
        kiosk.screen_text())
    kiosk.tap(kiosk.find("priority-button"))
    kiosk.wait_page("page-priority")
    assert "Ông/bà thuộc đối tượng ưu tiên nào?" in kiosk.screen_text()
    assert kiosk.tile_text("priority", "pregnant") == ["Phụ nữ mang thai"]
    kiosk.shot("1-priority-groups")

    kiosk.tap(kiosk.tile("priority", "elderly"))
    kiosk.wait_page("page-start")
    assert kiosk.find("priority-chosen").text() == "Ưu tiên: Người cao tuổi"
    assert not kiosk.find("priority-button").isVisible()
    kiosk.shot("2-start-with-priority")
    kiosk.open_department("stnmt")
    assert kiosk.find("priority-chosen").isVisible()
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-priority").text() == "Ưu tiên: Người cao tuổi"
    kiosk.shot("3-priority-ticket")

    counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    called = counter.request("counter.call_next")["ticket"]
    assert (called["number"], called["priority"], called["reason"]) == ("2001", True, "elderly")

    [job] = kiosk.printed()
    assert b"2001" in job.read_bytes()  # the big number goes in the printer's own font
    printed = ocr(job.with_suffix(".png"))
    assert "2001" in printed.split()  # the big number reads as itself, not as look-alikes
    assert "ƯU TIÊN: Người cao tuổi" in printed
    assert "Đất đai" in printed and "Sở Tài nguyên và Môi trường" in printed

    # The next citizen starts without the previous one's priority.
    kiosk.tap(kiosk.find("done-button"))
    kiosk.wait_page("page-start")
    assert not kiosk.find("priority-chosen").isVisible()
    assert kiosk.find("priority-button").isVisible()


def test_priority_can_be_cancelled(hub, devices, make_kiosk):
    counter = devices("counter-9")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    kiosk.tap(kiosk.find("priority-button"))
    kiosk.wait_page("page-priority")
    kiosk.tap(kiosk.tile("priority", "disabled"))
    kiosk.wait_page("page-start")
    kiosk.tap(kiosk.find("priority-cancel"))
    assert not kiosk.find("priority-chosen").isVisible()
    kiosk.open_department("stp")
    kiosk.tap(kiosk.tile("service", "lltp"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert not kiosk.find("ticket-priority").isVisible()
    counter.request("counter.open", {"officer": "dvk", "pin": DEMO_PIN})
    called = counter.request("counter.call_next")["ticket"]
    assert (called["number"], called["priority"], called["reason"]) == ("5001", False, None)
