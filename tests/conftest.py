from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from broker.mosquitto.managed import ManagedBroker
from tests.support import ARTIFACTS, HubProcess, device


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    """Qt objects left by a test are freed here, on the GUI thread (see qtkit.gc)."""
    yield
    gc.collect()


@pytest.fixture
def broker(tmp_path):
    """A real Mosquitto on a free loopback port, stopped after the test."""
    with ManagedBroker(data_dir=tmp_path / "broker", embedded=False) as running:
        yield running


@pytest.fixture
def hub(broker, tmp_path):
    """The hub as its own process on that broker, with a fresh ledger; opening hours off."""
    process = HubProcess(broker.url, tmp_path / "ledger.db").start()
    yield process
    process.stop()


@pytest.fixture
def devices(broker):
    """devices("kiosk-1") -> a connected DeviceClient; all stopped after the test."""
    made = []

    def make(device_id: str, **kwargs):
        client = device(broker.url, device_id, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.stop()


@pytest.fixture
def artifacts(request):
    """A folder under artifacts/ for this test's screenshots, tickets and sounds."""
    folder = ARTIFACTS / request.node.module.__name__.split(".")[-1] / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
