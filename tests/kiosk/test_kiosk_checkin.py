"""Checking in a booked appointment at a real kiosk window, on a real Mosquitto and hub (its
clock set to a Monday morning): the scanner's twin reads the booking's QR, the kiosk prints
the appointment ticket (its bytes read back), a counter calls it at its slot ahead of the
walk-ins; too early, too late (one tap to an ordinary number), used, cancelled and unknown
each say so plainly; the code typed on the on-screen keypad."""

from __future__ import annotations

import time

import pytest

from drivers.printer import open_printer
from drivers.printer.decoder import render_escpos
from drivers.scanner import write_scan
from tests.kiosk.conftest import escpos_text
from tests.support import DEMO_PIN, HubProcess


def clocked_hub(broker, tmp_path, start: str, speed: float = 1.0) -> HubProcess:
    return HubProcess(broker.url, tmp_path / "ledger.db",
                      args=("--clock-start", start, "--clock-speed", str(speed))).start()


@pytest.fixture
def monday_0840(broker, tmp_path):
    hub = clocked_hub(broker, tmp_path, "2026-11-23T08:40:00")
    yield hub
    hub.stop()


def book(web, slot: str, service: str = "dkdn") -> str:
    return web.request("booking.create", {"service": service, "slot": slot})["booking"]["code"]


def test_scan_at_the_kiosk_prints_the_appointment_ticket_called_at_its_slot(
        monday_0840, devices, make_kiosk, tmp_path, printer_dir):
    web, counter = devices("web-1"), devices("counter-1")
    code = book(web, "2026-11-23T09:00:00+07:00")
    scans = tmp_path / "scans.txt"
    kiosk = make_kiosk(scanner=f"file:{scans}",
                       printer=open_printer(f"virtual:{printer_dir}", "cp1258"))
    kiosk.wait_ready()
    assert "Tôi đã đặt lịch" in kiosk.screen_text()
    kiosk.shot("1-start")

    write_scan(scans, f"http://127.0.0.1:8480/dat-lich/{code}")  # the QR on the booking
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text(), timeout=10_000)
    screen = kiosk.screen_text()
    assert "Số thứ tự theo lịch hẹn" in screen and "H001" in screen
    assert "Giờ hẹn: 09:00 – 09:30" in screen and "Đăng ký doanh nghiệp" in screen
    kiosk.shot("2-appointment-ticket")

    [job] = kiosk.printed()
    data = job.read_bytes()
    lines = escpos_text(data)
    assert lines[2:5] == ["SỐ THỨ TỰ", "H001", "LỊCH HẸN: 09:00 – 09:30, 23/11/2026"]
    assert "Đăng ký doanh nghiệp" in lines
    [qr] = [line for line in lines if line.startswith("QR:")]
    assert qr.startswith("QR:http://") and "/t/" in qr  # the ticket's own live page
    paper = render_escpos(data)  # the driver's own decoder draws the paper
    paper.save(kiosk.artifacts / "3-paper.png")
    assert paper.height > 600

    # The same QR again: already used.
    kiosk.wait_page("page-start", timeout=20_000)
    write_scan(scans, code)
    kiosk.qtbot.waitUntil(lambda: "đã được dùng để lấy số" in kiosk.screen_text())
    assert len(kiosk.printed()) == 1

    # Walk-ins came first; at 09:00 the counter calls the appointment ahead of them.
    kiosk_client = devices("kiosk-2")
    walk_in = kiosk_client.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]
    counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
    assert counter.request("counter.call_next")["ticket"]["number"] == walk_in  # before 09:00
    counter.request("ticket.done")


