"""Backups of the ledger while the hub runs, their check, and a checked restore.

    python -m broker.service.backup backup  --db data/ledger.db --to backups/ledger-2026-11-21.db
    python -m broker.service.backup verify  backups/ledger-2026-11-21.db
    python -m broker.service.backup restore --from backups/ledger-2026-11-21.db --db data/ledger.db

`backup` uses SQLite's online backup API from its own connection, in one step: it copies one
consistent snapshot (a read transaction on the WAL) while the hub goes on writing. `verify`
runs SQLite's integrity check, checks the schema version, and replays every day's commands
through the engine: each must be accepted again, and the replayed tickets must equal the
ticket rows stored beside them. `restore` verifies first, then puts the copy in place
atomically (stop the hub before, start it after: it rebuilds today from the restored file).
A restore brings back what the backup held; tickets issued after it are not in it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from broker.core.engine import QueueEngine
from broker.service.ledger import _TICKET_COLUMNS, MIGRATIONS, Ledger, _ticket_row
from config import ConfigError, load_config
from config.load import DEFAULT_CONFIG
from config.schema import CenterConfig

log = logging.getLogger("qms.backup")


class BackupError(Exception):
    pass


class _ReadOnlyLedger(Ledger):
    """The ledger's own replay and queries over a read-only connection: checking a backup
    must not change it (the Ledger constructor would migrate and switch it to WAL)."""

    def __init__(self, path: Path) -> None:  # no super(): it writes
        self.path = path
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@dataclass
class Verified:
    path: Path
    schema: int = 0
    days: int = 0
    commands: int = 0
    tickets: int = 0
    ratings: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        state = "OK" if self.ok else f"{len(self.problems)} PROBLEMS"
        return (f"{self.path}: {state}: schema {self.schema}, {self.days} days, "
                f"{self.commands} commands, {self.tickets} tickets, {self.ratings} ratings")


def backup(db: Path, target: Path) -> Path:
    """A consistent copy of a live ledger. Written to a temporary name, then renamed."""
    if not db.exists():
        raise BackupError(f"there is no ledger at {db}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    destination = sqlite3.connect(partial)
    try:
        # pages=-1: the whole file in one step, so one snapshot; the hub's writes go on into
        # the WAL meanwhile and are simply not in this copy.
        source.backup(destination, pages=-1)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        destination.close()
        source.close()
    _fsync(partial)
    os.replace(partial, target)
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(path: Path, config: CenterConfig) -> Verified:
    result = Verified(path)
    if not path.exists():
        result.problems.append("no such file")
        return result
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            result.problems.append(f"integrity check: {check[:5]}")
            return result
        result.schema = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        days = [row[0] for row in conn.execute("SELECT DISTINCT day FROM commands ORDER BY day")]
        result.days = len(days)
        result.commands = conn.execute("SELECT count(*) FROM commands").fetchone()[0]
        result.tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        result.ratings = conn.execute("SELECT count(*) FROM ratings").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result.problems.append(f"not a ledger: {exc}")
        return result
    finally:
        conn.close()
    newest = max(version for version, _ in MIGRATIONS)
    # An older ledger is brought up to date by the hub that opens it; a newer one is not ours.
    if result.schema > newest:
        result.problems.append(f"schema version {result.schema} is newer than this hub's "
                               f"{newest}")
    _replay(path, config, days, result)
    return result


def _replay(path: Path, config: CenterConfig, days: list[str], result: Verified) -> None:
    """Every day replays through the engine to exactly the ticket rows stored."""
    copy = _ReadOnlyLedger(path)
    # The tokens of the tickets' web pages, which the web face's ratings prove.
    engine = QueueEngine(config, enforce_hours=False, token_secret=copy.stored_secret())
    # The ledger logs a warning for each command that no longer replays; count them.
    refused: list[logging.LogRecord] = []
    handler = _Collect(refused)
    ledger_log = logging.getLogger("broker.service.ledger")
    ledger_log.addHandler(handler)
    try:
        for day_text in days:
            day = date.fromisoformat(day_text)
            state = copy.rebuild(engine, day)
            stored = {row["id"]: row for row in copy.ticket_rows(day)}
            replayed = {t.id: t for t in state.tickets.values()}
            if set(stored) != set(replayed):
                result.problems.append(
                    f"{day}: {len(set(stored) ^ set(replayed))} tickets differ between the "
                    "ticket rows and the replay")
                continue
            for ticket_id, ticket in replayed.items():
                row = dict(zip(_TICKET_COLUMNS, _ticket_row(ticket, day, stored[ticket_id]
                                                            ["command_seq"]), strict=True))
                if row != stored[ticket_id]:
                    result.problems.append(f"{day}: ticket {ticket.number} replays differently")
                    break
    finally:
        copy.close()
        ledger_log.removeHandler(handler)
    if refused:
        result.problems.append(f"{len(refused)} commands no longer replay: "
                               f"{refused[0].getMessage()}")


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def restore(source: Path, db: Path, config: CenterConfig, *, force: bool = False) -> Verified:
    checked = verify(source, config)
    if not checked.ok:
        raise BackupError(f"not restoring a backup that fails its check: {checked.describe()}; "
                          f"{checked.problems[0]}")
    if db.exists() and not force:
        raise BackupError(f"{db} exists; stop the hub and pass --force to replace it")
    db.parent.mkdir(parents=True, exist_ok=True)
    incoming = db.with_name(db.name + ".restoring")
    incoming.unlink(missing_ok=True)
    backup(source, incoming)
    # The old file's WAL must not be replayed onto the restored one.
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, db)
    restored = verify(db, config)
    if not restored.ok:
        raise BackupError(f"the restored ledger fails its check: {restored.problems[0]}")
    return restored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default=str(DEFAULT_CONFIG),
                        help="the center config the ledger was written under")
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("backup", help="an online copy of the ledger, then its check")
    make.add_argument("--db", default="data/ledger.db")
    make.add_argument("--to", required=True)
    check = sub.add_parser("verify", help="check a backup (or a ledger)")
    check.add_argument("path")
    put = sub.add_parser("restore", help="verify a backup and put it in place of the ledger")
    put.add_argument("--from", dest="source", required=True)
    put.add_argument("--db", default="data/ledger.db")
    put.add_argument("--force", action="store_true", help="replace an existing ledger")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(message)s")
    try:
        config = load_config(args.config)
        if args.command == "backup":
            target = backup(Path(args.db), Path(args.to))
            checked = verify(target, config)
        elif args.command == "verify":
            checked = verify(Path(args.path), config)
        else:
            checked = restore(Path(args.source), Path(args.db), config, force=args.force)
            print(f"restored {args.source} to {args.db}")
    except (BackupError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(checked.describe())
    for problem in checked.problems:
        print(f"PROBLEM: {problem}")
    return 0 if checked.ok else 1


if __name__ == "__main__":
    sys.exit(main())
