"""Benchmark of the web face (a script, not a timed test): phones holding their ticket pages
open, a counter calling, people loading pages, and the hub's own round trips meanwhile.

    .venv/bin/python -m tools.bench_web                 # 2,000 phones, the figures in
                                                        # docs/benchmarks.md
    .venv/bin/python -m tools.bench_web --phones 200 --calls 3 --turns 2

A hall on loopback only (private Mosquitto, hub, `qms web`, all on 127.0.0.1); the script
stops everything by itself. The phones are raw asyncio HTTP connections in this process, each
reading its page's event stream, as a phone's EventSource does; they run last in priority
(SCHED_IDLE: in a hall they are other machines). The hub's own round trips come from a kiosk in
its own process at the hub's priority.

1. One service (its range widened in a copy of the demo config) gets `--phones` tickets.
2. The hub's round trips alone: `ticket.issue` on the other services, the web face idle.
3. Every phone opens its ticket's live page; the web face's RSS.
4. `--calls` times, a counter calls the next citizen: every page changes (the one called is
   told so; every other one has one fewer ahead). The time from the call to each page's new
   `<main>`, and to the last page's.
5. `--turns` turns of four samples of the hub's round trips: every phone gone (the web face
   idle: the hub without the web load); the phones back (their tickets known, so no lookups)
   and quiet; pages loaded at a steady `--rate` per second (keep-alive, like browsers); made-up
   tokens offered at `--flood-rate`. In turns, so that the machine's own drift falls on all.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from broker.wire.device_client import DeviceClient, RequestError
from qms.bench import load_test_limits
from qms.proc_stats import cpu_s, percentile, rss_mb
from tools.web_hall import WebHall

SERVICE, COUNTER_DEVICE = "chungthuc", "counter-11"


def widen(config: str, phones: int) -> str:
    """The benchmark's service takes `phones` tickets (up to 3,000: numbers 7000-9999 are
    free in the demo config); every other service as many as its range holds, for the hub's
    round trips. The kiosks and the counter here stand for a whole hall's: their rate limits
    are lifted; the web face keeps its own."""
    config = re.sub(r"(?m)^daily_limit = \d+$", "daily_limit = 499", config)
    config = config.replace("range = [5501, 5999]\ndaily_limit = 499",
                            f"range = [7000, 9999]\ndaily_limit = {phones + 10}")
    return config + load_test_limits("kiosk", "counter")


@dataclass
class Watch:
    """The pages a call must change, and when each did."""

    t0: float = 0.0
    expect: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    all_done: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, tokens: set[str]) -> None:
        self.expect, self.latencies = set(tokens), []
        self.all_done.clear()
        self.t0 = time.perf_counter()

    def seen(self, token: str, at: float) -> None:
        if token in self.expect:
            self.expect.discard(token)
            self.latencies.append(at - self.t0)
            if not self.expect:
                self.all_done.set()


@dataclass
class Phone:
    token: str
    watch: Watch
    received: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    refused: int = 0


async def hold_page(host: str, port: int, phone: Phone, stop: asyncio.Event) -> None:
    """A phone with its ticket's live page open: the event stream, message by message."""
    while not stop.is_set():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /t/{phone.token}/events HTTP/1.1\r\nHost: {host}\r\n"
                     "Accept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            phone.refused += 1
            writer.close()
            await asyncio.sleep(0.2 + random.random() * 0.3)
            continue
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        pending = b""
        try:
            while not stop.is_set():
                chunk = await reader.read(65536)
                if not chunk:
                    break
                pending += chunk.replace(b"\r\n", b"\n")
                # One SSE message ends with a blank line; a comment (ping) starts with ":".
                *messages, pending = pending.split(b"\n\n")
                for message in messages:
                    if b"data:" in message:
                        phone.received += 1
                        phone.watch.seen(phone.token, time.perf_counter())
                        phone.connected.set()
        finally:
            writer.close()
        return