def test_too_early_used_cancelled_unknown_and_the_keypad(monday_0840, devices, make_kiosk,
                                                         tmp_path):
    web = devices("web-1")
    early = book(web, "2026-11-23T10:30:00+07:00")
    tomorrow = book(web, "2026-11-24T09:00:00+07:00")
    cancelled = book(web, "2026-11-23T09:00:00+07:00")
    web.request("booking.cancel", {"code": cancelled})
    scans = tmp_path / "scans.txt"
    kiosk = make_kiosk(scanner=f"file:{scans}")
    kiosk.wait_ready()

    write_scan(scans, early)
    kiosk.qtbot.waitUntil(lambda: "Xin mời quay lại" in kiosk.screen_text())
    screen = kiosk.screen_text()
    assert "Chưa đến giờ nhận số" in screen and "Giờ hẹn của ông/bà: 10:30." in screen
    assert "Xin mời quay lại nhận số từ 10:00 đến 10:45." in screen
    assert not kiosk.find("checkin-ordinary").isVisible()
    kiosk.shot("1-too-early")

    kiosk.tap_named("checkin-again")
    write_scan(scans, tomorrow)
    kiosk.qtbot.waitUntil(lambda: "ngày 24/11/2026" in kiosk.screen_text())
    assert "Xin mời quay lại nhận số từ 08:30 ngày 24/11/2026." in kiosk.screen_text()

    kiosk.tap_named("checkin-again")
    write_scan(scans, cancelled)
    kiosk.qtbot.waitUntil(lambda: "đã bị hủy" in kiosk.screen_text())
    kiosk.shot("2-cancelled")

    # Typed on the keypad: a code nobody booked.
    kiosk.tap_named("checkin-again")
    for char in "ABCD2345":
        kiosk.tap(_key(kiosk, char))
    assert "ABCD - 2345" in kiosk.screen_text()
    kiosk.shot("3-typed")
    kiosk.tap_named("checkin-confirm")
    kiosk.qtbot.waitUntil(lambda: "Không tìm thấy lịch hẹn có mã ABCD-2345" in
                          kiosk.screen_text())
    kiosk.shot("4-unknown")
    kiosk.tap_named("checkin-home")
    kiosk.wait_page("page-start")
    assert kiosk.printed() == []

    # Opened from the start screen's button, the real code typed: checked in.
    kiosk.tap_named("checkin-button")
    kiosk.wait_page("page-checkin")
    web_code = book(web, "2026-11-23T09:00:00+07:00")
    for char in web_code:
        kiosk.tap(_key(kiosk, char))
    kiosk.tap_named("checkin-confirm")
    kiosk.qtbot.waitUntil(lambda: "H001" in kiosk.screen_text())


def _key(kiosk, char: str):
    [key] = [k for k in kiosk.window.findChildren(type(kiosk.find("checkin-confirm")),
                                                  "checkin-key") if k.property("char") == char]
    return key


def test_too_late_offers_an_ordinary_number_in_one_tap(broker, devices, make_kiosk, tmp_path,
                                                       printer_dir):
    hub = clocked_hub(broker, tmp_path, "2026-11-23T08:59:00", speed=120)
    try:
        web = devices("web-1")
        code = book(web, "2026-11-23T09:00:00+07:00")
        scans = tmp_path / "scans.txt"
        kiosk = make_kiosk(scanner=f"file:{scans}",
                       printer=open_printer(f"virtual:{printer_dir}", "cp1258"))
        kiosk.wait_ready()
        time.sleep(9)  # 18 minutes of the hub's clock: past 09:15, when check-in closed
        write_scan(scans, code)
        kiosk.qtbot.waitUntil(lambda: "Đã quá giờ nhận số" in kiosk.screen_text())
        screen = kiosk.screen_text()
        assert "Nhận số theo lịch hẹn chỉ đến 09:15. Ông/bà có thể lấy số thường." in screen
        assert "Lấy số thường: Đăng ký doanh nghiệp" in screen
        kiosk.shot("1-too-late")
        kiosk.tap_named("checkin-ordinary")
        kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
        assert kiosk.find("ticket-number").text() == "1001"
        [job] = kiosk.printed()
        assert "LỊCH HẸN" not in "".join(escpos_text(job.read_bytes()))
    finally:
        hub.stop()
