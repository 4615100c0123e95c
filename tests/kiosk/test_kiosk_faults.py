"""When the printer, the hub or the broker fails: the kiosk says so calmly, issues nothing it
cannot hand out, reports its health, and comes back by itself."""

from __future__ import annotations

from drivers.printer import PrintedTicket, PrinterError, PrinterHealth, VirtualPrinter, open_printer
from tests.kiosk.conftest import StatusWatch, service_state


class JamsAfterHealthCheck:
    """A virtual printer that reads healthy, then runs out of paper in the middle of the job:
    the one failure a check before issuing cannot prevent."""

    def __init__(self, printer: VirtualPrinter) -> None:
        self.printer = printer

    def health(self) -> PrinterHealth:
        return self.printer.health()

    def print_ticket(self, ticket: PrintedTicket) -> None:
        self.printer.set_health(PrinterHealth.PAPER_OUT)
        raise PrinterError(f"ticket {ticket.number} stopped half-way", PrinterHealth.PAPER_OUT)


def test_paper_out_takes_the_kiosk_out_of_service_until_refilled(hub, devices, make_kiosk,
                                                                 printer_dir):
    manager = devices("manager-1")
    status = StatusWatch(manager, "kiosk-1")
    kiosk = make_kiosk()
    kiosk.wait_ready()
    kiosk.until(lambda: status.health().get("printer") == "ok")
    (printer_dir / "health").write_text("paper_out")
    kiosk.wait_page("page-out-of-service")
    screen = kiosk.screen_text()
    assert "Máy lấy số tạm ngừng phục vụ" in screen and "Máy in đã hết giấy." in screen
    assert "Xin ông/bà vui lòng đến bàn hướng dẫn hoặc dùng máy lấy số khác." in screen
    assert not kiosk.window.departments.isVisible()  # nothing left to tap
    kiosk.shot("out-of-paper")
    kiosk.until(lambda: status.health() == {"printer": "paper_out", "in_service": False})

    (printer_dir / "health").write_text("")
    kiosk.wait_page("page-start")
    kiosk.until(lambda: status.health().get("printer") == "ok")
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert service_state(manager, "khcn").issued == 1


def test_printer_checked_before_issuing(hub, devices, make_kiosk, printer_dir):
    """Paper runs out between two polls: the tap finds it, and the hub issues nothing."""
    manager = devices("manager-1")
    printer = open_printer(f"virtual:{printer_dir}")
    kiosk = make_kiosk(printer=printer, printer_poll_s=3600)
    kiosk.wait_ready()
    kiosk.open_department("stp")
    printer.set_health(PrinterHealth.COVER_OPEN)
    kiosk.tap(kiosk.tile("service", "lltp"))
    kiosk.wait_page("page-out-of-service")
    assert "Nắp máy in đang mở." in kiosk.screen_text()
    assert manager.request("ticket.issue", {"service": "lltp"})["ticket"]["number"] == "5001"
    assert kiosk.printed() == []


def test_print_failure_after_issuing_keeps_the_number_on_screen(hub, devices, make_kiosk,
                                                               printer_dir):
    manager = devices("manager-1")
    status = StatusWatch(manager, "kiosk-1")
    jammed = JamsAfterHealthCheck(open_printer(f"virtual:{printer_dir}"))
    kiosk = make_kiosk(printer=jammed, ticket_s=0.2)
    kiosk.wait_ready()
    kiosk.open_department("stnmt")
    kiosk.tap(kiosk.tile("service", "datdai"))
    kiosk.qtbot.waitUntil(lambda: "Máy in gặp sự cố, chưa in được phiếu." in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "2001"
    assert "Xin ông/bà ghi nhớ số 2001 và chờ gọi số." in kiosk.screen_text()
    kiosk.shot("print-failed")
    kiosk.until(lambda: status.health().get("last_print_failure", {}).get("number") == "2001")
    health = status.health()
    assert health["print_failures"] == 1 and health["printer"] == "paper_out"
    assert health["last_print_failure"]["printer"] == "paper_out"
    # The poll has seen the empty printer, yet the number stays up long after a printed one
    # would have gone, until the citizen has noted it.
    kiosk.qtbot.wait(600)
    assert kiosk.page == "page-ticket"
    assert service_state(manager, "datdai").issued == 1
    kiosk.tap(kiosk.find("done-button"))
    kiosk.wait_page("page-out-of-service")


def test_hub_down_and_back(hub, devices, make_kiosk):
    kiosk = make_kiosk(ticket_s=0.2)
    kiosk.wait_ready()
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    kiosk.wait_page("page-start")
    kiosk.open_department("stnmt")

    hub.kill()
    kiosk.wait_page("page-offline")
    screen = kiosk.screen_text()
    assert "Hệ thống đang tạm gián đoạn" in screen
    assert "Máy sẽ tự hoạt động lại." in screen
    kiosk.shot("hub-down")

    hub.start()
    kiosk.wait_ready()  # the start screen, not the half-done choice of before
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text())
    assert kiosk.find("ticket-number").text() == "6502"  # the ledger kept the first


def test_broker_down_and_back(broker, hub, devices, make_kiosk):
    kiosk = make_kiosk()
    kiosk.wait_ready()
    broker.stop()
    kiosk.wait_page("page-offline")
    broker.start()
    kiosk.wait_ready()
    kiosk.tap(kiosk.tile("department", "skhcn"))
    kiosk.qtbot.waitUntil(lambda: "Mời nhận phiếu" in kiosk.screen_text(), timeout=15_000)
    assert kiosk.find("ticket-number").text() == "6501"
