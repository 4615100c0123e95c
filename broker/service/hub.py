"""The hub: the one owner of the queue. Commands in over MQTT, engine + ledger, then the
reply (only after the commit), the changed retained state, and the events out."""

from __future__ import annotations

import functools
import logging
import secrets
import select
import socket
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, ParamSpec

import msgspec
import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

from broker.core.commands import (
    BookingArgs,
    Command,
    LookupArgs,
    OpenArgs,
    RankingArgs,
    ReportArgs,
)
from broker.core.day_end import DAY_CLOSE_OP, HUB_DEVICE_ID, DayCloseArgs, close_day, day_close_id
from broker.core.engine import (
    OPS,
    Accepted,
    EngineEvent,
    QueueEngine,
    QueueError,
    iso,
    read_bookings,
)
from broker.core.queue_state import QueueState
from broker.core.views import board_view, counter_view, service_view, ticket_info
from broker.service import guard
from broker.service.ledger import Ledger, Refusal
from broker.service.ledger_clock import LedgerClock
from broker.service.public_ranking import rating_counts
from broker.service.refusal_policy import RefusalBudget, judged_on_state
from broker.service.reports import report
from broker.wire import protocol
from broker.wire.clock import Clock, wall_clock
from broker.wire.mqtt_link import BrokerAddress, new_client
from broker.wire.protocol import QOS, Refused, Topics, Unanswerable
from config.schema import CenterConfig, Device

log = logging.getLogger("qms.hub")
_P = ParamSpec("_P")

REFRESH_S = 5.0  # time moves views too: opening hours, a board message's end
# The broker keeps at most `max_inflight_messages` (100) unacknowledged commands in flight to
# the hub, so a batch never holds more than that.
BATCH_MAX = 100
KEEPALIVE_S = 15
LOOP_S = 1.0
RECONNECT_MIN_S, RECONNECT_MAX_S = 1.0, 8.0
SIGN_OFF_S = 2.0
# How long the state the devices see may wait behind newer commands' replies.
VIEWS_DUE_S = 0.002
PUBACK_HEAD = b"\x40\x02"  # MQTT 3.1.1: PUBACK, remaining length 2, then the message id
PEEK_BYTES = 256


@dataclass(frozen=True, slots=True)
class _Pending:
    """An accepted command waiting for its batch's commit."""

    command: Command
    args: bytes
    now: datetime
    outcome: Accepted
    reply: bytes


@dataclass(frozen=True, slots=True)
class _Answer:
    topic: str
    command_id: str
    payload: bytes
    log: str
    started: float | None  # for the log line's timing


@dataclass
class _Changes:
    """What the commands answered so far changed and the devices have not been shown yet: the
    retained topics to work out again, then the events."""

    services: set[str] = field(default_factory=set)
    counters: set[str] = field(default_factory=set)
    board: bool = False
    events: list[EngineEvent] = field(default_factory=list)
    now: datetime | None = None  # the time of the last command, for the views

    def __bool__(self) -> bool:
        return bool(self.services or self.counters or self.board or self.events)


@dataclass
class _Batch:
    before: QueueState
    accepted: list[_Pending] = field(default_factory=list)
    replies: list[_Answer] = field(default_factory=list)  # in the order the commands came
    ids: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> device, reply
    asked: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> op, args
    kept: list[Refusal] = field(default_factory=list)  # refusals judged on the queue's state

    def answer(self, topic: str, command_id: str, payload: bytes, log: str,
               started: float | None = None) -> None:
        self.replies.append(_Answer(topic, command_id, payload, log, started))


