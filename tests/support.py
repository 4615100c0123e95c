"""Running the real pieces in tests: a Mosquitto on a free loopback port, the hub as its own
process, device clients; and a place for artifacts (screenshots, tickets, sounds)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import msgspec

from broker.mosquitto.managed import stop_process
from broker.wire import protocol
from broker.wire.device_client import DeviceClient
from broker.wire.mqtt_link import new_client, parse_broker_url
from config import load_config
from config.load import DEFAULT_CONFIG
from qms.bench import LOAD_TEST_LIMITS

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CONFIG = load_config()
SITE = CONFIG.center.site
# Every officer of the demo center signs in with this PIN (config/center.toml, README).
DEMO_PIN = "1234"


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.01, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class HubStatusWatch:
    """Watches the retained hub status with a plain paho client."""

    def __init__(self, broker_url: str) -> None:
        self.topics = protocol.Topics(SITE)
        self.status: protocol.HubStatus | None = None
        self.client = new_client(parse_broker_url(broker_url), f"watch-{os.getpid()}-{id(self)}",
                                 clean_session=True)
        self.client.on_connect = lambda c, *_: c.subscribe(self.topics.hub_status, 1)
        self.client.on_message = self._on_message
        address = parse_broker_url(broker_url)
        self.client.connect_async(address.host, address.port)
        self.client.loop_start()

    def _on_message(self, client, userdata, message) -> None:
        if message.payload:
            self.status = msgspec.json.decode(message.payload, type=protocol.HubStatus)

    def online_since(self, started: datetime) -> bool:
        s = self.status
        return bool(s and s.status == "online" and s.at and s.at >= started)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class HubProcess:
    """`qms hub` in its own process, as in a hall."""

    def __init__(self, broker_url: str, db: Path, *, config: Path | None = None,
                 always_open: bool = True, log: Path | None = None,
                 module: str = "qms.cli", args: tuple[str, ...] = (),
                 rate_limits: bool = False) -> None:
        """Without `config`, the demo center; with its per-device rate limits only when
        `rate_limits` (tests send far faster than a hall's devices do)."""
        if config is None and not rate_limits:
            config = db.with_name(db.stem + "-center.toml")
            config.parent.mkdir(parents=True, exist_ok=True)
            config.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + LOAD_TEST_LIMITS,
                              encoding="utf-8")
        self.broker_url, self.db, self.config = broker_url, db, config
        self.module = module  # the `qms` command, or one that wraps it with a fault
        self.always_open = always_open
        self.args = args  # more options of `qms hub`, e.g. --clock-start
        self.log = log or db.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> HubProcess:
        started = datetime.now().astimezone().replace(microsecond=0)
        command = [sys.executable, "-m", self.module, "hub", "--broker", self.broker_url,
                   "--db", str(self.db), "--no-managed-broker"]
        if self.config is not None:
            command += ["--config", str(self.config)]
        if self.always_open:
            command.append("--always-open")
        command += self.args
        watch = HubStatusWatch(self.broker_url) if wait else None
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=open(self.log, "ab"))  # noqa: SIM115
        if watch is not None:
            try:
                wait_for(lambda: watch.online_since(started) or self.process.poll() is not None,
                         timeout=20, what="the hub to come online")
                if self.process.poll() is not None:
                    raise AssertionError(f"the hub exited: {self.log.read_text()[-2000:]}")
            finally:
                watch.close()
        return self

    def kill(self) -> None:
        """SIGKILL: no clean stop, as in a power cut of the hub process."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int | None:
        return stop_process(self.process, interrupt=signal.SIGINT) if self.process else None


def device(broker_url: str, device_id: str, **kwargs) -> DeviceClient:
    client = DeviceClient.started_for(broker_url, CONFIG, device_id, **kwargs)
    assert client.wait_connected(10), f"{device_id} could not connect"
    return client


class EventLog:
    """Collects events a device receives, thread-safely."""

    def __init__(self, client: DeviceClient) -> None:
        self.events: list[protocol.Event] = []
        self._lock = threading.Lock()
        self.unsubscribe = client.on_events(self._add)

    def _add(self, event: protocol.Event) -> None:
        with self._lock:
            self.events.append(event)

    def kinds(self) -> list[str]:
        with self._lock:
            return [e.kind for e in self.events]

    def of(self, kind: str) -> list[protocol.Event]:
        with self._lock:
            return [e for e in self.events if e.kind == kind]
