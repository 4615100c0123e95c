"""The web face's view of the center: a device of role `web` on the broker.

It holds what the hub last published (the retained config and state, through the device
client's cache), the tickets whose pages are open (looked up once by token, then followed by
the events), and the public rating counts (asked for now and then). It never writes anything
but commands to the hub. Pages that listen are woken on the asyncio loop when what they show
may have changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

from broker.core.ticket_token import looks_like_token
from broker.wire import protocol
from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import DeviceClient, RequestError
from broker.wire.protocol import BoardState, CounterState, ParsedTopic, ServiceState
from config.schema import CenterConfig

log = logging.getLogger("qms.web")

TICKETS_KEPT = 50_000  # the tickets of the pages opened today, newest kept
BAD_TOKENS_KEPT = 10_000
BAD_TOKEN_S = 30.0  # how long "no such ticket" is believed without asking the hub again
LOOKUPS_IN_FLIGHT = 32  # asked of the hub at once; the others wait their turn here
LOOKUPS_WAITING = 4000  # more waiting than this is a flood: refused before the hub sees it
LOOKUPS_PER_S = 50  # the most the hub is asked per second, whatever comes in
RANKING_MIN_S = 5.0  # the public ranking is asked for at most this often
NOW_S = 0.05
PING_S = 20.0
RECENT_EVENTS_S = 30.0  # events kept to replay onto a lookup that crossed them


@dataclass(frozen=True, slots=True)
class TicketNow:
    """One ticket as its page shows it; from the hub's lookup, then moved by the events."""

    token: str
    id: str
    number: str
    service: str
    state: str
    priority: bool = False
    issued_at: datetime | None = None
    counter: str | None = None
    counter_number: int | None = None
    called_at: datetime | None = None
    finished_at: datetime | None = None
    rated: bool = False
    rating_until: datetime | None = None
    ahead_at_lookup: int | None = None
    looked_up: float = field(default=0.0, compare=False)

    @property
    def day(self) -> str:
        return self.id[:8]  # ids begin with the day: 20261123-dkdn-1001


class Busy(Exception):
    """Too many lookups in flight: the page says "try again" instead of loading the hub."""


@dataclass(eq=False)
class Listener:
    """An open live page: woken when something it shows may have changed."""

    wants: Callable[[str, str], bool]  # (kind, key) -> whether this page cares
    kinds: frozenset[str] = frozenset()  # the only kinds of change it is asked about
    ticket: str = ""  # a ticket page: woken by that ticket's events only
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    changed: bool = False  # what it shows may have changed: render it again
    ping: bool = False  # time for a comment, so that proxies and phones keep it open
    gone: bool = False  # the page was closed


def _at(text: Any) -> datetime | None:
    if text is None or isinstance(text, datetime):
        return text
    return datetime.fromisoformat(text)


