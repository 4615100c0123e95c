"""The device side of the wire contract: what every kiosk, terminal, tablet, board and console
uses to talk to the hub. Birth and will with a session id, TCP_NODELAY, reconnect with backoff,
resubscribe on connect, requests with a timeout and retries under the same id, and a cache of
the retained state that drops older revs."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import paho.mqtt.client as mqtt

from broker.wire import protocol
from broker.wire.mqtt_link import new_client, parse_broker_url
from broker.wire.protocol import QOS, ParsedTopic, Topics
from broker.wire.version import __version__
from config.schema import CenterConfig

log = logging.getLogger("qms.device")


class RequestError(Exception):
    """The hub answered no; `code` is the stable error code of the contract."""

    def __init__(self, code: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message
        self.retry_after_s = retry_after_s  # with `rate_limited`: when to send again


class NotConnected(RequestError):
    def __init__(self) -> None:
        super().__init__("not_connected", "not connected to the hub")


class RequestTimeout(RequestError):
    def __init__(self, op: str) -> None:
        super().__init__("timeout", f"the hub did not answer {op} in time")


StateListener = Callable[[ParsedTopic, Any], None]
ReplyCallback = Callable[[dict[str, Any] | None, RequestError | None], None]


@dataclass
class _Pending:
    op: str
    payload: bytes
    callback: ReplyCallback
    attempts_left: int
    attempt_timeout: float
    timer: threading.Timer | None = None
    done: bool = False


@dataclass(eq=False)  # each subscription is its own, even with the same topic and callback
class _Subscription:
    topic: str
    callback: Callable[[mqtt.MQTTMessage], None]


class DeviceClient:
    def __init__(self, broker_url: str, site: str, device_id: str, *, role: str = "",
                 attempt_timeout: float = 2.0, attempts: int = 3) -> None:
        self.address = parse_broker_url(broker_url)
        self.topics = Topics(site)
        self.device_id, self.role = device_id, role
        self.attempt_timeout, self.attempts = attempt_timeout, attempts
        self.session = uuid.uuid4().hex[:12]
        self.health: dict[str, Any] = {}
        self.state: dict[str, tuple[int, Any]] = {}  # topic -> (rev, decoded message)
        self.hub_online = False
        self._lock = threading.RLock()
        self._pending: dict[str, _Pending] = {}
        self._subscriptions: list[_Subscription] = []
        self._state_listeners: list[StateListener] = []
        self._connection_listeners: list[Callable[[bool], None]] = []
        self.connected = threading.Event()
        self._stopping = False
        self._health_timer: threading.Timer | None = None
        self.client = new_client(self.address, f"{device_id}-{self.session}", clean_session=True)
        self.client.will_set(self.topics.device_status(device_id),
                             protocol.encode(protocol.DeviceStatus(online=False,
                                                                   session=self.session)),
                             QOS, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.message_callback_add(self.topics.device_reply(device_id), self._on_reply)
        for topic in (self.topics.config, self.topics.all_state, self.topics.hub_status):
            self.client.message_callback_add(topic, self._on_retained)

    # --- lifecycle ------------------------------------------------------------------------

    @classmethod
    def started_for(cls, broker_url: str, config: CenterConfig, device_id: str, *,
                    attempt_timeout: float = 2.0, attempts: int = 3) -> DeviceClient:
        """A started client for a device of the center, with the role its config gives it
        (none for an id it does not list)."""
        device = config.device(device_id)
        return cls(broker_url, config.center.site, device_id,
                   role=device.role if device else "", attempt_timeout=attempt_timeout,
                   attempts=attempts).start()

    def start(self) -> DeviceClient:
        self.client.connect_async(self.address.host, self.address.port, keepalive=10)
        self.client.loop_start()
        return self

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self.connected.wait(timeout)

    def stop(self) -> None:
        """A clean stop: `online: false` published, then disconnect."""
        self._stopping = True
        if self.connected.is_set():
            info = self.client.publish(self.topics.device_status(self.device_id),
                                       self._status(False), QOS, retain=True)
            info.wait_for_publish(timeout=2)
        self.client.disconnect()
        self.client.loop_stop()
        with self._lock:
            if self._health_timer is not None:
                self._health_timer.cancel()
            pending = list(self._pending.values())
            self._pending.clear()
        for p in pending:
            if p.timer:
                p.timer.cancel()

    def _status(self, online: bool) -> bytes:
        config = self.config
        tz = ZoneInfo(config.center.timezone) if config else None
        return protocol.encode(protocol.DeviceStatus(
            online=online, session=self.session, version=__version__, role=self.role,
            health=self.health, at=datetime.now(tz).astimezone(tz)))

    def set_health(self, **health: Any) -> None:
        """Report device health (e.g. printer="paper_out") on the retained status topic."""
        with self._lock:
            if all(self.health.get(k) == v for k, v in health.items()):
                return
            self.health = {**self.health, **health}
        if self.connected.is_set():
            self.client.publish(self.topics.device_status(self.device_id), self._status(True),
                                QOS, retain=True)

    def _rate_limited(self, retry_after_s: float) -> None:
        """The hub refused a command for too many: the device says so in its health (the
        manager console shows it) until the time to retry has passed."""
        with self._lock:
            if self._health_timer is not None:
                self._health_timer.cancel()
            self._health_timer = threading.Timer(retry_after_s,
                                                 lambda: self.set_health(commands="ok"))
            self._health_timer.daemon = True
            self._health_timer.start()
        self.set_health(commands="rate_limited")

    def on_connection(self, listener: Callable[[bool], None]) -> None:
        self._connection_listeners.append(listener)

    def on_state(self, listener: StateListener) -> Callable[[], None]:
        """Called with every accepted retained message (config, state, hub status); the ones
        already cached are replayed at once. Returns the way to stop listening."""
        with self._lock:
            self._state_listeners.append(listener)
            cached = list(self.state.items())
        for topic, (_rev, message) in cached:
            parsed = self.topics.parse(topic)
            if parsed:
                listener(parsed, message)

        def remove() -> None:
            with self._lock:
                if listener in self._state_listeners:
                    self._state_listeners.remove(listener)

        return remove

    def subscribe(self, topic: str, callback: Callable[[mqtt.MQTTMessage], None]
                  ) -> Callable[[], None]:
        """Subscribe to a topic filter (kept across reconnects); returns the unsubscribe.
        Several subscribers of one filter each get every message."""
        subscription = _Subscription(topic, callback)
        with self._lock:
            first = not any(s.topic == topic for s in self._subscriptions)
            self._subscriptions.append(subscription)
        if first:
            # paho keeps one callback per filter: it fans out to every subscriber of it.
            self.client.message_callback_add(topic, lambda c, u, m: self._fan_out(topic, m))
            if self.connected.is_set():
                self.client.subscribe(topic, QOS)

        def unsubscribe() -> None:
            with self._lock:
                if subscription not in self._subscriptions:
                    return
                self._subscriptions.remove(subscription)
                still_used = any(s.topic == topic for s in self._subscriptions)
            if not still_used:
                self.client.message_callback_remove(topic)
                self.client.unsubscribe(topic)

        return unsubscribe

    def _fan_out(self, topic: str, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            callbacks = [s.callback for s in self._subscriptions if s.topic == topic]
        for callback in callbacks:
            callback(message)

    def on_events(self, callback: Callable[[protocol.Event], None]) -> Callable[[], None]:
        def deliver(message: mqtt.MQTTMessage) -> None:
            try:
                event = protocol.decode(message.payload, protocol.Event)
            except msgspec.MsgspecError as exc:
                log.warning("bad event on %s: %s", message.topic, exc)
                return
            callback(event)

        return self.subscribe(self.topics.all_events, deliver)

    # --- connection callbacks (paho's thread) ------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any,
                    properties: Any) -> None:
        if reason.is_failure:
            log.error("%s: the broker refused the connection: %s", self.device_id, reason)
            return
        topics = [self.topics.device_reply(self.device_id), self.topics.config,
                  self.topics.all_state, self.topics.hub_status]
        with self._lock:
            topics += [s.topic for s in self._subscriptions]
        client.subscribe([(t, QOS) for t in dict.fromkeys(topics)])
        client.publish(self.topics.device_status(self.device_id), self._status(True), QOS,
                       retain=True)
        self.connected.set()
        for listener in list(self._connection_listeners):
            listener(True)
        # A request that was waiting resends at once under the same id.
        with self._lock:
            pending = [p for p in self._pending.values() if not p.done]
        for p in pending:
            client.publish(self.topics.device_cmd(self.device_id), p.payload, QOS)

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any,
                       properties: Any) -> None:
        was = self.connected.is_set()
        self.connected.clear()
        self.hub_online = False
        if was:
            (log.info if self._stopping else log.warning)("%s: disconnected (%s)",
                                                          self.device_id, reason)
            for listener in list(self._connection_listeners):
                listener(False)

    def _on_retained(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage
                     ) -> None:
        parsed = self.topics.parse(message.topic)
        if parsed is None:
            return
        if not message.payload:  # a retained topic removed
            with self._lock:
                self.state.pop(message.topic, None)
            return
        try:
            if parsed.kind == "hub_status":
                decoded: Any = protocol.decode(message.payload, protocol.HubStatus)
                rev = 0
            else:
                decoded = protocol.decode(message.payload, protocol.STATE_TYPES[parsed.kind])
                rev = decoded.rev
        except (msgspec.MsgspecError, KeyError) as exc:
            log.warning("%s: ignored a bad message on %s: %s", self.device_id, message.topic, exc)
            return
        with self._lock:
            held = self.state.get(message.topic)
            if held is not None and rev < held[0]:
                return  # an older rev overtaken by a newer one
            self.state[message.topic] = (rev, decoded)
            listeners = list(self._state_listeners)
        if parsed.kind == "hub_status":
            online = decoded.status == "online"
            if online and not self.hub_online and self.connected.is_set():
                # The hub is back: tell it who we are again.
                client.publish(self.topics.device_status(self.device_id), self._status(True),
                               QOS, retain=True)
            self.hub_online = online
        for listener in listeners:
            listener(parsed, decoded)

    # --- requests ---------------------------------------------------------------------------

    def send(self, op: str, args: dict[str, Any] | None, callback: ReplyCallback, *,
             command_id: str | None = None) -> str:
        """Send a command; `callback(result, error)` runs once, on paho's or a timer thread."""
        if not self.connected.is_set():
            callback(None, NotConnected())
            return ""
        command_id = command_id or uuid.uuid4().hex
        pending = _Pending(op, protocol.encode_command(command_id, op, args), callback,
                           self.attempts, self.attempt_timeout)
        with self._lock:
            self._pending[command_id] = pending
        self._attempt(command_id)
        return command_id

    def _attempt(self, command_id: str) -> None:
        with self._lock:
            pending = self._pending.get(command_id)
            if pending is None or pending.done:
                return
            if pending.attempts_left == 0:
                pending.done = True
                del self._pending[command_id]
                error: RequestError = RequestTimeout(pending.op)
            else:
                pending.attempts_left -= 1
                pending.timer = threading.Timer(pending.attempt_timeout, self._attempt,
                                                (command_id,))
                pending.timer.daemon = True
                pending.timer.start()
                error = None  # type: ignore[assignment]
        if error is not None:
            pending.callback(None, error)
            return
        if self.connected.is_set():
            self.client.publish(self.topics.device_cmd(self.device_id), pending.payload, QOS)

    def _on_reply(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage
                  ) -> None:
        try:
            reply = protocol.decode_reply(message.payload)
        except msgspec.MsgspecError as exc:
            log.warning("%s: bad reply: %s", self.device_id, exc)
            return
        with self._lock:
            pending = self._pending.pop(reply.id, None)
            if pending is None or pending.done:
                return
            pending.done = True
            if pending.timer:
                pending.timer.cancel()
        if reply.ok:
            pending.callback(reply.result or {}, None)
        else:
            error = reply.error or protocol.ErrorBody("unknown", "no error body")
            if error.code == "rate_limited":
                self._rate_limited(error.retry_after_s or 1.0)
            pending.callback(None, RequestError(error.code, error.message,
                                                error.retry_after_s))

    def request(self, op: str, args: dict[str, Any] | None = None, *,
                command_id: str | None = None) -> dict[str, Any]:
        """Blocking request: the result, or RequestError (NotConnected fails fast)."""
        done = threading.Event()
        box: list[Any] = []

        def finish(result: dict[str, Any] | None, error: RequestError | None) -> None:
            box.append((result, error))
            done.set()

        self.send(op, args, finish, command_id=command_id)
        done.wait(self.attempt_timeout * (self.attempts + 1))
        if not box:
            raise RequestTimeout(op)
        result, error = box[0]
        if error is not None:
            raise error
        return result

    # --- the retained state, decoded ------------------------------------------------------

    def cached(self, topic: str) -> Any | None:
        with self._lock:
            held = self.state.get(topic)
        return held[1] if held else None

    @property
    def config(self) -> CenterConfig | None:
        message = self.cached(self.topics.config)
        return message.config if message else None
