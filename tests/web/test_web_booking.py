"""Appointments end to end, in a real browser (Debian's Chromium through Playwright): a
citizen books a slot on `/dat-lich` on a phone's screen, the kiosk's scanner twin reads the
booking's QR (decoded from the page by a real QR decoder), the kiosk prints the appointment
ticket (its ESC/POS bytes read back), a counter calls it at its time ahead of the walk-ins,
and the manager's report counts it. The API under `/api/v1/appointments` too.

The hub and the web face run their clocks from Monday 23 November 2026, 08:56, 15 times faster
than real time, so the slot's time comes within the test."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime

import pytest
import zxingcpp
from PIL import Image

from broker.mosquitto.managed import ManagedBroker
from drivers.printer import open_printer
from drivers.scanner import write_scan
from kiosk.app import create_kiosk
from tests.kiosk.conftest import KioskDriver, escpos_text
from tests.support import ARTIFACTS, DEMO_PIN, HubProcess, device
from tests.web.conftest import WebProcess, get
from tests.web.test_web_browser import PHONE

playwright = pytest.importorskip("playwright.sync_api")
CLOCK = ("--clock-start", "2026-11-23T08:56:00", "--clock-speed", "15")
SHOTS = ARTIFACTS / "test_web_booking"


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("booking-hall")
    with ManagedBroker(data_dir=tmp / "broker", embedded=False) as broker:
        hub = HubProcess(broker.url, tmp / "ledger.db", args=CLOCK).start()
        web = WebProcess(broker.url, tmp / "web.log", extra=CLOCK)
        clients = {d: device(broker.url, d) for d in ("kiosk-2", "counter-1", "manager-1")}
        try:
            yield {"web": web, "broker": broker, "tmp": tmp, **clients}
        finally:
            for client in clients.values():
                client.stop()
            web.stop()
            hub.stop()



def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def hub_now(client) -> datetime:
    return datetime.fromisoformat(client.request("booking.slots", {})["now"])


def test_book_on_the_web_scan_at_the_kiosk_called_at_the_slot_and_counted(
        hall, browser, tmp_path, qtbot):
    web, walk_in_kiosk, counter, manager = (hall[k] for k in ("web", "kiosk-2", "counter-1",
                                                                "manager-1"))
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{web.url}/")
    assert "Đặt lịch hôm nay: giờ còn trống" in page.inner_text("main")
    page.click("text=Đặt lịch hẹn >> nth=0")
    page.wait_for_url("**/dat-lich**")
    shot(page, "1-services-390")
    page.click("ul.choices >> text=Đăng ký doanh nghiệp")
    page.wait_for_selector("form.book")
    shot(page, "2-slots-390")
    first = page.locator("form.book input[name=slot]").first
    slot = datetime.fromisoformat(first.get_attribute("value"))
    first.check()
    page.fill("input[name=phone]", "0912 345 678")
    page.click("form.book button[type=submit]")  # no consent ticked: refused, plainly
    page.wait_for_selector("p.warn")
    assert "cần đánh dấu đồng ý" in page.inner_text("p.warn")
    page.locator("form.book input[name=slot]").first.check()
    page.check("form.book input[name=consent]")
    page.click("form.book button[type=submit]")
    page.wait_for_selector("#booking-code")
    assert "Đã đặt lịch thành công" in page.inner_text("main")
    code = page.inner_text("#booking-code").replace("-", "")
    assert f"{slot:%H:%M}" in page.inner_text("main")
    assert "0912" not in page.content()  # the phone number is never shown back
    shot(page, "3-booked-390")
    page.locator("div.qr").screenshot(path=str(tmp_path / "qr.png"))
    [found] = zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))
    assert found.text.endswith(f"/dat-lich/{code}")

    # Walk-ins take numbers meanwhile; the counter is open.
    walk_ins = [walk_in_kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]
                for _ in range(2)]
    counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})

    # At the kiosk: the scanner (its file twin) reads the QR; the appointment ticket prints.
    scans, printer_dir = tmp_path / "scans.txt", tmp_path / "printer"
    client = device(hall["broker"].url, "kiosk-1")
    built = create_kiosk(client, printer=open_printer(f"virtual:{printer_dir}", "cp1258"),
                         scanner=f"file:{scans}", printer_poll_s=0.2)
    qtbot.addWidget(built.window)
    built.window.resize(1080, 1920)
    built.window.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    kiosk = KioskDriver(built, qtbot, printer_dir, SHOTS)
    kiosk.wait_ready()
    write_scan(scans, found.text)
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text(), timeout=10_000)
    assert "H001" in kiosk.screen_text()
    kiosk.shot("kiosk-appointment-ticket")
    [job] = kiosk.printed()
    lines = escpos_text(job.read_bytes())
    assert lines[3] == "H001"
    assert lines[4].startswith(f"LỊCH HẸN: {slot:%H:%M} – ")

    # The counter calls the walk-ins until the slot's time, then the appointment first.
    called = []
    deadline = time.monotonic() + 150
    while hub_now(manager) < slot and time.monotonic() < deadline:
        qtbot.wait(500)
    assert hub_now(manager) >= slot, "the hub's clock did not reach the slot"
    called.append(counter.request("counter.call_next")["ticket"]["number"])
    counter.request("ticket.done")
    called.append(counter.request("counter.call_next")["ticket"]["number"])
    assert called == ["H001", walk_ins[0]]

    # The booking's page says it is used; the report counts it.
    page.reload()
    assert "Đã nhận số" in page.inner_text("main")
    day = slot.date().isoformat()
    rows = manager.request("report.get", {"kind": "appointment", "from": day, "to": day})["rows"]
    [row] = [r for r in rows if r["key"] == "dkdn"]
    assert (row["booked"], row["checked_in"], row["served"], row["cancelled"]) == (1, 1, 1, 0)
    assert 0 <= row["mean_slot_to_call_s"] < 600
    page.context.close()
    built.close()
    client.stop()


def _json(method: str, url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_appointments_api(hall):
    web = hall["web"]
    status, _, document = get(f"{web.url}/api/docs/openapi.json")
    paths = json.loads(document)["paths"]
    assert {"/api/v1/appointments", "/api/v1/appointments/slots",
            "/api/v1/appointments/{code}"} <= set(paths)
    status, slots = _json("GET", f"{web.url}/api/v1/appointments/slots?service=lltp&days=2")
    assert status == 200 and [d["service"] for d in slots["days"]] == ["lltp", "lltp"]
    start = slots["days"][1]["slots"][0]["start"]
    status, made = _json("POST", f"{web.url}/api/v1/appointments",
                         {"service": "lltp", "slot": start, "phone": "0987654321",
                          "consent": True})
    assert status == 201 and made["status"] == "booked" and made["has_phone"] is True
    assert "phone" not in made
    status, found = _json("GET", f"{web.url}/api/v1/appointments/{made['shown_code']}")
    assert status == 200 and found["code"] == made["code"]
    status, cancelled = _json("DELETE", f"{web.url}/api/v1/appointments/{made['code']}")
    assert status == 200 and cancelled["status"] == "cancelled"
    assert _json("DELETE", f"{web.url}/api/v1/appointments/{made['code']}")[0] == 409
    assert _json("GET", f"{web.url}/api/v1/appointments/ZZZZZZZZ")[0] == 404
    assert _json("POST", f"{web.url}/api/v1/appointments",
                 {"service": "lltp", "slot": start, "phone": "0987654321"})[0] == 400
    assert _json("POST", f"{web.url}/api/v1/appointments",
                 {"service": "dautu", "slot": start})[0] == 400
