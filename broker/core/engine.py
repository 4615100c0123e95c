"""The queue engine: (state, command, time) -> (new state, events, result) or a typed error.

Pure: no MQTT, SQLite, Qt, clock or randomness. The hub feeds it; the ledger replays it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from broker.core import bookings, call_policy, ticket_token, wait_estimate
from broker.core.bookings import Booking, BookingBook, BookingStatus
from broker.core.commands import (
    Args,
    AssignArgs,
    BookingArgs,
    BookingCodeArgs,
    BookingDayArgs,
    CallArgs,
    Command,
    DoneArgs,
    IssueArgs,
    LookupArgs,
    MessageArgs,
    NoArgs,
    OpenArgs,
    RankingArgs,
    RatingArgs,
    ReportArgs,
    ServiceArgs,
    SlotsArgs,
    TicketArgs,
    TransferArgs,
)
from broker.core.opening_hours import hours_of, is_open
from broker.core.queue_state import (
    BoardCall,
    BoardMessage,
    CounterDay,
    CounterStatus,
    QueueState,
    RatingRecord,
    ServiceDay,
    Ticket,
    TicketState,
)
from broker.core.views import issued_ticket_info, ticket_info
from config.schema import CenterConfig, Role

W, C, S, D, N, X = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING,
                    TicketState.DONE, TicketState.NO_SHOW, TicketState.CANCELLED)

# The lifecycle as edges, for checking that no ticket ever skips a state.
LIFECYCLE_EDGES = frozenset(
    {(W, C), (C, C), (C, S), (S, D), (C, N), (N, C), (S, W), (W, X)}
)


class QueueError(Exception):
    """A refused command. `code` is stable and part of the wire contract."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True, slots=True)
class EngineEvent:
    """What a command made happen, published under `events/{kind}`; devices read it as the
    wire's `Event`."""

    kind: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Accepted:
    state: QueueState
    result: dict[str, Any]
    events: tuple[EngineEvent, ...]
    tickets: tuple[Ticket, ...]  # the ticket rows this command changed
    rating: RatingRecord | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    code: str
    message: str


Outcome = Accepted | Rejected


def iso(at: datetime | None) -> str | None:
    return at.isoformat(timespec="seconds") if at is not None else None


