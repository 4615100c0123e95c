"""The hub's side of the web face, over a real Mosquitto and hub process: the ticket page's
token made at issue, the lookup by token (role web only), the phone's rating under the
tablet's rule (one per ticket), and the public rating counts."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import urllib.request
from datetime import date

import pytest

from broker.core.ticket_token import ticket_token
from broker.wire.device_client import RequestError
from tests.support import CONFIG, DEMO_PIN, wait_for
from web.live import LOOKUPS_PER_S, LiveCenter


def test_token_is_made_at_issue_and_only_the_web_device_resolves_it(hub, devices):
    kiosk, counter, tablet, web, manager = (devices(d) for d in (
        "kiosk-1", "counter-5", "tablet-5", "web-1", "manager-1"))
    wait_for(lambda: kiosk.config is not None, what="the retained config")
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    token = issued["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", token)
    assert issued["status_url"] == CONFIG.center.status_url + token
    assert token not in issued["id"] and issued["number"] not in token
    # Not derivable without the site's secret.
    assert token != ticket_token(b"", issued["id"])

    found = web.request("ticket.lookup", {"token": token})["ticket"]
    assert (found["id"], found["state"], found["ahead"]) == (issued["id"], "waiting", 0)
    with pytest.raises(RequestError) as wrong:
        web.request("ticket.lookup", {"token": "A" * 16})
    assert wrong.value.code == "unknown_ticket"
    with pytest.raises(RequestError) as malformed:
        web.request("ticket.lookup", {"token": "../../etc"})
    assert malformed.value.code == "bad_request"
    for other in (kiosk, manager):
        with pytest.raises(RequestError) as refused:
            other.request("ticket.lookup", {"token": token})
        assert refused.value.code == "forbidden"
    # The web device may not do what a counter or kiosk does.
    for op, args in (("ticket.issue", {"service": "datdai"}), ("counter.call_next", {})):
        with pytest.raises(RequestError) as refused:
            web.request(op, args)
        assert refused.value.code == "forbidden"

    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    counter.request("counter.call_next")
    called = web.request("ticket.lookup", {"token": token})["ticket"]
    assert (called["state"], called["counter_number"], called["ahead"]) == ("called", 5, None)
    # Before the end, the phone cannot rate.
    with pytest.raises(RequestError) as early:
        web.request("rating.submit", {"ticket": issued["id"], "token": token, "score": 4})
    assert early.value.code == "invalid_transition"
    counter.request("ticket.done")
    done = web.request("ticket.lookup", {"token": token})["ticket"]
    assert done["state"] == "done" and not done["rated"] and done["rating_until"]

    # A token of another ticket, or none, proves nothing.
    second = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    for bad in ({"token": second["token"]}, {}):
        with pytest.raises(RequestError) as refused:
            web.request("rating.submit", {"ticket": issued["id"], "score": 4, **bad})
        assert refused.value.code == "forbidden"
    rated = web.request("rating.submit", {"ticket": issued["id"], "token": token, "score": 3,
                                          "reasons": ["long_wait"]})
    assert rated["rating"]["score"] == 3
    # One rating per ticket: the tablet of the counter is refused now.
    with pytest.raises(RequestError) as again:
        tablet.request("rating.submit", {"ticket": issued["id"], "score": 4})
    assert again.value.code == "already_rated"
    assert web.request("ticket.lookup", {"token": token})["ticket"]["rated"]

    today = date.fromisoformat(issued["issued_at"][:10]).isoformat()
    counts = web.request("rating.ranking", {"from": today, "to": today})
    assert counts["officer"] == {"hve": [0, 0, 1, 0]}
    assert counts["counter"] == {"5": [0, 0, 1, 0]}
    department = CONFIG.service("datdai").department
    assert counts["department"] == {department: [0, 0, 1, 0]}
    assert "ticket" not in str(counts) and issued["number"] not in str(counts)


def test_a_token_outlives_a_restart_of_the_hub(hub, devices):
    """The site's secret is in the ledger: the replayed day gives every ticket its token."""
    kiosk, web = devices("kiosk-1"), devices("web-1")
    wait_for(lambda: kiosk.config is not None, what="the retained config")
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    hub.stop()
    hub.start()
    wait_for(lambda: web.hub_online, what="the hub back online")
    found = web.request("ticket.lookup", {"token": issued["token"]})["ticket"]
    assert found["id"] == issued["id"]
    again = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    assert again["token"] != issued["token"]


