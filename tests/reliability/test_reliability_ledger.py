"""The ledger is the truth, not the clock or today's config file (issue 15), each against the
hub as its own process on a real Mosquitto:

- a hub whose clock is behind the ledger keeps the ledger's day and never issues a number
  twice; a ticket row is written once;
- a file that is not a sound ledger is refused with one message and exit 3;
- a device renamed in the config mid-day loses none of its tickets;
- refusals that say nothing about the queue's state are not stored;
- the end of a day is explicit: tickets not served get `day_closed`, an event, a report line;
- a command id sent again with other arguments is answered `id_conflict`.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import msgspec
import pytest

from broker.service.hub import Hub
from broker.service.ledger import Ledger
from broker.service.ledger_clock import LedgerClock
from broker.service.ledger_guard import EXIT_BAD_LEDGER
from broker.wire.device_client import RequestError
from broker.wire.protocol import encode_command
from config.load import DEFAULT_CONFIG
from tests.hub.wire import RawPeer
from tests.reliability.rel_support import ledger_rows
from tests.support import (
    CONFIG,
    DEMO_PIN,
    ROOT,
    EventLog,
    HubProcess,
    HubStatusWatch,
    device,
    wait_for,
)

DAY = "2026-12-06"


def _service(client, service_id: str):
    return client.cached(client.topics.service_state(service_id))


def _counter(client, counter_id: str):
    return client.cached(client.topics.counter_state(counter_id))


def _board_calls(client) -> list | None:
    board = client.cached(client.topics.board_state)
    return None if board is None else board.calls


def _clock(start: str, speed: float = 1.0) -> tuple[str, ...]:
    return ("--clock-start", start, "--clock-speed", str(speed))


# --- 1. the day belongs to the ledger ---------------------------------------------------------


def test_a_clock_behind_the_ledger_keeps_the_ledgers_day_and_issues_no_number_twice(
        broker, tmp_path):
    db = tmp_path / "ledger.db"
    hub = HubProcess(broker.url, db, args=_clock(f"{DAY}T00:29:00")).start()
    kiosk = device(broker.url, "kiosk-1")
    first = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
    assert first["id"] == "20261206-dkdn-1001"
    hub.stop()
    first_row = ledger_rows(db, "SELECT * FROM tickets WHERE id = ?", first["id"])

    # Restarted with the clock half an hour behind, before midnight, and running 300 times
    # faster: the clock crosses midnight within 0.2 s; the hub's time goes on from the
    # ledger's last command at the clock's pace, so it never sees that midnight.
    watch = HubStatusWatch(broker.url)
    hub = HubProcess(broker.url, db, args=_clock("2026-12-05T23:59:00", 300)).start()
    try:
        wait_for(lambda: watch.status and watch.status.status == "online"
                 and watch.status.clock_behind_s > 0, what="the status to say clock behind")
        assert str(watch.status.day) == DAY
        assert 0 < watch.status.clock_behind_s <= 1800
        numbers = []
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            numbers.append(kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["id"])
            time.sleep(0.1)
        assert numbers[0] == "20261206-dkdn-1002"
        assert len(set(numbers)) == len(numbers) and first["id"] not in numbers
        assert ledger_rows(db, "SELECT * FROM tickets WHERE id = ?", first["id"]) == first_row
        assert ledger_rows(db, "SELECT DISTINCT day FROM commands") == [(DAY,)]
        # the hub's time never went back, and went on: each command has a later time
        times = [datetime.fromisoformat(t) for (t,) in
                 ledger_rows(db, "SELECT at FROM commands ORDER BY seq")]
        assert all(a < b for a, b in pairwise(times))
        log = hub.log.read_text()
        assert "behind the ledger's last command" in log and f"day {DAY}" in log
        hub.stop()
        # the clock set right (NTP): the status says 0 and the numbers go on
        hub = HubProcess(broker.url, db, args=_clock(f"{DAY}T09:00:00")).start()
        wait_for(lambda: watch.status.clock_behind_s == 0, what="the status to say 0")
        after = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
        assert int(after["number"]) == 1002 + len(numbers)
    finally:
        kiosk.stop()
        hub.stop()
        watch.close()


def test_the_hubs_time_never_goes_back():
    """Off-wire, the clock the hub reads through the ledger: behind at start, stepped back
    while running, then set right."""
    base = datetime.fromisoformat(f"{DAY}T10:00:00+07:00")
    readings = iter([-3600, -3590, -7200, -7195, 60, 61])  # seconds from 10:00
    clock = LedgerClock(lambda: base + timedelta(seconds=next(readings)), base)
    seen = [(clock() - base).total_seconds() for _ in range(6)]
    assert seen == [0, 10, 10, 15, 60, 61]  # stands, goes on at the clock's pace, follows it
    clock = LedgerClock(lambda: base, base + timedelta(seconds=30))
    assert clock() == base + timedelta(seconds=30) and clock.behind == 30


def test_a_ticket_row_is_written_once(tmp_path):
    """The last line of defence: even an engine that issued an id again could not overwrite
    the first ticket's row: the commit fails loudly, the hub answers `unavailable` and
    rebuilds its day from the ledger."""
    ledger = Ledger(tmp_path / "ledger.db")
    hub = Hub(CONFIG, ledger, enforce_hours=False)
    sent: list[bytes] = []
    hub.publish = lambda topic, payload, retain: sent.append(payload) if "reply" in topic else 0
    hub.handle("kiosk-1", encode_command("a", "ticket.issue", {"service": "dkdn"}))
    (row,) = ledger.conn.execute("SELECT * FROM tickets").fetchall()
    hub.state = hub.engine.new_day(hub.state.day)  # as a hub that lost its day would
    hub.handle("kiosk-1", encode_command("b", "ticket.issue", {"service": "dkdn"}))
    assert json.loads(sent[-1])["error"]["code"] == "unavailable"
    assert ledger.conn.execute("SELECT * FROM tickets").fetchall() == [row]
    assert ledger.reply_for("b") is None
    # the hub went back to the ledger's truth: the device's retry gets the next number
    hub.handle("kiosk-1", encode_command("b", "ticket.issue", {"service": "dkdn"}))
    assert json.loads(sent[-1])["result"]["ticket"]["number"] == "1002"
    with pytest.raises(sqlite3.IntegrityError, match="another ticket"), ledger.conn:
        ledger.conn.execute("UPDATE tickets SET issued_at = 'x' WHERE id = ?", (row[0],))
    ledger.close()


# --- 2. a bad ledger is refused ---------------------------------------------------------------


def _ledger_with_a_day(path: Path) -> None:
    hub = Hub(CONFIG, Ledger(path), enforce_hours=False)
    for n in range(300):
        hub.handle("kiosk-1", encode_command(f"c{n}", "ticket.issue",
                                             {"service": "dkdn" if n % 2 else "datdai"}))
    hub.ledger.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hub.ledger.close()


def _spoil(kind: str, path: Path) -> None:
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not_sqlite":
        path.write_bytes(b"ticket,number\n" * 300)
    elif kind == "other_sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE photos(id, data)")
        conn.commit()
        conn.close()
    else:
        _ledger_with_a_day(path)
        data = bytearray(path.read_bytes())
        if kind == "garbage_inside":
            middle = len(data) // 2 // 4096 * 4096
            data[middle:middle + 4096] = bytes(range(256)) * 16
            path.write_bytes(bytes(data))
        elif kind == "truncated":
            path.write_bytes(bytes(data[: len(data) // 2 + 1000]))
        elif kind == "newer":
            conn = sqlite3.connect(path)
            conn.execute("INSERT INTO schema_migrations VALUES (99, 'later')")
            conn.commit()
            conn.close()


@pytest.mark.parametrize("kind, says", [
    ("empty", "is empty (0 bytes)"),
    ("not_sqlite", "is not an SQLite database"),
    ("other_sqlite", "not a ledger"),
    ("garbage_inside", "is corrupt"),
    ("truncated", "is corrupt"),
    ("newer", "newer hub"),
    ("read_only", "not writable"),
])
def test_a_bad_ledger_is_refused_with_one_message_and_exit_3(broker, tmp_path, kind, says):
    db = tmp_path / "ledger.db"
    immutable = False
    if kind == "read_only":
        _ledger_with_a_day(db)
        # As root, file modes do not stop a write; the immutable flag does (for anyone).
        immutable = subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("chattr +i not available here")
    else:
        _spoil(kind, db)
    size = db.stat().st_size
    try:
        done = subprocess.run(
            [sys.executable, "-m", "qms.cli", "hub", "--broker", broker.url, "--db", str(db),
             "--no-managed-broker", "--always-open"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=True)
    assert done.returncode == EXIT_BAD_LEDGER, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, done.stderr
    assert f"ledger {db}: " in errors[0] and says in errors[0]
    assert "python -m broker.service.backup --config <center.toml> restore" in errors[0]
    assert db.stat().st_size == size  # nothing written to it


def test_the_systemd_unit_does_not_restart_on_a_refused_ledger():
    unit = (ROOT / "docs" / "deploy" / "qms-hub.service").read_text()
    assert f"RestartPreventExitStatus=2 {EXIT_BAD_LEDGER}" in unit


def test_a_missing_ledger_is_created(broker, tmp_path):
    db = tmp_path / "new" / "ledger.db"
    hub = HubProcess(broker.url, db, log=tmp_path / "hub.log").start()
    hub.stop()
    assert ledger_rows(db, "SELECT count(*) FROM schema_migrations")[0][0] >= 3


# --- 3. history does not depend on today's config ---------------------------------------------


def test_a_device_renamed_mid_day_loses_none_of_its_tickets(broker, tmp_path):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    before, after = tmp_path / "before.toml", tmp_path / "after.toml"
    before.write_text(text, encoding="utf-8")
    # kiosk-1 becomes kiosk-east and counter-4 becomes desk-4 (same counter)
    after.write_text(text.replace('id = "kiosk-1"', 'id = "kiosk-east"')
                     .replace('id = "counter-4"', 'id = "desk-4"'), encoding="utf-8")
    db = tmp_path / "ledger.db"
    hub = HubProcess(broker.url, db, config=before).start()
    kiosk, counter = device(broker.url, "kiosk-1"), device(broker.url, "counter-4")
    given = [kiosk.request("ticket.issue", {"service": "datdai"})["ticket"] for _ in range(3)]
    counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    called = counter.request("counter.call_next")["ticket"]
    kiosk.stop()
    counter.stop()
    hub.stop()

    hub = HubProcess(broker.url, db, config=after).start()
    try:
        kiosk2 = device(broker.url, "kiosk-2")
        wait_for(lambda: _service(kiosk2, "datdai") is not None, what="datdai's state")
        datdai = _service(kiosk2, "datdai")
        assert (datdai.issued, datdai.waiting, datdai.last_issued) == (3, 2, given[-1]["number"])
        fresh = kiosk2.request("ticket.issue", {"service": "datdai"})["ticket"]
        assert int(fresh["number"]) == int(given[-1]["number"]) + 1  # no number reused
        kiosk2.stop()
        # the renamed counter terminal still holds its citizen and can finish them
        desk = device(broker.url, "desk-4")
        done = desk.request("ticket.done")["ticket"]
        assert done["id"] == called["id"] and done["state"] == "done"
        desk.stop()
        # each config the day used is kept once, by hash, and its commands name it
        assert len(ledger_rows(db, "SELECT id FROM configs")) == 2
        assert ledger_rows(db, "SELECT count(DISTINCT config) FROM commands")[0][0] == 2
        assert "no longer fits" not in hub.log.read_text()
    finally:
        hub.stop()


# --- 4. refusals stay bounded -----------------------------------------------------------------


def test_refusals_on_role_or_validation_are_not_stored(broker, hub, tmp_path):
    peer = RawPeer(broker.url)
    try:
        size = hub.db.stat().st_size + Path(f"{hub.db}-wal").stat().st_size
        ids = [peer.send("kiosk-1", "counter.call_next") for _ in range(500)]
        ids += [peer.send("tablet-1", "ticket.issue", {"service": "dkdn"}) for _ in range(100)]
        ids += [peer.send("counter-1", "counter.open", {"counter": "5"}) for _ in range(100)]
        ids += [peer.send("counter-1", "ticket.issue", {"service": "nope"}) for _ in range(100)]
        for command_id in ids:
            assert peer.reply(command_id)["error"]["code"] == "forbidden"
        kept = peer.send("counter-1", "counter.call_next")  # counter_not_open: on state
        assert peer.reply(kept)["error"]["code"] == "counter_not_open"
        assert ledger_rows(hub.db, "SELECT id FROM refusals") == [(kept,)]
        assert ledger_rows(hub.db, "SELECT count(*) FROM commands") == [(0,)]
        grown = hub.db.stat().st_size + Path(f"{hub.db}-wal").stat().st_size - size
        assert grown < 64 * 1024, grown  # the one refusal and WAL frames, not 800 rows
    finally:
        peer.close()


# --- 10. the end of a day is explicit ---------------------------------------------------------


def test_tickets_not_served_when_the_day_ends_get_their_own_end(broker, tmp_path):
    db = tmp_path / "ledger.db"
    # The hub's clock starts 20 s before midnight and runs 4 times faster.
    hub = HubProcess(broker.url, db, args=_clock("2026-12-05T23:59:40", 4)).start()
    kiosk, counter, manager = (device(broker.url, d) for d in ("kiosk-1", "counter-4",
                                                                "manager-1"))
    board = device(broker.url, "board-hall")
    events = EventLog(board)
    try:
        given = [kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
                 for _ in range(3)]
        counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
        called = counter.request("counter.call_next")["ticket"]
        wait_for(lambda: _board_calls(board), what="the call shown")
        assert all(t["id"].startswith("20261205-") for t in given)
        # past midnight (5 s of real time) and the next refresh (5 s): the day is closed
        wait_for(lambda: events.of("day.closed"), timeout=20, what="the day.closed event")
        wait_for(lambda: _board_calls(board) == [], what="the board to clear")
        wait_for(lambda: _counter(counter, "4").status == "closed"
                 and _counter(counter, "4").ticket is None, what="the counter to close")
        wait_for(lambda: _service(kiosk, "datdai").waiting == 0, what="the queue to empty")
        states = dict(ledger_rows(db, "SELECT id, state FROM tickets WHERE day = '2026-12-05'"))
        assert states == {t["id"]: "day_closed" for t in given}
        (data,) = ledger_rows(db, "SELECT data FROM events WHERE kind = 'day.closed'")
        closed = json.loads(data[0])
        assert closed["day"] == "2026-12-05" and closed["not_served"] == 3
        assert {t["id"]: t["was"] for t in closed["tickets"]} == {
            **{t["id"]: "waiting" for t in given if t["id"] != called["id"]},
            called["id"]: "called"}
        report = manager.request("report.get", {"kind": "day", "from": "2026-12-05",
                                                "to": "2026-12-05"})["rows"]
        assert report[0]["day_closed"] == 3 and report[0]["issued"] == 3
        # the new day starts from the first number; a restart closes nothing again
        fresh = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
        assert fresh["id"] == "20261206-datdai-2001"
        hub.stop()
        hub = HubProcess(broker.url, db, args=_clock("2026-12-06T00:10:00")).start()
        assert ledger_rows(db, "SELECT count(*) FROM commands WHERE op = 'day.close'") == [(1,)]
        wait_for(lambda: _service(kiosk, "datdai").waiting == 1, what="the new day's queue")
    finally:
        for client in (kiosk, counter, manager, board):
            client.stop()
        hub.stop()


def test_a_day_the_hub_was_off_at_midnight_is_closed_at_its_next_start(broker, tmp_path):
    db = tmp_path / "ledger.db"
    hub = HubProcess(broker.url, db, args=_clock("2026-12-05T16:00:00")).start()
    kiosk = device(broker.url, "kiosk-1")
    given = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
    hub.stop()
    board = device(broker.url, "board-hall")
    events = EventLog(board)
    hub = HubProcess(broker.url, db, args=_clock("2026-12-07T07:00:00")).start()
    try:
        wait_for(lambda: events.of("day.closed"), what="the day.closed event")
        assert ledger_rows(db, "SELECT state FROM tickets WHERE id = ?", given["id"]) == [
            ("day_closed",)]
        assert ledger_rows(db, "SELECT id, day FROM commands WHERE op = 'day.close'") == [
            ("day.close:2026-12-05", "2026-12-05")]
        ticket = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
        assert ticket["id"] == "20261207-dkdn-1001"
    finally:
        kiosk.stop()
        board.stop()
        hub.stop()
    # and the backup check replays the closed day to the same rows
    checked = subprocess.run([sys.executable, "-m", "broker.service.backup", "verify", str(db)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and ": OK:" in checked.stdout, checked.stdout


# --- 11. a command id used again with other arguments -----------------------------------------


def test_a_command_id_reused_with_other_arguments_is_an_id_conflict(broker, hub, tmp_path):
    kiosk, counter = device(broker.url, "kiosk-1"), device(broker.url, "counter-1")
    try:
        command_id = uuid.uuid4().hex
        first = kiosk.request("ticket.issue", {"service": "dkdn"}, command_id=command_id)
        with pytest.raises(RequestError) as refused:
            kiosk.request("ticket.issue", {"service": "datdai"}, command_id=command_id)
        assert refused.value.code == "id_conflict"
        # the same command again is the same answer, and nothing changed
        assert kiosk.request("ticket.issue", {"service": "dkdn"},
                             command_id=command_id) == first
        assert ledger_rows(hub.db, "SELECT count(*) FROM tickets") == [(1,)]
        # a kept refusal too
        other = uuid.uuid4().hex
        with pytest.raises(RequestError, match="counter_not_open"):
            counter.request("counter.call_next", command_id=other)
        with pytest.raises(RequestError) as conflict:
            counter.request("counter.call_next", {"counter": "1"}, command_id=other)
        assert conflict.value.code == "id_conflict"
        with pytest.raises(RequestError, match="counter_not_open"):
            counter.request("counter.call_next", command_id=other)
    finally:
        kiosk.stop()
        counter.stop()


def test_a_service_and_a_counter_removed_mid_day_keep_their_tickets(tmp_path):
    """Off-wire, the same replay: a config without `moitruong` and without counter 6 (which
    holds a called citizen); the hub starts, shows the rest, and the tickets are all there."""
    db = tmp_path / "ledger.db"
    hub = Hub(CONFIG, Ledger(db), enforce_hours=False)
    for n in range(3):
        hub.handle("kiosk-1", encode_command(f"m{n}", "ticket.issue", {"service": "moitruong"}))
        hub.handle("kiosk-1", encode_command(f"g{n}", "ticket.issue", {"service": "gpxd"}))
    hub.handle("counter-6", encode_command("o6", "counter.open", {"pin": DEMO_PIN}))
    hub.handle("counter-6", encode_command("c6", "counter.call_next", {}))
    before = dict(hub.state.tickets)
    hub.ledger.close()

    counters = [msgspec.structs.replace(k, services=[s for s in k.services if s != "moitruong"])
                for k in CONFIG.counters if k.id != "6"]
    smaller = msgspec.structs.replace(
        CONFIG, services=[s for s in CONFIG.services if s.id != "moitruong"], counters=counters,
        devices=[d for d in CONFIG.devices if d.counter != "6"])
    hub = Hub(smaller, Ledger(db), enforce_hours=False)
    published: dict[str, bytes] = {}
    hub.publish = lambda topic, payload, retain: published.__setitem__(topic, payload)
    hub.publish_all(force=True)
    assert set(hub.state.tickets) == set(before)  # nothing lost
    assert hub.topics.service_state("moitruong") not in published
    assert hub.topics.counter_state("6") not in published
    assert json.loads(published[hub.topics.service_state("gpxd")])["waiting"] == 2
    hub.handle("kiosk-1", encode_command("g9", "ticket.issue", {"service": "gpxd"}))
    assert hub.state.services["gpxd"].issued == 4
    hub.ledger.close()


def test_a_stored_config_this_hub_cannot_read_replays_under_todays(tmp_path):
    """A config body written by another version of the schema: the day still replays."""
    db = tmp_path / "ledger.db"
    hub = Hub(CONFIG, Ledger(db), enforce_hours=False)
    hub.handle("kiosk-1", encode_command("a", "ticket.issue", {"service": "dkdn"}))
    with hub.ledger.conn:
        hub.ledger.conn.execute("UPDATE configs SET body = '{\"center\": 1}', hash = 'old'")
    hub.ledger.close()
    hub = Hub(CONFIG, Ledger(db), enforce_hours=False)
    assert hub.state.services["dkdn"].issued == 1
    hub.ledger.close()


def test_a_retry_is_the_same_command_even_if_its_args_were_stored_by_an_older_version():
    from broker.core.commands import IssueArgs
    from broker.service.hub import _same_command

    now = msgspec.json.encode(IssueArgs(service="dkdn"))
    assert _same_command(("ticket.issue", b'{"service":"dkdn"}'), ("ticket.issue", now))
    assert not _same_command(("ticket.issue", b'{"service":"datdai"}'), ("ticket.issue", now))
    assert not _same_command(("ticket.cancel", b'{"service":"dkdn"}'), ("ticket.issue", now))
