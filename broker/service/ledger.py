"""The ledger: every accepted command, its reply, the ticket rows it changed and its events,
each in one SQLite transaction (WAL, synchronous FULL). Today's state is rebuilt by replaying
today's commands through the engine, which is pure, so the replay gives the same state.
"""

from __future__ import annotations

import hashlib
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
from broker.core.day_end import DAY_CLOSE_OP, close_day, fit_state
from broker.core.engine import OPS, Accepted, QueueEngine
from broker.core.queue_state import QueueState, Ticket
from broker.service import ledger_guard
from config.schema import CenterConfig

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
    # History does not depend on today's config: each config a command was applied under is
    # kept once, by hash, and the command names it, so a replay uses the config the day was
    # lived with. A refusal keeps its args, so that an id sent again with other args is told
    # `id_conflict`. A ticket row is written once: a new ticket is a plain INSERT (an id seen
    # before fails the commit), and a later change may not turn the row into another ticket.
    (3, """
    CREATE TABLE configs (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        first_used TEXT NOT NULL
    );
    ALTER TABLE commands ADD COLUMN config INTEGER REFERENCES configs(id);
    ALTER TABLE refusals ADD COLUMN args TEXT;
    CREATE TRIGGER tickets_written_once BEFORE UPDATE ON tickets
    WHEN NEW.id IS NOT OLD.id OR NEW.day IS NOT OLD.day OR NEW.number IS NOT OLD.number
        OR NEW.seq IS NOT OLD.seq OR NEW.origin_service IS NOT OLD.origin_service
        OR NEW.issued_at IS NOT OLD.issued_at OR NEW.priority IS NOT OLD.priority
    BEGIN
        SELECT RAISE(ABORT, 'ticket id already written for another ticket');
    END;
    """),
    # The site's secrets, made once by the hub: the key of the tickets' web page tokens. In
    # the ledger (and its backups), so that a replay or a restored hub gives the same tokens.
    (4, """
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
_INSERT_TICKET = (
    f"INSERT INTO tickets ({', '.join(_TICKET_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _TICKET_COLUMNS)})"
)
# A changed ticket: its row is updated, never replaced; the trigger of migration 3 refuses an
# update that would make it another ticket (another day, number, issue time...).
_UPSERT_TICKET = (
    f"{_INSERT_TICKET} ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _TICKET_COLUMNS if c != "id")
)
# The operation that creates a ticket: its row must be new.
_CREATES_TICKETS = frozenset({"ticket.issue"})


def _statements(sql: str) -> Iterator[str]:
    """The statements of a migration, whole (a trigger's body holds `;` of its own)."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if statement.strip():
        yield statement.strip()


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
    args: bytes | None = None  # as the accepted commands' args: to tell a reused id


@dataclass(frozen=True, slots=True)
class StoredCommand:
    seq: int
    id: str
    at: datetime
    device: str
    op: str
    args: bytes
    config: int | None = None  # the config it was applied under (None: before migration 3)


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """What the ledger holds for a command id: who sent it, what it asked, what it was told."""

    device: str
    op: str
    args: bytes | None  # None: a refusal stored before migration 3
    reply: bytes


class Ledger:
    def __init__(self, path: str | Path, *, synchronous: str = "FULL") -> None:
        self.path = Path(path)
        # A file that is not a sound ledger is refused (LedgerRefused), never taken for new.
        existed = ledger_guard.check_before_open(self.path)
        try:
            # One connection, used by one thread at a time: opened (and the day rebuilt)
            # where the hub is built, then used by the hub's own thread alone.
            self.conn = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ledger_guard.LedgerRefused(self.path, f"cannot be opened ({exc})") from exc
        try:
            if existed:
                ledger_guard.check_opened(self.path, self.conn, MIGRATIONS[-1][0])
            self.db = sqlite_utils.Database(self.conn)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA synchronous={synchronous}")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise ledger_guard.LedgerRefused(self.path, f"cannot be used ({exc})") from exc
        except ledger_guard.LedgerRefused:
            self.conn.close()
            raise
        self.config_id: int | None = None  # the config the commands recorded now live under

    def _migrate(self) -> None:
        if "schema_migrations" not in self.db.table_names():
            self.db["schema_migrations"].create({"version": int, "applied_at": str},
                                                pk="version")
        done = {row["version"] for row in self.db["schema_migrations"].rows}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            with self.conn:
                for statement in _statements(sql):
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

    def use_config(self, config: CenterConfig) -> int:
        """Keeps this config (once, by hash) and records the commands from now under it."""
        body = msgspec.json.encode(config)
        digest = hashlib.sha256(body).hexdigest()
        with self.conn:
            self.conn.execute(
                "INSERT OR IGNORE INTO configs(hash, body, first_used) VALUES (?, ?, ?)",
                (digest, body.decode(), datetime.now().astimezone().isoformat()))
            row = self.conn.execute("SELECT id FROM configs WHERE hash = ?", (digest,)).fetchone()
        self.config_id = row[0]
        return row[0]

    def config_by_id(self, config_id: int) -> CenterConfig:
        row = self.conn.execute("SELECT body FROM configs WHERE id = ?", (config_id,)).fetchone()
        if row is None:
            raise KeyError(f"config {config_id} is not in the ledger")
        return msgspec.json.decode(row[0].encode(), type=CenterConfig)

    def last_moment(self) -> datetime | None:
        """The time of the ledger's last command (or kept refusal): the hub's time never goes
        back before it."""
        times = []
        row = self.conn.execute("SELECT at FROM commands ORDER BY seq DESC LIMIT 1").fetchone()
        if row:
            times.append(datetime.fromisoformat(row[0]))
        row = self.conn.execute(
            "SELECT at FROM refusals ORDER BY rowid DESC LIMIT 1").fetchone()
        if row:
            times.append(datetime.fromisoformat(row[0]))
        return max(times) if times else None

    def last_day_before(self, day: date) -> date | None:
        row = self.conn.execute("SELECT max(day) FROM commands WHERE day < ?",
                                (day.isoformat(),)).fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def has_command(self, command_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM commands WHERE id = ?",
                                 (command_id,)).fetchone() is not None

    def refusals_by_device(self, day: date) -> dict[str, int]:
        return dict(self.conn.execute(
            "SELECT device, count(*) FROM refusals WHERE day = ? GROUP BY device",
            (day.isoformat(),)))

    def answer_for(self, command_id: str) -> StoredAnswer | None:
        """The command committed under this id (accepted or refused), if any."""
        row = self.conn.execute(
            "SELECT device, op, args, reply FROM commands WHERE id = ?1 "
            "UNION ALL SELECT device, op, args, reply FROM refusals WHERE id = ?1",
            (command_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredAnswer(row[0], row[1], row[2].encode() if row[2] is not None else None,
                            row[3].encode())

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
                "INSERT OR IGNORE INTO refusals(id, day, at, device, op, reply, args) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r.id, r.at.date().isoformat(), r.at.isoformat(), r.device, r.op,
                  r.reply.decode(), r.args.decode() if r.args is not None else None)
                 for r in refused])
        return seqs

    def _insert(self, command: Command, args: bytes, now: datetime, outcome: Accepted,
                reply: bytes) -> int:
        day = outcome.state.day
        cursor = self.conn.execute(
            "INSERT INTO commands(id, day, at, device, op, args, reply, config) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (command.id, day.isoformat(), now.isoformat(), command.device.id, command.op,
             args.decode(), reply.decode(), self.config_id),
        )
        seq = cursor.lastrowid
        assert seq is not None
        if outcome.tickets:
            # A new ticket's row is inserted, never replaced: an id issued before fails the
            # commit (sqlite3.IntegrityError) instead of overwriting that ticket.
            self.conn.executemany(
                _INSERT_TICKET if command.op in _CREATES_TICKETS else _UPSERT_TICKET,
                [_ticket_row(t, day, seq) for t in outcome.tickets]
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
        # A ledger not migrated yet (a backup checked read-only) has no config column.
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(commands)")}
        config = "config" if "config" in columns else "NULL"
        for seq, command_id, at, device, op, args, config_id in self.conn.execute(
            f"SELECT seq, id, at, device, op, args, {config} FROM commands WHERE day = ? "
            "ORDER BY seq", (day.isoformat(),),
        ):
            yield StoredCommand(seq, command_id, datetime.fromisoformat(at), device, op,
                                args.encode(), config_id)

    def booking_commands_before(self, day: date) -> Iterator[StoredCommand]:
        """The appointment commands of the days before `day` that may hold a booking still
        to come: a booking is made at most a horizon (at most 30 days) ahead."""
        first = day - timedelta(days=BOOKING_REPLAY_DAYS)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(commands)")}
        config = "config" if "config" in columns else "NULL"
        for seq, command_id, at, device, op, args, config_id in self.conn.execute(
            f"SELECT seq, id, at, device, op, args, {config} FROM commands WHERE day >= ? "
            "AND day < ? AND op LIKE 'booking.%' ORDER BY seq",
            (first.isoformat(), day.isoformat()),
        ):
            yield StoredCommand(seq, command_id, datetime.fromisoformat(at), device, op,
                                args.encode(), config_id)

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
        """The day's state, by replaying its commands through the engine, each under the
        config it was applied with (kept in the ledger), after the appointment commands of the
        days before (which made today's and later bookings); the state then fits `engine`'s
        config, which applies to what comes next."""
        engines = _Engines(self, engine)
        state: QueueState | None = None
        lived = engine  # the engine of the config the state was last made under
        for stored in [*self.booking_commands_before(day), *self.commands_of(day)]:
            if stored.op == DAY_CLOSE_OP:
                state = close_day(lived, state or lived.new_day(day), stored.at).state
                continue
            applying = engines.of(stored.config)
            if state is None:
                state = applying.new_day(day)
            elif applying is not lived:
                state = fit_state(applying, state)
            lived = applying
            device = lived.config.device(stored.device)
            spec = OPS.get(stored.op)
            if device is None or spec is None:
                log.warning("ledger: command %s from %s (%s) no longer fits the config; skipped",
                            stored.id, stored.device, stored.op)
                continue
            args = msgspec.json.decode(stored.args, type=spec.args)
            outcome = lived.apply(state, Command(stored.id, stored.op, args, device), stored.at)
            if isinstance(outcome, Accepted):
                state = outcome.state
            else:
                log.warning("ledger: command %s replays as %s under its config",
                            stored.id, outcome.code)
        if state is None:
            return engine.new_day(day)
        return engine.roll_to(fit_state(engine, state) if lived is not engine else state, day)

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


class _Engines:
    """One engine per config a day was lived with, made once each."""

    def __init__(self, ledger: Ledger, current: QueueEngine) -> None:
        self.ledger, self.current = ledger, current
        self.made: dict[int | None, QueueEngine] = {None: current}
        config_id = getattr(ledger, "config_id", None)  # a read-only copy has none
        if config_id is not None:
            self.made[config_id] = current

    def of(self, config_id: int | None) -> QueueEngine:
        engine = self.made.get(config_id)
        if engine is None:
            assert config_id is not None
            try:
                config = self.ledger.config_by_id(config_id)
            except (KeyError, msgspec.DecodeError) as exc:
                # A config this hub's schema cannot read any more (written by another
                # version): its commands replay under today's config, as before migration 3.
                log.warning("ledger: config %s cannot be read (%s); its commands replay under "
                            "the current config", config_id, exc)
                self.made[config_id] = self.current
                return self.current
            if msgspec.json.encode(config) == msgspec.json.encode(self.current.config):
                engine = self.current
            else:
                engine = QueueEngine(config, enforce_hours=self.current.enforce_hours)
            self.made[config_id] = engine
        return engine