class QueueEngine:
    """The queue rules of one center. Holds only the config; state is passed in and out."""

    def __init__(self, config: CenterConfig, *, enforce_hours: bool = True,
                 token_secret: bytes = b"") -> None:
        self.config = config
        # The site's secret for the tokens of the tickets' web pages (the ledger keeps it).
        self.token_secret = token_secret
        self.enforce_hours = enforce_hours
        self.tz = ZoneInfo(config.center.timezone)
        self.policy = call_policy.POLICIES[config.queue.policy]
        self._configured_mean_s = {s.id: float(s.mean_service_s) for s in config.services}
        self._counter_times: wait_estimate.CounterTimes | None = None
        self._links = wait_estimate.CounterLinks(())

    # --- state -----------------------------------------------------------------------------

    def new_day(self, day: date) -> QueueState:
        """Numbers restart, counters start closed on their configured services."""
        return QueueState(
            day=day,
            tickets={},
            counters={
                k.id: CounterDay(k.id, CounterStatus.CLOSED, None, tuple(k.services),
                                 ordinary_streak=self.config.queue.ordinary_per_priority)
                for k in self.config.counters
            },
            services={s.id: ServiceDay(s.id, next_seq=s.range[0]) for s in self.config.services},
        )

    def local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz)

    def roll_to(self, state: QueueState, day: date) -> QueueState:
        """The state of a new day: a new day's queue, with the bookings of the days to come
        (the book spans days) and none of the days over."""
        if day == state.day:
            return state
        return replace(self.new_day(day), bookings=state.bookings.from_day(day))

    def ticket_token(self, ticket_id: str) -> str:
        """The token of the ticket's web page (`status_url` + token is its QR)."""
        return ticket_token.ticket_token(self.token_secret, ticket_id)

    def status_url(self, ticket_id: str) -> str:
        base = self.config.center.status_url
        return base + self.ticket_token(ticket_id) if base else ""

    def closed_reason(self, state: QueueState, service_id: str, now: datetime) -> str | None:
        """Why a service issues nothing now: `manager`, `daily_limit`, `hours`; None if open."""
        service = self.config.service(service_id)
        day = state.services[service_id]
        assert service is not None
        if not day.issuing:
            return "manager"
        if (service.daily_limit is not None and day.issued >= service.daily_limit) or (
            day.next_seq > service.range[1]
        ):
            return "daily_limit"
        if self.enforce_hours and not is_open(hours_of(self.config, service), self.local(now)):
            return "hours"
        return None

    def mean_service_s(self, state: QueueState, service_id: str) -> float:
        recent = state.services[service_id].recent_service_s
        if recent:
            return sum(recent) / len(recent)
        service = self.config.service(service_id)
        assert service is not None
        return float(service.mean_service_s)

    def serving_counters(self, state: QueueState, service_id: str) -> int:
        return sum(
            1 for k in state.counters.values()
            if k.status is CounterStatus.OPEN and service_id in k.services
        )

    def people_ahead(self, state: QueueState, service_id: str, priority: bool) -> int:
        day = state.services[service_id]
        return len(day.waiting_priority) if priority else len(day.waiting)

    def estimated_wait_s(self, state: QueueState, service_id: str, now: datetime,
                         priority: bool = False) -> int:
        """Seconds until a ticket for the service issued now is called: a forecast of the
        calls to come from today's counter times (`broker.core.wait_estimate`)."""
        wait = wait_estimate.estimated_wait_s(
            state, service_id, now, self.counter_times(state), self.counter_links(state),
            priority=priority,
            ordinary_per_priority=self.config.queue.ordinary_per_priority,
            service_order=self.config.queue.policy == "service_order")
        return wait + self.booked_ahead_s(state, service_id, now, wait)

    def booked_ahead_s(self, state: QueueState, service_id: str, now: datetime,
                       wait_s: int) -> int:
        """What the booked slots ahead add to a walk-in's wait: the appointments not yet
        checked in whose slot comes before its call, each a citizen's counter time shared by
        the service's open counters."""
        rules = bookings.rules_of(self.config, service_id)
        if rules is None or not state.bookings.by_code:
            return 0
        counters = self.serving_counters(state, service_id)
        if counters == 0:
            return 0
        now = self.local(now)
        per_citizen = self.counter_times(state).mean_s(service_id) / counters
        extra = 0.0
        for _ in range(3):  # the slots that the added wait brings ahead too
            ahead = bookings.booked_ahead(state.bookings, service_id, now,
                                          now + timedelta(seconds=wait_s + extra), rules.late_min)
            if ahead * per_citizen <= extra:
                break
            extra = ahead * per_citizen
        return round(extra)

    def wait_spread_s(self, state: QueueState, service_id: str, estimate_s: int
                      ) -> float | None:
        """How much the wait behind that forecast varies (`wait_estimate.spread_s`), as far
        off as today's forecasts have been; None when no open counter serves the service,
        for then no wait can be promised."""
        if not self.serving_counters(state, service_id):
            return None
        times = self.counter_times(state)
        return wait_estimate.spread_s(estimate_s, times.mean_s(service_id)) * times.misses()

    def wait_range(self, state: QueueState, service_id: str, estimate_s: int
                   ) -> tuple[int, int] | None:
        """What a ticket for the service with that estimated wait is told: the range its wait
        falls in for about 80% of citizens (`wait_estimate.wait_range`), in seconds; None when
        no open counter serves the service."""
        spread = self.wait_spread_s(state, service_id, estimate_s)
        return None if spread is None else wait_estimate.wait_range(estimate_s, spread)

    def counter_times(self, state: QueueState) -> wait_estimate.CounterTimes:
        """What the state's counter times say, kept for the next forecasts of the same
        services (the hub asks for several services' waits after each command)."""
        last = self._counter_times
        if last is None or last.services is not state.services:
            last = wait_estimate.CounterTimes(state.services, self._configured_mean_s)
            self._counter_times = last
        return last

    def counter_links(self, state: QueueState) -> wait_estimate.CounterLinks:
        """Which counters decide each service's forecast, kept while the counters open and
        what they serve stay the same."""
        key = wait_estimate.links_key(state)
        if key != self._links.key:
            self._links = wait_estimate.CounterLinks(key)
        return self._links

    # --- commands --------------------------------------------------------------------------

    def apply(self, state: QueueState, command: Command, now: datetime) -> Outcome:
        now = self.local(now)  # every time the engine records carries the center's offset
        day = now.date()
        if day != state.day:
            state = self.roll_to(state, day)
        spec = OPS.get(command.op)
        if spec is None or spec.handler is None:  # a read is the hub's, not the queue's
            return Rejected("unknown_op", f"unknown operation {command.op!r}")
        if command.device.role not in spec.roles:
            return Rejected("forbidden", f"a {command.device.role} may not {command.op}")
        try:
            return spec.handler(_Step(self, state, command, now, spec))
        except QueueError as exc:
            return Rejected(exc.code, exc.message)


