"""Helpers for the reliability tests: a Mosquitto run from a generated config, raw paho
clients that log in as a given user, and a wait for the hub to be online."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from broker.mosquitto.managed import free_port, port_open
from broker.wire.mqtt_link import BrokerAddress, new_client
from tests.support import wait_for


def ledger_rows(db: Path | str, sql: str, *params: object) -> list[tuple]:
    """A query on a ledger, read-only: a test's look must not change what the hub wrote."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class MosquittoProcess:
    """`mosquitto -c <conf>` for a config text made by `broker_setup.mosquitto_config`."""

    def __init__(self, folder: Path, conf_text: str, port: int) -> None:
        self.folder, self.port = folder, port
        self.conf = folder / "mosquitto.conf"
        # Started as root, Mosquitto drops to user `mosquitto`, which cannot read a private
        # tmp folder: keep the current user (a no-op when not root).
        self.conf.write_text(conf_text + ("user root\n" if os.geteuid() == 0 else ""))
        self.process: subprocess.Popen | None = None

    def start(self) -> MosquittoProcess:
        out = open(self.folder / "mosquitto.out", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(["mosquitto", "-c", str(self.conf)], stdout=out,
                                        stderr=out, stdin=subprocess.DEVNULL)
        wait_for(lambda: port_open("127.0.0.1", self.port) or self.process.poll() is not None,
                 what="mosquitto to listen")
        assert self.process.poll() is None, (self.folder / "mosquitto.out").read_text()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)


class RawClient:
    """A plain paho client as some user, recording what it receives and how it connected."""

    def __init__(self, port: int, user: str | None, password: str | None, client_id: str,
                 *, tls_ca: str | None = None, tls_port: int | None = None) -> None:
        address = BrokerAddress("127.0.0.1", tls_port or port, user, password,
                                tls=tls_ca is not None, ca_file=tls_ca)
        self.client = new_client(address, client_id, clean_session=True)
        self.client.reconnect_delay_set(min_delay=30, max_delay=30)  # report, do not retry
        self.messages: list[mqtt.MQTTMessage] = []
        self.connack: object | None = None
        self.disconnected = threading.Event()
        self.connected = threading.Event()
        self._lock = threading.Lock()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = lambda *a: self.disconnected.set()
        self.client.connect_async(address.host, address.port, keepalive=10)
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        self.connack = reason
        if not reason.is_failure:
            self.connected.set()

    def _on_message(self, client, userdata, message) -> None:
        with self._lock:
            self.messages.append(message)

    def topics(self) -> list[str]:
        with self._lock:
            return [m.topic for m in self.messages]

    def subscribe(self, *topics: str) -> None:
        done = threading.Event()
        self.client.on_subscribe = lambda *a: done.set()
        self.client.subscribe([(t, 1) for t in topics])
        assert done.wait(5), "no SUBACK"

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        self.client.publish(topic, payload, 1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def refused(port: int, user: str | None, password: str | None) -> bool:
    """True if the broker refuses this login (CONNACK failure or a closed connection)."""
    raw = RawClient(port, user, password, f"probe-{time.monotonic_ns()}")
    try:
        wait_for(lambda: raw.connack is not None or raw.disconnected.is_set(), timeout=5,
                 what="a CONNACK")
        return not raw.connected.is_set()
    finally:
        raw.close()


def new_port() -> int:
    return free_port()
