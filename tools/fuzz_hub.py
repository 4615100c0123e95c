"""Fuzz a running hub with hostile payloads on every device's command topic.

    python -m tools.fuzz_hub --count 100000

Hypothesis strategies make malformed, oversized, wrongly typed and hostile payloads: random
bytes, invalid UTF-8, deep nesting, huge numbers, JSON of every shape, the command envelope
with wrong versions, ids and ops, valid envelopes with bad arguments, and well-formed commands
from devices whose role does not allow them. A raw paho client publishes them to
`devices/<id>/cmd` of config devices and of ids nobody knows. After every batch a real device
must still get a correct answer; at the end every command in the ledger must trace back to a
payload that decodes as a valid command from the device whose topic it came on (garbage
creates nothing), the retained state must equal a rebuild from the ledger, and the hub must
still be the process it was.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import paho.mqtt.client as mqtt
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from broker.core.commands import OpenArgs
from broker.core.engine import OPS
from broker.service.ledger import Ledger
from broker.wire import protocol
from broker.wire.device_client import DeviceClient, RequestError
from broker.wire.mqtt_link import new_client, parse_broker_url
from config.schema import CenterConfig
from qms.proc_stats import rss_mb
from tools.fault_injection import (
    Hall,
    describe,
    differences,
    name_value_table,
    print_outcome,
    stop_cleanly_on_sigterm,
    truth,
    wait_until,
)

# Answers a real device may get while the fuzz also sends valid manager commands.
CANARY_CODES = frozenset({"service_closed", "daily_limit_reached"})
FIELDS = sorted({name for spec in OPS.values() for name in spec.args.__struct_fields__}
                | {"from", "v", "id", "op", "args", "device"})

# --- strategies -----------------------------------------------------------------------------


def _pool(config: CenterConfig) -> list[Any]:
    """Values that mean something to this center, so some payloads get deep into the engine."""
    values: list[Any] = [s.id for s in config.services] + [k.id for k in config.counters]
    values += [o.id for o in config.officers] + [d.id for d in config.devices]
    values += [g.id for g in config.priority_groups] + [r.id for r in config.rating.reasons]
    values += ["1001", "2001", "A001", "2026-01-01", "1900-01-01", "9999-12-31", "service",
               "counter", "hourly", "rating", 1, 2, 3, 4, 0, -1, True, False, None]
    return values


def strategies(config: CenterConfig) -> st.SearchStrategy[tuple[str, bytes]]:
    """(device id for the topic, payload)."""
    pool = _pool(config)
    devices = [d.id for d in config.devices]
    strangers = st.sampled_from(["counter-99", "kiosk-0", "qms-hub", "", "..", "$SYS",
                                 "kiosk-1 ", "KIOSK-1", "quầy-1", "x" * 200])
    device_ids = st.sampled_from(devices) | st.sampled_from(devices) | strangers | st.text(
        # Mosquitto itself throws out a client that names a topic with a control character,
        # a surrogate or a noncharacter (U+FDD0..U+FDEF, U+xFFFE/U+xFFFF), so those never
        # reach the hub; worse, paho sends that PUBLISH again after every reconnect (measured:
        # 8,662 disconnects in a loop). Such ids are left out.
        st.characters(blacklist_characters="/+#", blacklist_categories=("Cs", "Cc")).filter(
            _not_a_noncharacter), max_size=12)
    huge = st.integers(min_value=-(10**40), max_value=10**40)
    leaf = (st.none() | st.booleans() | st.integers() | huge | st.floats(allow_nan=False)
            | st.text(max_size=40) | st.sampled_from(pool))
    json_value = st.recursive(
        leaf, lambda inner: st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
        max_leaves=8)
    # Long values are made from a drawn length: drawing them char by char is slow.
    command_ids = (st.uuids().map(lambda u: u.hex) | st.text(max_size=12)
                   | st.integers(95, 130).map(lambda n: "é" * n)
                   | st.sampled_from(["", "0", "x" * 100, "x" * 101, "../../etc"]))
    ops = st.sampled_from(sorted(OPS)) | st.sampled_from(["", "ticket.Issue", "__class__",
                                                          "ticket.issue ", "counter."])
    versions = st.sampled_from([1, 1, 1, 1, 0, 2, "1", None, 1.0, 10**20, True])

    def encode(value: Any) -> bytes:
        return msgspec.json.encode(value)

    envelope_bad_args = st.fixed_dictionaries(
        {"v": versions, "id": command_ids, "op": ops,
         "args": st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_value,
                                 max_size=6) | json_value},
        optional={"extra": json_value, "device": st.sampled_from(devices)}).map(encode)
    wellformed = st.builds(
        lambda cid, op, args: encode({"v": 1, "id": cid, "op": op, "args": args}),
        st.uuids().map(lambda u: u.hex), st.sampled_from(sorted(OPS)),
        st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(pool), max_size=4))
    deep = st.builds(
        lambda depth, opener, closer, in_args: (
            b'{"v":1,"id":"deep-%d","op":"ticket.issue","args":{"service":' % depth
            + opener * depth + b"1" + closer * depth + b"}}") if in_args
        else opener * depth + b"1" + closer * depth,
        st.integers(1, 8000), st.just(b"["), st.just(b"]"), st.booleans())
    deep_objects = st.integers(1, 3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n)
    numbers = st.builds(
        lambda digits, op, name: b'{"v":1,"id":"n-%s","op":"%s","args":{"%s":%s}}' % (
            digits[:8].encode(), op.encode(), name.encode(), digits.encode()),
        st.text("0123456789", min_size=1, max_size=25)
        | st.integers(19, 6000).map(lambda n: "9" * n) | st.sampled_from(
            ["1e999", "-1e999", "1E400", "-0", "0.0000000000000000000001", "NaN", "Infinity"]),
        st.sampled_from(sorted(OPS)), st.sampled_from(FIELDS))
    bad_utf8 = st.builds(
        lambda junk, where: [b'{"v":1,"id":"', b'{"v":1,"id":"u","op":"', b'{"v":1,"id":"u",'
                             b'"op":"ticket.issue","args":{"service":"'][where] + junk + b'"}',
        st.binary(min_size=1, max_size=40).filter(_not_utf8), st.integers(0, 2))
    oversized = st.builds(
        lambda size: b'{"v":1,"id":"big-%d","op":"ticket.issue","args":{"service":"' % size
        + b"a" * size + b'"}}',
        st.integers(protocol.MAX_PAYLOAD - 120, protocol.MAX_PAYLOAD + 200)
        | st.integers(protocol.MAX_PAYLOAD, 64 * 1024) | st.just(200_000))
    payloads = st.one_of(
        st.binary(max_size=200), bad_utf8, json_value.map(encode), envelope_bad_args,
        envelope_bad_args, wellformed, wellformed, deep, deep_objects, numbers, oversized)
    return st.tuples(device_ids, payloads)


def _not_a_noncharacter(char: str) -> bool:
    point = ord(char)
    return not (0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE)


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# --- the run --------------------------------------------------------------------------------


@dataclass
class FuzzFigures:
    payloads: int = 0
    valid: int = 0
    bytes: int = 0
    batches: int = 0
    replies: int = 0
    disconnects: int = 0
    canaries: int = 0
    canary_failures: int = 0
    accepted: int = 0
    accepted_ops: dict[str, int] = field(default_factory=dict)
    untraceable: int = 0
    hub_tracebacks: int = 0
    traceback_kinds: dict[str, int] = field(default_factory=dict)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    generate_s: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


class Fuzzer:
    """The raw publisher: remembers every payload it sent, by device and command id."""

    def __init__(self, broker_url: str, site: str) -> None:
        self.topics = protocol.Topics(site)
        address = parse_broker_url(broker_url)
        self.client = new_client(address, f"fuzzer-{uuid.uuid4().hex[:8]}", clean_session=True)
        self.client.on_message = self._on_reply
        self.connected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.reconnect_delay_set(min_delay=0.05, max_delay=1)
        self.disconnects = 0
        self.client.connect_async(address.host, address.port, keepalive=30)
        self.client.loop_start()
        self.sent: dict[tuple[str, str], list[bytes]] = {}
        self.replies = 0
        self.valid = 0
        self.last: mqtt.MQTTMessageInfo | None = None
        self.count = 0
        self.bytes = 0

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        client.subscribe(f"{self.topics.root}/devices/+/reply", 1)
        self.connected.set()

    def _on_reply(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage
                  ) -> None:
        self.replies += 1

    def send(self, device_id: str, payload: bytes) -> None:
        # Only a payload that decodes as a valid command can ever become a ledger row; keep
        # those (all of them would hold hundreds of MB in a long run).
        try:
            incoming = protocol.decode_command(payload)
        except (protocol.Unanswerable, protocol.Refused, ValueError, RecursionError):
            incoming = None  # ValueError: invalid UTF-8 (UnicodeDecodeError), see above
        if incoming is not None:
            self.sent.setdefault((device_id, incoming.id), []).append(payload)
            self.valid += 1
        self.last = self.client.publish(self.topics.device_cmd(device_id), payload, 1)
        self.count += 1
        self.bytes += len(payload)
        if self.count % 500 == 0:
            self.flush()

    def _on_disconnect(self, *_: Any) -> None:
        self.connected.clear()
        self.disconnects += 1

    def flush(self) -> None:
        # Flow control: the broker has everything sent so far before more is made.
        if self.last is None:
            return
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not self.connected.is_set():
                time.sleep(0.02)  # the broker threw us out; paho reconnects
                continue
            try:
                if self.last.is_published():
                    return
                self.last.wait_for_publish(1)
            except RuntimeError:
                return  # published while the connection was down: gone, as it may be

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _traceable(sent: dict[tuple[str, str], list[bytes]], device: str, command_id: str, op: str,
               args: str) -> bool:
    """Some payload sent on this device's topic with this id decodes to this op and args."""
    for payload in sent.get((device, command_id), []):
        try:
            incoming = protocol.decode_command(payload)
        except (protocol.Unanswerable, protocol.Refused, ValueError, RecursionError):
            continue
        decoded = incoming.args
        if isinstance(decoded, OpenArgs):
            decoded = msgspec.structs.replace(decoded, pin=None)  # the ledger never keeps it
        if incoming.op == op and msgspec.json.decode(msgspec.json.encode(decoded)) == \
                msgspec.json.decode(args):
            return True
    return False