class _Step:
    """One command being applied: collects the changes, then builds the Accepted outcome."""

    def __init__(self, engine: QueueEngine, state: QueueState, command: Command,
                 now: datetime, spec: OpSpec) -> None:
        self.engine, self.config = engine, engine.config
        self.state, self.command, self.now, self.spec = state, command, now, spec
        self.args = command.args
        self.tickets: dict[str, Ticket] = {}
        self.counters: dict[str, CounterDay] = {}
        self.services: dict[str, ServiceDay] = {}
        self.events: list[EngineEvent] = []
        self.board: tuple[BoardCall, ...] | None = None
        self.message: BoardMessage | bool | None = False  # False: unchanged
        self.rating: RatingRecord | None = None
        self.bookings: BookingBook | None = None  # None: unchanged

    # reads see this step's own writes
    def ticket(self, ticket_id: str) -> Ticket:
        return self.tickets.get(ticket_id) or self.state.tickets[ticket_id]

    def counter(self, counter_id: str) -> CounterDay:
        return self.counters.get(counter_id) or self.state.counters[counter_id]

    def service(self, service_id: str) -> ServiceDay:
        return self.services.get(service_id) or self.state.services[service_id]

    def put(self, item: Ticket | CounterDay | ServiceDay) -> None:
        table = (self.tickets if isinstance(item, Ticket)
                 else self.counters if isinstance(item, CounterDay) else self.services)
        table[item.id] = item  # type: ignore[index]

    def emit(self, kind: str, **data: Any) -> None:
        self.events.append(EngineEvent(kind, {"at": iso(self.now), **data}))

    def done(self, result: dict[str, Any]) -> Accepted:
        s = self.state
        state = QueueState(
            day=s.day,
            tickets={**s.tickets, **self.tickets} if self.tickets else s.tickets,
            counters={**s.counters, **self.counters} if self.counters else s.counters,
            services={**s.services, **self.services} if self.services else s.services,
            board=self.board if self.board is not None else s.board,
            message=s.message if self.message is False else self.message,  # type: ignore[arg-type]
            ratings={**s.ratings, self.rating.ticket: self.rating} if self.rating else s.ratings,
            bookings=self.bookings if self.bookings is not None else s.bookings,
        )
        return Accepted(state, result, tuple(self.events), tuple(self.tickets.values()),
                        self.rating)

    # --- checks ---------------------------------------------------------------------------

    def acting_counter(self) -> CounterDay:
        """The counter this command acts on: a terminal's own, or the one a manager names."""
        device = self.command.device
        named = getattr(self.args, "counter", None)
        if self.command.op == "ticket.transfer":
            named = None  # there `counter` names the destination
        if device.role == "counter":
            if named is not None and named != device.counter:
                raise QueueError("forbidden", f"{device.id} acts for counter {device.counter} only")
            counter_id = device.counter
        else:
            if named is None:
                raise QueueError("bad_request", "name the counter to act on")
            counter_id = named
        if counter_id not in self.state.counters:
            raise QueueError("unknown_counter", f"unknown counter {counter_id!r}")
        return self.counter(counter_id)

    def known_service(self, service_id: str) -> ServiceDay:
        if service_id not in self.state.services:
            raise QueueError("unknown_service", f"unknown service {service_id!r}")
        return self.service(service_id)

    def move(self, ticket: Ticket, **changes: Any) -> Ticket:
        """Move a ticket along the operation's transitions, or refuse."""
        path = self.spec.transitions.get(ticket.state)
        if path is None:
            raise QueueError(
                "invalid_transition",
                f"{self.command.op} is not allowed for ticket {ticket.number} ({ticket.state})",
            )
        moved = replace(ticket, state=path[-1], **changes)
        self.put(moved)
        return moved

    def current_ticket(self, counter: CounterDay) -> Ticket:
        if counter.ticket is None:
            raise QueueError("no_current_ticket", f"counter {counter.id} has no current ticket")
        return self.ticket(counter.ticket)

    def officer_at(self, officer: str, *, but: str) -> CounterDay | None:
        """The other counter (open or paused) where the officer is signed in, if any."""
        for counter_id in self.state.counters:
            other = self.counter(counter_id)
            if (counter_id != but and other.officer == officer
                    and other.status is not CounterStatus.CLOSED):
                return other
        return None

    def require_open(self, counter: CounterDay) -> None:
        if counter.status is not CounterStatus.OPEN:
            raise QueueError("counter_not_open", f"counter {counter.id} is {counter.status}")
        if counter.ticket is not None:
            raise QueueError(
                "ticket_in_progress",
                f"counter {counter.id} still has ticket {self.ticket(counter.ticket).number}",
            )

    # --- shared moves ---------------------------------------------------------------------

    def leave_queue(self, ticket: Ticket) -> None:
        day = self.service(ticket.service)
        self.put(replace(day, waiting=_without(day.waiting, ticket.id),
                         waiting_priority=_without(day.waiting_priority, ticket.id)))

    def join_queue(self, ticket: Ticket) -> None:
        day = self.service(ticket.service)
        priority = (*day.waiting_priority, ticket.id) if ticket.priority else day.waiting_priority
        self.put(replace(day, waiting=(*day.waiting, ticket.id), waiting_priority=priority))

    def call(self, counter: CounterDay, ticket: Ticket) -> dict[str, Any]:
        counter = self.count_overtaking(counter, ticket)
        if ticket.state is W:
            self.leave_queue(ticket)
            counter = self.delay_before_call(
                replace(counter, sent_here=_without(counter.sent_here, ticket.id)), ticket)
        elif ticket.state is N and ticket.counter is not None:
            if ticket.counter == counter.id:
                counter = replace(counter, missed=_without(counter.missed, ticket.id))
            else:
                where = self.counter(ticket.counter)
                self.put(replace(where, missed=_without(where.missed, ticket.id)))
        called = self.move(
            ticket, counter=counter.id, officer=counter.officer, called_at=self.now,
            first_called_at=ticket.first_called_at or self.now, calls=ticket.calls + 1,
            for_counter=None,
        )
        streak = 0 if ticket.priority else counter.ordinary_streak + 1
        if ticket.appointment_at is not None:  # an appointment: owed walk-ins, not ordinary
            counter = replace(counter, owes_walk_ins=self.config.appointments
                              .walk_ins_per_appointment)
            streak = counter.ordinary_streak
        elif counter.owes_walk_ins:
            counter = replace(counter, owes_walk_ins=counter.owes_walk_ins - 1)
        self.put(replace(counter, ticket=called.id, ordinary_streak=streak, since=self.now))
        self.put(replace(self.count_miss(ticket), last_called=ticket.number))
        self.board_call(called, counter)
        self.emit("ticket.called", **self.call_event(called, counter))
        return {"ticket": ticket_info(called)}

    def count_miss(self, ticket: Ticket) -> ServiceDay:
        """At a ticket's first call, how far its wait fell from the forecast it was told, over
        the spread its range assumed: today's forecasts' misses widen or narrow the ranges
        to come (`wait_estimate.CounterTimes.misses`)."""
        day = self.service(ticket.service)
        if ticket.first_called_at is not None or ticket.told_s is None or (
                ticket.told_spread_s is None):
            return day
        waited = (self.now - ticket.issued_at).total_seconds()
        miss = wait_estimate.miss(waited, ticket.told_s, ticket.told_spread_s)
        keep = self.config.queue.recent_service_samples
        return replace(day, recent_misses=(*day.recent_misses, miss)[-keep:])

    def call_event(self, ticket: Ticket, counter: CounterDay) -> dict[str, Any]:
        config_counter = self.config.counter(counter.id)
        assert config_counter is not None
        return {
            "ticket": ticket.id, "number": ticket.number, "service": ticket.service,
            "counter": counter.id, "counter_number": config_counter.number,
            "officer": counter.officer, "calls": ticket.calls, "priority": ticket.priority,
        }

    def counter_time(self, ticket: Ticket, counter: CounterDay) -> None:
        """A sample of how long a citizen of this service holds a counter, call to leaving
        (done, no-show or transfer): what the estimated wait is made of. Counted from the
        first call at this counter, so a no-show's recalls are in it."""
        since = counter.since or ticket.called_at
        assert since is not None
        held = max(0.0, (self.now - since).total_seconds())
        day = self.service(ticket.service)
        samples = (*day.recent_service_s, held)[-self.config.queue.recent_service_samples:]
        self.put(replace(day, recent_service_s=samples))

    def count_overtaking(self, counter: CounterDay, ticket: Ticket) -> CounterDay:
        """Count this call if an ordinary citizen waits for the counter, and whether the
        called ticket went ahead of them without having been in line before them."""
        waiting = wait_estimate.oldest_ordinary(self.state, counter, but=ticket.id)
        if waiting is None:
            return counter
        overtaking = (ticket.state is N or ticket.transfers > 0
                      or (ticket.priority and ticket.issued_at > waiting.issued_at))
        return replace(counter, queued_calls=counter.queued_calls + 1,
                       overtaking_calls=counter.overtaking_calls + overtaking)

    def delay_before_call(self, counter: CounterDay, ticket: Ticket) -> CounterDay:
        """Keep how long this counter took to call a waiting citizen it could have called:
        from the citizen's arrival if the counter stood free before it (a pickup), else from
        the counter's last citizen leaving (a turnaround). A transferred ticket gives no
        sample: when it joined this queue is not kept."""
        if counter.since is None or counter.ticket is not None or ticket.transfers:
            return counter
        keep = self.config.queue.recent_service_samples
        if ticket.issued_at >= counter.since:
            delay = (self.now - ticket.issued_at).total_seconds()
            return replace(counter, recent_pickup_s=(*counter.recent_pickup_s, delay)[-keep:])
        delay = (self.now - counter.since).total_seconds()
        return replace(counter,
                       recent_turnaround_s=(*counter.recent_turnaround_s, delay)[-keep:])

    def board_call(self, ticket: Ticket, counter: CounterDay) -> None:
        entry = BoardCall(ticket.id, ticket.number, counter.id, ticket.service, self.now)
        kept = tuple(c for c in self.state.board if c.ticket != ticket.id)
        self.board = (entry, *kept)[: self.config.queue.board_last_calls]

    def counter_result(self, counter: CounterDay) -> dict[str, Any]:
        self.emit("counter.changed", counter=counter.id, status=counter.status.value,
                  officer=counter.officer, services=list(counter.services))
        ticket = self.ticket(counter.ticket) if counter.ticket else None
        return {"counter": {
            "id": counter.id, "status": counter.status.value, "officer": counter.officer,
            "services": list(counter.services),
            "ticket": ticket_info(ticket) if ticket else None,
        }}


