"""Soak: a full day of the demo center, accelerated, through a real broker and hub process,
with the hub's memory and the commands' latency sampled per interval.

    python -m tools.soak --tickets 1500

Kiosks issue the day's tickets at a steady pace across every service (priority tickets
among them); all 12 counters open, call, serve (or miss, or recall), finish, and their
tablets rate half of the tickets. Every command is timed from the device's side (send to
reply, through Mosquitto; the 26 devices share this one process, so their own threads are in
it) and by the hub itself (its log). Each interval prints the commands, both latencies and the
hub's resident memory; at the end the hub is restarted on the day's ledger to time the
rebuild.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import re
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker.service import backup
from broker.wire.device_client import DeviceClient, RequestError
from config.load import DEFAULT_CONFIG
from config.schema import CenterConfig
from qms.bench import BENCH_PIN
from qms.proc_stats import cpu_s, percentile, rss_mb
from tools.fault_injection import (
    Hall,
    RetainedWatch,
    stop_cleanly_on_sigterm,
    wait_until,
)


@dataclass
class Interval:
    index: int
    seconds: float
    tickets: int  # issued so far
    commands: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    rss_mb: float
    cpu_s: float
    load: float  # the machine's 1-minute load average: others share these cores
    # The hub's own time per command (its log: decode to its reply written), apart from the
    # devices' threads and the broker: what the hub does with the day, whatever the harness.
    hub_p50_ms: float = 0.0
    hub_p99_ms: float = 0.0


@dataclass
class SoakFigures:
    intervals: list[Interval] = field(default_factory=list)
    tickets: int = 0
    served: int = 0
    commands: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    ledger_mb: float = 0.0
    restart_s: float = 0.0
    backup_s: float = 0.0  # the online backup in the middle of the day
    backup_check: str = ""
    seconds: float = 0.0


class Timings:
    """Latencies of the current interval, from every device thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: list[float] = []
        self.total = 0
        self.refusals: dict[str, int] = {}
        self.failures: list[str] = []

    def timed(self, client: DeviceClient, op: str, args: dict[str, Any] | None = None
              ) -> dict[str, Any] | None:
        command_id = uuid.uuid4().hex
        started = time.perf_counter()
        for _attempt in range(5):
            try:
                result = client.request(op, args, command_id=command_id)
                break
            except RequestError as exc:
                if exc.code in ("timeout", "not_connected"):
                    continue
                with self.lock:
                    self.values.append(time.perf_counter() - started)
                    self.total += 1
                    key = f"{op}: {exc.code}"
                    self.refusals[key] = self.refusals.get(key, 0) + 1
                return None
        else:
            with self.lock:
                self.failures.append(f"{client.device_id} {op}: no answer after 5 tries")
            return None
        with self.lock:
            self.values.append(time.perf_counter() - started)
            self.total += 1
        return result

    def take(self) -> list[float]:
        with self.lock:
            values, self.values = self.values, []
        return values


class HubLogTimes:
    """The times the hub logs per command ("... ok 1.23 ms"), read as the log grows."""

    _TIME = re.compile(r" (?:ok|refused .*) ([0-9.]+) ms$")

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, path.stat().st_size if path.exists() else 0

    def take(self) -> list[float]:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            text = log.read()
        complete = text.rfind(b"\n") + 1
        self.offset += complete
        return [float(m[1]) for line in text[:complete].decode(errors="replace").splitlines()
                if (m := self._TIME.search(line))]


