"""What `qms counter` and `qms tablet` share: the common options and the Qt event loop.
Qt is imported inside the functions, so `qms` can list its commands without loading it."""

from __future__ import annotations

import argparse
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget


def add_common_options(parser: argparse.ArgumentParser, *, device: str) -> None:
    parser.add_argument("--device", default=device, help=f"this device's id ({device})")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883", help="the broker's URL")
    parser.add_argument("--site", default="longan", help="the center's site id (longan)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="the language shown first (vi)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")


def qt_application() -> QApplication:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from counter_terminal.style import load_fonts

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    app.setFont(QFont(load_fonts()))
    return app


def run_window(app: QApplication, window: QWidget, *, fullscreen: bool) -> int:
    from PySide6.QtCore import QTimer

    if fullscreen:
        window.showFullScreen()
    else:
        window.show()
    # Ctrl+C and SIGTERM end the event loop cleanly; the timer lets Python see the signal.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wakeup = QTimer()
    wakeup.timeout.connect(lambda: None)
    wakeup.start(250)
    return app.exec()