def _without(ids: tuple[str, ...], ticket_id: str) -> tuple[str, ...]:
    return tuple(t for t in ids if t != ticket_id) if ticket_id in ids else ids


# --- handlers: one per operation --------------------------------------------------------------


def _issue(step: _Step) -> Accepted:
    args: IssueArgs = step.args  # type: ignore[assignment]
    day = step.known_service(args.service)
    service = step.config.service(args.service)
    assert service is not None
    reason = step.engine.closed_reason(step.state, args.service, step.now)
    if reason == "daily_limit":
        raise QueueError("daily_limit_reached", f"service {args.service} has given its last number")
    if reason is not None:
        raise QueueError("service_closed", f"service {args.service} is closed ({reason})")
    if args.reason is not None and args.reason not in {g.id for g in step.config.priority_groups}:
        raise QueueError("bad_request", f"unknown priority group {args.reason!r}")
    priority = args.priority or args.reason is not None
    seq = day.next_seq
    number = f"{service.prefix}{seq:0{len(str(service.range[1]))}d}"
    ahead = step.engine.people_ahead(step.state, args.service, priority)
    ticket = Ticket(
        id=f"{step.state.day:%Y%m%d}-{service.id}-{number}", number=number, seq=seq,
        service=service.id, origin_service=service.id, priority=priority,
        reason=args.reason if priority else None, lang=args.lang, issued_at=step.now,
    )
    step.put(ticket)
    step.put(replace(day, next_seq=seq + 1, issued=day.issued + 1, last_issued=number))
    step.join_queue(ticket)
    ewt = step.engine.estimated_wait_s(step.state, args.service, step.now, priority)
    spread = step.engine.wait_spread_s(step.state, args.service, ewt)
    told = wait_estimate.wait_range(ewt, spread) if spread is not None else None
    ticket = replace(ticket, told_s=ewt, told_spread_s=spread)
    step.put(ticket)
    # The token and the address go to the kiosk that prints them, never to the events.
    view = issued_ticket_info(ticket, ahead, ewt, told, token=step.engine.ticket_token(ticket.id),
                              status_url=step.engine.status_url(ticket.id))
    step.emit("ticket.issued", ticket=ticket.id, number=number, service=service.id,
              priority=priority, ahead=ahead, ewt_s=ewt)
    return step.done({"ticket": view})


def _cancel(step: _Step) -> Accepted:
    args: TicketArgs = step.args  # type: ignore[assignment]
    if args.ticket not in step.state.tickets:
        raise QueueError("unknown_ticket", f"unknown ticket {args.ticket!r}")
    ticket = step.ticket(args.ticket)
    step.move(ticket)
    step.leave_queue(ticket)
    if ticket.for_counter is not None:
        sent_to = step.counter(ticket.for_counter)
        step.put(replace(sent_to, sent_here=_without(sent_to.sent_here, ticket.id)))
    step.emit("ticket.cancelled", ticket=ticket.id, number=ticket.number, service=ticket.service)
    return step.done({"ticket": ticket_info(step.ticket(ticket.id))})


