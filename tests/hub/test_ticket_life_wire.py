"""A ticket's whole life over a real Mosquitto and hub process, as the demo config's devices."""

from __future__ import annotations

from broker.wire.device_client import RequestError
from tests.support import DEMO_PIN, EventLog, wait_for


def test_ticket_life_as_kiosk_counter_tablet_and_manager(hub, devices):
    kiosk, counter, tablet, manager = (devices(d) for d in
                                       ("kiosk-1", "counter-5", "tablet-5", "manager-1"))
    events = EventLog(manager)
    wait_for(lambda: kiosk.config is not None, what="the retained config")
    issued = kiosk.request("ticket.issue", {"service": "datdai", "lang": "vi"})["ticket"]
    assert issued["number"] == "2001" and issued["ahead"] == 0 and issued["ewt_s"] > 0
    assert issued["issued_at"].endswith("+07:00")

    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    called = counter.request("counter.call_next")["ticket"]
    assert called["number"] == "2001" and called["state"] == "called"
    recalled = counter.request("counter.recall")["ticket"]
    assert recalled["calls"] == 2
    done = counter.request("ticket.done", {"note": "đủ hồ sơ"})["ticket"]
    assert done["state"] == "done"
    rating = tablet.request("rating.submit", {"ticket": issued["id"], "score": 4})
    assert rating["rating"]["score"] == 4

    topics = manager.topics
    state = wait_for(lambda: (s := manager.cached(topics.counter_state("5"))) and s.ticket is None
                     and s.status == "open" and s, what="counter 5's retained state")
    assert state.officer == "hve"
    service = wait_for(lambda: (s := manager.cached(topics.service_state("datdai")))
                       and s.served == 1 and s, what="the service's retained state")
    assert service.waiting == 0 and service.last_called == "2001"
    board = wait_for(lambda: (b := manager.cached(topics.board_state)) and b.calls and b)
    assert [(c.number, c.counter_number) for c in board.calls] == [("2001", 5)]
    wait_for(lambda: "rating.recorded" in events.kinds(), what="rating.recorded")
    assert events.kinds() == ["ticket.issued", "counter.changed", "ticket.called",
                              "ticket.recalled", "ticket.done", "rating.recorded"]


def test_refusals(hub, devices):
    kiosk, counter5, tablet6 = devices("kiosk-1"), devices("counter-5"), devices("tablet-6")
    stranger = devices("counter-99")

    def code(client, op, args=None):
        try:
            client.request(op, args)
        except RequestError as exc:
            return exc.code
        return "ok"

    assert code(kiosk, "counter.call_next") == "forbidden"
    assert code(counter5, "counter.open", {"counter": "6", "officer": "hve"}) == "forbidden"
    assert code(stranger, "ticket.issue", {"service": "dkdn"}) == "forbidden"
    assert code(kiosk, "ticket.issue", {"service": "no-such"}) == "unknown_service"
    ticket = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    counter5.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    counter5.request("counter.call_next")
    counter5.request("ticket.done")
    assert code(tablet6, "rating.submit", {"ticket": ticket["id"], "score": 3}) == "forbidden"
    assert code(counter5, "counter.call_next") == "queue_empty"
