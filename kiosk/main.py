"""`qms kiosk --device kiosk-1 --broker URL --printer DEVICE [--fullscreen]`."""

from __future__ import annotations

import argparse
import logging
import signal

log = logging.getLogger("qms.kiosk")


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1080x1920, not {text!r}") from None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="kiosk-1", help="this kiosk's device id (kiosk-1)")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883", help="the broker's URL")
    parser.add_argument("--site", default="longan", help="the center's site id (longan)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="the language a citizen first sees (vi)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")
    parser.add_argument("--printer", default="virtual:kiosk-tickets",
                        help="the ticket printer's device string, e.g. serial:/dev/ttyUSB0 or "
                             "virtual:DIR (default virtual:kiosk-tickets)")
    parser.add_argument("--printer-profile", choices=("raster", "cp1258", "tcvn3"),
                        default="raster", help="how the printer gets Vietnamese text: as "
                        "pictures (raster, any printer; the default) or in its code page")
    parser.add_argument("--size", type=_size, default=(1080, 1920),
                        help="window size when not fullscreen, WIDTHxHEIGHT (1080x1920)")
    parser.add_argument("--idle", type=float, default=45.0,
                        help="seconds without a touch before going back to the start (45)")
    parser.add_argument("--ticket-seconds", type=float, default=8.0,
                        help="seconds the issued number stays on screen (8)")


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from broker.wire.device_client import DeviceClient
    from kiosk.app import create_kiosk, load_fonts
    from kiosk.views import FONT_FAMILY

    app = QApplication.instance() or QApplication([])
    load_fonts()
    app.setFont(QFont(FONT_FAMILY))
    client = DeviceClient(args.broker, args.site, args.device, role="kiosk")
    try:
        kiosk = create_kiosk(client, printer=args.printer, printer_profile=args.printer_profile,
                             lang=args.lang, idle_s=args.idle, ticket_s=args.ticket_seconds)
    except ValueError as exc:  # a bad --printer device string
        log.error("%s", exc)
        return 2
    client.start()
    if args.fullscreen:
        kiosk.window.showFullScreen()
    else:
        kiosk.window.resize(*args.size)
        kiosk.window.show()
    # Ctrl+C and SIGTERM end the event loop cleanly; the timer lets Python see the signal.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wakeup = QTimer()
    wakeup.timeout.connect(lambda: None)
    wakeup.start(250)
    try:
        return app.exec()
    finally:
        kiosk.stop()
        client.stop()