def _open(step: _Step) -> Accepted:
    args: OpenArgs = step.args  # type: ignore[assignment]
    counter = step.acting_counter()
    configured = step.config.counter(counter.id)
    assert configured is not None
    officer = args.officer or counter.officer or configured.officer
    if officer is not None and step.config.officer(officer) is None:
        raise QueueError("unknown_officer", f"unknown officer {officer!r}")
    # One officer at one counter at a time: ratings and reports are credited to the officer
    # the counter names, so no counter may name one who works (or paused) at another.
    busy_at = step.officer_at(officer, but=counter.id) if officer is not None else None
    if busy_at is not None:
        raise QueueError("officer_busy",
                         f"officer {officer} is signed in at counter {busy_at.id}; close it "
                         "there first")
    opened = replace(counter, status=CounterStatus.OPEN, officer=officer)
    if counter.ticket is None and counter.status is not CounterStatus.OPEN:
        opened = replace(opened, since=step.now)  # free from now, not from before a pause
    step.put(opened)
    return step.done(step.counter_result(opened))


def _pause(step: _Step) -> Accepted:
    counter = step.acting_counter()
    if counter.status is CounterStatus.CLOSED:
        raise QueueError("counter_not_open", f"counter {counter.id} is closed")
    paused = replace(counter, status=CounterStatus.PAUSED)
    step.put(paused)
    return step.done(step.counter_result(paused))


def _close(step: _Step) -> Accepted:
    counter = step.acting_counter()
    if counter.ticket is not None:
        raise QueueError("ticket_in_progress",
                         f"finish ticket {step.ticket(counter.ticket).number} before closing")
    closed = replace(counter, status=CounterStatus.CLOSED, officer=None)
    step.put(closed)
    return step.done(step.counter_result(closed))


def _call_next(step: _Step) -> Accepted:
    counter = step.acting_counter()
    step.require_open(counter)
    waiting = call_policy.eligible(step.state, counter)
    appointments = step.config.appointments
    chosen = step.engine.policy(waiting, counter, step.config.queue.ordinary_per_priority,
                                now=step.now,
                                walk_ins_per_appointment=appointments.walk_ins_per_appointment,
                                grace=timedelta(minutes=appointments.grace_min))
    if chosen is None:
        raise QueueError("queue_empty", f"no one is waiting for counter {counter.id}")
    return step.done(step.call(counter, chosen))


def _call_number(step: _Step) -> Accepted:
    args: CallArgs = step.args  # type: ignore[assignment]
    counter = step.acting_counter()
    step.require_open(counter)
    ticket = step.state.ticket_by_number(args.number)
    if ticket is None:
        raise QueueError("unknown_ticket", f"no ticket {args.number} today")
    allowed = (
        ticket.for_counter == counter.id
        or (ticket.for_counter is None and ticket.service in counter.services)
        or (ticket.state is N and ticket.counter == counter.id)
    )
    if not allowed:
        raise QueueError("forbidden", f"ticket {args.number} is not for counter {counter.id}")
    return step.done(step.call(counter, ticket))


def _recall(step: _Step) -> Accepted:
    counter = step.acting_counter()
    ticket = step.current_ticket(counter)
    recalled = step.move(ticket, called_at=step.now, calls=ticket.calls + 1)
    step.board_call(recalled, counter)
    step.emit("ticket.recalled", **step.call_event(recalled, counter))
    return step.done({"ticket": ticket_info(recalled)})


def _serve(step: _Step) -> Accepted:
    counter = step.acting_counter()
    ticket = step.move(step.current_ticket(counter), served_at=step.now)
    step.emit("ticket.serving", ticket=ticket.id, number=ticket.number, counter=counter.id)
    return step.done({"ticket": ticket_info(ticket)})


def _done(step: _Step) -> Accepted:
    counter = step.acting_counter()
    ticket = step.current_ticket(counter)
    served_at = ticket.served_at or ticket.called_at
    assert served_at is not None and ticket.called_at is not None
    finished = step.move(ticket, served_at=served_at, finished_at=step.now)
    step.put(replace(counter, ticket=None, since=step.now))
    duration = max(0.0, (step.now - served_at).total_seconds())
    step.counter_time(ticket, counter)
    day = step.service(ticket.service)
    step.put(replace(day, served=day.served + 1))
    step.emit("ticket.done", ticket=finished.id, number=finished.number, service=finished.service,
              counter=counter.id, officer=counter.officer, service_s=round(duration))
    # The note (free text: an officer may write an ID or a phone number into it) stays in
    # the command's args in the ledger, for the manager (report `notes`) and its retention;
    # never on the broadcast events.
    return step.done({"ticket": ticket_info(finished)})


def _no_show(step: _Step) -> Accepted:
    counter = step.acting_counter()
    ticket = step.current_ticket(counter)
    step.counter_time(ticket, counter)
    missed = step.move(ticket)
    step.put(replace(counter, ticket=None, missed=(*counter.missed, missed.id), since=step.now))
    step.emit("ticket.no_show", ticket=missed.id, number=missed.number, service=missed.service,
              counter=counter.id)
    return step.done({"ticket": ticket_info(missed)})


