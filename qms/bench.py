"""`qms bench`: measure the queue on this machine and print tables.

core: durable commands/s through engine + ledger (SQLite WAL, synchronous FULL and NORMAL).
hub:  a managed Mosquitto on loopback, the hub as its own process, and simulated devices as
      separate MQTT connections (100 counters, 10 kiosks, 5 boards by default): round trips of
      ticket.issue and counter.call_next, call -> board latency, durable commands/s, hub RSS.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import paho.mqtt.client as mqtt

from broker.core.commands import Command
from broker.core.engine import OPS, Accepted, QueueEngine
from broker.mosquitto.managed import ManagedBroker
from broker.service.ledger import Ledger
from broker.wire import protocol
from broker.wire.mqtt_link import new_client, parse_broker_url
from config import load_config, parse_config
from config.officer_pin import hash_pin
from qms.proc_stats import percentile, rss_mb
from qms.simulation import Plan

BENCH_PIN = Plan.pin  # the demo center's PIN
# Load tests (this bench, the soak, fault injection, the fuzzer) send far more than a real
# hall's devices: the per-device rate limits (config `[rate_limits.<role>]`) out of their way.
def load_test_limits(*roles: str) -> str:
    return "".join(f"\n[rate_limits.{role}]\nburst = 100000\nper_minute = 1000000\n"
                   for role in roles)


LOAD_TEST_LIMITS = load_test_limits("kiosk", "counter", "tablet", "board", "manager",
                                    "announcer", "web")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", nargs="?", choices=["core", "hub", "all"], default="all")
    parser.add_argument("--commands", type=int, default=5000,
                        help="commands in the core run (default %(default)s)")
    parser.add_argument("--counters", type=int, default=100)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--boards", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the hub's load phase (default %(default)s)")
    parser.add_argument("--samples", type=int, default=1000,
                        help="round trips measured per operation (default %(default)s)")


def run(args: argparse.Namespace) -> int:
    if args.what in ("core", "all"):
        bench_core(args.commands)
    if args.what == "all":
        os.sync()  # the core's writes reach the disk now, not during the hub's fsyncs
    if args.what in ("hub", "all"):
        bench_hub(args.counters, args.kiosks, args.boards, args.seconds, args.samples)
    return 0


def _ms(values: list[float], share: float) -> float:
    return percentile(values, share) * 1000 if values else float("nan")


def _table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


# --- core -------------------------------------------------------------------------------------


def _core_workload(engine: QueueEngine, n: int):
    config = engine.config
    rng = random.Random(7)
    now = datetime(2026, 11, 23, 7, 0).astimezone(engine.tz)
    state = engine.new_day(now.date())
    counters = [k.id for k in config.counters]
    services = [s.id for s in config.services]
    ids = itertools.count()
    produced = 0
    while produced < n:
        now += timedelta(milliseconds=rng.randint(100, 2000))
        counter = rng.choice(counters)
        roll = rng.random()
        if roll < 0.45:
            device, op, args = "kiosk-1", "ticket.issue", {"service": rng.choice(services)}
        elif roll < 0.5:
            device, op, args = f"counter-{counter}", "counter.open", {}
        elif roll < 0.75:
            device, op, args = f"counter-{counter}", "counter.call_next", {}
        else:
            device, op, args = f"counter-{counter}", "ticket.done", {}
        command = Command(f"b{next(ids)}", op, msgspec.convert(args, OPS[op].args),
                          config.device(device))
        outcome = engine.apply(state, command, now)
        if isinstance(outcome, Accepted):
            state = outcome.state
            produced += 1
            yield command, now, outcome


def bench_core(n: int) -> None:
    engine = QueueEngine(load_config(), enforce_hours=False)
    rows = []
    for synchronous in ("FULL", "NORMAL"):
        with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
            ledger = Ledger(Path(tmp) / "bench.db", synchronous=synchronous)
            # The workload's engine time is part of what is measured: apply + commit.
            durations: list[float] = []
            workload = _core_workload(engine, n)
            started = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                try:
                    command, now, outcome = next(workload)
                except StopIteration:
                    break
                reply = protocol.encode_reply(command.id, outcome.result)
                ledger.record(command, msgspec.json.encode(command.args), now, outcome, reply)
                durations.append(time.perf_counter() - t0)
            elapsed = time.perf_counter() - started
            ledger.close()
        rows.append([synchronous, n, f"{n / elapsed:,.0f}", f"{_ms(durations, 0.5):.3f}",
                     f"{_ms(durations, 0.99):.3f}", f"{rss_mb(os.getpid()):.0f}"])
    _table("core: durable commands through engine + ledger (one transaction each)",
           ["synchronous", "commands", "commands/s", "p50 ms", "p99 ms", "RSS MB"], rows)


# --- hub --------------------------------------------------------------------------------------


def bench_config_text(counters: int, kiosks: int, boards: int) -> str:
    """The demo center's shape grown for load: 20 lettered services with 9,999 numbers and no
    daily limit, `counters` counters (two services each), `kiosks` kiosks, `boards` boards."""
    base = (Path(__file__).parent.parent / "config" / "center.toml").read_text()
    out = [base.split("\n[[services]]", 1)[0]]
    services = [f"s{i:02d}" for i in range(20)]
    for i, service in enumerate(services):
        out.append(f'\n[[services]]\nid = "{service}"\ndepartment = "skhdt"\n'
                   f'name = {{ vi = "Dịch vụ {i + 1}" }}\nprefix = "{chr(65 + i)}"\n'
                   f"range = [1, 9999]\n")
    for i in range(1, counters + 1):
        out.append(f'\n[[counters]]\nid = "{i}"\nnumber = {i}\n'
                   f'services = ["{services[i % 20]}", "{services[(i + 1) % 20]}"]\n'
                   f'officer = "bench-{i}"\n')
    # One officer per counter (one officer is open at one counter only), each with the
    # demo PIN: a counter opens as in a hall, the PIN checked by the hub.
    pin_hash = hash_pin(BENCH_PIN)
    for i in range(1, counters + 1):
        out.append(f'\n[[officers]]\nid = "bench-{i}"\nname = "Cán bộ thử {i}"\n'
                   f'pin_hash = "{pin_hash}"\n')
    for i in range(1, counters + 1):
        out.append(f'\n[[devices]]\nid = "counter-{i}"\nrole = "counter"\ncounter = "{i}"\n')
    for i in range(1, kiosks + 1):
        out.append(f'\n[[devices]]\nid = "kiosk-{i}"\nrole = "kiosk"\n')
    for i in range(1, boards + 1):
        out.append(f'\n[[devices]]\nid = "board-{i}"\nrole = "board"\n')
    # A load test sends far more than a real hall: rate limits out of its way.
    out.append(LOAD_TEST_LIMITS)
    return "".join(out)


class BenchDevice:
    """A lean simulated device: one MQTT connection, its own reply topic, blocking requests."""

    def __init__(self, url: str, site: str, device_id: str) -> None:
        self.topics = protocol.Topics(site)
        self.device_id = device_id
        self.replies: dict[str, threading.Event] = {}
        self.answers: dict[str, protocol.Reply] = {}
        self.ready = threading.Event()
        address = parse_broker_url(url)
        self.client = new_client(address, f"bench-{device_id}-{uuid.uuid4().hex[:6]}",
                                 clean_session=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *a: self.ready.set()
        self.client.on_message = self._on_message
        self.client.connect(address.host, address.port)
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        client.subscribe(self.topics.device_reply(self.device_id), 1)

    def _on_message(self, client, userdata, message) -> None:
        reply = protocol.decode_reply(message.payload)
        self.answers[reply.id] = reply
        event = self.replies.get(reply.id)
        if event:
            event.set()

    def request(self, op: str, args: dict | None = None, timeout: float = 10.0
                ) -> protocol.Reply:
        command_id = uuid.uuid4().hex
        event = self.replies[command_id] = threading.Event()
        self.client.publish(self.topics.device_cmd(self.device_id),
                            protocol.encode_command(command_id, op, args), 1)
        if not event.wait(timeout):
            raise TimeoutError(f"{self.device_id}: no reply to {op}")
        del self.replies[command_id]
        return self.answers.pop(command_id)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class Boards:
    """The hall's boards as `mosquitto_sub` processes, each its own QoS 1 connection
    subscribed as a display board is (every event, the board's state): plain MQTT clients in
    C, as on machines of their own, so they take no CPU or GIL from the measuring client.
    Each writes every message it gets with the wall time it got it."""

    def __init__(self, url: str, site: str, n: int, folder: Path) -> None:
        address = parse_broker_url(url)
        self.topics = protocol.Topics(site)
        self.files = [folder / f"board-{i}.txt" for i in range(1, n + 1)]
        self.processes = [subprocess.Popen(
            ["mosquitto_sub", "-h", address.host, "-p", str(address.port), "-q", "1",
             "-i", f"bench-board-{i}", "-t", self.topics.all_events, "-t",
             self.topics.board_state, "-F", "%U %t %p"],
            stdout=file.open("w"), stderr=subprocess.DEVNULL)
            for i, file in enumerate(self.files, 1)]

    def wait_ready(self, client: mqtt.Client, timeout: float = 10.0) -> None:
        """Until every board has heard a marker event: all of them are subscribed."""
        marker = self.topics.event("bench.ready")
        deadline = time.monotonic() + timeout
        while not all(marker in f.read_text() for f in self.files):
            if time.monotonic() > deadline:
                raise RuntimeError("the boards (mosquitto_sub) did not subscribe")
            client.publish(marker, b"{}", 1)
            time.sleep(0.1)

    def heard_calls(self) -> list[tuple[str, float]]:
        """Stops the boards; when each heard each `ticket.called`: (number, wall time)."""
        for process in self.processes:
            process.terminate()
            process.wait(10)
        called = self.topics.event("ticket.called")
        found = []
        for file in self.files:
            for line in file.read_text().splitlines():
                at, topic, payload = line.split(" ", 2)
                if topic == called:
                    found.append((msgspec.json.decode(payload)["number"], float(at)))
        return found


def mqtt_floor(url: str, samples: int) -> list[float]:
    """Round trips to a paho client that answers in its callback, through the same broker,
    QoS 1 both ways: what any hub's round trip starts from."""
    address = parse_broker_url(url)
    echo = new_client(address, f"bench-echo-{uuid.uuid4().hex[:6]}", clean_session=True)
    echo.on_connect = lambda client, *_: client.subscribe("bench/echo/cmd", 1)
    echo.on_message = lambda client, _, message: client.publish("bench/echo/reply",
                                                                 message.payload, 1)
    answered, ready = threading.Event(), threading.Event()
    asker = new_client(address, f"bench-ask-{uuid.uuid4().hex[:6]}", clean_session=True)
    asker.on_connect = lambda client, *_: client.subscribe("bench/echo/reply", 1)
    asker.on_subscribe = lambda *_: ready.set()
    asker.on_message = lambda *_: answered.set()
    for client in (echo, asker):
        client.connect(address.host, address.port)
        client.loop_start()
    ready.wait(10)
    time.sleep(0.2)  # the echo's subscription too
    payload = protocol.encode_command("x" * 32, "ticket.issue", {"service": "s00"})
    times = []
    for _ in range(samples):
        answered.clear()
        t0 = time.perf_counter()
        asker.publish("bench/echo/cmd", payload, 1)
        if answered.wait(5):
            times.append(time.perf_counter() - t0)
    for client in (echo, asker):
        client.disconnect()
        client.loop_stop()
    return times


def bench_hub(n_counters: int, n_kiosks: int, n_boards: int, seconds: float, samples: int
              ) -> None:
    text = bench_config_text(n_counters, n_kiosks, n_boards)
    config = parse_config(text, "<bench config>")
    site = config.center.site
    services = [s.id for s in config.services]
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp, ManagedBroker(
            data_dir=Path(tmp) / "broker") as broker:
        config_path = Path(tmp) / "bench.toml"
        config_path.write_text(text)
        hub = subprocess.Popen(
            [sys.executable, "-m", "qms.cli", "--log-level", "WARNING", "hub", "--broker",
             broker.url, "--config", str(config_path), "--db", f"{tmp}/ledger.db",
             "--always-open", "--no-managed-broker"],
            stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/hub.log", "w"))  # noqa: SIM115
        call_sent: dict[str, float] = {}
        lock = threading.Lock()
        boards = Boards(broker.url, site, n_boards, Path(tmp))
        try:
            kiosks = [BenchDevice(broker.url, site, f"kiosk-{i}") for i in range(1, n_kiosks + 1)]
            counters = [BenchDevice(broker.url, site, f"counter-{i}")
                        for i in range(1, n_counters + 1)]
            everyone = kiosks + counters
            for device in everyone:
                device.ready.wait(10)
            boards.wait_ready(kiosks[0].client)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # the hub is up when it answers
                try:
                    kiosks[0].request("counter.call_next", timeout=1)
                    break
                except TimeoutError:
                    continue
            for c in counters:
                c.request("counter.open", {"pin": BENCH_PIN})

            floor = mqtt_floor(broker.url, samples)
            # Latency: one citizen and one officer at a time, all other devices connected.
            issue_rt, call_rt = [], []
            counter = counters[0]
            served = config.counter("1").services[0]
            for i in range(samples):
                t0 = time.perf_counter()
                reply = kiosks[i % n_kiosks].request("ticket.issue", {"service": served})
                issue_rt.append(time.perf_counter() - t0)
                if not reply.ok:
                    raise RuntimeError(f"ticket.issue refused: {reply.error}")
                number = reply.result["ticket"]["number"]
                call_sent[number] = time.time()  # the boards' clock
                t0 = time.perf_counter()
                counter.request("counter.call_next")
                call_rt.append(time.perf_counter() - t0)
                counter.request("ticket.done")
            time.sleep(0.5)
            hub_rss_idle = rss_mb(hub.pid)

            # Throughput: every kiosk and counter in a closed loop at once.
            done_commands = [0]
            stop = time.monotonic() + seconds

            def kiosk_loop(device: BenchDevice) -> None:
                rng = random.Random(device.device_id)
                while time.monotonic() < stop:
                    device.request("ticket.issue", {"service": rng.choice(services)})
                    with lock:
                        done_commands[0] += 1

            def counter_loop(device: BenchDevice) -> None:
                while time.monotonic() < stop:
                    reply = device.request("counter.call_next")
                    with lock:
                        done_commands[0] += 1
                    if reply.ok:
                        device.request("ticket.done")
                        with lock:
                            done_commands[0] += 1
                    else:
                        time.sleep(0.05)

            threads = [threading.Thread(target=kiosk_loop, args=(k,)) for k in kiosks]
            threads += [threading.Thread(target=counter_loop, args=(c,)) for c in counters]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            hub_rss_loaded = rss_mb(hub.pid)
            for device in everyone:
                device.close()
            per_board = [at - call_sent[number] for number, at in boards.heard_calls()
                         if number in call_sent]
        finally:
            for process in boards.processes:
                process.kill()
            hub.send_signal(2)
            hub.wait(10)
    _table(
        f"hub over Mosquitto on loopback: {n_counters} counters, {n_kiosks} kiosks, "
        f"{n_boards} boards as separate connections ({samples} samples each)",
        ["measure", "p50 ms", "p99 ms", "n"],
        [["ticket.issue round trip", f"{_ms(issue_rt, .5):.2f}", f"{_ms(issue_rt, .99):.2f}",
          len(issue_rt)],
         ["counter.call_next round trip", f"{_ms(call_rt, .5):.2f}", f"{_ms(call_rt, .99):.2f}",
          len(call_rt)],
         ["call -> board ticket.called", f"{_ms(per_board, .5):.2f}",
          f"{_ms(per_board, .99):.2f}", len(per_board)],
         ["(MQTT floor: a paho echo)", f"{_ms(floor, .5):.2f}", f"{_ms(floor, .99):.2f}",
          len(floor)]],
    )
    _table("hub under load (closed loops: every kiosk and counter at once)",
           ["seconds", "commands", "commands/s", "hub RSS idle MB", "hub RSS loaded MB"],
           [[f"{elapsed:.1f}", done_commands[0], f"{done_commands[0] / elapsed:,.0f}",
             f"{hub_rss_idle:.0f}", f"{hub_rss_loaded:.0f}"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    configure(parser)
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