class PageLoader:
    """Pages loaded at a steady rate over a few keep-alive connections."""

    def __init__(self, host: str, port: int, tokens: list[str]) -> None:
        self.host, self.port, self.tokens = host, port, tokens
        self.times: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.unsent = 0

    async def _connection(self, queue: asyncio.Queue[str | None]) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            while (token := await queue.get()) is not None:
                started = time.perf_counter()
                writer.write(f"GET /t/{token} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                self.times.append(time.perf_counter() - started)
                code = status.split(b" ")[1].decode() if status.count(b" ") >= 2 else "?"
                self.statuses[code] = self.statuses.get(code, 0) + 1
                self.errors += code != "200"
        finally:
            writer.close()

    async def run(self, rate: float, seconds: float, connections: int = 8) -> None:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        workers = [asyncio.create_task(self._connection(queue)) for _ in range(connections)]
        started = time.perf_counter()
        sent = 0
        while (elapsed := time.perf_counter() - started) < seconds:
            due = int(elapsed * rate)
            for _ in range(due - sent):
                queue.put_nowait(random.choice(self.tokens))
            sent = max(sent, due)
            await asyncio.sleep(0.002)
        self.unsent = queue.qsize()  # offered but not taken in time: dropped
        while not queue.empty():
            queue.get_nowait()
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers)


def flood_lookups(hall: WebHall) -> int:
    """How many lookups the hub answered, from its log (one line per command)."""
    return (hall.out / "hub.log").read_text(encoding="utf-8", errors="replace").count(
        "ticket.lookup")


class RoundTrips:
    """The hub's own round trips (`ticket.issue`, one fsync each), measured by a kiosk in its
    own process at the hub's priority: in a hall a kiosk is its own machine, so neither the
    phones' priority nor this script's interpreter lock may slow its requests."""

    def __init__(self, hall: WebHall) -> None:
        services = [s.id for s in hall.config.services if s.id != SERVICE]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.bench_web", "--round-trip-kiosk", hall.broker.url,
             hall.config.center.site, ",".join(services)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def sample(self, count: int) -> list[float]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{count}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(10)


def round_trip_kiosk(broker_url: str, site: str, services: list[str]) -> None:
    """The kiosk's side: for each count read on stdin, that many `ticket.issue` round trips
    (the services in turn, each dropped once its numbers run out), their seconds on stdout."""
    client = DeviceClient(broker_url, site, "kiosk-2", role="kiosk").start()
    client.wait_connected(10)
    turn = 0
    for line in sys.stdin:
        times = []
        while len(times) < int(line):
            service = services[turn % len(services)]
            turn += 1
            started = time.perf_counter()
            try:
                client.request("ticket.issue", {"service": service})
            except RequestError:
                services.remove(service)
                continue
            times.append(time.perf_counter() - started)
        print(json.dumps(times), flush=True)
    client.stop()


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.1f}"


