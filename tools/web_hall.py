"""A hall on loopback for the web face's scripts (fuzz, benchmark): a private Mosquitto, the hub
and `qms web` each in their own process, the hub's status_url pointing at this web face.
Everything listens on 127.0.0.1 only and stops with the `with` block."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from broker.mosquitto.managed import ManagedBroker, stop_process
from broker.wire.device_client import DeviceClient
from config import load_config
from config.load import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebHall:
    def __init__(self, out: Path, *, rate_limit: int = 0, web: bool = True,
                 web_args: tuple[str, ...] = (),
                 config_edit: Callable[[str], str] = lambda text: text) -> None:
        self.out = out
        self.config_edit = config_edit
        self.rate_limit, self.with_web, self.web_args = rate_limit, web, web_args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = load_config()
        self.processes: list[subprocess.Popen] = []
        self.clients: list[DeviceClient] = []
        self.web: subprocess.Popen | None = None
        self.hub: subprocess.Popen | None = None

    def __enter__(self) -> WebHall:
        self.out.mkdir(parents=True, exist_ok=True)
        for stale in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
            (self.out / stale).unlink(missing_ok=True)
        config = self.out / "center.toml"
        text = re.sub(r'(?m)^status_url = "[^"]*"', f'status_url = "{self.url}/t/"',
                      DEFAULT_CONFIG.read_text(encoding="utf-8"))
        config.write_text(self.config_edit(text), encoding="utf-8")
        self.config = load_config(config)
        self.broker = ManagedBroker(data_dir=self.out / "broker", embedded=False).start()
        self.hub = self._spawn("hub", [
            "hub", "--broker", self.broker.url, "--db", str(self.out / "ledger.db"),
            "--config", str(config), "--always-open", "--no-managed-broker"])
        manager = self.client("manager-1")
        deadline = time.monotonic() + 20
        while not (manager.hub_online and manager.config) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not manager.hub_online:
            raise RuntimeError("the hub did not come online")
        if self.with_web:
            self.web = self._spawn("web", [
                "web", "--broker", self.broker.url, "--listen", f"127.0.0.1:{self.port}",
                "--rate-limit", str(self.rate_limit), *self.web_args])
            self._wait_web()
        return self

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "qms.cli", *args], cwd=ROOT,
                                   stdout=subprocess.DEVNULL,
                                   stderr=open(self.out / f"{name}.log", "w"))  # noqa: SIM115
        self.processes.append(process)
        return process

    def _wait_web(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.web is not None
            if self.web.poll() is not None:
                raise RuntimeError((self.out / "web.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=2) as answer:
                    if b'"online":true' in answer.read():
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the web face did not come up")

    def client(self, device_id: str) -> DeviceClient:
        client = DeviceClient.started_for(self.broker.url, self.config, device_id)
        client.wait_connected(10)
        self.clients.append(client)
        return client

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for client in self.clients:
            client.stop()
        for process in reversed(self.processes):
            stop_process(process)
        self.broker.close()
