"""Group commit, off-wire: the commands that reach the hub together go to the ledger in one
transaction, and what the devices are told is exactly what one-at-a-time handling would tell
them; a batch whose commit fails is answered `unavailable` and leaves nothing behind."""

from __future__ import annotations

import socket
import sqlite3
from datetime import datetime

import msgspec

from broker.service.hub import Hub, HubService
from broker.service.ledger import Ledger
from broker.wire import protocol
from broker.wire.mqtt_link import parse_broker_url
from tests.support import CONFIG, DEMO_PIN


class Wire:
    """The hub with its publishing recorded, in order."""

    def __init__(self, tmp_path) -> None:
        self.db = tmp_path / "ledger.db"
        self.hub = Hub(CONFIG, Ledger(self.db), enforce_hours=False,
                       clock=lambda: datetime.now().astimezone())
        self.published: list[tuple[str, bytes]] = []
        self.hub.publish = lambda topic, payload, retain: self.published.append((topic, payload))

    def replies(self, device: str) -> list[protocol.Reply]:
        topic = self.hub.topics.device_reply(device)
        return [protocol.decode_reply(p) for t, p in self.published if t == topic]

    def tickets(self) -> int:
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT count(*) FROM tickets").fetchone()[0]


def issue(command_id: str, service: str = "dkdn") -> bytes:
    return protocol.encode_command(command_id, "ticket.issue", {"service": service})


def test_a_batch_answers_each_command_in_order_after_one_commit(tmp_path):
    wire = Wire(tmp_path)
    wire.hub.handle_batch([
        ("kiosk-1", issue("a")),
        ("kiosk-1", issue("a")),  # the same command again, before its first commit
        ("kiosk-2", issue("a")),  # someone else's id
        ("kiosk-1", b"not json"),  # dropped, nothing to answer
        ("kiosk-1", protocol.encode_command("b", "counter.call_next", None)),  # not a kiosk's
        ("kiosk-2", issue("c", "datdai")),
    ])
    first, again = wire.replies("kiosk-1")[:2]
    assert first.ok and again == first
    assert wire.replies("kiosk-1")[2].error.code == "forbidden"
    foreign, third = wire.replies("kiosk-2")
    assert foreign.id == "a" and foreign.error.code == "bad_request"
    assert third.ok and third.result["ticket"]["number"] == "2001"
    assert wire.tickets() == 2
    with sqlite3.connect(wire.db) as db:
        assert [r[0] for r in db.execute("SELECT id FROM commands ORDER BY seq")] == ["a", "c"]
    # Replies come first, then the state they changed, then the events.
    topics = [t for t, _ in wire.published]
    last_reply = max(i for i, t in enumerate(topics) if t.endswith("/reply"))
    first_state = min(i for i, t in enumerate(topics) if "/state/" in t)
    first_event = min(i for i, t in enumerate(topics) if "/events/" in t)
    assert last_reply < first_state < first_event
    assert [t.rsplit("/", 1)[1] for t in topics[first_event:]] == ["ticket.issued"] * 2