def run(count: int, *, batch: int = 2000, seed_value: int = 0, workdir: Path | None = None,
        out=print) -> FuzzFigures:
    figures = FuzzFigures()
    started = time.monotonic()
    hall = Hall.start(workdir, "qms-fuzz-")
    workdir, config, broker, hub, watch = (hall.workdir, hall.config, hall.broker, hall.hub,
                                           hall.watch)
    fuzzer = canary = None
    try:
        if not hall.start_hub():
            figures.problems.append("the hub did not come online")
            return figures
        pid = hub.pid
        figures.rss_start_mb = rss_mb(pid)
        fuzzer = Fuzzer(broker.url, config.center.site)
        canary = DeviceClient(broker.url, config.center.site, "kiosk-1", role="kiosk",
                              attempt_timeout=5.0, attempts=2).start()
        canary.wait_connected(15)
        fuzzer.connected.wait(15)
        strategy = strategies(config)
        services = [s.id for s in config.services]
        numbers_seen: set[str] = set()

        while figures.payloads < count:
            size = min(batch, count - figures.payloads)
            generating = time.monotonic()

            @seed(seed_value + figures.batches)
            @settings(max_examples=size, database=None, phases=[Phase.generate], deadline=None,
                      suppress_health_check=list(HealthCheck))
            @given(strategy)
            def publish(example: tuple[str, bytes]) -> None:
                fuzzer.send(*example)

            publish()
            figures.generate_s += time.monotonic() - generating
            sent_now = fuzzer.count - figures.payloads
            figures.payloads = fuzzer.count
            figures.batches += 1
            fuzzer.flush()
            # The canary, behind the whole batch in the hub's queue: a correct answer.
            service = services[figures.batches % len(services)]
            figures.canaries += 1
            try:
                ticket = canary.request("ticket.issue", {"service": service})["ticket"]
                key = f"{ticket['service']}/{ticket['number']}"
                if ticket["service"] != service or key in numbers_seen:
                    raise AssertionError(f"wrong ticket {key} for {service}")
                numbers_seen.add(key)
            except RequestError as exc:
                if exc.code not in CANARY_CODES:
                    figures.canary_failures += 1
                    figures.problems.append(f"batch {figures.batches}: the canary got {exc}")
            except AssertionError as exc:
                figures.canary_failures += 1
                figures.problems.append(f"batch {figures.batches}: {exc}")
            if not hub.alive() or hub.pid != pid:
                figures.problems.append("the hub process died")
                break
            if out is not None:
                out(f"  batch {figures.batches}: {sent_now} payloads, {figures.payloads} in all, "
                    f"hub RSS {rss_mb(pid):.1f} MB, {time.monotonic() - started:.0f} s")
        figures.replies = fuzzer.replies
        figures.disconnects = fuzzer.disconnects
        figures.bytes = fuzzer.bytes
        figures.valid = fuzzer.valid
        figures.rss_end_mb = rss_mb(pid)
        _check_ledger(config, workdir / "ledger.db", fuzzer.sent, figures)
        expected = truth(config, workdir / "ledger.db")
        if not wait_until(lambda: not differences(expected, watch.views()), 6.0):
            seen = watch.views()
            wrong = differences(expected, seen)
            figures.problems.append(f"retained state differs from the ledger's rebuild: "
                                    f"{wrong[:3]}; {describe(expected, seen, wrong[0])}")
    finally:
        if canary is not None:
            canary.stop()
        if fuzzer is not None:
            fuzzer.close()
        hub.stop()  # its whole log, before the folder may go
        log = (workdir / "hub.log").read_text(errors="replace")
        figures.hub_tracebacks = log.count("Traceback")
        kinds = Counter(line.split(":")[0] for line in log.splitlines()
                        if line and not line[0].isspace() and line.split(":")[0].endswith(
                            ("Error", "Exception")))
        figures.traceback_kinds = dict(kinds)
        if figures.hub_tracebacks or kinds:
            figures.problems.append(f"the hub raised on some payloads: {dict(kinds)}; "
                                    f"see {workdir / 'hub.log'}")
        hall.close()
    figures.seconds = time.monotonic() - started
    return figures