def run(tickets: int = 1500, *, rate: float = 15.0, intervals: int = 10, seed: int = 1,
        workdir: Path | None = None, config_path: Path = DEFAULT_CONFIG, out=print
        ) -> SoakFigures:
    figures = SoakFigures()
    started = time.monotonic()
    hall = Hall.start(workdir, "qms-soak-", config_path)
    workdir, config, broker, hub, watch = (hall.workdir, hall.config, hall.broker, hall.hub,
                                           hall.watch)
    db = workdir / "ledger.db"
    clients: list[DeviceClient] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    timings = Timings()
    issued = [0]
    served = [0]
    rng = random.Random(seed)
    try:
        if not hall.start_hub():
            figures.failures.append("the hub did not come online")
            return figures
        pid = hub.pid

        def client(device_id: str) -> DeviceClient:
            device = config.device(device_id)
            assert device is not None
            made = DeviceClient(broker.url, config.center.site, device_id, role=device.role,
                                attempt_timeout=5.0, attempts=1).start()
            clients.append(made)
            return made

        kiosks = [client("kiosk-1"), client("kiosk-2")]
        desks = [(k, client(f"counter-{k.id}"), client(f"tablet-{k.id}"))
                 for k in config.counters]
        for made in clients:
            made.wait_connected(15)
        weights = _weights(config)
        lock = threading.Lock()

        def kiosk_loop(kiosk: DeviceClient, krng: random.Random) -> None:
            pace = len(kiosks) / rate
            next_at = time.monotonic()
            while not stop.is_set():
                with lock:
                    if issued[0] >= tickets:
                        return
                    issued[0] += 1
                service = krng.choices(list(weights), weights=list(weights.values()))[0]
                args: dict[str, Any] = {"service": service}
                if krng.random() < 0.08:
                    args["reason"] = krng.choice(config.priority_groups).id
                timings.timed(kiosk, "ticket.issue", args)
                next_at += pace
                time.sleep(max(0.0, next_at - time.monotonic()))

        def desk_loop(desk, drng: random.Random) -> None:
            counter, terminal, tablet = desk
            timings.timed(terminal, "counter.open", {"officer": counter.officer, "pin": BENCH_PIN})
            while not stop.is_set():
                called = timings.timed(terminal, "counter.call_next")
                if called is None:
                    time.sleep(0.2)  # nobody waiting: an officer glances at the screen
                    continue
                roll = drng.random()
                if roll < 0.05:
                    timings.timed(terminal, "ticket.no_show")
                    continue
                if roll < 0.15:
                    timings.timed(terminal, "counter.recall")
                timings.timed(terminal, "ticket.serve")
                time.sleep(drng.uniform(0.05, 0.3))  # the accelerated minutes at the desk
                if timings.timed(terminal, "ticket.done") is not None:
                    with lock:
                        served[0] += 1
                    if drng.random() < 0.5:
                        timings.timed(tablet, "rating.submit", {
                            "ticket": called["ticket"]["id"], "score": drng.randint(1, 4)})

        for i, kiosk in enumerate(kiosks):
            threads.append(threading.Thread(target=kiosk_loop,
                                            args=(kiosk, random.Random(rng.random() + i)),
                                            daemon=True))
        for desk in desks:
            threads.append(threading.Thread(target=desk_loop,
                                            args=(desk, random.Random(rng.random())),
                                            daemon=True))
        for thread in threads:
            thread.start()
        interval_s = tickets / rate / intervals
        cpu_before = cpu_s(pid)
        hub_log = HubLogTimes(workdir / "hub.log")
        last = time.monotonic()
        index = 0
        # The day: intervals while tickets are issued, then until the hall is empty.
        while True:
            time.sleep(max(0.0, last + interval_s - time.monotonic()))
            now = time.monotonic()
            values = timings.take()
            hub_values = hub_log.take()
            cpu = cpu_s(pid)
            index += 1
            with lock:
                done_issuing = issued[0] >= tickets
                hall_empty = done_issuing and served[0] > 0 and _hall_empty(watch)
                so_far = issued[0]
            figures.intervals.append(Interval(
                index, now - last, so_far, len(values), percentile(values, 0.5) * 1000,
                percentile(values, 0.99) * 1000, max(values, default=0) * 1000, rss_mb(pid),
                cpu - cpu_before, os.getloadavg()[0], percentile(hub_values, 0.5),
                percentile(hub_values, 0.99)))
            cpu_before, last = cpu, now
            if out is not None:
                out(_row(figures.intervals[-1]))
            if index == max(1, intervals // 2):
                # Midday: an online backup while the counters keep working, then its check.
                copying = time.monotonic()
                copy = backup.backup(db, workdir / "midday-backup.db")
                figures.backup_s = time.monotonic() - copying
                figures.backup_check = backup.verify(copy, config).describe()
            if hall_empty or index >= intervals * 3:
                break
        stop.set()
        for thread in threads:
            thread.join(30)
        # Commands answered between the last interval's count and the stop belong to it.
        figures.intervals[-1].commands += len(timings.take())
        figures.tickets, figures.served, figures.commands = issued[0], served[0], timings.total
        figures.refusals, figures.failures = timings.refusals, timings.failures
        figures.ledger_mb = db.stat().st_size / 1e6 + (
            db.with_name(db.name + "-wal").stat().st_size / 1e6
            if db.with_name(db.name + "-wal").exists() else 0)
        # A restart on the full day's ledger: the rebuild replays every command.
        hub.kill()
        spawned = hub.start()
        if wait_until(lambda: watch.online_since(spawned), 60):
            figures.restart_s = time.time() - spawned
        else:
            figures.failures.append("the hub did not come back on the day's ledger")
    finally:
        stop.set()
        for made in clients:
            made.stop()
        hall.close()
    figures.seconds = time.monotonic() - started
    return figures


def _weights(config: CenterConfig) -> dict[str, float]:
    # Busier services get more citizens, in proportion to their daily limit.
    return {s.id: float(s.daily_limit or 200) for s in config.services}


def _hall_empty(watch: RetainedWatch) -> bool:
    views = watch.views()
    services = [v for t, v in views.items() if "/state/services/" in t]
    counters = [v for t, v in views.items() if "/state/counters/" in t]
    return bool(services) and all(v.get("waiting") == 0 for v in services) and all(
        not v.get("ticket") for v in counters)


HEADER = (f"{'interval':>8} {'seconds':>7} {'tickets':>7} {'commands':>8} {'cmd/s':>6} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'hub p50':>7} {'hub p99':>7} "
          f"{'RSS MB':>7} {'hub CPU':>7} {'load':>5}")


def _row(i: Interval) -> str:
    rate = i.commands / i.seconds if i.seconds else 0
    return (f"{i.index:>8} {i.seconds:>7.1f} {i.tickets:>7} {i.commands:>8} {rate:>6.0f} "
            f"{i.p50_ms:>7.1f} {i.p99_ms:>7.1f} {i.max_ms:>7.1f} {i.hub_p50_ms:>7.2f} "
            f"{i.hub_p99_ms:>7.2f} {i.rss_mb:>7.1f} "
            f"{i.cpu_s / i.seconds * 100 if i.seconds else 0:>6.0f}% {i.load:>5.1f}")


def summary(figures: SoakFigures) -> str:
    busy = [i for i in figures.intervals if i.commands]
    first, last = (busy[0], busy[-1]) if busy else (None, None)
    lines = [
        f"tickets issued {figures.tickets}, served {figures.served}, "
        f"commands {figures.commands}, in {figures.seconds:.0f} s",
        f"refusals: {', '.join(f'{k} x{v}' for k, v in sorted(figures.refusals.items()))}",
        f"ledger {figures.ledger_mb:.1f} MB; hub restart on the day's ledger: "
        f"{figures.restart_s:.2f} s to online",
        f"online backup at midday: {figures.backup_s:.2f} s; check: {figures.backup_check}",
    ]
    if first and last:
        p50s = [i.p50_ms for i in busy]
        hub_p50s = [i.hub_p50_ms for i in busy]
        lines.append(f"hub RSS {first.rss_mb:.1f} MB in the first interval, {last.rss_mb:.1f} MB "
                     f"in the last ({last.rss_mb - first.rss_mb:+.1f} MB); p50 "
                     f"{min(p50s):.1f}-{max(p50s):.1f} ms, median {statistics.median(p50s):.1f}; "
                     f"the hub's own p50 {min(hub_p50s):.2f}-{max(hub_p50s):.2f} ms")
    lines += [f"FAILURE: {f}" for f in figures.failures]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1500, help="the day's tickets "
                        "(%(default)s)")
    parser.add_argument("--rate", type=float, default=15.0,
                        help="tickets issued per second (%(default)s)")
    parser.add_argument("--intervals", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG))
    parser.add_argument("--workdir", help="keep the ledger, the hub's log and broker files here")
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    logging.basicConfig(level=logging.ERROR)
    print(f"soak: {args.tickets} tickets at {args.rate}/s, all counters, seed {args.seed}")
    print(HEADER)
    figures = run(args.tickets, rate=args.rate, intervals=args.intervals, seed=args.seed,
                  workdir=Path(args.workdir) if args.workdir else None,
                  config_path=Path(args.config))
    print(summary(figures))
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
