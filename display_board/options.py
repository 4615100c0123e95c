"""Command-line options shared by `qms board` and `qms announcer` (no Qt imported here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from display_board.zone import parse_counters
from qtkit.options import add_device_options
from qtkit.texts import LANGS


def add_common(parser: argparse.ArgumentParser, default_device: str, *, screen: bool) -> None:
    """The device options (a `screen` takes --fullscreen) and the zone."""
    add_device_options(parser, device=default_device, fullscreen=screen)
    parser.add_argument("--counters", type=_counters, default=None,
                        help="the zone: counters to cover, e.g. 1-6 or 1,3,7-9 "
                             "(default: the device's entry in the config, else all)")


def add_voice(parser: argparse.ArgumentParser, *, own_lang: bool = False) -> None:
    """`own_lang`: the voice takes `--voice-lang`, apart from the screen's `--lang`, since a
    board may show English while the hall hears Vietnamese."""
    if own_lang:
        parser.add_argument("--voice-lang", choices=LANGS, default="vi",
                            help="language of the voice (default vi)")
    parser.add_argument("--wav-dir", type=Path, default=None,
                        help="write each announcement as a WAV file here instead of playing it "
                             "(no sound card needed)")
    parser.add_argument("--play", action="store_true",
                        help="with --wav-dir: play the announcements as well, keeping the WAVs")
    parser.add_argument("--repeat", type=int, choices=(1, 2), default=1,
                        help="say each call once or twice (default 1)")
    parser.add_argument("--digits", action="store_true",
                        help="read numbers digit by digit (một không hai ba) instead of whole")
    parser.add_argument("--no-chime", dest="chime", action="store_false",
                        help="no chime before the sentence")
    parser.add_argument("--accent", choices=("north", "south"), default="north",
                        help="Northern (nghìn, linh) or Southern (ngàn, lẻ) words and voice")
    parser.add_argument("--clip-pack", type=Path, default=None, metavar="DIR",
                        help="speak with this pack of recorded phrase clips instead of espeak-ng")
    parser.add_argument("--max-age", type=float, default=10.0, metavar="SECONDS",
                        help="drop a call older than this instead of announcing it (default 10)")


def _counters(value: str) -> tuple[str, ...]:
    try:
        return parse_counters(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc

