"""An online backup of the ledger while the hub is busy, its check, and a restore that a new
hub runs on: the same queue, numbers going on from where the backup left them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import uuid

from broker.mosquitto.managed import ManagedBroker
from broker.service.backup import restore, verify
from broker.service.hub import Hub
from broker.service.ledger import MIGRATIONS, Ledger
from broker.wire.device_client import RequestError
from broker.wire.protocol import encode_command
from tests.reliability.rel_support import ledger_rows
from tests.support import CONFIG, DEMO_PIN, ROOT, HubProcess, device, wait_for
from tools.fault_injection import RetainedWatch, differences, truth, wait_until


def _backup_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "broker.service.backup", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def _commands(db) -> list[tuple]:
    return ledger_rows(db, "SELECT seq, id, device, reply FROM commands ORDER BY seq")


def test_online_backup_verify_and_restore(broker, hub, devices, tmp_path):
    kiosk, counter = devices("kiosk-1"), devices("counter-4")
    counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    stop = threading.Event()
    given: list[dict] = []

    def busy() -> None:
        # Issuing and serving while the backup runs: the hub writes all the time.
        while not stop.is_set():
            given.append(kiosk.request("ticket.issue", {"service": "datdai"})["ticket"])
            try:
                counter.request("counter.call_next")
                counter.request("ticket.done")
            except RequestError:
                pass

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    wait_for(lambda: len(given) >= 20, what="some load before the backup")
    before = list(given)
    copy = tmp_path / "backups" / "ledger-copy.db"
    made = _backup_tool("backup", "--db", str(hub.db), "--to", str(copy))
    at_backup = len(given)
    wait_for(lambda: len(given) >= at_backup + 15, what="load after the backup")
    stop.set()
    worker.join(10)
    assert made.returncode == 0, made.stdout + made.stderr
    assert f": OK: schema {MIGRATIONS[-1][0]}" in made.stdout

    # One consistent snapshot: exactly the first commands of the live ledger, as stored.
    live, saved = _commands(hub.db), _commands(copy)
    assert 0 < len(saved) < len(live)
    assert live[:len(saved)] == saved
    in_copy = {row[0] for row in ledger_rows(copy, "SELECT id FROM tickets")}
    assert {t["id"] for t in before} <= in_copy  # every ticket given before it started

    checked = _backup_tool("verify", str(copy))
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr

    # A damaged copy is refused, and nothing is put in place.
    broken = tmp_path / "broken.db"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2: len(data) // 2 + 4096] = b"\xff" * 4096
    broken.write_bytes(bytes(data))
    target = tmp_path / "restored" / "ledger.db"
    refused = _backup_tool("restore", "--from", str(broken), "--db", str(target))
    assert refused.returncode == 2 and not target.exists(), refused.stdout + refused.stderr

    restored = _backup_tool("restore", "--from", str(copy), "--db", str(target))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert _commands(target) == saved

    # A hub on the restored ledger (own broker): the retained state is the replay of the copy,
    # and numbering goes on after the copy's last ticket.
    with ManagedBroker(data_dir=tmp_path / "broker2", embedded=False) as second:
        watch = RetainedWatch(second.url, CONFIG.center.site)
        hub2 = HubProcess(second.url, target).start()
        try:
            expected = truth(CONFIG, target)
            assert wait_until(lambda: not differences(expected, watch.views()), 10), \
                differences(expected, watch.views())
            last = expected[watch.topics.service_state("datdai")]["last_issued"]
            kiosk2 = device(second.url, "kiosk-2")
            number = kiosk2.request("ticket.issue", {"service": "datdai"})["ticket"]["number"]
            kiosk2.stop()
            assert int(number) == int(last) + 1
        finally:
            hub2.stop()
            watch.close()


def _schema_1_ledger(path) -> None:
    """A ledger as the first release wrote it (migration 1 only), with one day of commands:
    written by today's code, then taken back to schema 1."""
    hub = Hub(CONFIG, Ledger(path), enforce_hours=False)
    for device_id, op, args in [("kiosk-1", "ticket.issue", {"service": "datdai"}),
                                ("kiosk-1", "ticket.issue", {"service": "datdai"}),
                                ("counter-4", "counter.open", {"officer": "pthd", "pin": DEMO_PIN}),
                                ("counter-4", "counter.call_next", {})]:
        hub.handle(device_id, encode_command(uuid.uuid4().hex, op, args))
    hub.ledger.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER tickets_written_once")
        conn.execute("ALTER TABLE commands DROP COLUMN config")
        conn.execute("DROP TABLE configs")
        conn.execute("DROP TABLE refusals")
        conn.execute("DROP TABLE site_secrets")
        conn.execute("DELETE FROM schema_migrations WHERE version > 1")
    conn.close()


def test_a_backup_from_before_a_migration_restores_and_is_migrated(tmp_path):
    old = tmp_path / "old.db"
    _schema_1_ledger(old)
    assert verify(old, CONFIG).ok
    restored = restore(old, tmp_path / "ledger.db", CONFIG)
    assert restored.ok and restored.schema == 1 and restored.tickets == 2
    ledger = Ledger(tmp_path / "ledger.db")
    newest = max(v for v, _ in MIGRATIONS)
    assert ledger.schema_version == newest == 4
    assert ledger.reply_for("nothing") is None  # the refusals table is there
    ledger.close()
    # The migrated ledger runs a hub: the day goes on from its numbers, under a kept config.
    hub = Hub(CONFIG, Ledger(tmp_path / "ledger.db"), enforce_hours=False)
    assert hub.state.services["datdai"].issued == 2
    assert hub.state.counters[CONFIG.device("counter-4").counter].ticket is not None
    hub.handle("kiosk-1", encode_command("after", "ticket.issue", {"service": "datdai"}))
    assert hub.state.services["datdai"].issued == 3
    hub.ledger.close()
    assert verify(tmp_path / "ledger.db", CONFIG).ok
    conn = sqlite3.connect(old)
    with conn:
        conn.execute("INSERT INTO schema_migrations(version, applied_at) VALUES (9, 'later')")
    conn.close()
    newer = verify(old, CONFIG)
    assert not newer.ok and f"newer than this hub's {newest}" in newer.problems[0]
