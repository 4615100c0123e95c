"""The demo's running center, apart from the demo's command, so both `qms.demo` and the
offscreen morning (`qms.demo_headless`) can import it: a private broker, the hub as its own
process and the device clients of the apps."""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from broker.mosquitto.managed import ManagedBroker, stop_process
from broker.wire.clock import DemoClock, wall_clock
from broker.wire.device_client import DeviceClient
from config import load_config
from config.schema import CenterConfig
from web import demo as web_demo

log = logging.getLogger("qms.demo")


@dataclass
class DemoCenter:
    """The running demo: broker, hub process, device clients and apps."""

    config: CenterConfig
    out: Path
    broker: ManagedBroker
    hub: subprocess.Popen
    clock: Any
    clients: list[DeviceClient] = field(default_factory=list)
    apps: dict[str, Any] = field(default_factory=dict)
    web: subprocess.Popen | None = None  # `qms web`, where the tickets' QR codes lead
    web_url: str = ""

    def client(self, device_id: str) -> DeviceClient:
        client = DeviceClient.started_for(self.broker.url, self.config, device_id)
        client.wait_connected(10)
        self.clients.append(client)
        return client

    def windows(self) -> dict[str, Any]:
        return {name: app.window for name, app in self.apps.items()}

    def stop(self) -> None:
        for app in self.apps.values():
            app.close()
        for client in self.clients:
            client.stop()
        web_demo.stop(self.web)
        stop_process(self.hub, interrupt=signal.SIGINT)
        self.broker.close()


def start_center(config_path: str, out: Path, speed: float) -> DemoCenter:
    for stale in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (out / stale).unlink(missing_ok=True)
    for folder in ("tickets", "voice", "screens", "broker"):
        shutil.rmtree(out / folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    # The web face serves where the tickets' QR codes lead (status_url).
    config_path, web_port = web_demo.plan(config_path, out)
    config = load_config(config_path)
    broker = ManagedBroker(data_dir=out / "broker").start()
    log.info("broker: %s on %s", broker.kind, broker.url)
    command = [sys.executable, "-m", "qms.cli", "hub", "--broker", broker.url, "--config",
               config_path, "--db", str(out / "ledger.db"), "--always-open",
               "--no-managed-broker"]
    clock: Any = wall_clock
    if speed != 1.0:
        tz = ZoneInfo(config.center.timezone)
        start = datetime.combine(datetime.now(tz).date(), day_time(7, 0), tz)
        command += ["--clock-start", start.isoformat(), "--clock-speed", str(speed)]
        clock = DemoClock(start, speed)
    hub = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                           stderr=open(out / "hub.log", "w"))  # noqa: SIM115
    center = DemoCenter(config, out, broker, hub, clock)
    manager = center.client("manager-1")
    deadline = time.monotonic() + 20
    while not (manager.hub_online and manager.config) and time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError(f"the hub stopped: {(out / 'hub.log').read_text()[-1500:]}")
        time.sleep(0.05)
    if not manager.hub_online:
        center.stop()
        raise RuntimeError("the hub did not come online")
    # The web face reads the hall's time as the hub does (a demo runs it faster).
    center.web = web_demo.start(broker.url, web_port, out, speed=speed,
                                clock_start=clock() if speed != 1.0 else None)
    center.web_url = f"http://127.0.0.1:{web_port}"
    log.info("web face: %s", center.web_url)
    return center
