"""Benchmark of the web face (a script, not a timed test): phones holding their ticket pages
open, a counter calling, people loading pages, and the hub's own round trips meanwhile.

    .venv/bin/python -m tools.bench_web                 # 2,000 phones, the figures in
                                                        # docs/benchmarks.md
    .venv/bin/python -m tools.bench_web --phones 200 --calls 5 --page-seconds 5

A hall on loopback only (private Mosquitto, hub, `qms web`, all on 127.0.0.1); the script
stops everything by itself. The phones are raw asyncio HTTP connections in this process, each
reading its page's event stream, as a phone's EventSource does.

1. One service (its range widened in a copy of the demo config) gets `--phones` tickets.
2. The hub's round trips alone: `ticket.issue` on another service, the web face idle.
3. Every phone opens its ticket's live page; the web face's RSS.
4. `--calls` times, a counter calls the next citizen: every page changes (the one called is
   told so; every other one has one fewer ahead). The time from the call to each page's new
   `<main>`, and to the last page's.
5. Pages loaded at a steady `--rate` per second (keep-alive, like browsers), while the hub's
   round trips are measured again under that load and with every phone connected.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from broker.wire.device_client import DeviceClient
from qms.proc_stats import cpu_s, percentile, rss_mb
from tools.web_hall import WebHall

SERVICE, COUNTER, COUNTER_DEVICE = "chungthuc", "11", "counter-11"
OTHER_SERVICE = "dkdn"


def widen(config: str, phones: int) -> str:
    """The benchmark's service takes `phones` tickets (up to 3,000: numbers 7000-9999 are
    free in the demo config), and the round trips' service enough."""
    config = config.replace("range = [5501, 5999]\ndaily_limit = 400",
                            f"range = [7000, 9999]\ndaily_limit = {phones + 10}")
    return config.replace("range = [1001, 1499]\ndaily_limit = 300",
                          "range = [1001, 1499]\ndaily_limit = 499")


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


def round_trips(client: DeviceClient, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.request("ticket.issue", {"service": OTHER_SERVICE})
        times.append(time.perf_counter() - started)
    return times


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.1f}"


async def bench(hall: WebHall, args: argparse.Namespace) -> dict[str, str]:
    figures: dict[str, str] = {}
    split = urlsplit(hall.url)
    host, port = split.hostname or "127.0.0.1", split.port or 80
    kiosk, kiosk2 = hall.client("kiosk-1"), hall.client("kiosk-2")
    counter = hall.client(COUNTER_DEVICE)
    loop = asyncio.get_running_loop()

    started = time.perf_counter()
    issued = [kiosk.request("ticket.issue", {"service": SERVICE})["ticket"]
              for _ in range(args.phones)]
    tokens = [t["token"] for t in issued]
    by_id = {t["id"]: t["token"] for t in issued}
    called: set[str] = set()
    print(f"issued {len(tokens)} tickets in {time.perf_counter() - started:.1f} s")

    alone = await loop.run_in_executor(None, round_trips, kiosk2, args.round_trips)
    figures["hub round trip alone p50/p99 (ms)"] = f"{ms(alone, 0.5)} / {ms(alone, 0.99)}"
    rss_idle = rss_mb(hall.web.pid)  # type: ignore[union-attr]

    stop = asyncio.Event()
    watch = Watch()
    phones = [Phone(token, watch) for token in tokens]
    started = time.perf_counter()
    tasks = []
    for i, phone in enumerate(phones):
        tasks.append(asyncio.create_task(hold_page(host, port, phone, stop)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(asyncio.gather(*(p.connected.wait() for p in phones)), 120)
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

    loader = PageLoader(host, port, tokens)
    load = asyncio.create_task(loader.run(args.rate, args.page_seconds))
    await asyncio.sleep(0.5)
    loaded = await loop.run_in_executor(None, round_trips, kiosk2, args.round_trips)
    await load
    figures[f"ticket page at {args.rate:.0f}/s p50/p99 (ms)"] = (
        f"{ms(loader.times, 0.5)} / {ms(loader.times, 0.99)} ({len(loader.times)} pages, "
        f"{loader.errors} errors)")
    figures["hub round trip under the web load p50/p99 (ms)"] = (
        f"{ms(loaded, 0.5)} / {ms(loaded, 0.99)} "
        f"({(percentile(loaded, 0.5) / percentile(alone, 0.5) - 1) * 100:+.0f}% at p50)")
    # A flood of made-up tokens: each one unknown to the web face, so each one a lookup.
    flood = PageLoader(host, port, [f"{random.getrandbits(96):024x}"[:16] for _ in range(50000)])
    lookups_before, flood_started = flood_lookups(hall), time.perf_counter()
    load = asyncio.create_task(flood.run(args.flood_rate, args.page_seconds, connections=200))
    await asyncio.sleep(0.5)
    flooded = await loop.run_in_executor(None, round_trips, kiosk2, args.round_trips)
    await load
    flood_s = time.perf_counter() - flood_started
    figures[f"made-up tokens offered at {args.flood_rate:.0f}/s on 200 connections"] = (
        f"answers {flood.statuses} (p50 {ms(flood.times, 0.5)} ms), {flood.unsent} not taken; "
        f"the hub was asked {flood_lookups(hall) - lookups_before} "
        f"in {flood_s:.1f} s ({(flood_lookups(hall) - lookups_before) / flood_s:.0f}/s)")
    figures["hub round trip under the flood p50/p99 (ms)"] = (
        f"{ms(flooded, 0.5)} / {ms(flooded, 0.99)} "
        f"({(percentile(flooded, 0.5) / percentile(alone, 0.5) - 1) * 100:+.0f}% at p50)")
    figures["web RSS at the end (MB)"] = f"{rss_mb(hall.web.pid):.0f}"  # type: ignore[union-attr]
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # The machine's own drift: the hub alone again, the phones gone.
    await asyncio.sleep(1.0)
    after = await loop.run_in_executor(None, round_trips, kiosk2, args.round_trips)
    figures["hub round trip alone again, after, p50/p99 (ms)"] = (
        f"{ms(after, 0.5)} / {ms(after, 0.99)}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0, help="pages per second")
    parser.add_argument("--page-seconds", type=float, default=10.0)
    parser.add_argument("--flood-rate", type=float, default=1000.0,
                        help="requests per second for made-up tokens")
    parser.add_argument("--round-trips", type=int, default=120,
                        help="hub round trips per phase (four phases: at most 120)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-web-"))
    # The phones are other devices in a hall: here they share the 2 cores, at the web face's
    # priority (both below the hub's).
    os.nice(10)
    with WebHall(out, config_edit=lambda text: widen(text, args.phones)) as hall:
        # A benchmark thread must not outlive the hall.
        result: dict[str, str] = {}
        worker = threading.Thread(target=lambda: result.update(asyncio.run(bench(hall, args))))
        worker.start()
        worker.join()
    print()
    print(f"| figure ({args.phones} phones) | value |")
    print("|---|---|")
    for name, value in result.items():
        print(f"| {name} | {value} |")
    return 0 if result else 1


if __name__ == "__main__":
    sys.exit(main())
