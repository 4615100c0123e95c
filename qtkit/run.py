"""The Qt application of a device app and its event loop until Ctrl-C or SIGTERM."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from qtkit.fonts import app_font
from qtkit.signals import on_stop_signals

# Python runs a signal handler only between bytecodes, and an idle Qt loop runs none: a timer
# this often lets it in.
WAKE_UP_MS = 250


def qt_application(*, pixel_size: int | None = None,
                   point_size: int | None = None) -> QApplication:
    """The process's QApplication (made if there is none), in the bundled font at that size
    (else Qt's)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setFont(app_font(pixel_size=pixel_size, point_size=point_size))
    return app


def exec_until_stopped(app: QApplication) -> int:
    """`app.exec()`, which Ctrl-C and SIGTERM end cleanly."""
    on_stop_signals(app.quit)
    wake_up = QTimer()
    wake_up.timeout.connect(lambda: None)
    wake_up.start(WAKE_UP_MS)
    return app.exec()


def run_window(app: QApplication, window: QWidget, *, fullscreen: bool,
               size: tuple[int, int] | None = None) -> int:
    """Show `window` (full screen, or at `size` if given) and run until stopped."""
    if fullscreen:
        window.showFullScreen()
    else:
        if size is not None:
            window.resize(*size)
        window.show()
    return exec_until_stopped(app)
