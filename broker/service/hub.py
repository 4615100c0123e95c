"""The hub: the one owner of the queue. Commands in over MQTT, engine + ledger, then the
reply (only after the commit), the changed retained state, and the events out."""

from __future__ import annotations

import functools
import logging
import secrets
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ParamSpec

import msgspec
import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode

from broker.core.commands import Command, LookupArgs, RankingArgs, ReportArgs
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
from broker.service.ledger import Ledger, Refusal
from broker.service.public_ranking import rating_counts
from broker.service.reports import report
from broker.wire import protocol
from broker.wire.clock import Clock, wall_clock
from broker.wire.mqtt_link import BrokerAddress, new_client
from broker.wire.protocol import QOS, Refused, Topics, Unanswerable
from config.schema import CenterConfig

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
        self.clock = clock
        now = clock()
        self.state: QueueState = ledger.rebuild(self.engine, self.engine.local(now).date())
        self._erase_past_phones()
        self.rev = 0
        self.published: dict[str, protocol.Retained] = {}  # rev 0: compared without it
        self.publish: Callable[[str, bytes, bool], None] = lambda topic, payload, retain: None
        self.changes = _Changes()

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
                log.warning("dropped a payload from %s: %s", device_id, exc)
                continue
            except Refused as exc:
                self._refuse(batch, device_id, exc.id, "?", exc.code, exc.message, started)
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
        if self._answer_again(batch, device_id, incoming.id):
            return
        if OPS[incoming.op].read_only:
            self._read(batch, device_id, incoming, started)
            return
        now = self.clock()
        if incoming.op == "booking.create":
            # The booking code's randomness is the hub's, kept in the arguments the ledger
            # stores, so that the replay gives the same code.
            incoming = protocol.IncomingCommand(incoming.id, incoming.op, msgspec.structs.replace(
                incoming.args, nonce=secrets.randbits(62)))  # type: ignore[type-var]
        command = Command(incoming.id, incoming.op, incoming.args, device)
        outcome = self.engine.apply(self.state, command, now)
        if not isinstance(outcome, Accepted):
            self._refuse(batch, device_id, incoming.id, incoming.op, outcome.code,
                         outcome.message, started, self.engine.local(now))
            return
        reply = protocol.encode_reply(incoming.id, outcome.result)
        batch.accepted.append(_Pending(command, msgspec.json.encode(incoming.args), now,
                                       outcome, reply))
        batch.ids[incoming.id] = (device_id, reply)
        self.state = outcome.state
        batch.answer(self.topics.device_reply(device_id), incoming.id, reply,
                     f"{device_id} {incoming.op} {incoming.id} ok", started)

    def _commit(self, batch: _Batch) -> bool:
        try:
            self.ledger.record_many([(p.command, p.args, p.now, p.outcome, p.reply)
                                     for p in batch.accepted], batch.kept)
            return True
        except Exception:
            # Not committed, so nothing of the batch is acknowledged: the state goes back and
            # every device retries with the same id (its refusals were judged on state that
            # now never was: they went with the transaction).
            log.exception("ledger write failed for a batch of %d commands",
                          len(batch.accepted))
            self.state = batch.before
            for answer in batch.replies:
                self.publish(answer.topic, protocol.encode_error(
                    answer.command_id, "unavailable", "the hub could not store the command; "
                    "retry"), False)
            return False

    def _answer_again(self, batch: _Batch, device_id: str, command_id: str) -> bool:
        found = batch.ids.get(command_id) or self.ledger.reply_for(command_id)
        if found is None:
            return False
        if found[0] != device_id:
            batch.answer(self.topics.device_reply(device_id), command_id,
                         protocol.encode_error(command_id, "bad_request",
                                               "this command id is already used"),
                         f"{device_id} reused {command_id} of {found[0]}")
        else:
            batch.answer(self.topics.device_reply(device_id), command_id, found[1],
                         f"{device_id} repeated {command_id}: answered as before")
        return True

    def _refuse(self, batch: _Batch, device_id: str, command_id: str, op: str, code: str,
                message: str, started: float, judged_at: datetime | None = None) -> None:
        """`judged_at`: the engine refused it on the queue's state at that time, which may
        change, so the refusal is committed with the batch; other refusals (a malformed
        command, an unknown device) come out the same whenever they are judged again."""
        reply = protocol.encode_error(command_id, code, message)
        batch.ids[command_id] = (device_id, reply)
        if judged_at is not None:
            batch.kept.append(Refusal(command_id, device_id, op, judged_at, reply))
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
        if self._tokens_day != state.day:
            self._tokens, self._tokens_day = {}, state.day
        if len(self._tokens) != len(state.tickets):  # tickets are only added within a day
            known = set(self._tokens.values())
            self._tokens.update((self.engine.ticket_token(t), t) for t in state.tickets
                                if t not in known)
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
        view = {**msgspec.structs.asdict(ticket_info(ticket)), "token": args.token,
                "status_url": self.engine.status_url(ticket.id), "ahead": ahead,
                "counter_number": counter.number if counter else None,
                "rated": ticket.rating is not None, "rating_until": iso(until)}
        batch.answer(self.topics.device_reply(device_id), incoming.id,
                     protocol.encode_reply(incoming.id, {"ticket": view}),
                     f"{device_id} {incoming.op} {incoming.id} ok", started)

    def _erase_past_phones(self) -> None:
        """The phone numbers of bookings whose day is over leave the ledger too (Decree
        13/2023/NĐ-CP: kept only as long as needed)."""
        try:
            erased = self.ledger.erase_phones_before(self.state.day)
        except Exception:
            log.exception("erasing the phone numbers of past bookings failed; retried later")
            return
        if erased:
            log.info("erased the phone numbers of %d past bookings", erased)

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
        for counter_id in sorted(changes.counters):
            if interrupted():
                return False
            self._put_state(self.topics.counter_state(counter_id),
                            counter_view(self.engine, self.state, counter_id))
            changes.counters.discard(counter_id)
        for service_id in sorted(changes.services):
            if interrupted():
                return False
            self._put_state(self.topics.service_state(service_id),
                            service_view(self.engine, self.state, service_id, changes.now))
            changes.services.discard(service_id)
        # The events after the state: a device that hears of a call already shows it.
        for event in changes.events:
            self.publish(self.topics.event(event.kind),
                         protocol.encode_event(event.kind, event.data), False)
        return True

    def publish_all(self, now: datetime | None = None, *, force: bool = False) -> None:
        """Every retained topic; `force` republishes unchanged ones too (after a connect)."""
        now = now or self.clock()
        if self.engine.local(now).date() != self.state.day:
            self.state = self.engine.roll_to(self.state, self.engine.local(now).date())
            self._erase_past_phones()
        if force:
            self.publish(self.topics.config, protocol.encode(protocol.ConfigMessage(
                config=self.config, rev=self._next_rev())), True)
        for service_id in self.state.services:
            self._put_state(self.topics.service_state(service_id),
                            service_view(self.engine, self.state, service_id, now), force)
        for counter_id in self.state.counters:
            self._put_state(self.topics.counter_state(counter_id),
                            counter_view(self.engine, self.state, counter_id), force)
        self._put_state(self.topics.board_state, board_view(self.engine, self.state, now),
                        force)


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
        self._unacked: list[_Received] = []  # answered; acknowledged once their events are out
        self._changed_at = 0.0  # when the state the devices see fell behind
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub", daemon=True)

    def _status(self, status: str) -> bytes:
        # Liveness is wall time, even when a demo runs the queue's clock faster.
        at = wall_clock().astimezone(self.hub.engine.tz)  # the offset of the hall, like events
        return protocol.encode(protocol.HubStatus(status=status, at=at))  # type: ignore[arg-type]

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
                    except Exception:
                        log.exception("refresh failed")
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
