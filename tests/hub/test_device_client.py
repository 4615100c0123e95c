"""The device client library against a real broker and hub."""

from __future__ import annotations

import threading

import pytest

from broker.wire.device_client import DeviceClient, NotConnected
from tests.support import SITE, wait_for


def test_two_subscribers_of_one_topic_both_hear_it(hub, devices):
    board = devices("board-hall")
    heard: dict[str, list[str]] = {"a": [], "b": []}
    lock = threading.Lock()

    def listener(name):
        def on(message):
            with lock:
                heard[name].append(message.topic)
        return on

    topic = board.topics.event("ticket.issued")
    stop_a = board.subscribe(topic, listener("a"))
    board.subscribe(topic, listener("b"))
    kiosk = devices("kiosk-1")
    kiosk.request("ticket.issue", {"service": "dkdn"})
    wait_for(lambda: heard["a"] and heard["b"], what="both subscribers")
    stop_a()
    kiosk.request("ticket.issue", {"service": "dkdn"})
    wait_for(lambda: len(heard["b"]) == 2, what="the remaining subscriber")
    assert len(heard["a"]) == 1


def test_a_request_while_disconnected_fails_fast(broker):
    client = DeviceClient(broker.url, SITE, "kiosk-1")  # never started
    with pytest.raises(NotConnected):
        client.request("ticket.issue", {"service": "dkdn"})


def test_status_times_carry_the_centers_offset(hub, devices):
    kiosk = devices("kiosk-1")
    wait_for(lambda: kiosk.config is not None, what="the config")
    kiosk.set_health(printer="paper_low")
    watcher = devices("manager-1")
    statuses = []
    watcher.subscribe(watcher.topics.device_status("kiosk-1"), statuses.append)
    status = wait_for(lambda: statuses and statuses[-1].payload, what="kiosk status")
    assert b'"printer":"paper_low"' in status and b"+07:00" in status
