"""Guards the PySide6 pin: 6.12.0 on Python 3.11 drops a reference to None on every binding
call that returns nothing, and a long-running app then aborts with `none_dealloc`."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel


# From 3.12 None is immortal (PEP 683): its count never changes, so a dropped reference can
# neither be seen here nor end the process, and the pin only matters on 3.11.
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_binding_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Xin mời")
    assert sys.getrefcount(None) >= before - 50


def test_qt_processes_collect_garbage_on_the_gui_thread(qtbot):
    import gc
    import weakref

    from broker.wire.device_client import DeviceClient
    from qtkit.bridge import MqttBridge

    MqttBridge(DeviceClient("mqtt://127.0.0.1:1", "longan", "kiosk-1"))
    assert not gc.isenabled()  # no collection on paho's threads

    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    del cycle
    # The GUI thread's timer collects it.
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)