def _transfer(step: _Step) -> Accepted:
    args: TransferArgs = step.args  # type: ignore[assignment]
    counter = step.acting_counter()
    if (args.service is None) == (args.counter is None):
        raise QueueError("bad_request", "transfer to a service or to a counter, one of them")
    ticket = step.current_ticket(counter)
    step.counter_time(ticket, counter)
    service, for_counter = ticket.service, None
    if args.service is not None:
        step.known_service(args.service)
        service = args.service
    else:
        if args.counter not in step.state.counters:
            raise QueueError("unknown_counter", f"unknown counter {args.counter!r}")
        if args.counter == counter.id:
            raise QueueError("bad_request", "transfer to another counter")
        for_counter = args.counter
    moved = step.move(ticket, service=service, for_counter=for_counter, counter=None,
                      officer=None, served_at=None, transfers=ticket.transfers + 1)
    step.join_queue(moved)
    step.put(replace(counter, ticket=None, since=step.now))
    if for_counter is not None:
        sent_to = step.counter(for_counter)
        step.put(replace(sent_to, sent_here=(*sent_to.sent_here, moved.id)))
    step.emit("ticket.transferred", ticket=moved.id, number=moved.number,
              from_service=ticket.service, service=service, from_counter=counter.id,
              to_counter=for_counter)
    return step.done({"ticket": ticket_info(moved)})


def _rate(step: _Step) -> Accepted:
    args: RatingArgs = step.args  # type: ignore[assignment]
    device = step.command.device
    if args.ticket not in step.state.tickets:
        raise QueueError("unknown_ticket", f"unknown ticket {args.ticket!r}")
    ticket = step.ticket(args.ticket)
    if device.role == "web":
        # The web face rates for whoever holds the ticket's page, and proves it by its token.
        if args.token is None or not step.engine.token_secret or not ticket_token.token_matches(
                step.engine.token_secret, ticket.id, args.token):
            raise QueueError("forbidden", "the token does not belong to this ticket")
    elif ticket.counter != device.counter:
        raise QueueError("forbidden", f"ticket {ticket.number} was not served at this counter")
    if ticket.state is not D:
        raise QueueError("invalid_transition", f"ticket {ticket.number} is not finished")
    if ticket.rating is not None:
        raise QueueError("already_rated", f"ticket {ticket.number} has been rated")
    assert ticket.finished_at is not None
    if step.now - ticket.finished_at > timedelta(seconds=step.config.rating.window_s):
        raise QueueError("rating_window_closed", f"ticket {ticket.number} can no longer be rated")
    if args.score not in {level.score for level in step.config.rating.levels}:
        raise QueueError("bad_request", f"score {args.score} is not a configured level")
    unknown = set(args.reasons) - {r.id for r in step.config.rating.reasons}
    if unknown:
        raise QueueError("bad_request", f"unknown reasons {sorted(unknown)}")
    step.put(replace(ticket, rating=args.score))
    step.rating = RatingRecord(ticket.id, ticket.counter, ticket.officer, args.score,
                               tuple(args.reasons), step.now)
    # Broadcast without the ticket: the hall saw which number went to the desk, so the ticket
    # would name the rater (Decree 61/2018 Art. 27(3): the rater stays confidential). The
    # ledger keeps the rating with its ticket (one rating per ticket).
    step.emit("rating.recorded", counter=ticket.counter, officer=ticket.officer,
              score=args.score, reasons=list(args.reasons))
    return step.done({"rating": {"ticket": ticket.id, "score": args.score,
                                 "reasons": list(args.reasons)}})


def _assign(step: _Step) -> Accepted:
    args: AssignArgs = step.args  # type: ignore[assignment]
    counter = step.acting_counter()
    for service in args.services:
        step.known_service(service)
    if len(set(args.services)) != len(args.services):
        raise QueueError("bad_request", "a service is listed twice")
    assigned = replace(counter, services=tuple(args.services))
    step.put(assigned)
    return step.done(step.counter_result(assigned))


def _service_issuing(issuing: bool):
    def handler(step: _Step) -> Accepted:
        args: ServiceArgs = step.args  # type: ignore[assignment]
        day = replace(step.known_service(args.service), issuing=issuing)
        step.put(day)
        step.emit("service.changed", service=day.id, issuing=issuing)
        return step.done({"service": {"id": day.id, "issuing": issuing}})

    return handler


def _message(step: _Step) -> Accepted:
    args: MessageArgs = step.args  # type: ignore[assignment]
    text = args.text.strip()
    step.message = BoardMessage(text, args.until) if text else None
    step.emit("board.message", text=text, until=iso(args.until))
    return step.done({"message": {"text": text, "until": iso(args.until)}})


# --- appointments ------------------------------------------------------------------------------


def _booking_rules(step: _Step, service_id: str):
    step.known_service(service_id)
    rules = bookings.rules_of(step.config, service_id)
    if rules is None:
        raise QueueError("not_bookable", f"service {service_id} takes no appointments")
    return rules


def _booking_by_code(step: _Step, text: str) -> Booking:
    code = bookings.normalize_code(text)
    book = step.bookings or step.state.bookings
    found = book.by_code.get(code)
    if found is None:
        raise QueueError("unknown_booking", "no booking has this code")
    return found


def _put_booking(step: _Step, booking: Booking, **book: Any) -> None:
    current = step.bookings or step.state.bookings
    step.bookings = replace(current, by_code={**current.by_code, booking.code: booking}, **book)


