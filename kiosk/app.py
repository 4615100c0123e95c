"""A whole kiosk on a device client: bridge, printer, controller and window, wired together.

`qms kiosk` runs one in its own process; the demo runs it beside the other apps in one Qt
process, which is why this creates no QApplication and sets no application-wide font.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from broker.wire.device_client import DeviceClient
from drivers.printer import TicketPrinter, open_printer
from drivers.scanner import Scanner, open_scanner
from kiosk.checkin import CheckinController
from kiosk.checkin_view import CheckinPage
from kiosk.controller import KioskController
from kiosk.printing import PrinterService
from kiosk.views import KioskWindow
from qtkit.bridge import MqttBridge
from qtkit.fonts import app_font
from qtkit.texts import Lang


@dataclass
class Kiosk:
    window: KioskWindow
    controller: KioskController
    bridge: MqttBridge
    printer: PrinterService
    checkin: CheckinController | None = None
    scanner: Scanner | None = None
    pages: list[object] = field(default_factory=list)

    def close(self) -> None:
        """Stops the printer worker and the timers; the caller stops the device client."""
        if self.scanner is not None:
            self.scanner.stop()
        self.controller.close()
        self.window.close()


def create_kiosk(client: DeviceClient, *, printer: str | TicketPrinter = "virtual:kiosk-tickets",
                 printer_profile: str = "raster", lang: Lang = "vi", idle_s: float = 45.0,
                 ticket_s: float = 8.0, print_failed_s: float = 30.0,
                 printer_poll_s: float = 2.0, scanner: str | None = None) -> Kiosk:
    """A started kiosk on `client` (started or not), printing to `printer`: a device string
    for `drivers.printer.open_printer` (e.g. "virtual:/tmp/tickets") with its profile
    ("raster", "cp1258", "tcvn3"), or a printer object; `scanner` a barcode scanner's device
    string for `drivers.scanner.open_scanner` (e.g. "evdev:/dev/input/by-id/...", "file:PATH").

    The caller owns the QApplication, shows `.window` and, at the end, calls `.close()`."""
    device = open_printer(printer, printer_profile) if isinstance(printer, str) else printer
    bridge = MqttBridge(client)
    printing = PrinterService(device, poll_s=printer_poll_s, parent=bridge)
    controller = KioskController(bridge, printing, lang=lang, idle_s=idle_s, ticket_s=ticket_s,
                                 print_failed_s=print_failed_s, parent=bridge)
    window = KioskWindow(controller)
    checkin = CheckinController(controller, idle_s=idle_s, parent=bridge)
    page = CheckinPage(window, checkin)
    reader = open_scanner(scanner, checkin.scanned.emit) if scanner else None
    window.setFont(app_font())
    bridge.start()
    controller.start()
    if reader is not None:
        reader.start()
    return Kiosk(window, controller, bridge, printing, checkin, reader, [page])
