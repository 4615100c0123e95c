"""`qms kiosk --device kiosk-1 --broker URL --printer DEVICE [--fullscreen]`."""

from __future__ import annotations

import argparse
import logging

from qtkit.options import add_device_options

log = logging.getLogger("qms.kiosk")


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1080x1920, not {text!r}") from None


def configure(parser: argparse.ArgumentParser) -> None:
    add_device_options(parser, device="kiosk-1")
    parser.add_argument("--printer", default="virtual:kiosk-tickets",
                        help="the ticket printer's device string, e.g. serial:/dev/ttyUSB0 or "
                             "virtual:DIR (default virtual:kiosk-tickets)")
    parser.add_argument("--printer-profile", choices=("raster", "cp1258", "tcvn3"),
                        default="raster", help="how the printer gets Vietnamese text: as "
                        "pictures (raster, any printer; the default) or in its code page")
    parser.add_argument("--scanner", default=None,
                        help="the barcode scanner for booked appointments' QR codes, e.g. "
                             "evdev:/dev/input/by-id/usb-...-event-kbd, "
                             "serial:/dev/ttyACM0?baud=9600 or file:PATH (the twin)")
    parser.add_argument("--size", type=_size, default=(1080, 1920),
                        help="window size when not fullscreen, WIDTHxHEIGHT (1080x1920)")
    parser.add_argument("--idle", type=float, default=45.0,
                        help="seconds without a touch before going back to the start (45)")
    parser.add_argument("--ticket-seconds", type=float, default=8.0,
                        help="seconds the issued number stays on screen (8)")


def run(args: argparse.Namespace) -> int:
    from broker.wire.device_client import DeviceClient
    from kiosk.app import create_kiosk
    from qtkit.run import qt_application, run_window

    app = qt_application()
    client = DeviceClient(args.broker, args.site, args.device, role="kiosk")
    try:
        kiosk = create_kiosk(client, printer=args.printer, printer_profile=args.printer_profile,
                             lang=args.lang, idle_s=args.idle, ticket_s=args.ticket_seconds,
                             scanner=args.scanner)
    except ValueError as exc:  # a bad --printer device string
        log.error("%s", exc)
        return 2
    client.start()
    try:
        return run_window(app, kiosk.window, fullscreen=args.fullscreen, size=args.size)
    finally:
        kiosk.close()
        client.stop()
