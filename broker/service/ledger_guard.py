"""Is this file a sound ledger? Checked before the hub opens it.

A missing file is created. An existing file that is empty, is not an SQLite database, is not
a ledger, fails SQLite's quick check, is written by a newer hub, or cannot be written is
refused with one plain message that names the file and what to do; the hub then exits with
`EXIT_BAD_LEDGER`, which its systemd unit does not restart on (a restart would find the same
file). It is never taken for a new ledger: numbers would start again from the first.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

EXIT_BAD_LEDGER = 3  # `qms hub`: 2 is a config mistake, 3 a ledger it will not open
SQLITE_HEADER = b"SQLite format 3\x00"


class LedgerRefused(Exception):
    """A ledger file the hub will not open; str() is the whole message for the operator."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(
            f"ledger {path}: {problem}. The hub will not start on it (it would lose or "
            f"reissue the day's tickets). Stop the hub, move the file aside and restore the "
            f"last good backup: python -m broker.service.backup --config <center.toml> "
            f"restore --from <backup.db> --db {path} --force (check a backup first with: "
            f"python -m broker.service.backup verify <backup.db>)")


def check_before_open(path: Path) -> bool:
    """Raises LedgerRefused for a file that exists and is not a sound ledger; True if the file
    exists (a ledger to open), False if there is none yet (one is created)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        folder = path.parent if str(path.parent) else Path(".")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise LedgerRefused(path, f"there is none, and folder {folder} does not exist or "
                                "is not writable by this user") from None
        return False
    except OSError as exc:
        raise LedgerRefused(path, f"cannot be read ({exc.strerror})") from exc
    if not path.is_file():
        raise LedgerRefused(path, "is not a file")
    if size == 0:
        raise LedgerRefused(path, "is empty (0 bytes), not a ledger")
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LedgerRefused(path, f"cannot be read ({exc.strerror})") from exc
    if head != SQLITE_HEADER:
        raise LedgerRefused(path, "is not an SQLite database, so not a ledger")
    if not os.access(path, os.R_OK | os.W_OK):
        raise LedgerRefused(path, "is not writable by this user")
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK):
        # WAL mode needs its -wal and -shm files beside the ledger.
        raise LedgerRefused(path, f"its folder {folder} is not writable by this user")
    return True


def check_opened(path: Path, conn: sqlite3.Connection, newest_schema: int) -> None:
    """Once open: SQLite's quick check, the ledger's tables, a schema this hub knows, and a
    write. Raises LedgerRefused."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            # one line: SQLite's findings may hold line breaks, the message stays one line
            found = " ".join("; ".join(problems).split())
            raise LedgerRefused(path, f"is corrupt (SQLite quick check: {found})")
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "schema_migrations" not in tables:
            held = ", ".join(sorted(tables)[:5])
            raise LedgerRefused(path, "is an SQLite database but not a ledger (no "
                                f"schema_migrations table; it holds {held})")
        if "schema_migrations" in tables:
            version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
            # A ledger whose creation stopped before its first migration holds nothing yet.
            if version is None and tables - {"schema_migrations", "sqlite_sequence"}:
                raise LedgerRefused(path, "has tables but no migration recorded")
            if version is not None and "commands" not in tables:
                raise LedgerRefused(path, "has lost its commands table")
            if version is not None and version > newest_schema:
                raise LedgerRefused(path, f"was written by a newer hub (schema {version}; this "
                                    f"hub knows up to {newest_schema})")
        # A write that changes nothing: fails on a read-only file, folder or file system.
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        with conn:
            conn.execute(f"PRAGMA user_version = {int(user_version)}")
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            raise LedgerRefused(path, f"is not writable ({text})") from exc
        if "locked" in text or "busy" in text:
            raise LedgerRefused(path, f"is held by another process ({text}): is another hub "
                                "running on it?") from exc
        raise LedgerRefused(path, f"is corrupt or not a ledger (SQLite: {text})") from exc
