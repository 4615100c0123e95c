"""Garbage collection on the GUI thread only, for every Qt process.

Python's cyclic collector runs in whichever thread happens to allocate. When it frees a Qt
object on paho's network thread, Qt's destructor holds Qt's connection mutex and waits for
the GIL, while the GUI thread holds the GIL and waits for that mutex: a deadlock, seen here
(QObject::~QObject under gc_collect_main on a paho thread, the GUI thread in connectImpl).
So a Qt process turns automatic collection off and collects from a GUI-thread timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

YOUNG_EVERY_MS = 1000
FULL_EVERY = 60  # young collections per full one

_timer: QTimer | None = None
_ticks = 0


def collect_on_gui_thread() -> None:
    """Call on the GUI thread once a Q(Core)Application exists; later calls do nothing."""
    global _timer
    if _timer is not None:
        return
    gc.disable()
    _timer = QTimer(QCoreApplication.instance())
    _timer.timeout.connect(_collect)
    _timer.start(YOUNG_EVERY_MS)


def _collect() -> None:
    global _ticks
    _ticks += 1
    gc.collect(2 if _ticks % FULL_EVERY == 0 else 1)
