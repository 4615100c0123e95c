"""Bad input over the wire: refused with a stable code where someone can be answered, dropped
and logged where not; the hub changes nothing and goes on serving."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.hub.wire import RawPeer


@pytest.fixture
def peer(hub, broker):
    client = RawPeer(broker.url)
    yield client
    client.close()


def _commands_in_ledger(hub) -> int:
    with sqlite3.connect(hub.db) as db:
        return db.execute("SELECT count(*) FROM commands").fetchone()[0]


@pytest.mark.parametrize(("args", "code"), [
    ({"service": 5}, "bad_request"),
    ({"service": "dkdn", "priority": "yes"}, "bad_request"),
    ({"service": "dkdn", "extra": 1}, "bad_request"),
    ({}, "bad_request"),
    ({"service": "x" * 500}, "bad_request"),
    ({"service": "nope"}, "unknown_service"),
    ({"service": "dkdn", "lang": "fr"}, "bad_request"),
])
def test_wrong_arguments_are_refused(peer, hub, args, code):
    reply = peer.reply(peer.send("kiosk-1", "ticket.issue", args))
    assert reply["ok"] is False and reply["error"]["code"] == code
    assert reply["error"]["message"]
    assert _commands_in_ledger(hub) == 0


def test_envelope_mistakes_with_an_id_are_answered(peer, hub):
    cases = {
        "v2": {"v": 2, "id": "v2", "op": "ticket.issue", "args": {"service": "dkdn"}},
        "op": {"v": 1, "id": "op", "op": "ticket.teleport", "args": {}},
        "args": {"v": 1, "id": "args", "op": "ticket.issue", "args": [1]},
        "extra": {"v": 1, "id": "extra", "op": "ticket.issue", "args": {"service": "dkdn"},
                  "x": 1},
    }
    for payload in cases.values():
        peer.send_raw("kiosk-1", json.dumps(payload).encode())
    codes = {key: peer.reply(key)["error"]["code"] for key in cases}
    assert codes == {"v2": "bad_request", "op": "unknown_op", "args": "bad_request",
                     "extra": "bad_request"}


def test_unanswerable_payloads_are_dropped_and_the_hub_goes_on(peer, hub):
    for payload in [b"not json", b"\xff\xfe\x00", b"[1, 2]", b'"text"', b"{}",
                    b'{"v": 1, "op": "ticket.issue"}', b'{"id": 5}', b"[" * 50_000,
                    json.dumps({"v": 1, "id": "big", "op": "ticket.issue",
                                "args": {"service": "a" * 20_000}}).encode(), b""]:
        peer.send_raw("kiosk-1", payload)
    ok = peer.reply(peer.send("kiosk-1", "ticket.issue", {"service": "dkdn"}))
    assert ok["ok"] is True and ok["result"]["ticket"]["number"] == "1001"
    # Nothing but that answer came back: the garbage got no reply and changed nothing.
    assert peer.count() == 1
    assert _commands_in_ledger(hub) == 1
    assert "dropped a payload from kiosk-1" in hub.log.read_text()


def test_a_device_not_in_the_config_is_forbidden(peer, hub):
    reply = peer.reply(peer.send("ghost-7", "ticket.issue", {"service": "dkdn"}))
    assert reply["error"]["code"] == "forbidden"
    [(device, _)] = peer.replies_to(reply["id"])
    assert device == "ghost-7"
    assert _commands_in_ledger(hub) == 0


def test_report_is_for_managers(peer, hub):
    args = {"kind": "service", "from": "2026-01-01", "to": "2026-01-02"}
    assert peer.reply(peer.send("kiosk-1", "report.get", args))["error"]["code"] == "forbidden"
    reply = peer.reply(peer.send("manager-1", "report.get", args))
    assert reply["ok"] and reply["result"]["rows"] == []
    bad = peer.reply(peer.send("manager-1", "report.get", {**args, "to": "2025-01-01"}))
    assert bad["error"]["code"] == "bad_request"
