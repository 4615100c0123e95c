"""The hub's guards, judged before or after the engine and never committed: a rate limit per
device, the officer's PIN on opening a counter, and the erasing of notes whose retention
has ended (docs/privacy.md). The engine stays pure: none of this is queue state."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from broker.core.commands import OpenArgs
from broker.core.queue_state import CounterStatus, QueueState
from config.officer_pin import pin_matches
from config.schema import CenterConfig, Device

log = logging.getLogger("qms.hub")

# After this many wrong PINs for one officer within PIN_WINDOW, that officer's PIN is not
# checked for PIN_LOCK: a 4-digit PIN cannot be tried through from a terminal.
PIN_TRIES = 5
PIN_WINDOW = timedelta(minutes=15)
PIN_LOCK = timedelta(minutes=5)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: datetime
    refused: int = 0  # in the current burst of refusals


class RateLimiter:
    """A token bucket per device, on the hub's clock: `burst` commands at once, then
    `per_minute`. Over it, a command is answered `rate_limited` with when to retry and goes
    no further (not judged, not stored); the log says so once per burst."""

    def __init__(self, config: CenterConfig) -> None:
        self.config = config
        self._buckets: dict[str, _Bucket] = {}

    def take(self, device: Device, now: datetime) -> float | None:
        """None if the device may send this command now; else seconds until it may."""
        limit = self.config.rate_limit(device.role)
        bucket = self._buckets.get(device.id)
        if bucket is None:
            bucket = self._buckets[device.id] = _Bucket(float(limit.burst), now)
        elapsed = max(0.0, (now - bucket.at).total_seconds())  # a clock set back adds none
        bucket.tokens = min(float(limit.burst), bucket.tokens + elapsed * limit.per_minute / 60)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.refused:
                log.warning("%s is under its rate limit again (%d commands refused)",
                            device.id, bucket.refused)
                bucket.refused = 0
            return None
        if not bucket.refused:
            log.warning("%s is over its rate limit (%d at once, %g a minute): refusing its "
                        "commands with rate_limited", device.id, limit.burst, limit.per_minute)
        bucket.refused += 1
        return self.retry_after(device)

    def retry_after(self, device: Device) -> float:
        """Seconds until the device's bucket holds a whole command again."""
        limit = self.config.rate_limit(device.role)
        bucket = self._buckets.get(device.id)
        tokens = bucket.tokens if bucket is not None else float(limit.burst)
        return max(0.1, round((1.0 - tokens) * 60 / limit.per_minute, 1))


