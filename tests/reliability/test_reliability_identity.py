"""The hub's own checks, for a broker without ACLs (the one-box demo): the topic is the
device's identity, a payload cannot claim another, and a command id stays its sender's."""

from __future__ import annotations

import uuid

import msgspec

from broker.wire import protocol
from tests.reliability.rel_support import RawClient
from tests.support import DEMO_PIN, SITE, wait_for

TOPICS = protocol.Topics(SITE)


def _replies(raw: RawClient, device_id: str, command_id: str) -> list[protocol.Reply]:
    topic = TOPICS.device_reply(device_id)
    return [protocol.decode_reply(m.payload) for m in list(raw.messages)
            if m.topic == topic and protocol.decode_reply(m.payload).id == command_id]


def _send(raw: RawClient, device_id: str, payload: dict) -> protocol.Reply:
    raw.publish(TOPICS.device_cmd(device_id), msgspec.json.encode(payload))
    found = wait_for(lambda: _replies(raw, device_id, payload["id"]),
                     what=f"a reply to {payload['op']} on {device_id}")
    return found[0]


def _command(op: str, args: dict | None = None, **extra) -> dict:
    return {"v": 1, "id": uuid.uuid4().hex, "op": op, "args": args or {}, **extra}


def test_the_hub_refuses_identities_the_topic_does_not_give(broker, hub, devices):
    port = int(broker.url.rsplit(":", 1)[1])
    raw = RawClient(port, None, None, "raw-anonymous")
    wait_for(raw.connected.is_set)
    raw.subscribe(f"{TOPICS.root}/devices/+/reply")
    watcher = devices("board-hall")

    # A payload that names another device is not a command of the contract.
    claimed = _send(raw, "kiosk-1", _command("counter.open", {"officer": "hve", "pin": DEMO_PIN},
                                             device="counter-5"))
    assert not claimed.ok and claimed.error.code == "bad_request"
    # Acting as itself, a kiosk may not open a counter, and it cannot name one.
    for args in ({"officer": "hve"}, {"counter": "5", "officer": "hve"}):
        as_kiosk = _send(raw, "kiosk-1", _command("counter.open", args))
        assert not as_kiosk.ok and as_kiosk.error.code == "forbidden"
    # A device id the config does not list is nobody.
    stranger = _send(raw, "counter-99", _command("ticket.issue", {"service": "dkdn"}))
    assert not stranger.ok and stranger.error.code == "forbidden"
    # A counter terminal acts for its own counter only.
    other = _send(raw, "counter-5", _command("counter.open", {"counter": "6", "officer": "vtp"}))
    assert not other.ok and other.error.code == "forbidden"
    # A tablet cannot issue tickets.
    tablet = _send(raw, "tablet-5", _command("ticket.issue", {"service": "dkdn"}))
    assert not tablet.ok and tablet.error.code == "forbidden"

    # A command id is its sender's: replaying counter 5's id as counter 6 does not hand over
    # counter 5's reply (or redo its command).
    first = _command("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    opened = _send(raw, "counter-5", first)
    assert opened.ok and opened.result["counter"]["id"] == "5"
    replay = _send(raw, "counter-6", {**first, "args": {"officer": "vtp"}})
    assert not replay.ok and replay.error.code == "bad_request"
    assert "already used" in replay.error.message
    # The same id from counter 5 again is answered as before, byte for byte, changing nothing.
    again = _send(raw, "counter-5", first)
    assert again == opened

    states = {k: wait_for(lambda k=k: watcher.cached(TOPICS.counter_state(k)))
              for k in ("5", "6")}
    assert states["5"].status == "open" and states["6"].status == "closed"
    assert not watcher.cached(TOPICS.counter_state("6")).officer
    raw.close()
