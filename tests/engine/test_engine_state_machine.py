"""Property-based: random days of commands against the engine and its ledger; the invariants
hold after every step, and the state rebuilt from the ledger equals the live state."""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import msgspec
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from broker.core import bookings
from broker.core.bookings import BookingStatus
from broker.core.call_policy import eligible
from broker.core.commands import Command
from broker.core.day_end import (
    DAY_CLOSE_OP,
    HUB_DEVICE_ID,
    UNFINISHED,
    DayCloseArgs,
    close_day,
    day_close_id,
)
from broker.core.engine import LIFECYCLE_EDGES, OPS, Accepted
from broker.core.queue_state import CounterStatus, TicketState
from broker.service.ledger import Ledger
from config.schema import Device
from tests.engine.driver import TZ, EngineDriver

COUNTERS = ["1", "2", "4", "9"]
SERVICES = ["dkdn", "dautu", "datdai", "lltp"]
REASONS = [None, "elderly", "disabled"]
# The day's end: an unfinished ticket's only way out besides the lifecycle.
DAY_END_EDGES = frozenset((s, TicketState.DAY_CLOSED) for s in UNFINISHED)
BOOKABLE = [s for s in SERVICES if s in ("dkdn", "datdai", "lltp")]


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.q = EngineDriver(enforce_hours=False)
        self.ratio = self.q.config.queue.ordinary_per_priority
        self._tmp = tempfile.TemporaryDirectory()
        self.ledger = Ledger(Path(self._tmp.name) / "ledger.db", synchronous="OFF")
        self.seen_states = {}

    def teardown(self) -> None:
        self.ledger.close()
        self._tmp.cleanup()

    def _run(self, device: str, op: str, **args):
        before = self.q.state
        outcome = self.q.try_(device, op, **args)
        if isinstance(outcome, Accepted):
            command, now, _ = self.q.accepted[-1]
            self.ledger.record(command, msgspec.json.encode(command.args), now, outcome,
                               msgspec.json.encode(outcome.result))
            self._check_transitions(op, before, outcome)
        else:
            assert self.q.state is before
        return outcome

    def _check_transitions(self, op, before, outcome) -> None:
        for ticket in outcome.tickets:
            old = before.tickets.get(ticket.id)
            if old is None:
                assert op in ("ticket.issue", "booking.checkin")
                assert ticket.state is TicketState.WAITING
                continue
            if old.state is ticket.state and op in ("rating.submit",):
                continue
            path = OPS[op].transitions[old.state]
            assert path[-1] is ticket.state
            states = (old.state, *path)
            assert all(edge in LIFECYCLE_EDGES for edge in pairwise(states))

    # --- rules ----------------------------------------------------------------------------

    @rule(service=st.sampled_from(SERVICES), reason=st.sampled_from(REASONS))
    def issue(self, service, reason):
        args = {"reason": reason} if reason else {}
        self._run("kiosk-1", "ticket.issue", service=service, **args)

    @rule(service=st.sampled_from(SERVICES), reasons=st.lists(st.sampled_from(REASONS),
                                                               min_size=2, max_size=6))
    def a_crowd_arrives(self, service, reasons):
        for reason in reasons:
            self.issue(service, reason)

    @rule(counter=st.sampled_from(COUNTERS), rounds=st.integers(1, 4))
    def busy_counter(self, counter, rounds):
        """Open, then finish and call next a few times: where the interleave shows."""
        self._run(f"counter-{counter}", "counter.open")
        for _ in range(rounds):
            self._run(f"counter-{counter}", "ticket.done")
            self.call_next(counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def open_counter(self, counter):
        self._run(f"counter-{counter}", "counter.open")

    @rule(counter=st.sampled_from(COUNTERS))
    def pause(self, counter):
        self._run(f"counter-{counter}", "counter.pause")

    @rule(counter=st.sampled_from(COUNTERS))
    def close(self, counter):
        self._run(f"counter-{counter}", "counter.close")

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter):
        state = self.q.state
        k = state.counters[counter]
        waiting = eligible(state, k)
        outcome = self._run(f"counter-{counter}", "counter.call_next")
        if not isinstance(outcome, Accepted):
            return
        chosen = state.tickets[outcome.result["ticket"].id]
        now = self.q.engine.local(self.q.now)
        grace = timedelta(minutes=self.q.config.appointments.grace_min)
        appointments = [t for t in waiting if t.appointment_at is not None]
        waiting = [t for t in waiting if t.appointment_at is None]
        due = [t for t in appointments if t.appointment_at <= now]
        overdue = [t for t in due if now - t.appointment_at > grace]
        if chosen.appointment_at is not None:
            # An appointment is called once its slot has come (early only if nobody else
            # waits), at the interleave unless one is past its grace; earliest slot first.
            assert chosen in due or not waiting
            assert not waiting or overdue or k.owes_walk_ins <= 0
            group = overdue or due or appointments
            assert chosen == min(group, key=lambda t: (t.appointment_at, t.issued_at, t.seq,
                                                       t.id))
            event("an appointment called" + (" past its grace" if overdue else ""))
            return
        # No appointment waits longer than its grace after its slot while its counter calls
        # others; one whose slot has come waits only for the walk-ins the counter owes.
        assert not overdue
        assert not due or k.owes_walk_ins > 0
        priority = [t for t in waiting if t.priority]
        ordinary = [t for t in waiting if not t.priority]
        # The interleave holds...
        if priority and ordinary:
            assert chosen.priority is (k.ordinary_streak >= self.ratio)
        # ...then the oldest of its kind.
        kind = priority if chosen.priority else ordinary
        assert chosen == min(kind, key=lambda t: (t.issued_at, t.seq, t.id))

    @rule(counter=st.sampled_from(COUNTERS), data=st.data())
    def call_number(self, counter, data):
        numbers = sorted(t.number for t in self.q.state.tickets.values()
                         if t.state in (TicketState.WAITING, TicketState.NO_SHOW))
        if numbers:
            self._run(f"counter-{counter}", "counter.call", number=data.draw(
                st.sampled_from(numbers)))

    @rule(counter=st.sampled_from(COUNTERS),
          op=st.sampled_from(["counter.recall", "ticket.serve", "ticket.done", "ticket.no_show"]))
    def act(self, counter, op):
        self._run(f"counter-{counter}", op)

    @rule(counter=st.sampled_from(COUNTERS), service=st.sampled_from(SERVICES))
    def transfer_to_service(self, counter, service):
        self._run(f"counter-{counter}", "ticket.transfer", service=service)

    @rule(counter=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_to_counter(self, counter, to):
        self._run(f"counter-{counter}", "ticket.transfer", counter=to)

    @rule(counter=st.sampled_from(COUNTERS), score=st.integers(1, 4))
    def rate(self, counter, score):
        done = [t for t in self.q.state.tickets.values()
                if t.state is TicketState.DONE and t.counter == counter]
        if done:
            self._run(f"tablet-{counter}", "rating.submit", ticket=done[-1].id, score=score)

    @rule(counter=st.sampled_from(COUNTERS),
          services=st.lists(st.sampled_from(SERVICES), min_size=1, max_size=3, unique=True))
    def assign(self, counter, services):
        self._run("manager-1", "counter.assign", counter=counter, services=services)

    @rule(service=st.sampled_from(SERVICES), issuing=st.booleans())
    def service_issuing(self, service, issuing):
        self._run("manager-1", "service.open" if issuing else "service.close", service=service)

    @rule(seconds=st.integers(1, 900))
    def time_passes(self, seconds):
        self.q.advance(seconds=seconds)

    @precondition(lambda self: any(t.state is TicketState.WAITING
                                   for t in self.q.state.tickets.values()))
    @rule(data=st.data())
    def cancel(self, data):
        waiting = sorted(t.id for t in self.q.state.tickets.values()
                         if t.state is TicketState.WAITING)
        self._run("manager-1", "ticket.cancel", ticket=data.draw(st.sampled_from(waiting)))

    @rule()
    def the_day_ends(self):
        """Midnight: what was not served ends as day_closed, counters close, queues and the
        board clear; the close is in the ledger and the day replays to it; the next morning
        starts a new day."""
        state = self.q.state
        at = datetime.combine(state.day + timedelta(days=1), time(0, 0, 5), TZ)
        outcome = close_day(self.q.engine, state, at)
        closed = outcome.state
        for ticket in state.tickets.values():
            after = closed.tickets[ticket.id]
            assert after.state is (TicketState.DAY_CLOSED if ticket.state in UNFINISHED
                                   else ticket.state)
            assert after.state is ticket.state or (ticket.state, after.state) in DAY_END_EDGES
        assert {t.id for t in outcome.tickets} == {
            t.id for t in state.tickets.values() if t.state in UNFINISHED}
        assert all(k.status is CounterStatus.CLOSED and k.ticket is None
                   for k in closed.counters.values())
        assert all(not d.waiting and not d.waiting_priority for d in closed.services.values())
        assert closed.board == () and closed.message is None
        (event,) = outcome.events
        assert event.data["not_served"] == len(outcome.tickets)
        command = Command(day_close_id(state.day), DAY_CLOSE_OP, DayCloseArgs(day=state.day),
                          Device(id=HUB_DEVICE_ID, role="manager"))
        self.ledger.record(command, msgspec.json.encode(command.args), at, outcome,
                           msgspec.json.encode(outcome.result))
        assert self.ledger.rebuild(self.q.engine, state.day) == closed
        self.q.now = at.replace(hour=8, minute=0, second=0)
        self.q.state = self.q.engine.roll_to(closed, self.q.now.date())

    @rule(service=st.sampled_from(BOOKABLE), data=st.data(), phone=st.sampled_from(
        [None, "0912345678", "0987654321"]))
    def book(self, service, data, phone):
        config = self.q.config
        starts = bookings.slot_starts(config, config.service(service), self.q.state.day,
                                      self.q.engine.tz)
        now = self.q.engine.local(self.q.now)
        soon = [t for t in starts if t > now][:3]  # mostly slots one may check in for soon
        slot = data.draw(st.sampled_from(soon) if soon and data.draw(st.integers(0, 3))
                         else st.sampled_from(starts))
        args = {"phone": phone, "consent": True} if phone else {}
        self._run(data.draw(st.sampled_from(["web-1", "manager-1"])), "booking.create",
                  service=service, slot=slot.isoformat(), nonce=data.draw(
                      st.integers(0, 2**40)), **args)

    @rule(service=st.sampled_from(BOOKABLE), counter=st.sampled_from(COUNTERS),
          walk_ins=st.integers(0, 3), late=st.integers(-20, 20))
    def an_appointment_comes(self, service, counter, walk_ins, late):
        """Book the next slot, come at about its time, check in, and a counter calls."""
        config = self.q.config
        now = self.q.engine.local(self.q.now)
        starts = [t for t in bookings.slot_starts(config, config.service(service),
                                                  self.q.state.day, self.q.engine.tz) if t > now]
        if not starts:
            return
        outcome = self._run("web-1", "booking.create", service=service,
                            slot=starts[0].isoformat(), nonce=len(self.q.accepted))
        if not isinstance(outcome, Accepted):
            return
        self.q.now = max(self.q.now, starts[0] + timedelta(minutes=late))
        for _ in range(walk_ins):
            self.issue(service, None)
        self._run("kiosk-1", "booking.checkin", code=outcome.result["booking"]["code"])
        self.busy_counter(counter, 2)

    @precondition(lambda self: self.q.state.bookings.by_code)
    @rule(data=st.data(), op=st.sampled_from(["booking.checkin", "booking.checkin",
                                              "booking.cancel"]))
    def use_a_booking(self, data, op):
        code = data.draw(st.sampled_from(sorted(self.q.state.bookings.by_code)))
        self._run("kiosk-1" if op == "booking.checkin" else "web-1", op, code=code)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def no_booking_is_checked_in_twice_and_no_slot_is_over_capacity(self):
        state, config = self.q.state, self.q.config
        by_booking = Counter(t.booking for t in state.tickets.values() if t.booking)
        assert all(n == 1 for n in by_booking.values())
        checked_in = {b.id: b for b in state.bookings.by_code.values()
                      if b.status is BookingStatus.CHECKED_IN}
        assert set(by_booking) == set(checked_in)
        for booking in checked_in.values():
            ticket = state.tickets[booking.ticket]
            assert ticket.booking == booking.id and ticket.appointment_at == booking.slot
        taken = Counter((b.service, b.slot) for b in state.bookings.active())
        for (service, _slot), n in taken.items():
            assert n <= bookings.per_slot(config, config.service(service))
        assert len({b.id for b in state.bookings.by_code.values()}) == len(
            state.bookings.by_code)

    @invariant()
    def a_ticket_is_at_most_at_one_counter(self):
        state = self.q.state
        held = [k.ticket for k in state.counters.values() if k.ticket is not None]
        assert len(held) == len(set(held))
        for k in state.counters.values():
            if k.ticket is not None:
                ticket = state.tickets[k.ticket]
                assert ticket.state in (TicketState.CALLED, TicketState.SERVING)
                assert ticket.counter == k.id
        in_hand = {t.id for t in state.tickets.values()
                   if t.state in (TicketState.CALLED, TicketState.SERVING)}
        assert in_hand == set(held)

    @invariant()
    def counters_know_what_was_sent_to_them_and_missed_there(self):
        state = self.q.state
        for k in state.counters.values():
            sent = {t.id for t in state.tickets.values()
                    if t.state is TicketState.WAITING and t.for_counter == k.id}
            missed = {t.id for t in state.tickets.values()
                      if t.state is TicketState.NO_SHOW and t.counter == k.id}
            assert len(k.sent_here) == len(sent) and set(k.sent_here) == sent
            assert len(k.missed) == len(missed) and set(k.missed) == missed

    @invariant()
    def numbers_are_unique_per_service_per_day(self):
        counts = Counter((t.origin_service, t.number) for t in self.q.state.tickets.values())
        assert all(n == 1 for n in counts.values())

    @invariant()
    def waiting_counts_equal_the_waiting_tickets(self):
        state = self.q.state
        for service_id, day in state.services.items():
            waiting = {t.id for t in state.tickets.values()
                       if t.state is TicketState.WAITING and t.service == service_id}
            assert len(day.waiting) == len(set(day.waiting)) == len(waiting)
            assert set(day.waiting) == waiting
            # The priority ones, kept apart for the estimated wait, in the same order.
            assert day.waiting_priority == tuple(
                t for t in day.waiting if state.tickets[t].priority)
            served = sum(1 for t in state.tickets.values()
                         if t.state is TicketState.DONE and t.service == service_id)
            assert day.served == served

    @invariant()
    def rebuilt_from_the_ledger_equals_the_live_state(self):
        rebuilt = self.ledger.rebuild(self.q.engine, self.q.state.day)
        assert rebuilt == self.q.state
        rows = {row["id"]: row for row in self.ledger.ticket_rows(self.q.state.day)}
        assert set(rows) == set(self.q.state.tickets)
        for ticket in self.q.state.tickets.values():
            assert rows[ticket.id]["state"] == ticket.state.value


QueueMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_queue_invariants = QueueMachine.TestCase
