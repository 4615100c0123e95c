"""Ctrl-C and a service manager's SIGTERM end an app cleanly, so it publishes `online: false`
itself before it disconnects. No Qt here: `qms announcer` has no event loop."""

from __future__ import annotations

import signal
from collections.abc import Callable


def on_stop_signals(stop: Callable[[], None]) -> None:
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop())