def _book(step: _Step) -> Accepted:
    args: BookingArgs = step.args  # type: ignore[assignment]
    rules = _booking_rules(step, args.service)
    slot = args.slot.astimezone(step.engine.tz) if args.slot.tzinfo else args.slot.replace(
        tzinfo=step.engine.tz)
    book = step.state.bookings
    if slot.date() in book.closed_days:
        raise QueueError("booking_day_closed", f"the center takes no bookings for {slot:%d/%m}")
    offered = bookings.free_slots(step.config, book, args.service, slot.date(), step.now,
                                  all_slots=True)
    chosen = next((s for s in offered if s.start == slot), None)
    if chosen is None:
        raise QueueError("slot_unavailable", f"{slot:%H:%M %d/%m} is not a slot one may book")
    if chosen.free <= 0:
        raise QueueError("slot_full", f"the slot at {slot:%H:%M %d/%m} is full")
    if args.phone is not None:
        if not args.consent:
            raise QueueError("consent_required", "a phone number is kept only with consent")
        if book.of_phone(args.phone, slot.date()) >= rules.per_phone_per_day:
            raise QueueError("phone_limit_reached", f"this phone number holds "
                             f"{rules.per_phone_per_day} bookings on {slot:%d/%m} already")
    made = book.made if book.made_on == step.now.date() else 0
    if made >= bookings.MAX_PER_DAY:
        raise QueueError("slot_full", "no more bookings can be made today")
    nonce = args.nonce if args.nonce is not None else int.from_bytes(
        step.command.id.encode()[:7].ljust(7, b"\0"), "big")
    code = bookings.make_code(step.now.date(), made, nonce)
    booking = Booking(
        id=f"B{step.now:%Y%m%d}-{made + 1:04d}", code=code, service=args.service, slot=slot,
        slot_min=rules.slot_min, created_at=step.now, by=step.command.device.id,
        lang=args.lang, phone=args.phone)
    _put_booking(step, booking, made_on=step.now.date(), made=made + 1)
    # No code and no phone on the broadcast events: the code is the citizen's key.
    step.emit("booking.created", booking=booking.id, service=booking.service,
              day=booking.day.isoformat(), slot=booking.slot.isoformat(timespec="seconds"),
              by=booking.by)
    return step.done({"booking": bookings.booking_info(booking, rules)})


def _unbook(step: _Step) -> Accepted:
    args: BookingCodeArgs = step.args  # type: ignore[assignment]
    booking = _booking_by_code(step, args.code)
    if booking.status is BookingStatus.CANCELLED:
        raise QueueError("booking_cancelled", "this booking is already cancelled")
    if booking.status is BookingStatus.CHECKED_IN:
        raise QueueError("booking_used", "this booking has been checked in")
    cancelled = replace(booking, status=BookingStatus.CANCELLED)
    _put_booking(step, cancelled)
    step.emit("booking.cancelled", booking=booking.id, service=booking.service,
              day=booking.day.isoformat(), slot=booking.slot.isoformat(timespec="seconds"))
    return step.done({"booking": bookings.booking_info(
        cancelled, bookings.rules_of(step.config, booking.service))})


def _check_in(step: _Step) -> Accepted:
    args: BookingCodeArgs = step.args  # type: ignore[assignment]
    booking = _booking_by_code(step, args.code)
    rules = bookings.rules_of(step.config, booking.service)
    if booking.status is BookingStatus.CANCELLED:
        raise QueueError("booking_cancelled", "this booking was cancelled")
    if booking.status is BookingStatus.CHECKED_IN:
        raise QueueError("booking_used", "this booking has been checked in already")
    if rules is None or booking.service not in step.state.services:
        raise QueueError("not_bookable", f"service {booking.service} takes no appointments")
    opens, closes = bookings.checkin_window(rules, booking)
    if step.now < opens:
        raise QueueError("checkin_too_early", f"check-in opens at {opens:%H:%M %d/%m}")
    if step.now > closes:
        raise QueueError("checkin_too_late", f"check-in closed at {closes:%H:%M}")
    appointments = step.config.appointments
    seq = appointments.range[0] + (step.bookings or step.state.bookings).checked_in_on(
        step.now.date())
    if seq > appointments.range[1]:
        raise QueueError("daily_limit_reached", "the appointment numbers have run out")
    number = f"{appointments.prefix}{seq:0{len(str(appointments.range[1]))}d}"
    day = step.service(booking.service)
    ticket = Ticket(
        id=f"{step.state.day:%Y%m%d}-{booking.service}-{number}", number=number, seq=seq,
        service=booking.service, origin_service=booking.service, priority=False, reason=None,
        lang=booking.lang, issued_at=step.now, booking=booking.id,
        appointment_at=booking.slot)
    ahead = len(day.waiting)
    step.put(ticket)
    step.put(replace(day, issued=day.issued + 1, last_issued=number))
    step.join_queue(ticket)
    used = replace(booking, status=BookingStatus.CHECKED_IN, ticket=ticket.id,
                   checked_in_at=step.now)
    _put_booking(step, used)
    # Waits for its slot (or none if it has come), then goes before the walk-ins.
    ewt = max(0, round((booking.slot - step.now).total_seconds()))
    step.emit("ticket.issued", ticket=ticket.id, number=number, service=ticket.service,
              priority=False, ahead=ahead, ewt_s=ewt, booking=booking.id,
              appointment_at=booking.slot.isoformat(timespec="seconds"))
    step.emit("booking.checked_in", booking=booking.id, ticket=ticket.id, number=number,
              service=ticket.service, slot=booking.slot.isoformat(timespec="seconds"))
    # What it is told: from its slot to the grace after it (its counters call it by then).
    told = (ewt, ewt + step.config.appointments.grace_min * 60)
    view = msgspec.structs.asdict(issued_ticket_info(
        ticket, ahead, ewt, told, token=step.engine.ticket_token(ticket.id),
        status_url=step.engine.status_url(ticket.id)))
    view["appointment_at"] = booking.slot.isoformat(timespec="seconds")
    view["booking"] = booking.id
    return step.done({"ticket": view, "booking": bookings.booking_info(used, rules)})