class Hub:
    """Applies commands; publishing goes through `publish`, so the hub is testable off-wire."""

    def __init__(self, config: CenterConfig, ledger: Ledger, *, clock: Clock = wall_clock,
                 enforce_hours: bool = True) -> None:
        self.config = config
        self.topics = Topics(config.center.site)
        self.engine = QueueEngine(config, enforce_hours=enforce_hours,
                                  token_secret=ledger.site_secret())
        self.ledger = ledger
        self._tokens: dict[str, str] = {}  # today's ticket page tokens -> ticket ids
        self._tokens_day: Any = None
        self._tokenized = 0  # how many of the day's tickets have their token in _tokens
        ledger.use_config(config)  # what comes next is lived with this config
        # The day belongs to the ledger: the hub's time never goes back before its last command.
        self.clock = LedgerClock(clock, ledger.last_moment())
        now = self.clock()
        if self.clock.behind:
            log.warning("the clock (%s) is %d s behind the ledger's last command: the hub keeps "
                        "the ledger's day %s, going on from %s, until the clock is set right",
                        clock().isoformat(timespec="seconds"), self.clock.behind,
                        self.engine.local(now).date(), now.isoformat(timespec="seconds"))
        today = self.engine.local(now).date()
        closed = self._close_last_day(today, now)
        self.state: QueueState = ledger.rebuild(self.engine, today)
        self.refusals = RefusalBudget(today, ledger.refusals_by_device(today))
        self.rev = 0
        self.published: dict[str, protocol.Retained] = {}  # rev 0: compared without it
        self.publish: Callable[[str, bytes, bool], None] = lambda topic, payload, retain: None
        self.changes = _Changes(events=list(closed))  # published once the hub is online
        self.limiter = guard.RateLimiter(config)
        self.pins = guard.PinCheck(config)
        self.personal_data_erased_for: date | None = None  # the day it last ran
        self.erase_expired_personal_data(now)

    def erase_expired_personal_data(self, now: datetime) -> None:
        """Once a day, at start and then at the refresh (whatever moved the day on: a
        command, the refresh, a restart): the notes and priority reasons older than the
        config's retentions, and the phone numbers of bookings whose day is over, leave the
        ledger (docs/privacy.md; Decree 13/2023/NĐ-CP: kept only as long as needed)."""
        today = self.engine.local(now).date()
        if self.personal_data_erased_for == today:
            return
        try:
            guard.erase_expired_notes(self.ledger.conn, today,
                                      self.config.privacy.note_retention_days)
            guard.erase_expired_reasons(self.ledger.conn, today,
                                        self.config.privacy.priority_reason_retention_days)
            phones = self.ledger.erase_phones_before(self.state.day)
            self.personal_data_erased_for = today
        except Exception:
            log.exception("erasing expired personal data failed; trying again at the next "
                          "refresh")
            return
        if phones:
            log.info("erased the phone numbers of %d past bookings", phones)

    # --- commands ---------------------------------------------------------------------------

    def handle(self, device_id: str, payload: bytes) -> None:
        self.handle_batch([(device_id, payload)])

    def handle_batch(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """`answer_batch`, then the changed state and the events."""
        self.answer_batch(messages)
        self.publish_changes()

    def answer_batch(self, messages: Sequence[tuple[str, bytes]]) -> None:
        """Group commit: the accepted commands of a batch go to the ledger in one transaction,
        then every reply goes out, in order. Under load one commit (an fsync) serves many
        commands; alone, a batch is one command. What they changed waits in `changes` for
        `publish_changes`."""
        batch = _Batch(self.state)
        for device_id, payload in messages:
            started = time.perf_counter()
            try:
                incoming = protocol.decode_command(payload)
            except Unanswerable as exc:
                if not self._over_limit(device_id):  # a flood of garbage: said once
                    log.warning("dropped a payload from %s: %s", device_id, exc)
                continue
            except Refused as exc:
                retry_after = self._over_limit(device_id)
                if retry_after is not None:
                    self._rate_limited(batch, device_id, exc.id, retry_after)
                else:
                    self._refuse(batch, device_id, exc.id, "?", exc.code, exc.message,
                                 started)
                continue
            try:
                self._handle(batch, device_id, incoming, started)
            except Exception:
                # The hub goes on serving whatever one command did; the engine is pure, so
                # the state is as the commands before it in the batch left it.
                log.exception("%s %s %s failed", device_id, incoming.op, incoming.id)
        if (batch.accepted or batch.kept) and not self._commit(batch):
            return
        for answer in batch.replies:
            self.publish(answer.topic, answer.payload, False)
        if batch.accepted:
            self._note_changes(batch.before, batch.accepted[-1].now)
            for pending in batch.accepted:
                self.changes.events += pending.outcome.events
        for answer in batch.replies:
            if not answer.log:
                continue  # said once for many (a device over its rate limit)
            if answer.started is None:
                log.info("%s", answer.log)
            else:
                log.info("%s %.2f ms", answer.log,
                         (time.perf_counter() - answer.started) * 1000)

    def _handle(self, batch: _Batch, device_id: str, incoming: protocol.IncomingCommand,
                started: float) -> None:
        device = self.config.device(device_id)
        if device is None:
            self._refuse(batch, device_id, incoming.id, incoming.op, "forbidden",
                         f"device {device_id!r} is not in this center's config", started)
            return
        # What the device asked, as the ledger keeps it: a PIN is never stored, even in a
        # refusal, and a booking's code nonce is the hub's, not the device's.
        args = msgspec.json.encode(_as_asked(incoming.args))
        if self._answer_again(batch, device_id, incoming.id, (incoming.op, args)):
            return
        now = self.clock()
        retry_after = self.limiter.take(device, now)
        if retry_after is not None:
            self._rate_limited(batch, device_id, incoming.id, retry_after)
            return
        if OPS[incoming.op].read_only:
            self._read(batch, device_id, incoming, started)
            return
        if incoming.op == "booking.create":
            # The booking code's randomness is the hub's, kept in the arguments the ledger
            # stores, so that the replay gives the same code.
            incoming = protocol.IncomingCommand(incoming.id, incoming.op, msgspec.structs.replace(
                incoming.args, nonce=secrets.randbits(62)))  # type: ignore[type-var]
        if self.engine.local(now).date() != self.state.day:
            self._close_day(batch, now)
        command = Command(incoming.id, incoming.op, incoming.args, device)
        outcome = self.engine.apply(self.state, command, now)
        if not isinstance(outcome, Accepted):
            local = self.engine.local(now)
            keep = (judged_on_state(device, incoming.op, incoming.args, outcome.code)
                    and self.refusals.take(device_id, local.date()))
            batch.asked[incoming.id] = (incoming.op, args)
            self._refuse(batch, device_id, incoming.id, incoming.op, outcome.code,
                         outcome.message, started, local if keep else None, args)
            return
        if isinstance(incoming.args, OpenArgs):
            # The PIN is the shell's to check, after the engine's rules (who may open which
            # counter, officer_busy); a wrong one is not a queue fact and is not stored.
            pin_refusal = self.pins.refusal(device, incoming.args, self.state, outcome.state,
                                            now)
            if pin_refusal is not None:
                self._refuse(batch, device_id, incoming.id, incoming.op, *pin_refusal,
                             started)
                return
        reply = protocol.encode_reply(incoming.id, outcome.result)
        # Stored with the hub's nonce (the replay makes the same code), never with a PIN.
        stored = msgspec.json.encode(_without_pin(incoming.args))
        batch.accepted.append(_Pending(command, stored, now, outcome, reply))
        batch.ids[incoming.id] = (device_id, reply)
        batch.asked[incoming.id] = (incoming.op, args)
        self.state = outcome.state
        batch.answer(self.topics.device_reply(device_id), incoming.id, reply,
                     f"{device_id} {incoming.op} {incoming.id} ok", started)

    def _over_limit(self, device_id: str) -> float | None:
        """A malformed payload counts against its device's rate limit as well (it costs the
        hub as much); None while under it, else the seconds to wait."""
        device = self.config.device(device_id)
        return self.limiter.take(device, self.clock()) if device is not None else None

    def _rate_limited(self, batch: _Batch, device_id: str, command_id: str,
                      retry_after: float) -> None:
        """Not stored, and not remembered: the same id sent again later is judged afresh.
        Logged once per burst (the limiter's warning), not once per command."""
        batch.answer(self.topics.device_reply(device_id), command_id,
                     protocol.encode_error(command_id, "rate_limited",
                                           f"too many commands from {device_id}; retry in "
                                           f"{retry_after:g} s", retry_after_s=retry_after), "")

    def _commit(self, batch: _Batch) -> bool:
        try:
            self.ledger.record_many([(p.command, p.args, p.now, p.outcome, p.reply)
                                     for p in batch.accepted], batch.kept)
            return True
        except Exception as exc:
            # Not committed, so nothing of the batch is acknowledged: the state goes back and
            # every device retries with the same id (its refusals were judged on state that
            # now never was: they went with the transaction).
            log.exception("ledger write failed for a batch of %d commands",
                          len(batch.accepted))
            self.state = batch.before
            if isinstance(exc, sqlite3.IntegrityError):
                self._trust_the_ledger(exc)
            for answer in batch.replies:
                self.publish(answer.topic, protocol.encode_error(
                    answer.command_id, "unavailable", "the hub could not store the command; "
                    "retry"), False)
            return False

    def _trust_the_ledger(self, exc: sqlite3.IntegrityError) -> None:
        """The ledger refused a write (a ticket id already issued): the hub's state is not
        what the ledger holds. The ledger is the truth: the day is rebuilt from it, so the
        devices' retries are judged on it (and get the next number, not the same one)."""
        log.critical("the ledger refused to write a row again (%s): the hub's state differs "
                     "from the ledger; rebuilding day %s from the ledger", exc, self.state.day)
        before = self.state
        self.state = self.ledger.rebuild(self.engine, before.day)
        self._note_changes(replace(before, day=date.min), self.clock())

    def _answer_again(self, batch: _Batch, device_id: str, command_id: str,
                      asked: tuple[str, bytes]) -> bool:
        found = batch.ids.get(command_id)
        first = batch.asked.get(command_id)
        if found is None:
            stored = self.ledger.answer_for(command_id)
            if stored is None:
                return False
            found = (stored.device, stored.reply)
            first = (stored.op, stored.args) if stored.args is not None else None
        if found[0] != device_id:
            batch.answer(self.topics.device_reply(device_id), command_id,
                         protocol.encode_error(command_id, "bad_request",
                                               "this command id is already used"),
                         f"{device_id} reused {command_id} of {found[0]}")
        elif first is not None and not _same_command(first, asked):
            # Not the same command again: answering it with the first one's result would
            # tell the device that what it asked now was done. Nothing is stored.
            batch.answer(self.topics.device_reply(device_id), command_id,
                         protocol.encode_error(command_id, "id_conflict",
                                               f"this command id was used for {first[0]} with "
                                               "other arguments; send a new id"),
                         f"{device_id} reused {command_id} with other arguments: id_conflict")
        else:
            batch.answer(self.topics.device_reply(device_id), command_id, found[1],
                         f"{device_id} repeated {command_id}: answered as before")
        return True

    def _refuse(self, batch: _Batch, device_id: str, command_id: str, op: str, code: str,
                message: str, started: float, judged_at: datetime | None = None,
                args: bytes | None = None) -> None:
        """`judged_at`: the engine refused it on the queue's state at that time, which may
        change, so the refusal is committed with the batch; other refusals (a malformed
        command, an unknown device, a role that may not) come out the same whenever they are
        judged again (`broker.service.refusal_policy`)."""
        reply = protocol.encode_error(command_id, code, message)
        batch.ids[command_id] = (device_id, reply)
        if judged_at is not None:
            batch.kept.append(Refusal(command_id, device_id, op, judged_at, reply, args))
        batch.answer(self.topics.device_reply(device_id), command_id, reply,
                     f"{device_id} {op} {command_id} refused {code} ({message})", started)

    def _read(self, batch: _Batch, device_id: str, incoming: protocol.IncomingCommand,
              started: float) -> None:
        device = self.config.device(device_id)
        assert device is not None
        if device.role not in OPS[incoming.op].roles:
            self._refuse(batch, device_id, incoming.id, incoming.op, "forbidden",
                         f"a {device.role} may not {incoming.op}", started)
            return
        if incoming.op.startswith("booking."):
            try:
                result = read_bookings(self.engine, self.state, incoming.op, incoming.args,
                                       self.clock())
            except QueueError as exc:
                self._refuse(batch, device_id, incoming.id, incoming.op, exc.code, exc.message,
                             started)
                return
            batch.answer(self.topics.device_reply(device_id), incoming.id,
                         protocol.encode_reply(incoming.id, result),
                         f"{device_id} {incoming.op} {incoming.id} ok", started)
            return
        if incoming.op == "ticket.lookup":
            self._lookup(batch, device_id, incoming, started)
            return
        args: ReportArgs | RankingArgs = incoming.args  # type: ignore[assignment]
        if args.to < args.from_ or (args.to - args.from_).days > 366:
            self._refuse(batch, device_id, incoming.id, incoming.op, "bad_request",
                         "the range runs from `from` to `to`, at most a year", started)
            return
        if incoming.op == "rating.ranking":
            result = {"from": args.from_.isoformat(), "to": args.to.isoformat(),
                      **rating_counts(self.ledger.conn, self.config, args.from_, args.to)}
        else:
            assert isinstance(args, ReportArgs)
            if args.kind == "notes":  # the officers' notes: to a manager's reply, nowhere else
                rows = guard.notes(self.ledger.conn, self.config, args.from_, args.to)
            else:
                rows = report(self.ledger.conn, self.config, args.kind, args.from_, args.to,
                              now=self.engine.local(self.clock()))
            result = {"kind": args.kind, "from": args.from_.isoformat(),
                      "to": args.to.isoformat(), "rows": rows}
        batch.answer(self.topics.device_reply(device_id), incoming.id, protocol.encode_reply(
            incoming.id, result), f"{device_id} {incoming.op} {incoming.id} ok", started)

    def _lookup(self, batch: _Batch, device_id: str, incoming: protocol.IncomingCommand,
                started: float) -> None:
        """The web face asks for the ticket of a page's token: today's tickets only."""
        args: LookupArgs = incoming.args  # type: ignore[assignment]
        state = self.state
        if self._tokens_day != state.day or len(state.tickets) < self._tokenized:
            self._tokens, self._tokens_day, self._tokenized = {}, state.day, 0
        # Within a day tickets are only added, each new id at the end of the mapping: only
        # those since the last lookup need their tokens (not a pass over the whole day's).
        self._tokens.update((self.engine.ticket_token(t), t)
                            for t in islice(state.tickets, self._tokenized, None))
        self._tokenized = len(state.tickets)
        ticket = state.tickets.get(self._tokens.get(args.token, ""))
        if ticket is None:
            self._refuse(batch, device_id, incoming.id, incoming.op, "unknown_ticket",
                         "no ticket of today has this token", started)
            return
        ahead = None
        day = state.services.get(ticket.service)
        if ticket.state.value == "waiting" and day is not None:
            line = day.waiting_priority if ticket.priority else day.waiting
            ahead = line.index(ticket.id) if ticket.id in line else None
        counter = self.config.counter(ticket.counter) if ticket.counter else None
        until = (ticket.finished_at + timedelta(seconds=self.config.rating.window_s)
                 if ticket.finished_at else None)
        view = {**msgspec.to_builtins(ticket_info(ticket)), "token": args.token,
                "status_url": self.engine.status_url(ticket.id), "ahead": ahead,
                "counter_number": counter.number if counter else None,
                "rated": ticket.rating is not None, "rating_until": iso(until)}
        batch.answer(self.topics.device_reply(device_id), incoming.id,
                     protocol.encode_reply(incoming.id, {"ticket": view}),
                     f"{device_id} {incoming.op} {incoming.id} ok", started)

    # --- the end of a day -------------------------------------------------------------------

    def _close_day(self, batch: _Batch, now: datetime) -> None:
        """The day the state holds has ended (the hub's time is past its midnight): its close
        goes into this batch, before the commands of the new day, and the state starts the
        new day. Tickets not served get `day_closed` and one `day.closed` event lists them."""
        day = self.state.day
        outcome = close_day(self.engine, self.state, now)
        command_id = day_close_id(day)
        reply = protocol.encode_reply(command_id, outcome.result)
        command = Command(command_id, DAY_CLOSE_OP, DayCloseArgs(day=day),
                          Device(id=HUB_DEVICE_ID, role="manager"))
        batch.accepted.append(_Pending(command, msgspec.json.encode(command.args), now, outcome,
                                       reply))
        batch.ids[command_id] = (HUB_DEVICE_ID, reply)
        # the new day keeps the book's bookings to come
        self.state = self.engine.roll_to(outcome.state, self.engine.local(now).date())
        log.info("day %s closed at %s: %d tickets not served", day,
                 self.engine.local(now).isoformat(timespec="seconds"),
                 len(outcome.result["not_served"]))

    def _roll_over(self, now: datetime) -> None:
        """A new day with no command yet (the refresh, a connect): close the old day now."""
        batch = _Batch(self.state)
        self._close_day(batch, now)
        if self._commit(batch):
            self._note_changes(batch.before, now)
            self.changes.events += batch.accepted[0].outcome.events

    def _close_last_day(self, today: date, now: datetime) -> tuple[EngineEvent, ...]:
        """At start: the last day the ledger lived, if it is over and was not closed (the hub
        was not running at its midnight), is closed now; its events."""
        last = self.ledger.last_day_before(today)
        if last is None or self.ledger.has_command(day_close_id(last)):
            return ()
        self.state = self.ledger.rebuild(self.engine, last)
        batch = _Batch(self.state)
        self._close_day(batch, now)
        self.ledger.record_many([(p.command, p.args, p.now, p.outcome, p.reply)
                                 for p in batch.accepted])
        return batch.accepted[0].outcome.events

    # --- retained state ---------------------------------------------------------------------

    def _next_rev(self) -> int:
        # Grows across restarts too (consumers drop older revs): microseconds since the epoch.
        self.rev = max(self.rev + 1, time.time_ns() // 1000)
        return self.rev

    def _put_state(self, topic: str, view: protocol.Retained, force: bool = False) -> None:
        if not force and self.published.get(topic) == view:
            return
        self.published[topic] = view
        self.publish(topic, protocol.encode_state(view, self._next_rev()), True)

    def _note_changes(self, previous: QueueState, now: datetime) -> None:
        state, changes = self.state, self.changes
        changes.now = now
        if state.day != previous.day:
            changes.services |= set(state.services)
            changes.counters |= set(state.counters)
            changes.board = True
            return
        changes.services |= {s for s, day in state.services.items()
                             if day is not previous.services[s]}
        counters = {k for k, c in state.counters.items() if c is not previous.counters[k]
                    # serve and recall change only the ticket a counter holds
                    or (c.ticket is not None
                        and state.tickets[c.ticket] is not previous.tickets.get(c.ticket))}
        for counter_id in counters:
            # what is open for a service and its estimate
            changes.services |= set(previous.counters[counter_id].services)
            changes.services |= set(state.counters[counter_id].services)
        changes.counters |= counters
        changes.board |= state.board is not previous.board or state.message is not previous.message

    def publish_changes(self, interrupted: Callable[[], bool] = lambda: False) -> bool:
        """The retained state that the commands answered so far changed, then their events.
        Gives way as soon as `interrupted` says so (commands are waiting: their replies come
        first); False then, and what is left waits for the next call."""
        try:
            if not self._publish_changes(interrupted):
                return False
        except Exception:
            # The hub goes on serving; the refresh republishes every view within REFRESH_S.
            log.exception("publishing the changed state failed; %d events not sent",
                          len(self.changes.events))
        self.changes = _Changes()
        return True

    def _publish_changes(self, interrupted: Callable[[], bool]) -> bool:
        changes = self.changes
        # The board first, then the counters: what a call changes, cheapest first.
        if changes.board:
            self._put_state(self.topics.board_state,
                            board_view(self.engine, self.state, changes.now))
            changes.board = False
        if not self._publish_each(
                changes.counters, interrupted, self.config.counter, self.topics.counter_state,
                lambda counter_id: counter_view(self.engine, self.state, counter_id)):
            return False
        if not self._publish_each(
                changes.services, interrupted, self.config.service, self.topics.service_state,
                lambda service_id: service_view(self.engine, self.state, service_id,
                                                changes.now)):
            return False
        # The events after the state: a device that hears of a call already shows it.
        for event in changes.events:
            self.publish(self.topics.event(event.kind),
                         protocol.encode_event(event.kind, event.data), False)
        return True

    def _publish_each(self, pending: set[str], interrupted: Callable[[], bool],
                      known: Callable[[str], object | None], topic: Callable[[str], str],
                      view: Callable[[str], protocol.Retained]) -> bool:
        """Publish the changed counters' or services' views, in id order; each is struck off
        `pending` once sent, so an interruption leaves only the rest for the next call."""
        for key in sorted(pending):
            if interrupted():
                return False
            if known(key) is not None:  # None: removed from the config mid-day
                self._put_state(topic(key), view(key))
            pending.discard(key)
        return True

    def publish_all(self, now: datetime | None = None, *, force: bool = False) -> None:
        """Every retained topic; `force` republishes unchanged ones too (after a connect)."""
        now = now or self.clock()
        if self.engine.local(now).date() != self.state.day:
            self._roll_over(now)
        if force:
            self.publish(self.topics.config, protocol.encode(protocol.ConfigMessage(
                config=self.config.public(), rev=self._next_rev())), True)
        for service_id in filter(self.config.service, self.state.services):
            self._put_state(self.topics.service_state(service_id),
                            service_view(self.engine, self.state, service_id, now), force)
        for counter_id in filter(self.config.counter, self.state.counters):
            self._put_state(self.topics.counter_state(counter_id),
                            counter_view(self.engine, self.state, counter_id), force)
        self._put_state(self.topics.board_state, board_view(self.engine, self.state, now),
                        force)


def _without_pin(args: object) -> object:
    return msgspec.structs.replace(args, pin=None) if isinstance(args, OpenArgs) else args


def _as_asked(args: object) -> object:
    """The args as a device asks them: the same command sent again compares equal."""
    args = _without_pin(args)
    return msgspec.structs.replace(args, nonce=None) if isinstance(args, BookingArgs) else args


def _guarded(callback: Callable[_P, None]) -> Callable[_P, None]:
    """An MQTT callback that cannot stop the hub. paho raises what a callback raises out of
    `loop()`, which would end the hub's one thread and leave the process up but deaf; like
    Home Assistant's MQTT client, the hub logs it and goes on."""

    @functools.wraps(callback)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception:
            log.exception("the hub's MQTT callback %s failed; the hub goes on",
                          callback.__name__)

    return guarded


def _same_command(first: tuple[str, bytes], again: tuple[str, bytes]) -> bool:
    """Whether a command id's first (op, args) and the one sent again ask the same thing: the
    stored args are read back through today's args type, so a field added since (with its
    default) does not make a retry look like another command, nor the hub's nonce in them."""
    if first == again:
        return True
    spec = OPS.get(first[0])
    if first[0] != again[0] or spec is None:
        return False
    try:
        stored = msgspec.json.decode(first[1], type=spec.args)
        return msgspec.json.encode(_as_asked(stored)) == again[1]
    except msgspec.DecodeError:
        return False


@dataclass(frozen=True, slots=True)
class _Received:
    device: str | None  # None: not a command topic; acknowledged and ignored
    payload: bytes
    mid: int
    qos: int


class HubService:
    """The hub on a broker: a persistent session, birth and will, the refresh.

    One thread does it all: it reads the commands that have come, applies and commits them,
    and writes the replies to the socket itself. No hand-over between threads (and no wait
    for the GIL) sits inside a round trip."""

    def __init__(self, hub: Hub, address: BrokerAddress) -> None:
        self.hub = hub
        self.topics = hub.topics
        self.address = address
        self.connected = False
        # Acknowledged only once committed and answered: a hub killed with commands in hand
        # gets them again from its persistent session.
        self.client = new_client(address, f"qms-hub-{hub.config.center.site}",
                                 clean_session=False, manual_ack=True)
        self.client.will_set(self.topics.hub_status, self._status("offline"), QOS, retain=True)
        self.client.on_connect = _guarded(self._on_connect)
        self.client.on_disconnect = _guarded(self._on_disconnect)
        self.client.message_callback_add(self.topics.all_commands, _guarded(self._on_command))
        hub.publish = self._publish
        self._received: list[_Received] = []
        self._status_behind = 0  # the clock_behind_s of the last status published
        self._status_day = hub.state.day
        self._unacked: list[_Received] = []  # answered; acknowledged once their events are out
        self._changed_at = 0.0  # when the state the devices see fell behind
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub", daemon=True)

    def _status(self, status: str) -> bytes:
        # Liveness is wall time, even when a demo runs the queue's clock faster.
        at = wall_clock().astimezone(self.hub.engine.tz)  # the offset of the hall, like events
        if status != "online":
            return protocol.encode(protocol.HubStatus(status=status, at=at))  # type: ignore[arg-type]
        self._status_behind = self.hub.clock.behind
        self._status_day = self.hub.state.day
        return protocol.encode(protocol.HubStatus(
            status="online", at=at, day=self.hub.state.day, clock_behind_s=self._status_behind))

    def _status_changed(self) -> bool:
        """Whether the clock came back or fell behind (or moved a minute) since the status."""
        behind, shown = self.hub.clock.behind, self._status_behind
        if self.hub.state.day != self._status_day:
            return True
        if (behind > 0) != (shown > 0):
            if behind:
                log.warning("the clock is %d s behind the ledger: the hub keeps the ledger's "
                            "day and time", behind)
            else:
                log.info("the clock has caught up with the ledger")
            return True
        return abs(behind - shown) >= 60

    def _publish(self, topic: str, payload: bytes, retain: bool) -> None:
        # Outside paho's callbacks and with no paho thread, this writes to the socket at once.
        self.client.publish(topic, payload, QOS, retain=retain)

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any,
                    properties: Any) -> None:
        if reason.is_failure:
            log.error("broker refused the hub: %s", reason)
            return
        client.subscribe(self.topics.all_commands, QOS)
        client.publish(self.topics.hub_status, self._status("online"), QOS, retain=True)
        self.connected = True
        log.info("hub online at %s (site %s, session present: %s)", self.address.url,
                 self.topics.site, flags.session_present)
        # What the broker holds is unknown after a connect: if republishing fails part way,
        # the refresh publishes every topic not yet put again.
        self.hub.published.clear()
        self.hub.publish_all(force=True)

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any,
                       properties: Any) -> None:
        self.connected = False
        if not self._stop.is_set():
            log.warning("hub lost the broker (%s); reconnecting", reason)

    def _on_command(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage
                    ) -> None:
        parsed = self.topics.parse(message.topic)
        self._received.append(_Received(parsed.key if parsed else None, message.payload,
                                        message.mid, message.qos))

    def _more_to_read(self) -> bool:
        sock = self.client.socket()
        if sock is None or len(self._received) >= BATCH_MAX:
            return False
        pending = getattr(sock, "pending", None)  # TLS keeps decrypted bytes of its own
        return bool((pending and pending()) or select.select([sock], [], [], 0)[0])

    def _command_waiting(self) -> bool:
        """Whether a command has come: something other than the broker's PUBACKs for what the
        hub published (those come after every view, and need not interrupt anything)."""
        sock = self.client.socket()
        if not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket):
            return self._more_to_read()  # TLS cannot be peeked at
        try:
            head = sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True  # paho's read will see it
        at = 0
        while head[at:at + 2] == PUBACK_HEAD:
            at += 4
        return at < len(head) or not head  # not head: the broker closed the connection

    def _serve_batch(self) -> None:
        """Every command that has come so far, as one batch (one commit)."""
        while self._more_to_read() and self.client.loop_read() == MQTTErrorCode.MQTT_ERR_SUCCESS:
            pass
        batch, self._received = self._received, []
        self._unacked += batch
        if not self.hub.changes:
            self._changed_at = time.monotonic()
        try:
            self.hub.answer_batch([(r.device, r.payload) for r in batch if r.device is not None])
        except Exception:
            # The hub goes on serving whatever one batch did.
            log.exception("a batch of %d commands failed", len(batch))

    def _show_changes(self, *, give_way: bool = True) -> None:
        """The changed state and the events. Commands that come meanwhile are answered first
        (their changes join these), for at most `VIEWS_DUE_S`: a board waits no longer."""
        due = self._changed_at + VIEWS_DUE_S
        if not self.hub.publish_changes(
                lambda: give_way and self._command_waiting() and time.monotonic() < due):
            return
        for received in self._unacked:
            self.client.ack(received.mid, received.qos)
        self._unacked.clear()

    def _connect(self, backoff: float) -> float:
        """Connects (or waits a while after a failure); the next backoff."""
        try:
            self.client.connect(self.address.host, self.address.port, keepalive=KEEPALIVE_S)
            return RECONNECT_MIN_S
        except OSError as exc:
            log.warning("hub cannot reach the broker at %s (%s); retrying in %.0f s",
                        self.address.url, exc, backoff)
            self._stop.wait(backoff)
            return min(backoff * 2, RECONNECT_MAX_S)

    def _run(self) -> None:
        backoff = RECONNECT_MIN_S
        refresh_at = time.monotonic() + REFRESH_S
        while not self._stop.is_set():
            if self.client.socket() is None:
                backoff = self._connect(backoff)
                continue
            # A lost connection closes the socket; the next turn connects again.
            idle = not (self.hub.changes or self._unacked)
            self.client.loop(timeout=min(LOOP_S, max(0.0, refresh_at - time.monotonic()))
                             if idle else 0.0)
            if self._received:
                self._serve_batch()
            if self.hub.changes or self._unacked:
                self._show_changes()
            if time.monotonic() >= refresh_at:
                refresh_at = time.monotonic() + REFRESH_S
                if self.connected:
                    try:
                        self.hub.publish_all()
                        if self._status_changed():
                            self.client.publish(self.topics.hub_status, self._status("online"),
                                                QOS, retain=True)
                    except Exception:
                        log.exception("refresh failed")
                self.hub.erase_expired_personal_data(self.hub.clock())
        self._sign_off()

    def _sign_off(self) -> None:
        if self.connected:
            self._show_changes(give_way=False)
            info = self.client.publish(self.topics.hub_status, self._status("offline"), QOS,
                                       retain=True)
            deadline = time.monotonic() + SIGN_OFF_S
            while not info.is_published() and time.monotonic() < deadline:
                if self.client.loop(timeout=0.1) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
        self.client.disconnect()
        self.hub.ledger.close()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """A clean stop: `offline` published, the session kept for the next start."""
        self._stop.set()
        self._thread.join(10)
