"""The bridge says nothing until its app starts it; then it gives what the client already holds,
at once, and every later change, queued onto the GUI thread."""

from __future__ import annotations

import threading

import paho.mqtt.client as mqtt

from broker.wire import protocol
from broker.wire.device_client import DeviceClient
from broker.wire.protocol import ServiceState
from qtkit.bridge import MqttBridge
from tests.support import SITE


def _arrive(client: DeviceClient, topic: str, message: object) -> None:
    """A retained message as paho hands it over, on a thread of its own."""
    raw = mqtt.MQTTMessage(topic=topic.encode())
    raw.payload = protocol.encode(message)
    thread = threading.Thread(target=client._on_retained, args=(client.client, None, raw))
    thread.start()
    thread.join()


def test_nothing_before_start_then_the_cache_then_live_changes(qtbot):
    client = DeviceClient("mqtt://127.0.0.1:1", SITE, "board-hall")  # never connects
    topic = client.topics.service_state("dkdn")
    bridge = MqttBridge(client)
    _arrive(client, topic, ServiceState(id="dkdn", rev=3, waiting=4))
    states: list[ServiceState] = []
    connected: list[bool] = []
    bridge.service_state.connect(states.append)
    bridge.connection_changed.connect(connected.append)
    qtbot.wait(50)  # anything queued would have been delivered by now
    assert states == [] and connected == []

    bridge.start()
    # Before start() returns: the client's state as it is, and what it holds.
    assert connected == [False]
    assert [(s.id, s.rev, s.waiting) for s in states] == [("dkdn", 3, 4)]

    bridge.start()  # a second start gives nothing twice
    _arrive(client, topic, ServiceState(id="dkdn", rev=4, waiting=5))
    qtbot.waitUntil(lambda: len(states) == 2)
    assert (states[1].rev, states[1].waiting) == (4, 5)
    assert connected == [False]