def test_a_failed_commit_answers_unavailable_and_changes_nothing(tmp_path):
    wire = Wire(tmp_path)
    wire.hub.handle("kiosk-1", issue("before"))
    state_before = wire.hub.state
    blocker = sqlite3.connect(wire.db, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the file: the commit fails
    wire.published.clear()
    wire.hub.handle_batch([("kiosk-1", issue("x")), ("kiosk-2", issue("y")),
                           ("kiosk-1", protocol.encode_command("z", "counter.call_next", None))])
    assert [(r.id, r.error.code) for r in wire.replies("kiosk-1")] == \
        [("x", "unavailable"), ("z", "unavailable")]
    assert [(r.id, r.error.code) for r in wire.replies("kiosk-2")] == [("y", "unavailable")]
    assert wire.hub.state is state_before
    assert not [t for t, _ in wire.published if "/state/" in t or "/events/" in t]
    blocker.rollback()
    blocker.close()
    # The devices retry with the same ids: now they are applied, once.
    wire.published.clear()
    wire.hub.handle_batch([("kiosk-1", issue("x")), ("kiosk-2", issue("y"))])
    assert wire.replies("kiosk-1")[0].result["ticket"]["number"] == "1002"
    assert wire.replies("kiosk-2")[0].result["ticket"]["number"] == "1003"
    assert wire.tickets() == 3


def test_a_command_that_breaks_the_hub_costs_only_itself(tmp_path, monkeypatch):
    wire = Wire(tmp_path)
    apply = wire.hub.engine.apply

    def broken_for_b(state, command, now):
        if command.id == "b":
            raise ZeroDivisionError("a bug in the engine")
        return apply(state, command, now)

    monkeypatch.setattr(wire.hub.engine, "apply", broken_for_b)
    wire.hub.handle_batch([("kiosk-1", issue("a")), ("kiosk-1", issue("b")),
                           ("kiosk-1", issue("c"))])
    assert [(r.id, r.result["ticket"]["number"]) for r in wire.replies("kiosk-1")] == \
        [("a", "1001"), ("c", "1002")]
    # What the hub holds is what the ledger holds: a rebuild gives the same state.
    assert wire.hub.ledger.rebuild(wire.hub.engine, wire.hub.state.day) == wire.hub.state


def test_views_give_way_to_commands_and_then_catch_up(tmp_path):
    """The hub answers a command that came while it worked out the views of the ones before;
    the views then cover both, each topic once, and the events follow in command order."""
    wire = Wire(tmp_path)
    wire.hub.handle("counter-4", protocol.encode_command(
        "o", "counter.open", {"officer": "pthd", "pin": DEMO_PIN}))
    wire.published.clear()
    wire.hub.answer_batch([("kiosk-1", issue("i", "datdai"))])
    assert not wire.hub.publish_changes(interrupted=lambda: True)
    assert [t.rsplit("/", 2)[-2:] for t, _ in wire.published] == [["kiosk-1", "reply"]]
    wire.hub.answer_batch([("counter-4", protocol.encode_command("c", "counter.call_next",
                                                                 None))])
    checks = iter([False, True])  # one view out, then another command "comes"
    assert not wire.hub.publish_changes(interrupted=lambda: next(checks))
    assert wire.hub.publish_changes()
    topics = [t for t, _ in wire.published]
    states = [t for t in topics if "/state/" in t]
    assert len(states) == len(set(states)), "a topic was published twice"
    assert {t.split("/state/")[1] for t in states} == {
        "board", "counters/4", "services/datdai"}
    assert max(i for i, t in enumerate(topics) if "/state/" in t) < min(
        i for i, t in enumerate(topics) if "/events/" in t)
    assert [t.rsplit("/", 1)[1] for t in topics if "/events/" in t] == [
        "ticket.issued", "ticket.called"]
    # What went out is what the hub would publish from scratch.
    sent = {t: msgspec.json.decode(p) for t, p in wire.published if "/state/" in t}
    fresh: dict[str, dict] = {}
    wire.hub.published = {}
    wire.hub.publish = lambda topic, payload, retain: fresh.update(
        {topic: msgspec.json.decode(payload)})
    wire.hub.publish_all()
    for topic, view in sent.items():
        assert view | {"rev": 0} == fresh[topic] | {"rev": 0}, topic


def test_only_a_command_on_the_socket_interrupts_the_views(tmp_path):
    """The broker's PUBACKs for the hub's own messages arrive after every view it publishes;
    the hub looks past them (without reading them) for a command."""
    hub = Hub(CONFIG, Ledger(tmp_path / "ledger.db"), enforce_hours=False)
    service = HubService(hub, parse_broker_url("mqtt://127.0.0.1:1"))
    ours, broker = socket.socketpair()
    service.client.socket = lambda: ours  # type: ignore[method-assign]
    try:
        assert not service._command_waiting()
        puback = b"\x40\x02\x00\x07"
        broker.sendall(puback * 3)
        assert not service._command_waiting()
        command = protocol.encode_command("x", "ticket.issue", {"service": "dkdn"})
        topic = hub.topics.device_cmd("kiosk-1").encode()
        body = len(topic).to_bytes(2, "big") + topic + b"\x00\x01" + command
        broker.sendall(b"\x32" + bytes([len(body)]) + body)
        assert service._command_waiting()
        assert ours.recv(4096).startswith(puback * 3)  # nothing was consumed by looking
        assert not service._command_waiting()
        broker.close()
        assert service._command_waiting()  # the connection ended: paho's read must see it
    finally:
        ours.close()
        hub.ledger.close()


def test_a_view_that_raises_costs_its_events_not_the_hub(tmp_path, monkeypatch):
    wire = Wire(tmp_path)
    monkeypatch.setattr("broker.service.hub.service_view", lambda *a: 1 / 0)
    wire.hub.handle("kiosk-1", issue("a"))
    assert wire.replies("kiosk-1")[0].ok
    assert not wire.hub.changes  # dropped, not retried forever
    monkeypatch.undo()
    wire.hub.handle("kiosk-1", issue("b"))
    assert wire.replies("kiosk-1")[1].result["ticket"]["number"] == "1002"
    assert any(t.endswith("/events/ticket.issued") for t, _ in wire.published)


def test_a_refusal_is_answered_the_same_after_a_restart(tmp_path):
    """A broker restored from an older save (or a hub killed before it acknowledged) delivers
    a command again: a restarted hub must not accept what the device was told was refused."""
    wire = Wire(tmp_path)
    wire.hub.handle("counter-4", protocol.encode_command(
        "o", "counter.open", {"officer": "pthd", "pin": DEMO_PIN}))
    call = protocol.encode_command("n", "counter.call_next", None)
    wire.hub.handle("counter-4", call)
    assert wire.replies("counter-4")[-1].error.code == "queue_empty"
    wire.hub.handle("kiosk-1", issue("t", "datdai"))  # now counter 4 could call someone
    wire.hub.ledger.close()
    restarted = Wire(tmp_path)
    restarted.hub.handle("counter-4", call)
    assert restarted.replies("counter-4")[-1].error.code == "queue_empty"
    assert restarted.hub.state.counters["4"].ticket is None
    # The same id from another device is not theirs to reuse.
    restarted.hub.handle("counter-5", call)
    assert restarted.replies("counter-5")[-1].error.code == "bad_request"


def test_a_refusal_and_the_same_id_again_in_one_batch(tmp_path):
    wire = Wire(tmp_path)
    wire.hub.handle("counter-4", protocol.encode_command(
        "o", "counter.open", {"officer": "pthd", "pin": DEMO_PIN}))
    call = protocol.encode_command("n", "counter.call_next", None)
    wire.hub.handle_batch([("counter-4", call), ("kiosk-1", issue("t", "datdai")),
                           ("counter-4", call)])
    first, again = wire.replies("counter-4")[-2:]
    assert first.error.code == "queue_empty" and again == first
    assert wire.hub.state.counters["4"].ticket is None