@dataclass(slots=True)
class PinCheck:
    """Whether a counter terminal's `counter.open` names an officer who proved it with the
    PIN. A manager console opens a counter without one (it acts with the manager's
    credentials); a paused counter resumed under the same officer needs none either."""

    config: CenterConfig
    _wrong: dict[str, list[datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [o.id for o in self.config.officers if not o.pin_hash]
        if missing:
            log.warning("officers without a PIN cannot open a counter from a terminal until "
                        "one is set (`qms officer set-pin`): %s", ", ".join(missing))

    def refusal(self, device: Device, args: OpenArgs, before: QueueState, after: QueueState,
                now: datetime) -> tuple[str, str] | None:
        if device.role != "counter" or device.counter is None:
            return None
        counter_id = device.counter
        opened = after.counters[counter_id]
        officer_id = opened.officer
        if officer_id is None:
            return None  # nobody to credit, nobody to impersonate
        held = before.counters.get(counter_id) if before.day == after.day else None
        if (held is not None and held.status is not CounterStatus.CLOSED
                and held.officer == officer_id):
            return None  # already signed in here: a resume
        officer = self.config.officer(officer_id)
        if officer is None or not officer.pin_hash:
            return ("pin_not_set", f"officer {officer_id} has no PIN yet; the IT person sets "
                    "one with `qms officer set-pin`")
        if not args.pin:
            return ("pin_required", f"officer {officer_id}: enter the PIN to open the counter")
        recent = [t for t in self._wrong.get(officer_id, ()) if now - t < PIN_WINDOW]
        if len(recent) >= PIN_TRIES and now - recent[-1] < PIN_LOCK:
            wait = PIN_LOCK - (now - recent[-1])
            return ("pin_locked", f"too many wrong PINs for officer {officer_id}; try again "
                    f"in {int(wait.total_seconds() // 60) + 1} min")
        if not pin_matches(officer.pin_hash, args.pin):
            self._wrong[officer_id] = [*recent, now]
            log.warning("%s: wrong PIN for officer %s (%d in %d min)", device.id, officer_id,
                        len(recent) + 1, PIN_WINDOW.seconds // 60)
            return ("wrong_pin", f"wrong PIN for officer {officer_id}")
        self._wrong.pop(officer_id, None)
        return None


# --- the officers' notes -----------------------------------------------------------------


def notes(conn: sqlite3.Connection, config: CenterConfig, first: date, last: date
          ) -> list[dict[str, Any]]:
    """The notes written on finished tickets from `first` to `last`, for the manager: read
    from the `ticket.done` commands in the ledger (their only copy)."""
    rows = conn.execute(
        "SELECT c.day, c.at, c.device, json_extract(c.args, '$.note'), e.data "
        "FROM commands c JOIN events e ON e.command_seq = c.seq AND e.kind = 'ticket.done' "
        "WHERE c.op = 'ticket.done' AND c.day BETWEEN ? AND ? "
        "AND coalesce(json_extract(c.args, '$.note'), '') != '' ORDER BY c.seq",
        (first.isoformat(), last.isoformat()))
    found = []
    for day, at, device, note, data in rows:
        event = _json(data)
        found.append({"day": day, "at": at, "device": device, "ticket": event.get("ticket"),
                      "number": event.get("number"), "service": event.get("service"),
                      "counter": event.get("counter"), "officer": event.get("officer"),
                      "note": note})
    return found


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def erase_expired_notes(conn: sqlite3.Connection, today: date, retention_days: int) -> int:
    """Blank the notes of the days before `today - retention_days` (in the commands' args
    and in any event that carried one before notes left the events); the number of
    commands changed. Replaying a day is unchanged: a note moves no ticket."""
    before = (today - timedelta(days=retention_days)).isoformat()
    with conn:
        changed = conn.execute(
            "UPDATE commands SET args = json_set(args, '$.note', '') "
            "WHERE op = 'ticket.done' AND day < ? "
            "AND coalesce(json_extract(args, '$.note'), '') != ''", (before,)).rowcount
        conn.execute(
            "UPDATE events SET data = json_remove(data, '$.note') WHERE kind = 'ticket.done' "
            "AND json_extract(data, '$.note') IS NOT NULL AND command_seq IN "
            "(SELECT seq FROM commands WHERE day < ?)", (before,))
    if changed:
        log.info("erased the notes of %d finished tickets from before %s (retention %d days)",
                 changed, before, retention_days)
    return changed


def erase_expired_reasons(conn: sqlite3.Connection, today: date, retention_days: int) -> int:
    """Forget why the priority tickets of the days before `today - retention_days` were
    priority (the ticket rows and the `ticket.issue` args, which then say `priority: true`
    alone, so a replay of the day gives the same tickets); the number of tickets changed."""
    before = (today - timedelta(days=retention_days)).isoformat()
    with conn:
        changed = conn.execute(
            "UPDATE tickets SET reason = NULL WHERE day < ? AND reason IS NOT NULL",
            (before,)).rowcount
        conn.execute(
            "UPDATE commands SET args = json_set(args, '$.priority', json('true'), "
            "'$.reason', NULL) WHERE op = 'ticket.issue' AND day < ? "
            "AND json_extract(args, '$.reason') IS NOT NULL", (before,))
    if changed:
        log.info("erased the priority reasons of %d tickets from before %s (retention %d "
                 "days)", changed, before, retention_days)
    return changed