def test_the_web_face_asks_the_hub_once_per_token_and_evenly_spaced(hub, devices):
    """Pages opened at once (two real tickets, eight made-up tokens): each token is asked of
    the hub once, each ask a turn of 1/LOOKUPS_PER_S after the one before (a burst would hold
    the hub's one thread while a kiosk waits), and asking again is answered here."""
    kiosk, web = devices("kiosk-1"), devices("web-1")
    real = [kiosk.request("ticket.issue", {"service": "datdai"})["ticket"] for _ in range(2)]
    tokens = [t["token"] for t in real] + [f"{i:016d}" for i in range(8)]
    live = LiveCenter(web)
    asked: list[float] = []
    ask = live.request

    async def recording(op, args):
        if op == "ticket.lookup":
            asked.append(time.monotonic())
        return await ask(op, args)

    live.request = recording

    async def open_pages():
        live.attach(asyncio.get_running_loop())
        try:
            first = await asyncio.gather(*(live.ticket(t) for t in tokens))
            again = [await live.ticket(t) for t in tokens]
            return first, again
        finally:
            live._pinger.cancel()

    first, again = asyncio.run(open_pages())
    for found in (first, again):
        assert [t.id if t else None for t in found] == [t["id"] for t in real] + [None] * 8
    assert len(asked) == len(tokens)
    # The k-th ask comes no sooner than k turns after the first (a late wake-up may shorten
    # the gap after it, never the schedule).
    since_first = [at - asked[0] for at in asked]
    assert all(since >= k / LOOKUPS_PER_S - 0.001 for k, since in enumerate(since_first)), \
        since_first


def test_the_web_face_runs_only_on_cpu_time_others_leave(web):
    assert os.sched_getscheduler(web.process.pid) == os.SCHED_IDLE
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, web.process.pid) == min(19, mine + 10)  # and niced


def test_a_ticket_page_follows_its_ticket_to_the_service_it_is_sent_to(web, devices):
    """The page's live stream after a transfer: the new service's queue moving changes the
    people ahead on the page (a service's change wakes the pages of that service's tickets)."""
    kiosk, counter5, counter1 = devices("kiosk-1"), devices("counter-5"), devices("counter-1")
    first = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
    mine = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    with urllib.request.urlopen(f"{web.url}/t/{mine['token']}/events", timeout=10) as stream:

        def page_shows(state: str, ahead: str | None = None) -> None:
            """Reads the stream until a message shows the ticket in `state` with `ahead`
            people before it (a silent stream fails by its timeout)."""
            while True:
                line = stream.readline()
                assert line, "the stream ended"
                if not line.startswith(b"data: "):
                    continue
                message = json.loads(line[len(b"data: "):])
                shown = re.search(r'id="ahead">([^<]*)<', message["html"])
                if message["state"] == state and (
                        ahead is None or (shown is not None and shown.group(1) == ahead)):
                    return

        page_shows("waiting", "Không có ai")
        counter5.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
        assert counter5.request("counter.call_next")["ticket"]["id"] == mine["id"]
        page_shows("called")
        counter5.request("ticket.transfer", {"service": "dkdn"})
        page_shows("waiting", "1")  # behind the one already waiting there
        counter1.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
        assert counter1.request("counter.call_next")["ticket"]["id"] == first["id"]
        page_shows("waiting", "Không có ai")
