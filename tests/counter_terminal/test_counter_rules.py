"""The terminal's mirror of the hub's rules and the tablet's offers, as plain data: no broker,
no Qt. The end-to-end tests check the same rules against the real hub."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from broker.wire.protocol import (
    CounterState,
    Event,
    QueuedTicket,
    ServiceState,
    TicketInfo,
    TicketRef,
)
from counter_terminal.keypad import load_key_map
from counter_terminal.led import LedMirror
from counter_terminal.model import (
    Action,
    Snapshot,
    allowed,
    blocked_reason,
    build_screen,
    callable_numbers,
    transfer_targets,
)
from counter_terminal.tablet_model import offer_for, seconds_left
from drivers.led_display import open_led
from qtkit.formats import duration
from tests.support import CONFIG

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=datetime.now().astimezone().tzinfo)


def ticket(state: str, number: str = "2001", **fields) -> TicketInfo:
    return TicketInfo(id=f"t-{number}", number=number, service="datdai", state=state,
                      called_at=NOW - timedelta(seconds=75), **fields)


def snapshot(status: str = "open", current: TicketInfo | None = None, waiting: int = 1,
             **fields) -> Snapshot:
    """Counter 5 (land and environment) with `waiting` citizens in the land queue."""
    counter = CounterState(id="5", number=5, status=status, officer="hve",  # type: ignore[arg-type]
                           services=["datdai", "moitruong"], ticket=current, **fields)
    queue = [QueuedTicket(id=f"t-{2002 + i}", number=str(2002 + i)) for i in range(waiting)]
    return Snapshot("counter-5", connected=True, hub_online=True, config=CONFIG, counter=counter,
                    services={"datdai": ServiceState(id="datdai", waiting=waiting, queue=queue)})


def enabled(s: Snapshot) -> set[str]:
    return {a.value for a in Action if allowed(s, a)}


@pytest.mark.parametrize(("status", "state", "waiting", "expected"), [
    ("open", None, 2, {"next", "call", "pause", "close"}),
    ("open", None, 0, {"pause", "close"}),
    ("open", "called", 2, {"recall", "serve", "no_show", "done", "transfer", "pause"}),
    ("open", "serving", 2, {"done", "transfer", "pause"}),
    ("paused", None, 2, {"resume", "close"}),
    ("paused", "serving", 2, {"done", "transfer", "resume"}),
    ("closed", None, 2, set()),
])
def test_only_what_the_state_allows_is_enabled(status, state, waiting, expected):
    current = ticket(state) if state else None
    assert enabled(snapshot(status, current, waiting)) == expected


def test_next_counts_only_who_this_counter_may_call():
    """Citizens sent to another counter do not enable "call next"; one sent here does."""
    reserved = ServiceState(id="datdai", waiting=2, reserved=2, queue=[
        QueuedTicket(id="b", number="2004", for_counter="4"),
        QueuedTicket(id="c", number="2005", for_counter="4")])
    s = replace(snapshot(waiting=0), services={"datdai": reserved})
    assert "next" not in enabled(s)
    assert build_screen(s, page="main", lang="vi", now=NOW).hint == "Không còn ai đang chờ"
    sent = replace(s, counter=msgspec.structs.replace(s.counter, sent_here=[
        TicketRef(id="x", number="3001", service="gpxd")]))
    assert "next" in enabled(sent)


def test_nothing_is_enabled_offline_or_while_a_command_is_in_flight():
    s = snapshot(waiting=3)
    assert enabled(s) >= {"next", "pause"}
    for changed, reason in [({"connected": False}, "not_connected"),
                            ({"hub_online": False}, "hub_offline"),
                            ({"counter": None}, "loading"),
                            ({"device_id": "kiosk-1"}, "not_bound")]:
        cut = replace(s, **changed)
        assert blocked_reason(cut) == reason
        assert enabled(cut) == set()
    assert enabled(replace(s, busy=True)) == set()


def test_numbers_to_call_are_the_ones_the_hub_would_accept():
    land = ServiceState(id="datdai", waiting=3, reserved=2, queue=[
        QueuedTicket(id="a", number="2003"),
        QueuedTicket(id="b", number="2004", for_counter="4"),  # sent to counter 4 only
        QueuedTicket(id="c", number="2005", for_counter="5", priority=True),
    ])
    s = snapshot(waiting=2, missed=[TicketRef(id="m", number="2001", service="datdai")],
                 sent_here=[TicketRef(id="c", number="2005", service="datdai"),
                            TicketRef(id="x", number="3001", service="gpxd")])
    s = replace(s, services={"datdai": land})
    assert build_screen(s, page="main", lang="vi", now=NOW).waiting == (
        ("Đất đai", 1), ("Môi trường", 0), ("Chuyển đến quầy này", 2))
    found = [(c.number, c.kind) for c in callable_numbers(s)]
    assert found == [("2005", "sent_here"), ("3001", "sent_here"), ("2003", "waiting"),
                     ("2001", "missed")]
    screen = build_screen(s, page="call", lang="vi", now=NOW)
    assert [i.text for i in screen.pick_items] == [
        "Chuyển đến quầy này", "2005  · Đất đai", "3001  · Cấp giấy phép xây dựng",
        "Đất đai", "2003", "Số vắng mặt", "2001  · Đất đai"]


def test_transfer_goes_elsewhere_only():
    s = snapshot(current=ticket("serving"))
    services, counters = transfer_targets(s)
    assert "datdai" not in services and len(services) == len(CONFIG.services) - 1
    assert "5" not in counters and len(counters) == len(CONFIG.counters) - 1


def test_a_picker_the_state_no_longer_allows_closes():
    s = snapshot(current=ticket("called"))
    assert build_screen(s, page="transfer", lang="vi", now=NOW).page == "transfer"
    assert build_screen(s, page="call", lang="vi", now=NOW).page == "main"
    closed = snapshot("closed")
    assert build_screen(closed, page="main", lang="vi", now=NOW).page == "signin"


def test_the_timer_on_screen():
    called = build_screen(snapshot(current=ticket("called", calls=2)), page="main", lang="vi",
                          now=NOW)
    assert called.ticket_detail == "Đã gọi 2 lần · chờ công dân 1:15"
    serving = ticket("serving", served_at=NOW - timedelta(hours=1, minutes=2, seconds=3))
    screen = build_screen(snapshot(current=serving), page="main", lang="en", now=NOW)
    assert screen.ticket_detail == "Serving for 1:02:03"
    assert duration(-5) == "0:00"  # a terminal clock behind the hub's


def test_led_frames_follow_the_counter():
    led = open_led("virtual:?address=5")
    mirror = LedMirror(led)
    s = snapshot(current=ticket("called", calls=1)).counter
    assert s is not None
    mirror.update(s)
    assert (led.shown, led.blinking) == ("2001", True)
    mirror.update(s)
    assert len(led.frames) == 1  # the same state is not sent twice
    recalled = snapshot(current=ticket("called", calls=2)).counter
    assert recalled is not None
    mirror.update(recalled)
    assert len(led.frames) == 2  # a recall blinks again
    paused = snapshot("paused", current=ticket("serving")).counter
    assert paused is not None
    mirror.update(paused)
    assert led.shown == ""
    too_long = snapshot(current=ticket("called", number="A12345")).counter
    assert too_long is not None
    assert mirror.update(too_long) is False  # a 4-digit display: reported, not raised


def test_the_tablet_offers_only_its_own_counters_done_tickets():
    done = Event(kind="ticket.done", at=NOW, ticket="t-2001", number="2001", counter="5",
                 officer="hve")
    assert offer_for(done, "5") is not None
    assert offer_for(done, "6") is None
    assert offer_for(done, None) is None
    no_show = Event(kind="ticket.no_show", at=NOW, ticket="t-2001", number="2001", counter="5")
    assert offer_for(no_show, "5") is None
    assert seconds_left(NOW, 120, NOW + timedelta(seconds=20)) == 100
    assert seconds_left(NOW, 120, NOW - timedelta(seconds=30)) == 120  # tablet clock behind
    assert seconds_left(NOW, 120, NOW + timedelta(seconds=200)) < 0


def test_key_maps(tmp_path: Path):
    default = load_key_map(None)
    assert sorted(default.actions.values()) == ["done", "next", "no_show", "pause", "recall"]
    custom = tmp_path / "keys.toml"
    custom.write_text('[keypad]\nF1 = "next"\nBTN_0 = "serve"\n')
    assert sorted(load_key_map(custom).actions.values()) == ["next", "serve"]
    custom.write_text('[keypad]\nKP1 = "transfer"\n')
    with pytest.raises(ValueError, match="transfer"):
        load_key_map(custom)
