"""The console's appointments tab against the real hub (its clock on a Monday morning): book
for a citizen on the telephone, cancel by code, close a day to booking, and the figures per
day and service, on screen and as CSV."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate

from manager_console.appointments_page import text
from tests.manager_console.ui import click, open_tab, rows, type_text
from tests.support import DEMO_PIN, HubProcess

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_book_on_the_phone_cancel_close_a_day_and_count(broker, tmp_path, devices, console,
                                                        qtbot, artifacts):
    hub = HubProcess(broker.url, tmp_path / "ledger.db",
                     args=("--clock-start", "2026-11-23T08:40:00")).start()
    try:
        manager, kiosk, counter, web = (devices(d) for d in
                                        ("manager-1", "kiosk-1", "counter-1", "web-1"))
        built = console(manager, clock=lambda: datetime(2026, 11, 23, 8, 45, tzinfo=TZ))
        window, c = built.window, built.controller
        qtbot.waitUntil(lambda: c.config is not None and c.can_command, timeout=10_000)
        page = window.appointments
        open_tab(qtbot, window.tabs, window.tabs.indexOf(page))
        assert window.tabs.tabText(window.tabs.indexOf(page)) == "Lịch hẹn"
        assert [page.service.itemText(i) for i in range(page.service.count())] == [
            "Đăng ký doanh nghiệp", "Đất đai", "Lý lịch tư pháp", "Hộ tịch và quốc tịch"]

        click(qtbot, page.find_button)
        qtbot.waitUntil(lambda: page.slot.count() > 1)
        assert page.slot.itemText(0) == "09:00 – 09:30 (còn 2)"
        type_text(page.phone, "0912 345 678")
        click(qtbot, page.book_button)  # no consent: refused, the number is not kept
        qtbot.waitUntil(lambda: "Cần công dân đồng ý" in page.result.text())
        page.consent.setChecked(True)
        click(qtbot, page.book_button)
        qtbot.waitUntil(lambda: "Đã đặt lịch. Mã:" in page.result.text())
        assert "09:00 23/11/2026" in page.result.text()
        qtbot.waitUntil(lambda: page.slot.itemText(0) == "09:00 – 09:30 (còn 1)")
        window.grab().save(str(artifacts / "1-booked.png"))
        code = page.result.text().split("Mã: ")[1].split(" ")[0]

        # a second booking, cancelled by its code from the console
        other = web.request("booking.create", {"service": "dkdn",
                                               "slot": "2026-11-23T10:00:00+07:00"})["booking"]
        type_text(page.code, other["shown_code"])
        click(qtbot, page.cancel_button)
        qtbot.waitUntil(lambda: web.request("booking.find", {"code": other["code"]})
                        ["booking"]["status"] == "cancelled", timeout=5_000)

        # a holiday: no booking that day
        page.closed_day.setDate(QDate(2026, 11, 25))
        click(qtbot, page.close_day_button)
        qtbot.waitUntil(lambda: any(d["closed"] for d in web.request(
            "booking.slots", {"service": "dkdn", "day": "2026-11-25"})["days"]), timeout=5_000)

        # the booked citizen checks in and is served; the figures count it
        kiosk.request("booking.checkin", {"code": code})
        counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
        counter.request("counter.call_next")  # early, but nobody else waits
        counter.request("ticket.done")
        click(qtbot, page.load_button)
        qtbot.waitUntil(lambda: page.figures.rowCount() == 1)
        [row] = rows(page.figures)
        assert row[:8] == ["2026-11-23", "Đăng ký doanh nghiệp", "2", "1", "0", "0", "1", "1"]
        window.grab().save(str(artifacts / "2-figures.png"))

        target = tmp_path / "figures.csv"
        window.choose_save_path = lambda suggested, file_filter: str(target)
        assert text("export", "vi") == page.export_button.text()
        click(qtbot, page.export_button)
        content = target.read_bytes().decode("utf-8-sig").splitlines()
        assert content[0].startswith("Ngày,Dịch vụ,Đã đặt,Đã đến,Không đến")
        assert content[1].startswith("2026-11-23,Đăng ký doanh nghiệp,2,1,0,0,1,1,")
    finally:
        hub.stop()
