"""Found by fault injection: after a command that changes only a counter's current ticket
(serve, recall) or sends a ticket to a counter of another service, the hub must republish
that counter's retained state at once, not at its next 5 s refresh. Checked off-wire, on
what the hub publishes while it handles one command."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from broker.core.views import counter_view
from broker.service.hub import Hub
from broker.service.ledger import Ledger
from broker.wire import protocol
from tests.support import CONFIG, DEMO_PIN


class Recorder:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.published: list[tuple[str, bytes]] = []
        hub.publish = lambda topic, payload, retain: self.published.append((topic, payload))

    def send(self, device: str, op: str, args: dict | None = None) -> dict:
        self.published.clear()
        command_id = uuid.uuid4().hex
        self.hub.handle(device, protocol.encode_command(command_id, op, args))
        reply_topic = self.hub.topics.device_reply(device)
        reply = next(protocol.decode_reply(p) for t, p in self.published if t == reply_topic)
        assert reply.ok, reply.error
        return reply.result or {}

    def counter_published(self, counter_id: str) -> dict | None:
        topic = self.hub.topics.counter_state(counter_id)
        found = [msgspec.json.decode(p) for t, p in self.published if t == topic]
        return found[-1] if found else None

    def assert_counter_current(self, counter_id: str) -> None:
        """What subscribers hold for this counter equals the hub's own view of it now."""
        want = msgspec.json.decode(msgspec.json.encode(
            counter_view(self.hub.engine, self.hub.state, counter_id)))
        held = self.hub.published.get(self.hub.topics.counter_state(counter_id))
        assert msgspec.json.decode(msgspec.json.encode(held)) == want


def _hub(tmp_path) -> Recorder:
    hub = Hub(CONFIG, Ledger(tmp_path / "ledger.db"), enforce_hours=False,
              clock=lambda: datetime.now().astimezone())
    hub.publish_all(force=True)
    return Recorder(hub)


def test_serve_and_recall_republish_the_counter(tmp_path):
    hub = _hub(tmp_path)
    hub.send("kiosk-1", "ticket.issue", {"service": "datdai"})
    hub.send("counter-4", "counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    hub.send("counter-4", "counter.call_next")

    hub.send("counter-4", "counter.recall")
    published = hub.counter_published("4")
    assert published is not None, "the recall left counter 4's retained state as it was"
    assert published["ticket"]["calls"] == 2
    hub.assert_counter_current("4")

    hub.send("counter-4", "ticket.serve")
    published = hub.counter_published("4")
    assert published is not None, "ticket.serve left counter 4's retained state at `called`"
    assert published["ticket"]["state"] == "serving"
    hub.assert_counter_current("4")


def test_a_ticket_sent_to_a_counter_of_another_service_shows_there(tmp_path):
    hub = _hub(tmp_path)
    hub.send("kiosk-1", "ticket.issue", {"service": "datdai"})
    hub.send("counter-4", "counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    hub.send("counter-9", "counter.open", {"officer": "dvk", "pin": DEMO_PIN})  # serves lltp only
    hub.send("counter-4", "counter.call_next")
    hub.send("counter-4", "ticket.transfer", {"counter": "9"})
    published = hub.counter_published("9")
    assert published is not None, "counter 9 was not told a citizen was sent to it"
    assert [t["number"] for t in published["sent_here"]] == ["2001"]
    assert "waiting" not in published  # the services' states say who waits
    hub.assert_counter_current("9")
