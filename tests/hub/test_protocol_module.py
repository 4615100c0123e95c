"""The protocol module: topics built and parsed in one place, schemas current in the docs,
and what the hub publishes decodes as the typed messages devices use."""

from __future__ import annotations

import msgspec
import pytest

from broker.core.views import board_view, counter_view, service_view
from broker.wire import protocol
from broker.wire.export_schemas import DEFAULT, schemas_text
from tests.engine.driver import EngineDriver


def test_topics_round_trip():
    topics = protocol.Topics("longan")
    assert topics.device_cmd("kiosk-1") == "qms/v1/longan/devices/kiosk-1/cmd"
    cases = {
        topics.hub_status: ("hub_status", ""),
        topics.config: ("config", ""),
        topics.service_state("dkdn"): ("service_state", "dkdn"),
        topics.counter_state("5"): ("counter_state", "5"),
        topics.board_state: ("board_state", ""),
        topics.event("ticket.called"): ("event", "ticket.called"),
        topics.device_cmd("kiosk-1"): ("device_cmd", "kiosk-1"),
        topics.device_reply("kiosk-1"): ("device_reply", "kiosk-1"),
        topics.device_status("tablet-5"): ("device_status", "tablet-5"),
    }
    for topic, (kind, key) in cases.items():
        parsed = topics.parse(topic)
        assert (parsed.kind, parsed.key) == (kind, key)
    assert topics.parse("qms/v2/longan/config") is None
    assert topics.parse("qms/v1/other/config") is None
    assert topics.parse("qms/v1/longan/state/services/a/b") is None


def test_the_documented_schemas_are_current():
    assert DEFAULT.read_text(encoding="utf-8") == schemas_text(), (
        "docs/protocol-schemas.json is stale: run python -m broker.wire.export_schemas")


def test_published_views_decode_as_the_typed_messages():
    q = EngineDriver()
    q.open("1")
    q.issue("dkdn", reason="elderly")
    q.issue("dkdn")
    q.call_next("1")
    q.do("manager-1", "board.message", text="Nghỉ trưa 11:30")
    now = q.now
    service = protocol.decode(protocol.encode_state(
        service_view(q.engine, q.state, "dkdn", now), 5), protocol.ServiceState)
    assert (service.rev, service.waiting, service.open, service.last_called) == (5, 1, True,
                                                                               "1001")
    counter = protocol.decode(protocol.encode_state(counter_view(q.engine, q.state, "1"), 6),
                              protocol.CounterState)
    assert counter.ticket.number == "1001" and counter.ticket.state == "called"
    board = protocol.decode(protocol.encode_state(board_view(q.engine, q.state, now), 7),
                            protocol.BoardState)
    assert board.calls[0].counter_number == 1 and board.message.text == "Nghỉ trưa 11:30"


def test_devices_ignore_fields_they_do_not_know():
    payload = b'{"v": 1, "rev": 3, "id": "dkdn", "waiting": 2, "a_new_field": [1]}'
    assert protocol.decode(payload, protocol.ServiceState).waiting == 2


@pytest.mark.parametrize("payload", [b"{", b"[]", b'{"v": 1}'])
def test_the_hub_drops_what_it_cannot_answer(payload):
    with pytest.raises(protocol.Unanswerable):
        protocol.decode_command(payload)


def test_reply_shapes():
    ok = msgspec.json.decode(protocol.encode_reply("a", {"x": 1}))
    assert ok == {"v": 1, "id": "a", "ok": True, "result": {"x": 1}}
    error = msgspec.json.decode(protocol.encode_error("a", "queue_empty", "no one"))
    assert error == {"v": 1, "id": "a", "ok": False,
                     "error": {"code": "queue_empty", "message": "no one"}}


def test_a_broker_url_may_name_the_centers_ca():
    from broker.wire.mqtt_link import parse_broker_url

    address = parse_broker_url("mqtts://kiosk-1:p%40ss@10.0.0.2?ca=/etc/qms/ca.crt")
    assert (address.host, address.port, address.password, address.tls, address.ca_file) == \
        ("10.0.0.2", 8883, "p@ss", True, "/etc/qms/ca.crt")
    for wrong in ("mqtt://host?ca=/x.crt", "mqtts://host?cafile=/x.crt"):
        with pytest.raises(ValueError, match="the only option is"):
            parse_broker_url(wrong)
