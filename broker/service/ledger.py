"""The ledger: every accepted command, its reply, the ticket rows it changed and its events,
each in one SQLite transaction (WAL, synchronous FULL). Today's state is rebuilt by replaying
today's commands through the engine, which is pure, so the replay gives the same state.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from broker.core.commands import Command
from broker.core.engine import OPS, Accepted, QueueEngine
from broker.core.queue_state import QueueState, Ticket

log = logging.getLogger(__name__)

BOOKING_REPLAY_DAYS = 31  # longer than the longest booking horizon (30 days)

# Numbered migrations: each runs once, in order, inside one transaction.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE commands (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        device TEXT NOT NULL,
        op TEXT NOT NULL,
        args TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    CREATE INDEX commands_day ON commands(day, seq);
    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        number TEXT NOT NULL,
        seq INTEGER NOT NULL,
        service TEXT NOT NULL,
        origin_service TEXT NOT NULL,
        priority INTEGER NOT NULL,
        reason TEXT,
        lang TEXT NOT NULL,
        state TEXT NOT NULL,
        counter TEXT,
        for_counter TEXT,
        officer TEXT,
        issued_at TEXT NOT NULL,
        first_called_at TEXT,
        called_at TEXT,
        served_at TEXT,
        finished_at TEXT,
        calls INTEGER NOT NULL,
        transfers INTEGER NOT NULL,
        rating INTEGER,
        command_seq INTEGER NOT NULL
    );
    CREATE INDEX tickets_day ON tickets(day);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        command_seq INTEGER NOT NULL REFERENCES commands(seq),
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE ratings (
        ticket TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        counter TEXT NOT NULL,
        officer TEXT,
        score INTEGER NOT NULL,
        reasons TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX ratings_day ON ratings(day);
    """),
    # A refusal judged on the queue's state (queue_empty, ticket_in_progress...) is kept like
    # an accepted command: a broker restored from an older save, or a hub killed before its
    # acknowledgement, delivers the command again, and a restarted hub must not accept what
    # the device was told was refused.
    (2, """
    CREATE TABLE refusals (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        device TEXT NOT NULL,
        op TEXT NOT NULL,
        reply TEXT NOT NULL
    );
    """),
    # The site's secrets, made once by the hub: the key of the tickets' web page tokens. In
    # the ledger (and its backups), so that a replay or a restored hub gives the same tokens.
    (3, """
    CREATE TABLE site_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """),
]

_TICKET_COLUMNS = (
    "id", "day", "number", "seq", "service", "origin_service", "priority", "reason", "lang",
    "state", "counter", "for_counter", "officer", "issued_at", "first_called_at", "called_at",
    "served_at", "finished_at", "calls", "transfers", "rating", "command_seq",
)
_UPSERT_TICKET = (
    f"INSERT OR REPLACE INTO tickets ({', '.join(_TICKET_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _TICKET_COLUMNS)})"
)


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _ticket_row(ticket: Ticket, day: date, command_seq: int) -> tuple:
    return (
        ticket.id, day.isoformat(), ticket.number, ticket.seq, ticket.service,
        ticket.origin_service, int(ticket.priority), ticket.reason, ticket.lang,
        ticket.state.value, ticket.counter, ticket.for_counter, ticket.officer,
        _at(ticket.issued_at), _at(ticket.first_called_at), _at(ticket.called_at),
        _at(ticket.served_at), _at(ticket.finished_at), ticket.calls, ticket.transfers,
        ticket.rating, command_seq,
    )


