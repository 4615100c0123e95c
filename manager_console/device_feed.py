"""Every device's retained status topic, as a Qt signal on the GUI thread.

The shared MqttBridge carries config, state and events but not device status, which only the
manager console reads; this small QObject does the same hand-over for that one topic filter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import msgspec
import paho.mqtt.client as mqtt
from PySide6.QtCore import QObject, Signal

from broker import protocol
from broker.device_client import DeviceClient

log = logging.getLogger("qms.manager")


class DeviceStatusFeed(QObject):
    # device id, protocol.DeviceStatus (None: the retained status was removed)
    status_received = Signal(str, object)

    def __init__(self, client: DeviceClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        """Subscribe; call once `status_received` is connected, since the retained statuses
        arrive at once."""
        self._unsubscribe = self._client.subscribe(self._client.topics.all_device_status,
                                                   self._on_message)

    def _on_message(self, message: mqtt.MQTTMessage) -> None:  # paho's thread
        parsed = self._client.topics.parse(message.topic)
        if parsed is None or parsed.kind != "device_status":
            return
        if not message.payload:
            self.status_received.emit(parsed.key, None)
            return
        try:
            status = protocol.decode(message.payload, protocol.DeviceStatus)
        except msgspec.MsgspecError as exc:
            log.warning("ignored a bad status from %s: %s", parsed.key, exc)
            return
        self.status_received.emit(parsed.key, status)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
