"""At most once: a repeated command id gets the first reply and changes nothing, also across
a SIGKILL of the hub while devices keep sending."""

from __future__ import annotations

import sqlite3
import threading
import time

from broker.wire.device_client import RequestError
from tests.hub.wire import RawPeer
from tests.support import wait_for


def test_the_same_id_twice_gives_one_ticket_and_the_same_reply(hub, broker):
    peer = RawPeer(broker.url)
    try:
        command_id = peer.send("kiosk-1", "ticket.issue", {"service": "dkdn"}, "same-id")
        first = peer.reply(command_id)
        peer.send("kiosk-1", "ticket.issue", {"service": "dkdn"}, "same-id")
        wait_for(lambda: len(peer.replies_to("same-id")) == 2, what="the second reply")
        (_, a), (_, b) = peer.replies_to("same-id")
        assert a == b == first and first["ok"]
        # A refusal is answered the same way again too.
        peer.send("kiosk-1", "counter.call_next", None, "refused-id")
        peer.send("kiosk-1", "counter.call_next", None, "refused-id")
        wait_for(lambda: len(peer.replies_to("refused-id")) == 2)
        (_, refused), (_, again) = peer.replies_to("refused-id")
        assert again == refused and refused["error"]["code"] == "forbidden"
        # Someone else's id is not theirs to replay.
        peer.send("kiosk-2", "ticket.issue", {"service": "dkdn"}, "same-id")
        wait_for(lambda: len(peer.replies_to("same-id")) == 3)
        assert peer.replies_to("same-id")[2][1]["error"]["code"] == "bad_request"
    finally:
        peer.close()
    with sqlite3.connect(hub.db) as db:
        assert db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1


def test_sigkill_while_devices_send_loses_and_doubles_nothing(hub, devices):
    kiosks = [devices("kiosk-1", attempt_timeout=1.0, attempts=15),
              devices("kiosk-2", attempt_timeout=1.0, attempts=15)]
    answers: dict[str, list[dict]] = {}
    failures: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def citizen_stream(kiosk, tag):
        i = 0
        while not stop.is_set():
            command_id = f"{tag}-{i}"
            try:
                result = kiosk.request("ticket.issue", {"service": "dkdn"},
                                       command_id=command_id)
                with lock:
                    answers.setdefault(command_id, []).append(result["ticket"])
            except RequestError as exc:
                if exc.code == "not_connected":
                    time.sleep(0.05)
                    continue
                failures.append(f"{command_id}: {exc}")
            i += 1

    threads = [threading.Thread(target=citizen_stream, args=(k, f"k{n}"))
               for n, k in enumerate(kiosks)]
    for t in threads:
        t.start()
    for kill in range(3):
        wanted = 10 + 15 * kill
        wait_for(lambda n=wanted: len(answers) >= n, timeout=30, what="tickets flowing")
        hub.kill()
        time.sleep(0.3)
        hub.start()
    wait_for(lambda: len(answers) >= 60, timeout=30)
    stop.set()
    for t in threads:
        t.join(30)
    assert not failures
    tickets = [t for results in answers.values() for t in results]
    assert all(len(results) == 1 for results in answers.values())
    assert len({t["id"] for t in tickets}) == len(tickets)
    with sqlite3.connect(hub.db) as db:
        stored = {row[0] for row in db.execute("SELECT id FROM tickets")}
        committed = db.execute("SELECT count(*) FROM commands").fetchone()[0]
    assert stored == {t["id"] for t in tickets}
    assert committed == len(tickets)
    numbers = sorted(int(t["number"]) for t in tickets)
    assert numbers == list(range(1001, 1001 + len(numbers)))
    # The retained state after the restarts tells the same truth.
    waiting = wait_for(lambda: (s := kiosks[0].cached(kiosks[0].topics.service_state("dkdn")))
                       and s.issued == len(tickets) and s, what="the retained service state")
    assert waiting.waiting == len(tickets)
