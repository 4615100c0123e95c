"""A service that issues nothing says why and when it opens, and cannot be taken: closed by a
manager, its daily limit reached, outside its hours."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.kiosk.conftest import service_state
from tests.support import ROOT, HubProcess, wait_for

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def hub_with(broker, tmp_path):
    """hub_with(edit, always_open=True): a hub on a copy of the demo config changed by `edit`."""
    started: list[HubProcess] = []

    def start(edit, *, always_open: bool = True) -> HubProcess:
        source = (ROOT / "config" / "center.toml").read_text(encoding="utf-8")
        changed = edit(source)
        assert changed != source, "the edit changed nothing"
        path = tmp_path / "center.toml"
        path.write_text(changed, encoding="utf-8")
        process = HubProcess(broker.url, tmp_path / "ledger.db", config=path,
                             always_open=always_open)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


def test_closed_by_a_manager(hub, devices, make_kiosk):
    manager = devices("manager-1")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    manager.request("service.close", {"service": "datdai"})
    kiosk.qtbot.waitUntil(lambda: kiosk.tile_text("service", "datdai") == [
        "Đất đai", "Tạm ngừng cấp số", "Xin hỏi bàn hướng dẫn"])
    assert kiosk.tile("service", "datdai").property("tone") == "closed"
    kiosk.tap(kiosk.tile("service", "datdai"))
    assert kiosk.page == "page-services"
    assert kiosk.find("notice").text() == "Đất đai: Tạm ngừng cấp số – Xin hỏi bàn hướng dẫn"
    kiosk.shot("closed-by-manager")
    assert service_state(manager, "datdai").issued == 0
    assert kiosk.printed() == []

    # A department whose every service is closed says so on the first screen.
    manager.request("service.close", {"service": "moitruong"})
    kiosk.tap_named("back-button")
    kiosk.wait_page("page-start")
    kiosk.qtbot.waitUntil(lambda: kiosk.tile_text("department", "stnmt")[-1]
                          == "Tạm ngừng cấp số")
    kiosk.shot("department-closed")

    manager.request("service.open", {"service": "datdai"})
    kiosk.open_department("stnmt")
    kiosk.qtbot.waitUntil(lambda: "Không có người chờ" in kiosk.tile_text("service", "datdai"))
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"


def test_daily_limit_reached(hub_with, devices, make_kiosk):
    hub_with(lambda text: text.replace("range = [2001, 2499]\ndaily_limit = 300",
                                       "range = [2001, 2499]\ndaily_limit = 1"))
    manager = devices("manager-1")
    kiosk = make_kiosk(ticket_s=0.5)
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"
    kiosk.wait_page("page-start")

    kiosk.open_department("stnmt")
    # Numbers restart on the next open day: Monday to Saturday, from 07:00 in the demo center.
    day = datetime.now(TZ).date() + timedelta(days=1)
    if day.weekday() == 6:
        day += timedelta(days=1)
    opens = f"Mở lại lúc 07:00, {WEEKDAYS_VI[day.weekday()]} {day:%d/%m}"
    kiosk.qtbot.waitUntil(lambda: kiosk.tile_text("service", "datdai") == [
        "Đất đai", "Đã hết số hôm nay", opens])
    kiosk.shot("daily-limit")
    kiosk.tap(kiosk.tile("service", "datdai"))
    assert kiosk.page == "page-services"
    assert "Đã hết số hôm nay" in kiosk.find("notice").text()
    assert service_state(manager, "datdai").issued == 1
    assert len(kiosk.printed()) == 1
    # The other service of the department still issues.
    assert kiosk.tile_text("service", "moitruong")[1] == "Không có người chờ"


def _hours_closed_now(text: str) -> tuple[str, str]:
    """The center's hours moved to one hour that is not now; the span, and when it opens."""
    now = datetime.now(TZ)
    if now.hour <= 21:
        start = now.hour + 2
        opens = f"Mở lại lúc {start:02d}:00"
    else:  # too late today: one early hour, which opens tomorrow
        start = 1
        tomorrow = now.date() + timedelta(days=1)
        opens = f"Mở lại lúc 01:00, {WEEKDAYS_VI[tomorrow.weekday()]} {tomorrow:%d/%m}"
    span = f'["{start:02d}:00-{start + 1:02d}:00"]'
    hours = "[hours]\n" + "".join(f"{day} = {span}\n" for day in
                                  ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    return re.sub(r"\[hours\]\n(?:\w+ = .*\n)+", hours, text), opens


def test_outside_opening_hours(hub_with, devices, make_kiosk):
    edited: dict[str, str] = {}

    def edit(text: str) -> str:
        changed, edited["opens"] = _hours_closed_now(text)
        return changed

    hub_with(edit, always_open=False)
    manager = devices("manager-1")
    wait_for(lambda: service_state(manager, "datdai") is not None, what="the service state")
    assert service_state(manager, "datdai").closed_reason == "hours"
    kiosk = make_kiosk()
    kiosk.wait_ready()
    assert kiosk.tile_text("department", "skhcn") == [
        "Sở Khoa học và Công nghệ", "Ngoài giờ cấp số", edited["opens"]]
    kiosk.tap(kiosk.tile("department", "skhcn"))  # one service: this tap would issue
    assert kiosk.page == "page-start"
    assert kiosk.find("notice").text().startswith("Khoa học và công nghệ: Ngoài giờ cấp số")
    kiosk.open_department("stnmt")
    assert kiosk.tile_text("service", "datdai") == ["Đất đai", "Ngoài giờ cấp số",
                                                    edited["opens"]]
    kiosk.shot("outside-hours")
    kiosk.tap(kiosk.tile("service", "datdai"))
    assert kiosk.page == "page-services"
    assert service_state(manager, "datdai").issued == 0
    assert kiosk.printed() == []
