"""`qms officer set-pin --config center.toml OFFICER`: set an officer's PIN (read from the
terminal twice, or one line of standard input), stored as an argon2 hash in the config."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from config.load import ConfigError, add_config_option
from config.officer_pin import PinError, set_pin_in_file

log = logging.getLogger("qms.officer")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="officer_command", metavar="set-pin", required=True)
    set_pin = sub.add_parser(
        "set-pin", help="set an officer's PIN (stored as an argon2 hash in the config)",
        description="Reads the PIN (4 to 12 digits) from the terminal, twice, or as one line "
        "of standard input, and writes its hash into that officer's `pin_hash`, changing "
        "nothing else in the file. Restart the hub to use it.")
    add_config_option(set_pin)
    set_pin.add_argument("officer", help="the officer's id in [[officers]]")


def _read_pin() -> str:
    if sys.stdin.isatty():
        pin = getpass.getpass("New PIN: ")
        if getpass.getpass("Again: ") != pin:
            raise PinError("the two PINs differ")
        return pin
    return sys.stdin.readline().strip()


def run(args: argparse.Namespace) -> int:
    try:
        set_pin_in_file(Path(args.config), args.officer, _read_pin())
    except (PinError, ConfigError, OSError) as exc:
        log.error("%s", exc)
        return 2
    print(f"PIN of officer {args.officer} set in {args.config}; restart the hub to use it.")
    return 0