class LiveCenter:
    def __init__(self, client: DeviceClient, *, clock: Clock = wall_clock) -> None:
        self.client = client
        self.topics = client.topics
        self.clock = clock
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tickets: OrderedDict[str, TicketNow] = OrderedDict()  # token -> ticket
        self.by_id: dict[str, str] = {}  # ticket id -> token
        # service -> the ids of its tickets held here: a change of one service wakes only
        # its own tickets' pages, not every page in the hall.
        self._ids_by_service: dict[str, set[str]] = {}
        self.bad_tokens: OrderedDict[str, float] = OrderedDict()
        self.listeners: set[Listener] = set()
        self._by_kind: dict[str, set[Listener]] = {}
        self._by_ticket: dict[str, set[Listener]] = {}
        self.lookups_waiting = 0
        self._next_lookup = 0.0  # time.monotonic() of the next lookup's turn
        self._lookup_slots: asyncio.Semaphore | None = None
        self._rankings: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._ranking_dirty = 0.0  # monotonic time of the last rating heard
        self._asking: dict[tuple[str, str], asyncio.Future[dict[str, Any] | None]] = {}
        self._ranking_wake_due = False
        self._now, self._now_at, self._today_key = wall_clock(), -1e9, ""
        # A lookup's reply and an event that followed it on the hub can be handled in the
        # other order here: the events of the last seconds are replayed onto a new lookup.
        self._recent: dict[str, list[protocol.Event]] = {}
        self._recent_order: deque[tuple[float, str]] = deque()
        client.on_state(self._on_state)
        client.on_events(self._on_event)
        client.on_connection(self._on_connection)

    # --- lifecycle --------------------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._pinger = loop.create_task(self._ping())

    async def _ping(self) -> None:
        while True:
            await asyncio.sleep(PING_S)
            for listener in self.listeners:
                listener.ping = True
                listener.wake.set()

    @property
    def config(self) -> CenterConfig | None:
        return self.client.config

    @property
    def online(self) -> bool:
        return self.client.connected.is_set() and self.client.hub_online

    def now(self) -> datetime:
        """The hall's time, read at most every NOW_S: a call wakes thousands of pages."""
        tick = time.monotonic()
        if tick - self._now_at > NOW_S:
            config = self.config
            now = self.clock()
            if config is not None:
                now = now.astimezone(ZoneInfo(config.center.timezone))
            self._now, self._now_at = now, tick
            self._today_key = f"{now:%Y%m%d}"
        return self._now

    def today(self) -> date:
        return self.now().date()

    # --- the retained state -----------------------------------------------------------------

    def service(self, service_id: str) -> ServiceState | None:
        return self.client.cached(self.topics.service_state(service_id))

    def counter(self, counter_id: str) -> CounterState | None:
        return self.client.cached(self.topics.counter_state(counter_id))

    def board(self) -> BoardState | None:
        return self.client.cached(self.topics.board_state)

    # --- waking pages (called on paho's thread, run on the loop) ------------------------------

    def _notify(self, kind: str, key: str = "") -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, kind, key)

    def _wake(self, kind: str, key: str) -> None:
        pages: Iterable[Listener]
        if kind == "ticket":
            pages = self._by_ticket.get(key, ())
        elif kind == "service":
            pages = chain(self._by_kind.get(kind, ()), *(
                self._by_ticket.get(t, ()) for t in self._ids_by_service.get(key, ())))
        else:
            pages = self._by_kind.get(kind, ())
        for listener in pages:
            if not listener.changed and listener.wants(kind, key):
                listener.changed = True
                listener.wake.set()

    def listen(self, wants: Callable[[str, str], bool], kinds: tuple[str, ...],
               ticket: str = "") -> Listener:
        listener = Listener(wants, frozenset(kinds), ticket, changed=True)
        self.listeners.add(listener)
        for kind in listener.kinds:
            self._by_kind.setdefault(kind, set()).add(listener)
        if ticket:
            self._by_ticket.setdefault(ticket, set()).add(listener)
        return listener

    def unlisten(self, listener: Listener) -> None:
        self.listeners.discard(listener)
        for kind in listener.kinds:
            self._by_kind.get(kind, set()).discard(listener)
        if listener.ticket:
            held = self._by_ticket.get(listener.ticket)
            if held is not None:
                held.discard(listener)
                if not held:
                    del self._by_ticket[listener.ticket]

    def _on_state(self, parsed: ParsedTopic, message: Any) -> None:
        kind = {"service_state": "service", "counter_state": "counter",
                "board_state": "board", "config": "config", "hub_status": "hub"}[parsed.kind]
        self._notify(kind, parsed.key)

    def _on_loop(self, function: Callable[..., None], *args: Any) -> None:
        """Run on the asyncio loop (the only thread that touches the tickets)."""
        loop = self.loop
        if loop is None:
            function(*args)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(function, *args)

    def _on_connection(self, connected: bool) -> None:
        self._on_loop(self._connection_changed, connected)

    def _connection_changed(self, connected: bool) -> None:
        if connected:
            # Events may have been missed meanwhile: every ticket is asked for again.
            self.tickets = OrderedDict((t, replace(v, looked_up=0.0))
                                       for t, v in self.tickets.items())
            self._ranking_dirty = time.monotonic()  # ratings may have come meanwhile
        self._wake("hub", "")

    def _on_event(self, event: protocol.Event) -> None:
        self._on_loop(self._apply_event, event)

    def _apply_event(self, event: protocol.Event) -> None:
        if event.kind == "rating.recorded":
            self._ranking_dirty = time.monotonic()
            self._wake("ranking", "")
        if event.ticket:
            self._keep_recent(event)
        token = self.by_id.get(event.ticket or "")
        ticket = self.tickets.get(token or "")
        if ticket is None:
            return
        moved = _moved(ticket, event, self.config)
        if moved is not ticket:
            self.tickets[ticket.token] = moved
            self._index(ticket, moved)
            self._wake("ticket", ticket.id)

    def _keep_recent(self, event: protocol.Event) -> None:
        now = time.monotonic()
        assert event.ticket is not None
        self._recent.setdefault(event.ticket, []).append(event)
        self._recent_order.append((now, event.ticket))
        while self._recent_order and now - self._recent_order[0][0] > RECENT_EVENTS_S:
            _, old = self._recent_order.popleft()
            kept = self._recent.get(old)
            if kept:
                kept.pop(0)
                if not kept:
                    del self._recent[old]

    # --- tickets by token ---------------------------------------------------------------------

    def known_ticket(self, token: str) -> TicketNow | None:
        """A ticket already followed, if its token is still good today."""
        ticket = self.tickets.get(token)
        if ticket is None or not ticket.looked_up:
            return None
        return ticket if self._still_valid(ticket) else None

    def _still_valid(self, ticket: TicketNow) -> bool:
        now = self.now()
        if ticket.day == self._today_key:
            return True
        return ticket.rating_until is not None and now <= ticket.rating_until

    async def ticket(self, token: str) -> TicketNow | None:
        """The ticket of a page's token, or None for a wrong or expired one. Asks the hub
        only the first time (and after a reconnect); raises Busy under a flood."""
        if not looks_like_token(token):
            return None
        known = self.known_ticket(token)
        if known is not None:
            return known
        refused_at = self.bad_tokens.get(token)
        if refused_at is not None and time.monotonic() - refused_at < BAD_TOKEN_S:
            return None
        if self.lookups_waiting >= LOOKUPS_WAITING:
            raise Busy()
        if self._lookup_slots is None:
            self._lookup_slots = asyncio.Semaphore(LOOKUPS_IN_FLIGHT)
        self.lookups_waiting += 1
        try:
            async with self._lookup_slots:
                known = self.known_ticket(token)  # another page of it asked meanwhile
                if known is not None:
                    return known
                await self._lookup_turn()
                result = await self.request("ticket.lookup", {"token": token})
        except RequestError as exc:
            if exc.code in ("unknown_ticket", "bad_request"):
                self.bad_tokens[token] = time.monotonic()
                while len(self.bad_tokens) > BAD_TOKENS_KEPT:
                    self.bad_tokens.popitem(last=False)
                return None
            raise Busy() from exc
        finally:
            self.lookups_waiting -= 1
        found = result["ticket"]
        ticket = TicketNow(
            token=token, id=found["id"], number=found["number"], service=found["service"],
            state=found["state"], priority=bool(found.get("priority")),
            issued_at=_at(found.get("issued_at")), counter=found.get("counter"),
            counter_number=found.get("counter_number"), called_at=_at(found.get("called_at")),
            finished_at=_at(found.get("finished_at")), rated=bool(found.get("rated")),
            rating_until=_at(found.get("rating_until")), ahead_at_lookup=found.get("ahead"),
            looked_up=time.monotonic())
        # Every event is absolute (a state, a counter): replaying the recent ones in order
        # leaves the ticket as the newest says, whether or not the lookup had seen them.
        for event in self._recent.get(ticket.id, ()):
            ticket = _moved(ticket, event, self.config)
        if not self._still_valid(ticket):
            return None
        self._index(self.tickets.get(token), ticket)
        self.tickets[token] = ticket
        self.tickets.move_to_end(token)
        self.by_id[ticket.id] = token
        while len(self.tickets) > TICKETS_KEPT:
            _, dropped = self.tickets.popitem(last=False)
            self.by_id.pop(dropped.id, None)
            self._index(dropped, None)
        return ticket

    def _index(self, old: TicketNow | None, new: TicketNow | None) -> None:
        """Keeps `_ids_by_service` as the held tickets are (a transfer moves one)."""
        if old is not None and (new is None or new.service != old.service):
            held = self._ids_by_service.get(old.service)
            if held is not None:
                held.discard(old.id)
                if not held:
                    del self._ids_by_service[old.service]
        if new is not None:
            self._ids_by_service.setdefault(new.service, set()).add(new.id)

    async def _lookup_turn(self) -> None:
        """The hub is asked at most LOOKUPS_PER_S a second, evenly spaced, in the order the
        pages came: a flood of made-up tokens waits here (and past LOOKUPS_WAITING is
        refused). Spaced, not counted per second: a burst of lookups would hold the hub's one
        thread for tens of milliseconds while a kiosk's ticket waits behind them."""
        now = time.monotonic()
        turn = max(now, self._next_lookup)
        self._next_lookup = turn + 1.0 / LOOKUPS_PER_S
        if turn > now:
            await asyncio.sleep(turn - now)

    async def rate(self, ticket: TicketNow, score: int, reasons: list[str]) -> None:
        """The citizen's rating, sent to the hub; RequestError says why not."""
        await self.request("rating.submit", {"ticket": ticket.id, "token": ticket.token,
                                             "score": score, "reasons": reasons})
        held = self.tickets.get(ticket.token)
        if held is not None:
            self.tickets[ticket.token] = replace(held, rated=True)
        self._wake("ticket", ticket.id)

    async def request(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()

        def done(result: dict[str, Any] | None, error: RequestError | None) -> None:
            def settle() -> None:
                if future.done():
                    return
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result or {})

            loop.call_soon_threadsafe(settle)

        self.client.send(op, args, done)
        return await future

    # --- the public rating counts -------------------------------------------------------------

    async def rating_counts(self, first: date, last: date) -> dict[str, Any] | None:
        """The hub's counts for the range, asked for at most every RANKING_MIN_S (and again
        after a rating); the last ones if the hub cannot answer now."""
        key = (first.isoformat(), last.isoformat())
        held = self._rankings.get(key)
        if held is not None:
            if held[0] > self._ranking_dirty:  # asked since the last rating
                return held[1]
            wait = RANKING_MIN_S - (time.monotonic() - held[0])
            if wait > 0:  # asked a moment ago: the pages are woken again when it is time
                if not self._ranking_wake_due and self.loop is not None:
                    self._ranking_wake_due = True
                    self.loop.call_later(wait, self._ranking_due)
                return held[1]
        asking = self._asking.get(key)
        if asking is None:  # every page of the ranking waits for one answer
            asking = self._asking[key] = asyncio.ensure_future(self._ask_counts(key))
            asking.add_done_callback(lambda _: self._asking.pop(key, None))
        counts = await asyncio.shield(asking)
        return counts if counts is not None else (held[1] if held else None)

    def _ranking_due(self) -> None:
        self._ranking_wake_due = False
        self._wake("ranking", "")

    async def _ask_counts(self, key: tuple[str, str]) -> dict[str, Any] | None:
        asked = time.monotonic()
        try:
            counts = await self.request("rating.ranking", {"from": key[0], "to": key[1]})
        except RequestError as exc:
            log.warning("the hub gave no rating counts: %s", exc)
            return None
        self._rankings[key] = (asked, counts)
        if len(self._rankings) > 16:
            self._rankings.pop(next(iter(self._rankings)))
        return counts


def _moved(ticket: TicketNow, event: protocol.Event, config: CenterConfig | None) -> TicketNow:
    """The ticket after an event about it (events name the ticket by id)."""
    match event.kind:
        case "ticket.called" | "ticket.recalled":
            return replace(ticket, state="called", counter=event.counter,
                           counter_number=event.counter_number, called_at=event.at)
        case "ticket.serving":
            return replace(ticket, state="serving")
        case "ticket.done":
            window = config.rating.window_s if config else 120
            return replace(ticket, state="done", finished_at=event.at,
                           rating_until=event.at + timedelta(seconds=window))
        case "ticket.no_show":
            return replace(ticket, state="no_show")
        case "ticket.transferred":
            return replace(ticket, state="waiting", service=event.service or ticket.service,
                           counter=None, counter_number=None, ahead_at_lookup=None)
        case "ticket.cancelled":
            return replace(ticket, state="cancelled")
        case "rating.recorded":
            return replace(ticket, rated=True)
    return ticket
