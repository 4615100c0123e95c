"""A private broker on loopback for a one-box center, the demo and the tests.

Mosquitto when it is installed. Otherwise an embedded Python broker (amqtt) stands in for a
demo only: it speaks MQTT 3.1.1 only, is 3-5 times slower, drops queued messages of anonymous
sessions and loses everything on restart.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from broker.mosquitto.setup import broker_limits

log = logging.getLogger("qms.broker")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def mosquitto_conf(port: int, data_dir: Path, *, password_file: Path | None = None,
                   acl_file: Path | None = None) -> str:
    lines = [
        # Started as root, Mosquitto drops to user `mosquitto`, which cannot write into a
        # private folder of root's: every save failed with "Permission denied", so a restart
        # lost the retained state and the hub's queued commands. Keep the current user.
        *(["user root"] if os.geteuid() == 0 else []),
        "per_listener_settings false",
        f"listener {port} 127.0.0.1",
        "persistence true",
        f"persistence_location {data_dir}/",
        "autosave_interval 10",
        "set_tcp_nodelay true",
        *broker_limits(),
        f"log_dest file {data_dir}/mosquitto.log",
        "log_type error",
        "log_type warning",
        "log_type notice",
    ]
    if password_file is not None:
        lines += ["allow_anonymous false", f"password_file {password_file}"]
    else:
        lines += ["allow_anonymous true"]
    if acl_file is not None:
        lines += [f"acl_file {acl_file}"]
    return "\n".join(lines) + "\n"



def stop_process(process: subprocess.Popen, *, interrupt: int = signal.SIGTERM,
                 grace_s: float = 10) -> int | None:
    """Ask a child process to end (`interrupt`: SIGINT lets the hub close its ledger), give it
    `grace_s`, then kill it; reaped either way, its exit status returned."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(interrupt)
    try:
        return process.wait(grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(5)


class ManagedBroker:
    """Starts a broker process on 127.0.0.1 and stops it; `restart` keeps its data."""

    def __init__(self, port: int | None = None, data_dir: Path | None = None, *,
                 password_file: Path | None = None, acl_file: Path | None = None,
                 embedded: bool | None = None) -> None:
        self.port = port or free_port()
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="qms-broker-")
        self.data_dir = Path(data_dir or self._tmp.name)  # type: ignore[union-attr]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.password_file, self.acl_file = password_file, acl_file
        self.embedded = shutil.which("mosquitto") is None if embedded is None else embedded
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    @property
    def kind(self) -> str:
        return "amqtt (embedded, demo only)" if self.embedded else "mosquitto"

    def _command(self) -> list[str]:
        if self.embedded:
            return [sys.executable, "-m", "broker.mosquitto.embedded", "--port", str(self.port)]
        conf = self.data_dir / "mosquitto.conf"
        conf.write_text(mosquitto_conf(self.port, self.data_dir, password_file=self.password_file,
                                       acl_file=self.acl_file))
        return ["mosquitto", "-c", str(conf)]

    def start(self, timeout: float = 10.0) -> ManagedBroker:
        if port_open("127.0.0.1", self.port):
            raise RuntimeError(f"port {self.port} on 127.0.0.1 is already taken")
        log_file = open(self.data_dir / "broker.out", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(self._command(), stdout=log_file, stderr=log_file,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = (self.data_dir / "broker.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.kind} did not start on port {self.port}: {output}")
            time.sleep(0.02)
        log.info("%s listening on %s", self.kind, self.url)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace_s=5)
        self.process = None

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> ManagedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
