"""Guards the PySide6 pin: 6.12.0 on Python 3.11 drops a reference to None on every binding
call that returns nothing, and a long-running app then aborts with `none_dealloc`."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_binding_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Xin mời")
    assert sys.getrefcount(None) >= before - 50
