"""How much the ledger grows from hostile traffic: refused commands sent as fast as the broker
takes them.

    python -m tools.refusal_growth --count 20000 [--kind forbidden|queue_empty] [--source DIR]

A real Mosquitto and the hub as its own process on a fresh ledger. A raw paho client publishes
`count` commands, each with its own id, and waits for every reply:
- `forbidden`: a kiosk sends `counter.call_next` (its role may not);
- `queue_empty`: a counter terminal that opened sends `counter.call_next` with nobody waiting
  (a refusal judged on the queue's state, which exactly-once answers need kept).
It prints the ledger's size (the file and its WAL) and its rows before and after, and the time.
`--source DIR` runs the hub from another checkout (to measure an older version the same way).
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import msgspec

from broker.mosquitto.managed import ManagedBroker
from broker.wire import protocol
from broker.wire.mqtt_link import new_client, parse_broker_url
from config import load_config
from tools.fault_injection import ROOT, lenient_config, name_value_table, wait_until


def _size(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


def _rows(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("commands", "refusals")}
    finally:
        conn.close()


def measure(count: int, kind: str, source: Path, workdir: Path) -> list[tuple[str, object]]:
    config_path = lenient_config(workdir / "center.toml")
    site = load_config(config_path).center.site
    topics = protocol.Topics(site)
    db = workdir / "ledger.db"
    with ManagedBroker(data_dir=workdir / "broker", embedded=False) as broker:
        log = open(workdir / "hub.log", "ab")  # noqa: SIM115 - lives with the process
        hub = subprocess.Popen(
            [sys.executable, "-m", "qms.cli", "hub", "--broker", broker.url, "--db", str(db),
             "--config", str(config_path), "--no-managed-broker", "--always-open"],
            cwd=source, stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL)
        replies: dict[str, str] = {}
        lock = threading.Lock()
        ready = threading.Event()

        def on_message(client, userdata, message) -> None:
            reply = msgspec.json.decode(message.payload)
            with lock:
                replies[reply["id"]] = (reply.get("error") or {}).get("code", "ok")

        address = parse_broker_url(broker.url)
        client = new_client(address, f"growth-{uuid.uuid4().hex[:6]}", clean_session=True)
        client.on_connect = lambda c, *a: c.subscribe(f"{topics.root}/devices/+/reply", 1)
        client.on_subscribe = lambda *a: ready.set()
        client.on_message = on_message
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(0)
        client.connect(address.host, address.port)
        client.loop_start()
        try:
            assert ready.wait(10)
            device = "kiosk-1" if kind == "forbidden" else "counter-1"

            def send(op: str, args: dict | None = None) -> str:
                command_id = uuid.uuid4().hex
                client.publish(topics.device_cmd(device),
                               protocol.encode_command(command_id, op, args), 1)
                return command_id

            def answered(ids: list[str]) -> bool:
                with lock:
                    return all(i in replies for i in ids)

            # the hub is up and (for queue_empty) the counter is open
            for _ in range(30):  # until the hub is up and subscribed
                first = send("counter.open", {"pin": "1234"}) if kind != "forbidden" else \
                    send("counter.call_next")
                if wait_until(lambda first=first: answered([first]), 1):
                    break
            else:
                raise SystemExit("the hub did not answer")
            time.sleep(0.5)
            size0, rows0 = _size(db), _rows(db)
            started = time.monotonic()
            ids = [send("counter.call_next") for _ in range(count)]
            if not wait_until(lambda: answered(ids), 600):
                raise SystemExit("not every command was answered")
            seconds = time.monotonic() - started
            size1, rows1 = _size(db), _rows(db)
            with lock:
                codes: dict[str, int] = {}
                for i in ids:
                    codes[replies[i]] = codes.get(replies[i], 0) + 1
        finally:
            client.loop_stop()
            client.disconnect()
            hub.send_signal(2)
            hub.wait(15)
            log.close()
    grown = size1 - size0
    return [
        ("hub source", source),
        ("commands sent", f"{count} ({kind}: {device} counter.call_next)"),
        ("answers", ", ".join(f"{c} x{n}" for c, n in sorted(codes.items()))),
        ("ledger + WAL before", f"{size0 / 1e6:.2f} MB, rows {rows0}"),
        ("ledger + WAL after", f"{size1 / 1e6:.2f} MB, rows {rows1}"),
        ("growth", f"{grown / 1e6:.2f} MB ({grown / count:.0f} bytes per command)"),
        ("time", f"{seconds:.1f} s ({count / seconds:.0f} commands/s)"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--kind", choices=("forbidden", "queue_empty"), default="forbidden")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the checkout to run the hub from (default: this one)")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(name_value_table(measure(args.count, args.kind, args.source.resolve(), workdir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
