"""`qms hub`: the hub process."""

from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from broker.mosquitto.managed import ManagedBroker, port_open
from broker.service.hub import Hub, HubService
from broker.service.ledger import Ledger
from broker.service.ledger_guard import EXIT_BAD_LEDGER, LedgerRefused
from broker.wire.clock import DemoClock, wall_clock
from broker.wire.mqtt_link import parse_broker_url
from config import ConfigError, load_config
from config.load import add_config_option

log = logging.getLogger("qms.hub")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883",
                        help="the broker, mqtt://[user:password@]host:port (default %(default)s). "
                        "If it is on this machine and not running, and Mosquitto is installed, "
                        "the hub starts a private one there and stops it on exit.")
    add_config_option(parser)
    parser.add_argument("--db", default="data/ledger.db",
                        help="the SQLite ledger file, created if missing; a file that is not a "
                        f"sound ledger is refused (exit {EXIT_BAD_LEDGER}) "
                        "(default %(default)s)")
    parser.add_argument("--always-open", action="store_true",
                        help="ignore opening hours (demos and tests)")
    parser.add_argument("--no-managed-broker", action="store_true",
                        help="never start a broker; wait for the given one")
    parser.add_argument("--clock-start", type=datetime.fromisoformat, default=None,
                        help="demos and simulations: the hub's clock starts at this local time "
                        "(e.g. 2026-11-23T07:00)")
    parser.add_argument("--clock-speed", type=float, default=1.0,
                        help="demos and simulations: how much faster than real time the hub's "
                        "clock runs (default 1)")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        address = parse_broker_url(args.broker)
    except (ConfigError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    db = Path(args.db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        ledger = Ledger(db)
    except (LedgerRefused, sqlite3.DatabaseError, OSError) as exc:
        log.error("%s", _refused(db, exc))  # one plain message, no traceback
        return EXIT_BAD_LEDGER
    # Before anything starts: a Ctrl-C at any moment from here stops what did start.
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    managed = None
    local = address.host in ("127.0.0.1", "localhost")
    if local and not args.no_managed_broker and not port_open("127.0.0.1", address.port):
        managed = ManagedBroker(address.port, db.parent / "broker").start()
        log.info("started a private %s on %s", managed.kind, managed.url)
    clock = wall_clock
    if args.clock_start is not None or args.clock_speed != 1.0:
        start = args.clock_start or datetime.now()
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo(config.center.timezone))
        clock = DemoClock(start, args.clock_speed)
    try:
        hub = Hub(config, ledger, clock=clock, enforce_hours=not args.always_open)
    except sqlite3.DatabaseError as exc:  # corruption that the quick check did not see
        log.error("%s", _refused(db, exc))
        ledger.close()
        if managed is not None:
            managed.close()
        return EXIT_BAD_LEDGER
    service = HubService(hub, address)
    service.start()
    stopping.wait()
    log.info("stopping the hub")
    service.stop()
    if managed is not None:
        managed.close()
    return 0


def _refused(db: Path, exc: Exception) -> LedgerRefused:
    """The operator's message for a ledger the hub will not run on (exit EXIT_BAD_LEDGER,
    which the systemd unit does not restart on: the same file would be refused again)."""
    if isinstance(exc, LedgerRefused):
        return exc
    if isinstance(exc, OSError):
        return LedgerRefused(db, f"cannot be created or opened ({exc})")
    return LedgerRefused(db, f"cannot be read as a ledger (SQLite: {exc})")
