"""The command-line options every device app takes (no Qt imported here)."""

from __future__ import annotations

import argparse

from qtkit.texts import LANGS


def add_device_options(parser: argparse.ArgumentParser, *, device: str,
                       fullscreen: bool = True) -> None:
    """--device (default `device`), --broker, --site, --lang and, for a screen, --fullscreen."""
    parser.add_argument("--device", default=device,
                        help="this device's id in the center config (default %(default)s)")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883",
                        help="the broker, mqtt://[user:password@]host:port (default %(default)s)")
    parser.add_argument("--site", default="longan",
                        help="the center's site id (default %(default)s)")
    parser.add_argument("--lang", choices=LANGS, default="vi",
                        help="the language shown or spoken first (default %(default)s)")
    if fullscreen:
        parser.add_argument("--fullscreen", action="store_true", help="fill the screen")
