from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from broker.mosquitto.managed import ManagedBroker
from broker.wire.device_client import DeviceClient
from config.load import DEFAULT_CONFIG
from manager_console.app import ManagerConsole, create_manager_console
from qms.bench import LOAD_TEST_LIMITS
from tests.manager_console.sim_hub import FileClock
from tests.manager_console.simulated_day import DEVICES, LivedDay, at, live_the_day
from tests.support import ROOT, device, wait_for


@pytest.fixture
def console(qtbot):
    """console(client, **options) -> a shown ManagerConsole, closed after the test."""
    made: list[ManagerConsole] = []

    def make(client: DeviceClient, **options) -> ManagerConsole:
        built = create_manager_console(client, **options)
        qtbot.addWidget(built.window)
        built.window.show()
        made.append(built)
        return built

    yield make
    for built in made:
        built.controller.close()


@dataclass
class SimulatedDay:
    broker_url: str
    clock: FileClock
    day: LivedDay


@pytest.fixture(scope="module")
def simulated_day(tmp_path_factory):
    """One broker and one hub with a file clock for the module; the whole day is lived once,
    and the tests read reports of it."""
    folder = tmp_path_factory.mktemp("simulated_day")
    clock = FileClock(folder / "clock.txt")
    clock.set(at("07:00:00"))
    # Every test of the module reads this hub's reports: no rate limit of a real hall here.
    config = folder / "center.toml"
    config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + LOAD_TEST_LIMITS,
                      encoding="utf-8")
    with ManagedBroker(data_dir=folder / "broker", embedded=False) as broker:
        log = open(folder / "hub.log", "ab")  # noqa: SIM115
        hub = subprocess.Popen(
            [sys.executable, "-m", "tests.manager_console.sim_hub", str(clock.path), "hub",
             "--broker", broker.url, "--db", str(folder / "ledger.db"), "--no-managed-broker",
             "--always-open", "--config", str(config)], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=log)
        clients = {name: device(broker.url, name) for name in DEVICES}
        try:
            wait_for(lambda: all(c.hub_online and c.config for c in clients.values()),
                     timeout=20, what="the simulated hub")
            lived = live_the_day(clients, clock)
            for client in clients.values():
                client.stop()
            clients.clear()
            yield SimulatedDay(broker.url, clock, lived)
        finally:
            for client in clients.values():
                client.stop()
            hub.terminate()
            hub.wait(10)
            log.close()
