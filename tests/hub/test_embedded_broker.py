"""The core path over the embedded Python broker (amqtt) that stands in where Mosquitto is
not installed: a ticket issued, called and finished, the retained state and events seen."""

from __future__ import annotations

from broker.mosquitto.managed import ManagedBroker
from tests.support import DEMO_PIN, EventLog, HubProcess, device, wait_for


def test_ticket_life_over_the_embedded_broker(tmp_path):
    with ManagedBroker(data_dir=tmp_path / "amqtt", embedded=True) as broker:
        assert broker.kind.startswith("amqtt")
        hub = HubProcess(broker.url, tmp_path / "ledger.db").start()
        kiosk, counter = device(broker.url, "kiosk-1"), device(broker.url, "counter-1")
        try:
            events = EventLog(counter)
            wait_for(lambda: kiosk.config is not None, what="the retained config")
            ticket = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
            counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
            called = counter.request("counter.call_next")["ticket"]
            assert called["id"] == ticket["id"]
            counter.request("ticket.done")
            state = wait_for(lambda: (s := counter.cached(counter.topics.service_state("dkdn")))
                             and s.served == 1 and s, what="retained service state")
            assert state.waiting == 0
            wait_for(lambda: "ticket.done" in events.kinds(), what="ticket.done event")
        finally:
            kiosk.stop()
            counter.stop()
            hub.stop()