def _check_ledger(config: CenterConfig, db: Path, sent: dict[tuple[str, str], list[bytes]],
                  figures: FuzzFigures) -> None:
    """Garbage creates nothing: every accepted command is a valid one its device sent."""
    ledger = Ledger(db)
    try:
        rows = ledger.conn.execute("SELECT id, device, op, args FROM commands").fetchall()
        orphans = ledger.conn.execute(
            "SELECT count(*) FROM tickets WHERE command_seq NOT IN (SELECT seq FROM commands)"
        ).fetchone()[0]
    finally:
        ledger.close()
    ops: Counter[str] = Counter()
    for command_id, device, op, args in rows:
        if device == "kiosk-1" and op == "ticket.issue" and (device, command_id) not in sent:
            ops["(canary) ticket.issue"] += 1
            continue
        ops[op] += 1
        if not _traceable(sent, device, command_id, op, args):
            figures.untraceable += 1
            figures.problems.append(f"ledger command {command_id!r} ({device} {op}) does not "
                                    "come from a valid payload of that device")
    figures.accepted = len(rows)
    figures.accepted_ops = dict(ops)
    if orphans:
        figures.problems.append(f"{orphans} ticket rows without their command")


def table(figures: FuzzFigures) -> str:
    rate = figures.payloads / figures.seconds if figures.seconds else 0
    rows = [
        ("payloads published", f"{figures.payloads} ({figures.bytes / 1e6:.1f} MB)"),
        ("  of them valid commands (any role)", figures.valid),
        ("batches (each followed by a canary)", figures.batches),
        ("replies the hub sent to fuzzed topics", figures.replies),
        ("times the broker threw the fuzzer out", figures.disconnects),
        ("canary answers wrong or missing", f"{figures.canary_failures} of {figures.canaries}"),
        ("commands accepted into the ledger", figures.accepted),
        ("  by op", ", ".join(f"{k} x{v}" for k, v in sorted(figures.accepted_ops.items()))
         or "-"),
        ("ledger commands not traceable", figures.untraceable),
        ("exceptions logged by the hub", f"{figures.hub_tracebacks} "
         + (str(figures.traceback_kinds) if figures.traceback_kinds else "")),
        ("hub RSS start -> end", f"{figures.rss_start_mb:.1f} -> {figures.rss_end_mb:.1f} MB"),
        ("time generating (hypothesis)", f"{figures.generate_s:.0f} s"),
        ("run time", f"{figures.seconds:.0f} s ({rate:.0f} payloads/s)"),
        ("problems", len(figures.problems)),
    ]
    return name_value_table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="payloads (%(default)s)")
    parser.add_argument("--batch", type=int, default=2000,
                        help="payloads between canary checks (%(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", help="keep the ledger, the hub's log and broker files here")
    args = parser.parse_args(argv)
    stop_cleanly_on_sigterm()
    logging.basicConfig(level=logging.ERROR)
    print(f"fuzzing the hub with {args.count} payloads, seed {args.seed}")
    figures = run(args.count, batch=args.batch, seed_value=args.seed,
                  workdir=Path(args.workdir) if args.workdir else None)
    return print_outcome(table(figures), figures.problems)


if __name__ == "__main__":
    sys.exit(main())
