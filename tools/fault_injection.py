"""Fault injection: under simulated load, SIGKILL the hub at random moments, restart (and
kill) the broker, drop device connections; then check everything the devices were told
against the ledger and the retained state.

    python -m tools.fault_injection --kills 100 --broker-restarts 10

The promise checked: no ticket a kiosk was given is lost, none is given twice, every retried
command id resolves to one outcome, every counter's and service's retained state equals a
fresh rebuild from the ledger, and a board shows the truth within 2 s of recovery.

The pieces here (the hub as a process, a
watcher of the retained state, the truth rebuilt from the ledger) serve the fuzzer and the
soak too.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import paho.mqtt.client as mqtt

from broker.core.engine import QueueEngine
from broker.core.views import board_view, counter_view, service_view
from broker.mosquitto.managed import ManagedBroker, stop_process
from broker.service.ledger import Ledger
from broker.wire import protocol
from broker.wire.device_client import DeviceClient, RequestError
from broker.wire.mqtt_link import new_client, parse_broker_url
from config import load_config
from config.load import DEFAULT_CONFIG
from config.schema import CenterConfig
from qms.bench import BENCH_PIN, LOAD_TEST_LIMITS

ROOT = Path(__file__).resolve().parent.parent
RETRY_CODES = frozenset({"timeout", "not_connected", "unavailable"})
BOARD_DEADLINE_S = 2.0

# --- the pieces -------------------------------------------------------------------------------


class HubRunner:
    """`qms hub` as its own process, with opening hours off."""

    def __init__(self, broker_url: str, db: Path, config: Path, log: Path) -> None:
        self.broker_url, self.db, self.config, self.log = broker_url, db, config, log
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Spawns the hub; returns the wall time of the spawn (to match its `online`)."""
        spawned = time.time()
        command = [sys.executable, "-m", "qms.cli", "hub", "--broker", self.broker_url,
                   "--db", str(self.db), "--config", str(self.config), "--no-managed-broker",
                   "--always-open"]
        log = open(self.log, "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        return spawned

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            stop_process(self.process, interrupt=signal.SIGINT, grace_s=15)


class RetainedWatch:
    """A plain paho client holding the newest retained config/state/hub status, as raw
    JSON dicts (older revs dropped, as the contract says)."""

    def __init__(self, broker_url: str, site: str, name: str = "watch") -> None:
        self.topics = protocol.Topics(site)
        self.address = parse_broker_url(broker_url)
        self.state: dict[str, dict[str, Any]] = {}
        self.hub_status: dict[str, Any] | None = None
        self.lock = threading.Lock()
        self.client = new_client(self.address, f"{name}-{uuid.uuid4().hex[:8]}",
                                 clean_session=True)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.connect_async(self.address.host, self.address.port, keepalive=10)
        self.client.loop_start()

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        client.subscribe([(self.topics.all_state, 1), (self.topics.hub_status, 1)])

    def _on_message(self, client: mqtt.Client, userdata: object,
                    message: mqtt.MQTTMessage) -> None:
        if not message.payload:
            return
        try:
            decoded = msgspec.json.decode(message.payload)
        except msgspec.DecodeError:
            return
        with self.lock:
            if message.topic == self.topics.hub_status:
                self.hub_status = decoded
                return
            held = self.state.get(message.topic)
            if held is None or decoded.get("rev", 0) >= held.get("rev", 0):
                self.state[message.topic] = decoded

    def online_since(self, wall: float) -> bool:
        with self.lock:
            status = self.hub_status
        if not status or status.get("status") != "online" or not status.get("at"):
            return False
        return datetime.fromisoformat(status["at"]).timestamp() >= wall - 0.01

    def views(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {topic: _content(view) for topic, view in self.state.items()}

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def wait_until(predicate, timeout: float, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def _content(view: dict[str, Any]) -> dict[str, Any]:
    # What a view shows, without its envelope: `rev` differs with every publication.
    return {k: v for k, v in view.items() if k not in ("v", "rev")}


def _plain(value: Any) -> Any:
    # Through JSON, as a consumer sees it (tuples become lists, None stays null).
    return msgspec.json.decode(msgspec.json.encode(value))


def truth(config: CenterConfig, db: Path) -> dict[str, dict[str, Any]]:
    """Every retained state view as a fresh rebuild from the ledger says it must be."""
    engine = QueueEngine(config, enforce_hours=False)
    now = datetime.now().astimezone()
    ledger = Ledger(db)
    try:
        state = ledger.rebuild(engine, engine.local(now).date())
    finally:
        ledger.close()
    topics = protocol.Topics(config.center.site)
    views = {topics.service_state(s): service_view(engine, state, s, now) for s in state.services}
    views |= {topics.counter_state(k): counter_view(engine, state, k) for k in state.counters}
    views[topics.board_state] = board_view(engine, state, now)
    return {topic: _content(view) for topic, view in _plain(views).items()}


# A forecast recomputed from the clock (time already spent at busy counters): what the hub
# published a moment ago and a rebuild now may differ by the time in between.
CLOCK_FIELDS = frozenset({"ewt_s", "ewt_low_s", "ewt_high_s", "ewt_priority_low_s",
                          "ewt_priority_high_s"})


def _steady(view: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if view is None else {k: v for k, v in view.items() if k not in CLOCK_FIELDS}


def differences(expected: dict[str, dict[str, Any]], seen: dict[str, dict[str, Any]]
                ) -> list[str]:
    return [topic for topic, view in expected.items()
            if _steady(seen.get(topic)) != _steady(view)]


_HUB_FILES: list[Path] = []


def source_fingerprint() -> str:
    """The hub's code on disk: a restarted hub runs what is there now, the checker what it
    imported at the start, so an edit during a run would make them disagree."""
    if not _HUB_FILES:
        # Exactly the files a hub process loads, asked of a fresh interpreter.
        listed = subprocess.run(
            [sys.executable, "-c", "import sys, broker.service.main; print('\\n'.join(sorted("
             "m.__file__ for n, m in list(sys.modules.items()) if n.startswith(('broker', "
             "'config', 'qms')) and getattr(m, '__file__', None))))"],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout
        _HUB_FILES.extend(Path(line) for line in listed.splitlines() if line)
    return str(hash(tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size)
                          for f in _HUB_FILES)))


def describe(expected: dict[str, dict[str, Any]], seen: dict[str, dict[str, Any]],
             topic: str) -> str:
    """Which fields of one retained view differ: `field: published != rebuilt`."""
    have, want = _steady(seen.get(topic)) or {}, _steady(expected[topic]) or {}
    fields = sorted(k for k in {*have, *want} if have.get(k) != want.get(k))
    return "; ".join(f"{k}: {have.get(k)!r} != {want.get(k)!r}" for k in fields)[:600]


def lenient_config(path: Path) -> Path:
    """The demo center without daily limits, so a long run does not end in `hết số`."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^daily_limit = \d+\n", "", text) + LOAD_TEST_LIMITS,
                    encoding="utf-8")
    return path


def load_test_config(source: Path, path: Path) -> Path:
    """`source` as it is, but with the per-device rate limits out of a load test's way."""
    path.write_text(source.read_text(encoding="utf-8") + LOAD_TEST_LIMITS, encoding="utf-8")
    return path


def name_value_table(rows: list[tuple[str, Any]]) -> str:
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def print_outcome(table_text: str, problems: list[str]) -> int:
    """The end of a run: its figures, the first problems, and the exit status CI reads."""
    print(table_text)
    for problem in problems[:30]:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


def stop_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI timeout, a `kill`) unwinds like Ctrl-C: the hub and the broker a script
    started are stopped by its `finally`, not left behind."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


@dataclass
class Hall:
    """What every script here runs against: a real Mosquitto, the hub as its own process (not
    started yet) and a watch of the retained state, in a work folder."""

    workdir: Path
    config_path: Path
    config: CenterConfig
    broker: ManagedBroker
    hub: HubRunner
    watch: RetainedWatch
    tmp: tempfile.TemporaryDirectory | None = None

    @classmethod
    def start(cls, workdir: Path | None, prefix: str, config_path: Path | None = None) -> Hall:
        """In `workdir`, or a temporary folder; on `config_path`, or the lenient demo center."""
        tmp = tempfile.TemporaryDirectory(prefix=prefix) if workdir is None else None
        folder = Path(tmp.name) if tmp is not None else workdir
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True)
        path = (load_test_config(config_path, folder / "center.toml") if config_path
                else lenient_config(folder / "center.toml"))
        config = load_config(path)
        broker = ManagedBroker(data_dir=folder / "broker", embedded=False).start()
        hub = HubRunner(broker.url, folder / "ledger.db", path, folder / "hub.log")
        return cls(folder, path, config, broker, hub,
                   RetainedWatch(broker.url, config.center.site), tmp)

    def start_hub(self, timeout: float = 30.0) -> bool:
        """Spawns the hub; True once its retained status says it is online."""
        spawned = self.hub.start()
        return wait_until(lambda: self.watch.online_since(spawned), timeout)

    def close(self) -> None:
        self.watch.close()
        self.hub.stop()
        self.broker.close()
        if self.tmp is not None:
            self.tmp.cleanup()


# --- simulated devices ----------------------------------------------------------------------


@dataclass
class Exchange:
    """One command as a device saw it: sent (maybe several times under one id), answered."""

    device: str
    id: str
    op: str
    args: dict[str, Any]
    sends: int = 0
    ok: bool | None = None  # None: never answered
    result: dict[str, Any] | None = None
    code: str | None = None


class Gate:
    """Lets the fault driver pause the load between commands and know when all is quiet."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.busy = 0

    def enter(self) -> bool:
        while not self.running.wait(0.05):
            if self.stopping.is_set():
                return False
        if self.stopping.is_set():
            return False
        with self.lock:
            self.busy += 1
        return True

    def leave(self) -> None:
        with self.lock:
            self.busy -= 1

    def quiet(self) -> bool:
        with self.lock:
            return self.busy == 0


class SimDevice:
    """A device that never gives up on a command: it retries under the same id until the hub
    answers, as a kiosk must (the citizen is standing there)."""

    def __init__(self, url: str, site: str, device_id: str, role: str, gate: Gate,
                 exchanges: list[Exchange], lock: threading.Lock, deadline: float) -> None:
        self.device_id, self.gate = device_id, gate
        self.exchanges, self.lock, self.deadline = exchanges, lock, deadline
        self.client = DeviceClient(url, site, device_id, role=role, attempt_timeout=1.0,
                                   attempts=2).start()

    def request(self, op: str, args: dict[str, Any] | None = None) -> Exchange:
        exchange = Exchange(self.device_id, uuid.uuid4().hex, op, args or {})
        with self.lock:
            self.exchanges.append(exchange)
        while time.monotonic() < self.deadline:
            exchange.sends += 1
            try:
                exchange.result = self.client.request(op, args, command_id=exchange.id)
                exchange.ok = True
                return exchange
            except RequestError as exc:
                if exc.code in RETRY_CODES:
                    time.sleep(0.2)
                    continue
                exchange.ok, exchange.code = False, exc.code
                return exchange
        return exchange

    def drop(self) -> bool:
        """Cut the TCP connection under the client, as a pulled cable does."""
        sock = self.client.client.socket()
        if sock is None:
            return False
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        return True

    def stop(self) -> None:
        self.client.stop()


class Load:
    """Kiosks issuing tickets; counters calling, serving, finishing, missing; tablets rating."""

    def __init__(self, url: str, config: CenterConfig, *, kiosks: int, counters: int,
                 seed: int, deadline: float) -> None:
        self.config = config
        self.gate = Gate()
        self.exchanges: list[Exchange] = []
        self.lock = threading.Lock()
        self.errors: list[str] = []
        self.unexpected: Counter[str] = Counter()
        site = config.center.site
        self.counters = [k for k in config.counters][:counters]
        self.services = sorted({s for k in self.counters for s in k.services})

        def sim(device_id: str) -> SimDevice:
            device = config.device(device_id)
            assert device is not None, device_id
            return SimDevice(url, site, device_id, device.role, self.gate, self.exchanges,
                             self.lock, deadline)

        self.kiosks = [sim(f"kiosk-{i + 1}") for i in range(kiosks)]
        self.desks = [(k, sim(f"counter-{k.id}"), sim(f"tablet-{k.id}")) for k in self.counters]
        self.devices = [*self.kiosks, *(d for _, c, t in self.desks for d in (c, t))]
        self.threads: list[threading.Thread] = []
        self.random = random.Random(seed)

    def wait_connected(self) -> None:
        for device in self.devices:
            if not device.client.wait_connected(15):
                raise RuntimeError(f"{device.device_id} could not connect")

    def start(self) -> None:
        for i, kiosk in enumerate(self.kiosks):
            self.threads.append(threading.Thread(target=self._guard, args=(self._kiosk, kiosk,
                                                 random.Random(self.random.random() + i)),
                                                 name=kiosk.device_id, daemon=True))
        for counter, terminal, tablet in self.desks:
            self.threads.append(threading.Thread(
                target=self._guard, args=(self._desk, (counter, terminal, tablet),
                                          random.Random(self.random.random())),
                name=terminal.device_id, daemon=True))
        for thread in self.threads:
            thread.start()

    def _guard(self, body, who, rng: random.Random) -> None:
        try:
            body(who, rng)
        except Exception as exc:  # a bug in the harness must show, not hang the run
            self.errors.append(f"{threading.current_thread().name}: {exc!r}")

    def _step(self, device: SimDevice, op: str, args: dict[str, Any] | None = None
              ) -> Exchange | None:
        if not self.gate.enter():
            return None
        try:
            exchange = device.request(op, args)
        finally:
            self.gate.leave()
        if exchange.ok is False and exchange.code not in ("queue_empty",):
            self.unexpected[f"{op}: {exchange.code}"] += 1
        return exchange

    def _kiosk(self, kiosk: SimDevice, rng: random.Random) -> None:
        while not self.gate.stopping.is_set():
            args: dict[str, Any] = {"service": rng.choice(self.services)}
            if rng.random() < 0.1:
                args["reason"] = rng.choice(self.config.priority_groups).id
            if self._step(kiosk, "ticket.issue", args) is None:
                return
            time.sleep(rng.uniform(0.05, 0.2))

    def _desk(self, desk, rng: random.Random) -> None:
        counter, terminal, tablet = desk
        opened = self._step(terminal, "counter.open",
                            {"officer": counter.officer, "pin": BENCH_PIN})
        if opened is None:
            return
        while not self.gate.stopping.is_set():
            called = self._step(terminal, "counter.call_next")
            if called is None:
                return
            if not called.ok:
                if called.code == "ticket_in_progress":
                    self._step(terminal, "ticket.done")  # finish what the hub says we hold
                else:
                    time.sleep(0.1)
                continue
            roll = rng.random()
            if roll < 0.1:
                self._step(terminal, "ticket.no_show")
                continue
            if roll > 0.95:
                # Sent on, to another desk's service or to another desk itself.
                other = rng.choice([k for k in self.counters if k.id != counter.id])
                target = ({"counter": other.id} if rng.random() < 0.5
                          else {"service": rng.choice(other.services)})
                self._step(terminal, "ticket.transfer", target)
                continue
            if roll < 0.2:
                self._step(terminal, "counter.recall")
            if roll < 0.8:
                self._step(terminal, "ticket.serve")
            time.sleep(rng.uniform(0.0, 0.1))
            done = self._step(terminal, "ticket.done")
            if done is not None and done.ok and rng.random() < 0.5:
                ticket = called.result["ticket"]["id"]  # type: ignore[index]
                self._step(tablet, "rating.submit", {"ticket": ticket,
                                                     "score": rng.randint(1, 4)})

    def pause(self, timeout: float = 60.0) -> bool:
        """Stop new commands; True once every command under way is answered."""
        self.gate.running.clear()
        return wait_until(self.gate.quiet, timeout)

    def resume(self) -> None:
        self.gate.running.set()

    def stop(self) -> None:
        self.gate.stopping.set()
        self.gate.running.set()
        for thread in self.threads:
            thread.join(30)
        for device in self.devices:
            device.stop()


# --- the run --------------------------------------------------------------------------------


@dataclass
class Figures:
    cycles: int = 0
    hub_kills: int = 0
    broker_restarts: int = 0
    broker_kills: int = 0
    drops: int = 0
    commands: int = 0
    sends: int = 0
    retried: int = 0
    unanswered: int = 0
    tickets_given: int = 0
    ledger_tickets: int = 0
    lost: int = 0
    doubled_numbers: int = 0
    doubly_called: int = 0
    committed_unanswered: int = 0
    phantom_commands: int = 0
    reply_mismatches: int = 0
    state_checks: int = 0
    state_mismatches: int = 0
    hub_online_s: list[float] = field(default_factory=list)
    drain_s: list[float] = field(default_factory=list)
    board_s: list[float] = field(default_factory=list)
    fresh_board_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unexpected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Options:
    kills: int = 100
    broker_restarts: int = 10
    drops: int = 30
    kiosks: int = 2
    counters: int = 6
    seed: int = 1
    load_s: tuple[float, float] = (0.3, 1.5)
    workdir: Path | None = None
    max_s: float = 1800.0


def _wait_online(watch: RetainedWatch, hub: HubRunner, since: float, figures: Figures,
                 what: str, timeout: float = 30.0) -> bool:
    if wait_until(lambda: watch.online_since(since) or not hub.alive(), timeout) and hub.alive():
        figures.hub_online_s.append(time.time() - since)
        return True
    figures.problems.append(f"the hub did not come back online after {what}")
    return False


def _recover_and_check(load: Load, watch: RetainedWatch, board: DeviceClient, config: CenterConfig,
                       db: Path, broker_url: str, figures: Figures, since: float,
                       fresh: bool) -> None:
    """Load paused: wait until every device has its answer, then the retained state and the
    board must match the ledger."""
    started = time.time()
    if not load.pause():
        figures.problems.append("devices still waiting for answers 60 s after a recovery")
        return
    figures.drain_s.append(time.time() - started)
    expected = truth(config, db)
    quiet = time.monotonic()
    board_topic = watch.topics.board_state
    board_truth = protocol.decode(msgspec.json.encode(expected[board_topic]),
                                  protocol.BoardState)

    def board_right(client: DeviceClient) -> bool:
        held = client.cached(board_topic)
        return held is not None and msgspec.structs.replace(held, rev=0) == board_truth

    if wait_until(lambda: board_right(board), BOARD_DEADLINE_S):
        figures.board_s.append(time.monotonic() - quiet)
    else:
        figures.problems.append(f"the board did not show the truth within "
                                f"{BOARD_DEADLINE_S} s of recovery (cycle {figures.cycles})")
    figures.state_checks += 1
    if not wait_until(lambda: not differences(expected, watch.views()), BOARD_DEADLINE_S):
        seen = watch.views()
        wrong = differences(expected, seen)
        figures.state_mismatches += 1
        figures.problems.append(f"retained state differs from the ledger's rebuild after "
                                f"cycle {figures.cycles}: {wrong[:5]}; {wrong[0]}: "
                                f"{describe(expected, seen, wrong[0])}")
    held = Counter(view["ticket"]["id"] for topic, view in watch.views().items()
                   if "/state/counters/" in topic and view.get("ticket"))
    if any(n > 1 for n in held.values()):
        figures.problems.append(f"two counters hold one ticket: {held.most_common(1)}")
    if fresh:
        # A board that starts now must be right from the retained state alone.
        joined = time.monotonic()
        newcomer = DeviceClient(broker_url, config.center.site, "board-zone-a",
                                role="board").start()
        if wait_until(lambda: board_right(newcomer), BOARD_DEADLINE_S):
            figures.fresh_board_s.append(time.monotonic() - joined)
        else:
            figures.problems.append("a board started after recovery did not show the truth "
                                    "within 2 s")
        newcomer.stop()


def final_checks(load: Load, config: CenterConfig, db: Path, figures: Figures) -> None:
    """Everything each device was told, against the ledger."""
    exchanges = list(load.exchanges)
    figures.commands = len(exchanges)
    figures.sends = sum(e.sends for e in exchanges)
    figures.retried = sum(1 for e in exchanges if e.sends > 1)
    figures.unanswered = sum(1 for e in exchanges if e.ok is None)
    sent = {e.id: e for e in exchanges}
    ledger = Ledger(db)
    try:
        day = QueueEngine(config).local(datetime.now().astimezone()).date().isoformat()
        rows = ledger.conn.execute("SELECT id, device, op, reply FROM commands WHERE day = ?",
                                   (day,)).fetchall()
        tickets = ledger.conn.execute("SELECT id, service, number FROM tickets WHERE day = ?",
                                      (day,)).fetchall()
    finally:
        ledger.close()
    committed = {row[0]: row for row in rows}
    given = {e.result["ticket"]["id"]: e for e in exchanges
             if e.op == "ticket.issue" and e.ok and e.result}
    figures.tickets_given = len(given)
    figures.ledger_tickets = len(tickets)
    in_ledger = {t[0]: t for t in tickets}
    lost = [t for t in given if t not in in_ledger]
    figures.lost = len(lost)
    if lost:
        figures.problems.append(f"tickets given but not in the ledger: {lost[:5]}")
    numbers = Counter((t[1], t[2]) for t in tickets)
    figures.doubled_numbers = sum(1 for n in numbers.values() if n > 1)
    if len({e.result["ticket"]["number"] + e.result["ticket"]["service"]  # type: ignore[index]
            for e in given.values()}) != len(given):
        figures.doubled_numbers += 1
    if figures.doubled_numbers:
        figures.problems.append("a number was given twice in one service")
    called = Counter(e.result["ticket"]["id"] for e in exchanges  # type: ignore[index]
                     if e.op == "counter.call_next" and e.ok and e.result)
    # A ticket comes back to a queue only by a transfer; a second call_next needs one.
    transferred = Counter(e.result["ticket"]["id"] for e in exchanges  # type: ignore[index]
                          if e.op == "ticket.transfer" and e.ok and e.result)
    figures.doubly_called = sum(1 for t, n in called.items() if n > transferred[t] + 1)
    if figures.doubly_called:
        figures.problems.append("a ticket was called by call_next twice without a transfer")
    phantom = [cid for cid in committed if cid not in sent]
    figures.phantom_commands = len(phantom)
    if phantom:
        figures.problems.append(f"commands in the ledger that no device sent: {phantom[:5]}")
    unanswered_committed = [cid for cid in committed if cid in sent and sent[cid].ok is not True]
    figures.committed_unanswered = len(unanswered_committed)
    mismatched = []
    for exchange in exchanges:
        row = committed.get(exchange.id)
        if exchange.ok and row is None:
            mismatched.append(f"{exchange.op} {exchange.id}: answered ok, not in the ledger")
        elif exchange.ok and row is not None:
            stored = protocol.decode_reply(row[3].encode())
            if row[1] != exchange.device or _plain(stored.result) != _plain(exchange.result):
                mismatched.append(f"{exchange.op} {exchange.id}: the device was told something "
                                  "else than the ledger holds")
    # A command with no reply (the run ended while it retried) may be committed; one the device
    # was told was refused may not (a restarted hub judging it again had once done so).
    for cid in unanswered_committed:
        if sent[cid].ok is False:
            mismatched.append(f"{sent[cid].op} {cid}: refused to the device ({sent[cid].code}) "
                              "but committed")
    figures.reply_mismatches = len(mismatched)
    figures.problems += mismatched[:10]
    figures.unexpected = dict(load.unexpected)
    figures.problems += load.errors


def run(options: Options, out=print) -> Figures:
    figures = Figures()
    started = time.monotonic()
    rng = random.Random(options.seed)
    hall = Hall.start(options.workdir, "qms-faults-")
    workdir, config, broker, hub, watch = (hall.workdir, hall.config, hall.broker, hall.hub,
                                           hall.watch)
    load = board = None
    try:
        spawned = hub.start()
        if not _wait_online(watch, hub, spawned, figures, "the first start"):
            return figures
        deadline = time.monotonic() + options.max_s
        load = Load(broker.url, config, kiosks=options.kiosks, counters=options.counters,
                    seed=options.seed, deadline=deadline + 60)
        board = DeviceClient(broker.url, config.center.site, "board-hall", role="board").start()
        load.wait_connected()
        board.wait_connected(15)
        load.start()
        plan = (["kill"] * options.kills + ["broker"] * options.broker_restarts
                + ["drop"] * options.drops)
        rng.shuffle(plan)
        code = source_fingerprint()
        for fault in plan:
            if time.monotonic() > deadline:
                figures.problems.append(f"stopped at the time limit of {options.max_s} s")
                break
            if source_fingerprint() != code:
                figures.problems.append("the code under broker/ or config/ changed on disk "
                                        "during the run; stopped (restarted hubs would run "
                                        "other code than the checker)")
                break
            load.resume()
            time.sleep(rng.uniform(*options.load_s))
            figures.cycles += 1
            if fault == "drop":
                victims = rng.sample(load.devices, k=min(3, len(load.devices)))
                figures.drops += sum(1 for v in victims if v.drop())
                continue
            if fault == "kill":
                hub.kill()  # at a random moment of the load: commands are under way
                figures.hub_kills += 1
                time.sleep(rng.uniform(0.0, 0.3))  # devices retry into the broker meanwhile
                since = hub.start()
            else:
                since = time.time()
                if figures.broker_restarts % 2:
                    broker.kill()  # SIGKILL: no save of its in-memory store, as in a power cut
                    figures.broker_kills += 1
                else:
                    broker.stop()
                figures.broker_restarts += 1
                time.sleep(rng.uniform(0.0, 0.5))
                broker.start()
            if not _wait_online(watch, hub, since, figures, fault):
                break
            _recover_and_check(load, watch, board, config, workdir / "ledger.db", broker.url,
                               figures, since, fresh=figures.cycles % 5 == 0 or fault == "broker")
            if out is not None and figures.cycles % 10 == 0:
                out(f"  ... {figures.cycles} faults, {len(load.exchanges)} commands, "
                    f"{len(figures.problems)} problems, {time.monotonic() - started:.0f} s")
        load.resume()
        time.sleep(0.5)
        _recover_and_check(load, watch, board, config, workdir / "ledger.db", broker.url,
                           figures, time.time(), fresh=True)
        load.stop()
        final_checks(load, config, workdir / "ledger.db", figures)
    finally:
        if load is not None:
            load.stop()
        if board is not None:
            board.stop()
        hall.close()
    figures.seconds = time.monotonic() - started
    return figures


def _ms(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return (f"p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms (n={len(ordered)})")


def table(figures: Figures) -> str:
    rows = [
        ("faults injected (cycles)", figures.cycles),
        ("hub SIGKILLs", figures.hub_kills),
        ("broker restarts (of them SIGKILL)", f"{figures.broker_restarts} "
                                              f"({figures.broker_kills})"),
        ("device connections dropped", figures.drops),
        ("commands (distinct ids)", figures.commands),
        ("sends (with retries)", figures.sends),
        ("commands retried under their id", figures.retried),
        ("commands never answered", figures.unanswered),
        ("tickets given to kiosks", figures.tickets_given),
        ("tickets in the ledger", figures.ledger_tickets),
        ("tickets lost", figures.lost),
        ("numbers given twice", figures.doubled_numbers),
        ("tickets called twice by call_next", figures.doubly_called),
        ("committed, reply never received", figures.committed_unanswered),
        ("commands in the ledger nobody sent", figures.phantom_commands),
        ("replies differing from the ledger", figures.reply_mismatches),
        ("retained-state checks (mismatches)", f"{figures.state_checks} "
                                               f"({figures.state_mismatches})"),
        ("hub back online after a fault", _ms(figures.hub_online_s)),
        ("devices all answered after a fault", _ms(figures.drain_s)),
        ("board right after recovery", _ms(figures.board_s)),
        ("a new board right after connecting", _ms(figures.fresh_board_s)),
        ("refusals other than queue_empty", ", ".join(
            f"{k} x{v}" for k, v in sorted(figures.unexpected.items())) or "none"),
        ("problems", len(figures.problems)),
        ("run time", f"{figures.seconds:.0f} s"),
    ]
    return name_value_table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="hub SIGKILLs (%(default)s)")
    parser.add_argument("--broker-restarts", type=int, default=10,
                        help="broker restarts, every second one a SIGKILL (%(default)s)")
    parser.add_argument("--drops", type=int, default=30,
                        help="times 3 device connections are cut (%(default)s)")
    parser.add_argument("--kiosks", type=int, default=2)
    parser.add_argument("--counters", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="keep the ledger, logs and broker files here")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    # The devices' reconnect warnings are the faults we cause; the table tells the story.
    logging.basicConfig(level=logging.ERROR)
    options = Options(kills=args.kills, broker_restarts=args.broker_restarts, drops=args.drops,
                      kiosks=args.kiosks, counters=args.counters, seed=args.seed,
                      workdir=Path(args.workdir) if args.workdir else None,
                      max_s=args.max_seconds)
    print(f"fault injection: {options.kills} hub kills, {options.broker_restarts} broker "
          f"restarts, {options.drops} connection drops, seed {options.seed}")
    figures = run(options)
    return print_outcome(table(figures), figures.problems)


if __name__ == "__main__":
    sys.exit(main())