def _close_booking_day(step: _Step) -> Accepted:
    args: BookingDayArgs = step.args  # type: ignore[assignment]
    if args.day < step.now.date():
        raise QueueError("bad_request", "that day is over")
    book = step.state.bookings
    days = book.closed_days | {args.day} if args.closed else book.closed_days - {args.day}
    step.bookings = replace(book, closed_days=frozenset(days))
    step.emit("booking.day_changed", day=args.day.isoformat(), closed=args.closed)
    return step.done({"day": args.day.isoformat(), "closed": args.closed,
                      "booked": sum(1 for b in book.active() if b.day == args.day)})


def read_bookings(engine: QueueEngine, state: QueueState, op: str, args: Args, now: datetime
                  ) -> dict[str, Any]:
    """The answers of the appointment reads, from the state (the hub asks; never recorded):
    `booking.slots` (the free slots) and `booking.find` (a booking by its code)."""
    now = engine.local(now)
    state = engine.roll_to(state, now.date())
    if op == "booking.slots":
        slots: SlotsArgs = args  # type: ignore[assignment]
        services = ([slots.service] if slots.service is not None
                    else bookings.bookable_services(engine.config))
        for service_id in services:
            if engine.config.service(service_id) is None:
                raise QueueError("unknown_service", f"unknown service {service_id!r}")
        first = slots.day or now.date()
        return {"days": bookings.slots_info(engine.config, state.bookings, services, first,
                                            slots.days, now),
                "now": now.isoformat(timespec="seconds")}  # the hub's time
    if op == "booking.find":
        found: BookingCodeArgs = args  # type: ignore[assignment]
        booking = state.bookings.by_code.get(bookings.normalize_code(found.code))
        if booking is None:
            raise QueueError("unknown_booking", "no booking has this code")
        return {"booking": bookings.booking_info(
            booking, bookings.rules_of(engine.config, booking.service)),
            "today": now.date().isoformat()}  # the hub's day: a device's clock may be wrong
    raise QueueError("unknown_op", f"unknown operation {op!r}")


# --- the operations ---------------------------------------------------------------------------

Handler = Callable[[_Step], Accepted]


@dataclass(frozen=True, slots=True)
class OpSpec:
    """One operation: its arguments, who may send it, and what it does. The hub, the engine,
    the ledger's replay and the protocol's decoding all read it here."""

    args: type[Args]
    roles: frozenset[Role]
    # None: a read, answered by the hub from the ledger and never recorded as a command.
    handler: Handler | None = None
    # Which ticket state the operation may move a ticket from, and the states it then goes
    # through. Anything else is refused with `invalid_transition` and changes nothing.
    transitions: Mapping[TicketState, tuple[TicketState, ...]] = field(default_factory=dict)

    @property
    def read_only(self) -> bool:
        return self.handler is None


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


# ticket.done and ticket.transfer from `called` pass through `serving` (the citizen came to the
# desk at the call).
OPS: Mapping[str, OpSpec] = {
    "ticket.issue": OpSpec(IssueArgs, _roles("kiosk", "manager"), _issue),
    "ticket.cancel": OpSpec(TicketArgs, _roles("manager"), _cancel, {W: (X,)}),
    "counter.open": OpSpec(OpenArgs, _roles("counter", "manager"), _open),
    "counter.pause": OpSpec(NoArgs, _roles("counter", "manager"), _pause),
    "counter.close": OpSpec(NoArgs, _roles("counter", "manager"), _close),
    "counter.call_next": OpSpec(NoArgs, _roles("counter"), _call_next, {W: (C,)}),
    "counter.recall": OpSpec(NoArgs, _roles("counter"), _recall, {C: (C,)}),
    "counter.call": OpSpec(CallArgs, _roles("counter"), _call_number, {W: (C,), N: (C,)}),
    "ticket.serve": OpSpec(NoArgs, _roles("counter"), _serve, {C: (S,)}),
    "ticket.done": OpSpec(DoneArgs, _roles("counter"), _done, {C: (S, D), S: (D,)}),
    "ticket.no_show": OpSpec(NoArgs, _roles("counter"), _no_show, {C: (N,)}),
    "ticket.transfer": OpSpec(TransferArgs, _roles("counter"), _transfer, {C: (S, W), S: (W,)}),
    # The web face rates for the citizen holding the ticket's page (it proves it by the token).
    "rating.submit": OpSpec(RatingArgs, _roles("tablet", "web"), _rate),
    "counter.assign": OpSpec(AssignArgs, _roles("manager"), _assign),
    "service.open": OpSpec(ServiceArgs, _roles("manager"), _service_issuing(True)),
    "service.close": OpSpec(ServiceArgs, _roles("manager"), _service_issuing(False)),
    "board.message": OpSpec(MessageArgs, _roles("manager"), _message),
    "report.get": OpSpec(ReportArgs, _roles("manager")),
    # The web face's reads: a ticket by its page's token, the counts of the public ranking.
    "ticket.lookup": OpSpec(LookupArgs, _roles("web")),
    "rating.ranking": OpSpec(RankingArgs, _roles("web", "manager")),
    # Appointments: the web face and the manager (on the telephone) book and cancel, the
    # kiosk checks in; the slots and a booking by its code are reads of the hub's state.
    "booking.create": OpSpec(BookingArgs, _roles("web", "manager"), _book),
    "booking.cancel": OpSpec(BookingCodeArgs, _roles("web", "manager"), _unbook),
    "booking.checkin": OpSpec(BookingCodeArgs, _roles("kiosk"), _check_in),
    "booking.close_day": OpSpec(BookingDayArgs, _roles("manager"), _close_booking_day),
    "booking.slots": OpSpec(SlotsArgs, _roles("web", "manager", "kiosk")),
    "booking.find": OpSpec(BookingCodeArgs, _roles("web", "manager", "kiosk")),
}