# An accepted command as the ledger stores it: the command, its args as JSON, when, what the
# engine made of it, and the reply the device gets.
Recorded = tuple[Command, bytes, datetime, Accepted, bytes]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A command the engine refused, and the reply the device got."""

    id: str
    device: str
    op: str
    at: datetime  # the center's local time
    reply: bytes


@dataclass(frozen=True, slots=True)
class StoredCommand:
    seq: int
    id: str
    at: datetime
    device: str
    op: str
    args: bytes


class Ledger:
    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        # One connection, used by one thread at a time: opened (and the day rebuilt) where the
        # hub is built, then used by the hub's own thread alone.
        self.conn = sqlite3.connect(self.path, check_same_thread=False)
        self.db = sqlite_utils.Database(self.conn)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(f"PRAGMA synchronous={synchronous}")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        if "schema_migrations" not in self.db.table_names():
            self.db["schema_migrations"].create({"version": int, "applied_at": str},
                                                pk="version")
        done = {row["version"] for row in self.db["schema_migrations"].rows}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            with self.conn:
                for statement in filter(str.strip, sql.split(";")):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)",
                    (version, datetime.now().astimezone().isoformat()),
                )
            log.info("ledger %s: migration %d applied", self.path, version)

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def close(self) -> None:
        self.conn.close()

    def site_secret(self, name: str = "ticket_token") -> bytes:
        """A secret of this site, made (32 random bytes) the first time it is asked for."""
        with self.conn:
            self.conn.execute("INSERT OR IGNORE INTO site_secrets(name, value) VALUES (?, ?)",
                              (name, secrets.token_hex(32)))
        return self.stored_secret(name)

    def stored_secret(self, name: str = "ticket_token") -> bytes:
        """The secret if the ledger holds it (b"" if not: an older ledger, read-only)."""
        try:
            row = self.conn.execute("SELECT value FROM site_secrets WHERE name = ?",
                                    (name,)).fetchone()
        except sqlite3.OperationalError:  # no such table: a ledger from before migration 3
            return b""
        return bytes.fromhex(row[0]) if row else b""

    def reply_for(self, command_id: str) -> tuple[str, bytes] | None:
        """The device that sent this command id and the reply it got, if it was committed
        (accepted or refused)."""
        row = self.conn.execute(
            "SELECT device, reply FROM commands WHERE id = ?1 "
            "UNION ALL SELECT device, reply FROM refusals WHERE id = ?1", (command_id,),
        ).fetchone()
        return (row[0], row[1].encode()) if row else None

    def record(self, command: Command, args: bytes, now: datetime, outcome: Accepted,
               reply: bytes) -> int:
        """Commit one accepted command with everything it changed; returns its seq."""
        return self.record_many([(command, args, now, outcome, reply)])[0]

    def record_many(self, accepted: Sequence[Recorded], refused: Sequence[Refusal] = ()
                    ) -> list[int]:
        """Commit accepted commands, in order, and refusals in one transaction (all or
        none); returns the accepted commands' seqs."""
        seqs = []
        with self.conn:
            for command, args, now, outcome, reply in accepted:
                seqs.append(self._insert(command, args, now, outcome, reply))
            self.conn.executemany(
                "INSERT OR IGNORE INTO refusals(id, day, at, device, op, reply) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(r.id, r.at.date().isoformat(), r.at.isoformat(), r.device, r.op,
                  r.reply.decode()) for r in refused])
        return seqs

    def _insert(self, command: Command, args: bytes, now: datetime, outcome: Accepted,
                reply: bytes) -> int:
        day = outcome.state.day
        cursor = self.conn.execute(
            "INSERT INTO commands(id, day, at, device, op, args, reply) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (command.id, day.isoformat(), now.isoformat(), command.device.id, command.op,
             args.decode(), reply.decode()),
        )
        seq = cursor.lastrowid
        assert seq is not None
        if outcome.tickets:
            self.conn.executemany(
                _UPSERT_TICKET, [_ticket_row(t, day, seq) for t in outcome.tickets]
            )
        if outcome.events:
            self.conn.executemany(
                "INSERT INTO events(command_seq, kind, at, data) VALUES (?, ?, ?, ?)",
                [(seq, e.kind, now.isoformat(), json.dumps(e.data, ensure_ascii=False))
                 for e in outcome.events],
            )
        if outcome.rating is not None:
            r = outcome.rating
            self.conn.execute(
                "INSERT INTO ratings(ticket, day, counter, officer, score, reasons, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (r.ticket, day.isoformat(), r.counter, r.officer, r.score,
                 json.dumps(list(r.reasons)), r.at.isoformat()),
            )
        return seq

    def commands_of(self, day: date) -> Iterator[StoredCommand]:
        for seq, command_id, at, device, op, args in self.conn.execute(
            "SELECT seq, id, at, device, op, args FROM commands WHERE day = ? ORDER BY seq",
            (day.isoformat(),),
        ):
            yield StoredCommand(seq, command_id, datetime.fromisoformat(at), device, op,
                                args.encode())

    def booking_commands_before(self, day: date) -> Iterator[StoredCommand]:
        """The appointment commands of the days before `day` that may hold a booking still
        to come: a booking is made at most a horizon (at most 30 days) ahead."""
        first = day - timedelta(days=BOOKING_REPLAY_DAYS)
        for seq, command_id, at, device, op, args in self.conn.execute(
            "SELECT seq, id, at, device, op, args FROM commands WHERE day >= ? AND day < ? "
            "AND op LIKE 'booking.%' ORDER BY seq", (first.isoformat(), day.isoformat()),
        ):
            yield StoredCommand(seq, command_id, datetime.fromisoformat(at), device, op,
                                args.encode())

    def erase_phones_before(self, day: date) -> int:
        """Erase the phone numbers of the bookings for days before `day` from the stored
        commands (the only place the ledger keeps them); returns how many were erased."""
        erased = 0
        with self.conn:
            for seq, args in self.conn.execute(
                "SELECT seq, args FROM commands WHERE op = 'booking.create' "
                "AND args LIKE '%\"phone\":\"%'"
            ).fetchall():
                data = json.loads(args)
                slot = datetime.fromisoformat(data["slot"])
                if data.get("phone") is None or slot.date() >= day:
                    continue
                data["phone"] = None
                self.conn.execute("UPDATE commands SET args = ? WHERE seq = ?",
                                  (json.dumps(data, ensure_ascii=False), seq))
                erased += 1
        return erased

    def rebuild(self, engine: QueueEngine, day: date) -> QueueState:
        """Today's state, by replaying today's commands through the engine (after the
        appointment commands of the days before, which made today's and later bookings)."""
        state = engine.new_day(day)
        for stored in [*self.booking_commands_before(day), *self.commands_of(day)]:
            device = engine.config.device(stored.device)
            spec = OPS.get(stored.op)
            if device is None or spec is None:
                log.warning("ledger: command %s from %s (%s) no longer fits the config; skipped",
                            stored.id, stored.device, stored.op)
                continue
            args = msgspec.json.decode(stored.args, type=spec.args)
            outcome = engine.apply(state, Command(stored.id, stored.op, args, device), stored.at)
            if isinstance(outcome, Accepted):
                state = outcome.state
            else:
                log.warning("ledger: command %s replays as %s under the current config",
                            stored.id, outcome.code)
        return engine.roll_to(state, day)

    def ticket_rows(self, day: date) -> list[dict[str, Any]]:
        cursor = self.conn.execute("SELECT * FROM tickets WHERE day = ? ORDER BY issued_at",
                                   (day.isoformat(),))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def backup(self, target: str | Path) -> None:
        """An online, consistent copy of the ledger while the hub keeps writing."""
        destination = sqlite_utils.Database(target).conn
        with destination:
            self.conn.backup(destination)
        destination.close()
