"""A raw MQTT peer for tests: publishes arbitrary bytes to command topics, collects replies."""

from __future__ import annotations

import threading
import uuid

import msgspec

from broker.wire import protocol
from broker.wire.mqtt_link import new_client, parse_broker_url
from tests.support import SITE, wait_for


class RawPeer:
    def __init__(self, broker_url: str) -> None:
        self.topics = protocol.Topics(SITE)
        self.replies: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        address = parse_broker_url(broker_url)
        self.client = new_client(address, f"raw-{uuid.uuid4().hex[:8]}", clean_session=True)
        self.client.on_connect = lambda c, *a: c.subscribe(
            f"{self.topics.root}/devices/+/reply", 1)
        self.client.on_subscribe = lambda *a: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.connect(address.host, address.port)
        self.client.loop_start()
        assert self._subscribed.wait(10)

    def _on_message(self, client, userdata, message) -> None:
        device = message.topic.split("/")[-2]
        with self._lock:
            self.replies.append((device, msgspec.json.decode(message.payload)))

    def send_raw(self, device: str, payload: bytes) -> None:
        self.client.publish(self.topics.device_cmd(device), payload, 1).wait_for_publish(5)

    def send(self, device: str, op: str, args: dict | None = None, command_id: str | None = None
             ) -> str:
        command_id = command_id or uuid.uuid4().hex
        self.send_raw(device, protocol.encode_command(command_id, op, args))
        return command_id

    def replies_to(self, command_id: str) -> list[tuple[str, dict]]:
        with self._lock:
            return [(d, r) for d, r in self.replies if r.get("id") == command_id]

    def reply(self, command_id: str, timeout: float = 10) -> dict:
        return wait_for(lambda: self.replies_to(command_id), timeout,
                        what=f"a reply to {command_id}")[0][1]

    def count(self) -> int:
        with self._lock:
            return len(self.replies)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