async def bench(hall: WebHall, trips: RoundTrips, args: argparse.Namespace) -> dict[str, str]:
    figures: dict[str, str] = {}
    split = urlsplit(hall.url)
    host, port = split.hostname or "127.0.0.1", split.port or 80
    kiosk = hall.client("kiosk-1")
    counter = hall.client(COUNTER_DEVICE)
    loop = asyncio.get_running_loop()

    started = time.perf_counter()
    issued = [kiosk.request("ticket.issue", {"service": SERVICE})["ticket"]
              for _ in range(args.phones)]
    tokens = [t["token"] for t in issued]
    by_id = {t["id"]: t["token"] for t in issued}
    called: set[str] = set()
    print(f"issued {len(tokens)} tickets in {time.perf_counter() - started:.1f} s")

    alone = await loop.run_in_executor(None, trips.sample, args.round_trips)
    figures["hub round trip alone p50/p99 (ms)"] = f"{ms(alone, 0.5)} / {ms(alone, 0.99)}"
    rss_idle = rss_mb(hall.web.pid)  # type: ignore[union-attr]

    watch = Watch()
    phones = [Phone(token, watch) for token in tokens]
    started = time.perf_counter()
    online = await connect(host, port, phones)
    figures["phones connected"] = (f"{len(phones)} in {time.perf_counter() - started:.1f} s "
                                   f"({sum(p.refused for p in phones)} told to retry)")
    await asyncio.sleep(1.0)
    figures["web RSS idle / with the phones (MB)"] = (
        f"{rss_idle:.0f} / {rss_mb(hall.web.pid):.0f}")  # type: ignore[union-attr]

    counter.request("counter.open", {"officer": "ntl", "pin": "1234"})  # the demo PIN
    await asyncio.sleep(1.5)
    latencies: list[float] = []
    last_page: list[float] = []
    missing = 0
    web_cpu = cpu_s(hall.web.pid)  # type: ignore[union-attr]
    for call in range(args.calls):
        if call:
            await loop.run_in_executor(None, counter.request, "ticket.done")
            await asyncio.sleep(1.5)  # what the end of the last one changed is shown
        waiting = {p.token for p in phones if p.token not in called}
        watch.start(waiting)
        reply = await loop.run_in_executor(None, counter.request, "counter.call_next")
        called.add(by_id[reply["ticket"]["id"]])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(watch.all_done.wait(), 5.0)
        # Every page of a waiting ticket changes: the one called, and one fewer ahead.
        missing += len(watch.expect)
        got = watch.latencies
        latencies += got
        last_page.append(max(got) if got else 5.0)
        print(f"call {call + 1}: {len(got)} pages updated, "
              f"last after {last_page[-1] * 1000:.0f} ms")
    web_cpu = cpu_s(hall.web.pid) - web_cpu  # type: ignore[union-attr]
    figures["call -> page update p50/p99 (ms)"] = (f"{ms(latencies, 0.5)} / "
                                                   f"{ms(latencies, 0.99)}")
    figures["call -> last of all pages, median/worst (ms)"] = (
        f"{statistics.median(last_page) * 1000:.0f} / {max(last_page) * 1000:.0f}")
    figures["waiting tickets' pages not updated within 5 s"] = str(missing)
    figures["web CPU per call (s)"] = f"{web_cpu / max(1, args.calls):.2f} (incl. the ends)"

    # The hub's round trips without the web load (every phone gone, the web face idle), with
    # the phones connected and quiet, under the page load and under the flood: in turns, so
    # that the machine's own drift falls on all four alike.
    samples: dict[str, list[float]] = {"alone": [], "quiet": [], "pages": [], "flood": []}
    turns: list[str] = []
    reconnect_s: list[float] = []
    pages = PageLoader(host, port, tokens)
    # A flood of made-up tokens: each one unknown to the web face, so each one a lookup.
    flood = PageLoader(host, port, [f"{random.getrandbits(96):024x}"[:16] for _ in range(50000)])
    flood_lookups_before, flood_s = flood_lookups(hall), 0.0
    for _ in range(args.turns):
        await online.hang_up()
        await asyncio.sleep(1.0)
        now = {"alone": await loop.run_in_executor(None, trips.sample, args.round_trips)}
        started = time.perf_counter()
        online = await connect(host, port, phones)
        reconnect_s.append(time.perf_counter() - started)
        await asyncio.sleep(1.0)
        now["quiet"] = await loop.run_in_executor(None, trips.sample, args.round_trips)
        now["pages"] = await sample_under(loop, trips, args,
                                          pages.run(args.rate, args.phase_seconds))
        started = time.perf_counter()
        now["flood"] = await sample_under(
            loop, trips, args, flood.run(args.flood_rate, args.phase_seconds, connections=200))
        flood_s += time.perf_counter() - started
        for name, values in now.items():
            samples[name] += values
        turns.append(" / ".join(ms(values, 0.5) for values in now.values()))
    await online.hang_up()
    asked = flood_lookups(hall) - flood_lookups_before
    figures[f"ticket page at {args.rate:.0f}/s p50/p99 (ms)"] = (
        f"{ms(pages.times, 0.5)} / {ms(pages.times, 0.99)} ({len(pages.times)} pages, "
        f"{pages.errors} errors)")
    figures[f"made-up tokens offered at {args.flood_rate:.0f}/s on 200 connections"] = (
        f"answers {flood.statuses} (p50 {ms(flood.times, 0.5)} ms), {flood.unsent} not taken; "
        f"the hub was asked {asked} in {flood_s:.1f} s ({asked / flood_s:.0f}/s)")
    figures["phones reconnecting (their tickets known), median (s)"] = (
        f"{statistics.median(reconnect_s):.1f}")
    alone = samples["alone"]
    figures["hub round trip without the web load p50/p99 (ms)"] = (
        f"{ms(alone, 0.5)} / {ms(alone, 0.99)} ({len(alone)} round trips)")
    for name, what in (("quiet", "with the phones connected, quiet"),
                       ("pages", "under the page load, the phones connected"),
                       ("flood", "under the flood, the phones connected")):
        values = samples[name]
        figures[f"hub round trip {what} p50/p99 (ms)"] = (
            f"{ms(values, 0.5)} / {ms(values, 0.99)} "
            f"({(percentile(values, 0.5) / percentile(alone, 0.5) - 1) * 100:+.1f}% at p50)")
    figures["hub p50 each turn: alone / quiet / pages / flood (ms)"] = "; ".join(turns)
    figures["web RSS at the end (MB)"] = f"{rss_mb(hall.web.pid):.0f}"  # type: ignore[union-attr]
    return figures


