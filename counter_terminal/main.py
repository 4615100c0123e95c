"""`qms counter --device counter-5 --broker URL [--keypad PATH] [--led DEVICE] [--large]`:
the officer's terminal, a narrow window on top beside the dossier software by default."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from qtkit.options import add_device_options

log = logging.getLogger("qms.counter")


def configure(parser: argparse.ArgumentParser) -> None:
    add_device_options(parser, device="counter-1")
    parser.add_argument("--keypad", metavar="PATH",
                        help="the keypad's evdev device, e.g. /dev/input/by-id/usb-...-event-kbd")
    parser.add_argument("--keymap", metavar="TOML", type=Path,
                        help="a TOML file with a [keypad] table of key = action (default: KP1 "
                             "next, KP2 recall, KP3 no_show, KPENTER done, KP0 pause/resume)")
    parser.add_argument("--led", metavar="DEVICE",
                        help="the LED number display, e.g. serial:/dev/ttyUSB0?baud=9600&"
                             "address=5 or virtual")
    parser.add_argument("--large", action="store_true",
                        help="the layout for a screen of its own instead of a narrow window")


def run(args: argparse.Namespace) -> int:
    from broker.wire.device_client import DeviceClient
    from counter_terminal.app import create_counter_terminal
    from counter_terminal.keypad import load_key_map
    from drivers.led_display import open_led
    from qtkit.run import qt_application, run_window

    try:
        key_map = load_key_map(args.keymap) if args.keypad else None
        led = open_led(args.led) if args.led else None
    except (OSError, ValueError) as exc:  # a bad key map or LED device string
        log.error("%s", exc)
        return 2
    app = qt_application()
    client = DeviceClient(args.broker, args.site, args.device, role="counter")
    terminal = create_counter_terminal(client, lang=args.lang, large=args.large, led=led,
                                       keypad=args.keypad, key_map=key_map)
    client.start()
    try:
        return run_window(app, terminal.window, fullscreen=args.fullscreen)
    finally:
        terminal.close()
        client.stop()
