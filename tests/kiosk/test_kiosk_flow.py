"""A citizen taps through to a printed ticket."""

from __future__ import annotations

from tests.kiosk.conftest import LANDSCAPE
from tests.support import wait_for


def test_tap_department_then_service_prints_a_ticket(hub, devices, make_kiosk):
    kiosk = make_kiosk()
    kiosk.wait_page("page-start")
    kiosk.qtbot.waitUntil(lambda: "Không có người chờ" in kiosk.tile_text("department", "stnmt"))
    kiosk.shot("1-start-portrait")
    kiosk.tap(kiosk.tile("department", "stnmt"))
    kiosk.wait_page("page-services")
    kiosk.shot("2-services-portrait")
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    kiosk.shot("3-ticket-portrait")
    print(kiosk.screen_text())