@dataclass
class Online:
    """The phones' open pages, until they hang up."""

    tasks: list[asyncio.Task[None]]
    stop: asyncio.Event

    async def hang_up(self) -> None:
        self.stop.set()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def connect(host: str, port: int, phones: list[Phone]) -> Online:
    """Every phone opens its page (a hundred at a time), once each has its first message."""
    online = Online([], asyncio.Event())
    for i, phone in enumerate(phones):
        phone.connected.clear()
        online.tasks.append(asyncio.create_task(hold_page(host, port, phone, online.stop)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(asyncio.gather(*(p.connected.wait() for p in phones)), 120)
    return online


async def sample_under(loop: asyncio.AbstractEventLoop, trips: RoundTrips,
                       args: argparse.Namespace, load: Coroutine[Any, Any, None]) -> list[float]:
    """The hub's round trips while `load` runs (begun half a second before)."""
    running = asyncio.create_task(load)
    await asyncio.sleep(0.5)
    sampled = await loop.run_in_executor(None, trips.sample, args.round_trips)
    await running
    return sampled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0, help="pages per second")
    parser.add_argument("--flood-rate", type=float, default=1000.0,
                        help="requests per second for made-up tokens")
    parser.add_argument("--turns", type=int, default=6,
                        help="turns of four samples of the hub: no web load, the phones quiet, "
                        "the page load, the flood")
    parser.add_argument("--phase-seconds", type=float, default=3.0,
                        help="how long each page load and flood lasts")
    parser.add_argument("--round-trips", type=int, default=150,
                        help="hub round trips per sample (the other services hold 5,400 numbers)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--round-trip-kiosk", nargs=3, metavar=("BROKER", "SITE", "SERVICES"),
                        help=argparse.SUPPRESS)  # the script's own kiosk process
    args = parser.parse_args()
    if args.round_trip_kiosk:
        broker_url, site, services = args.round_trip_kiosk
        round_trip_kiosk(broker_url, site, services.split(","))
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-web-"))
    with WebHall(out, config_edit=lambda text: widen(text, args.phones)) as hall:
        trips = RoundTrips(hall)
        # The hub, the broker and the round trips' kiosk run at their own priority (the web
        # face lowers its own, `qms web --nice`). The phones are other machines in a hall,
        # here sharing the 2 cores: they only get the time no one else wants (SCHED_IDLE, which
        # the threads started from here inherit).
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        result: dict[str, str] = {}
        # A benchmark thread must not outlive the hall.
        worker = threading.Thread(
            target=lambda: result.update(asyncio.run(bench(hall, trips, args))))
        worker.start()
        worker.join()
        trips.close()
    print()
    print(f"| figure ({args.phones} phones) | value |")
    print("|---|---|")
    for name, value in result.items():
        print(f"| {name} | {value} |")
    return 0 if result else 1


if __name__ == "__main__":
    sys.exit(main())
