"""The one QObject that turns the device client's callbacks (paho's thread) into Qt signals.

Views and controllers never touch paho: they connect to these signals, which Qt queues onto
the GUI thread, and send commands through `request`, whose callback also runs there.

A bridge is silent until `start()`: an app connects every listener first, then starts it, and
the listeners get what the client already holds and every change after it. So no app reads the
client's cache itself to catch up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import msgspec
import paho.mqtt.client as mqtt
from PySide6.QtCore import QObject, Signal

from broker.wire import protocol
from broker.wire.device_client import DeviceClient, RequestError
from broker.wire.protocol import ParsedTopic
from qtkit.gc import collect_on_gui_thread

log = logging.getLogger("qms.bridge")

ReplyHandler = Callable[[dict[str, Any] | None, RequestError | None], None]


class MqttBridge(QObject):
    connection_changed = Signal(bool)  # connected to the broker
    hub_status_changed = Signal(bool)  # the hub is online
    hub_status_received = Signal(object)  # protocol.HubStatus (its day, a clock behind)
    config_received = Signal(object)  # config.schema.CenterConfig
    service_state = Signal(object)  # protocol.ServiceState
    counter_state = Signal(object)  # protocol.CounterState
    board_state = Signal(object)  # protocol.BoardState
    event_received = Signal(object)  # protocol.Event
    device_status = Signal(str, object)  # device id, protocol.DeviceStatus (None: removed)
    _reply = Signal(object, object, object)

    def __init__(self, client: DeviceClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_on_gui_thread()  # every app has a bridge; see qtkit.gc for why
        self.client = client
        self._started = False
        self._reply.connect(self._deliver)

    @property
    def connected(self) -> bool:
        return self.client.connected.is_set()

    @property
    def hub_online(self) -> bool:
        return self.client.hub_online

    def start(self) -> None:
        """Call on the GUI thread once every listener is connected; later calls do nothing.

        Before it returns, the listeners get the connection, the hub's status and every
        retained message the client holds; then every change, queued from paho's thread.
        Each listener is registered before the current value is read, so a change in between
        arrives after it and none is lost.
        """
        if self._started:
            return
        self._started = True
        self.client.on_connection(self.connection_changed.emit)
        self.connection_changed.emit(self.connected)
        self.hub_status_changed.emit(self.hub_online)
        self.client.on_state(self._on_state)  # replays the client's cache here, at once
        self.client.on_events(self.event_received.emit)

    def _on_state(self, topic: ParsedTopic, message: Any) -> None:
        if topic.kind == "hub_status":
            self.hub_status_changed.emit(message.status == "online")
            self.hub_status_received.emit(message)
        elif topic.kind == "config":
            self.config_received.emit(message.config)
        elif topic.kind == "service_state":
            self.service_state.emit(message)
        elif topic.kind == "counter_state":
            self.counter_state.emit(message)
        elif topic.kind == "board_state":
            self.board_state.emit(message)

    def request(self, op: str, args: dict[str, Any] | None, on_done: ReplyHandler, *,
                command_id: str | None = None) -> str:
        """Send a command; `on_done(result, error)` runs on the GUI thread. One user action
        is one command id: a retry under it never acts twice."""
        return self.client.send(op, args,
                                lambda result, error: self._reply.emit(on_done, result, error),
                                command_id=command_id)

    def watch_device_status(self) -> Callable[[], None]:
        """Every device's retained status as `device_status`; connect to the signal first, as
        the retained statuses arrive at once. Returns the unsubscribe."""
        return self.client.subscribe(self.client.topics.all_device_status, self._on_device_status)

    def _on_device_status(self, message: mqtt.MQTTMessage) -> None:
        parsed = self.client.topics.parse(message.topic)
        if parsed is None or parsed.kind != "device_status":
            return
        if not message.payload:
            self.device_status.emit(parsed.key, None)
            return
        try:
            status = protocol.decode(message.payload, protocol.DeviceStatus)
        except msgspec.MsgspecError as exc:
            log.warning("ignored a bad status from %s: %s", parsed.key, exc)
            return
        self.device_status.emit(parsed.key, status)

    def _deliver(self, on_done: ReplyHandler, result: Any, error: Any) -> None:
        on_done(result, error)

    def set_health(self, **health: Any) -> None:
        self.client.set_health(**health)

