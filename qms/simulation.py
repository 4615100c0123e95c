"""Simulated citizens and officers against a running hub, over MQTT like any device.

Citizens arrive through a morning (a peak after opening), take numbers (some with priority),
wait, come to the counter or not; officers call, serve for realistic times, transfer, finish;
citizens rate. Time runs `speed` times faster than the wall clock; the hub must run its clock
at the same speed (`qms hub --clock-speed`), and every duration is read from the hub's times.
"""

from __future__ import annotations

import bisect
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from statistics import mean, median
from typing import Any

from broker.service.reports import percentile
from broker.wire.device_client import DeviceClient, RequestError
from config.schema import CenterConfig

log = logging.getLogger("qms.simulate")

TakeTicket = Callable[[str, str | None], dict[str, Any]]
CheckIn = Callable[[str], dict[str, Any]]  # a booking's code -> the appointment ticket


@dataclass(frozen=True)
class Plan:
    citizens: int = 300
    minutes: float = 240.0
    speed: float = 60.0
    seed: int = 1
    counters: tuple[str, ...] = ()  # staffed counters; empty means all
    priority_share: float = 0.08
    no_show_share: float = 0.05
    transfer_share: float = 0.03
    rating_share: float = 0.7
    drain_minutes: float = 120.0  # how long officers go on after the last arrival
    pin: str = "1234"  # the officers' PIN: the demo center's (config/center.toml)
    # Citizens who book a slot on the web beforehand (bookable services only), check in at
    # the kiosk around their slot; some never come, some cancel.
    booking_share: float = 0.0
    booking_no_come_share: float = 0.1
    booking_cancel_share: float = 0.05


@dataclass
class TicketRecord:
    id: str
    number: str
    service: str
    priority: bool
    issued_at: datetime
    ahead: int
    ewt_s: int
    ewt_low_s: int | None = None  # the range printed; None: no counter served the service
    ewt_high_s: int | None = None
    first_called_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: str = "waiting"
    counter: str | None = None
    score: int | None = None
    appointment_at: datetime | None = None  # an appointment ticket's slot


@dataclass
class Result:
    plan: Plan
    tickets: dict[str, TicketRecord] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    wall_seconds: float = 0.0
    appointments: dict[str, int] = field(default_factory=dict)  # booked, checked_in, ...


def arrival_offsets(plan: Plan, rng: random.Random) -> list[float]:
    """Arrival times (simulated seconds from the start): busiest in the first hours."""
    span = plan.minutes * 60

    def intensity(x: float) -> float:  # x in [0, 1]: a peak a quarter of the way in
        return 0.35 + math.exp(-((x - 0.25) ** 2) / 0.04)

    grid = [intensity(i / 200) for i in range(201)]
    cumulative = [0.0]
    for a, b in pairwise(grid):
        cumulative.append(cumulative[-1] + (a + b) / 2)
    total = cumulative[-1]
    offsets = []
    for _ in range(plan.citizens):
        u = rng.random() * total
        i = max(1, bisect.bisect_left(cumulative, u))
        lo, hi = cumulative[i - 1], cumulative[i]
        offsets.append(((i - 1) + (u - lo) / (hi - lo or 1)) / 200 * span)
    return sorted(offsets)


class Simulation:
    def __init__(self, broker_url: str, config: CenterConfig, plan: Plan, *,
                 take_ticket: TakeTicket | None = None, check_in: CheckIn | None = None
                 ) -> None:
        self.broker_url, self.config, self.plan = broker_url, config, plan
        self.rng = random.Random(plan.seed)
        self.result = Result(plan)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.arrivals_done = threading.Event()
        self.appointments_done = threading.Event()  # the booked citizens have all come
        if plan.booking_share <= 0:
            self.appointments_done.set()
        self.clients: dict[str, DeviceClient] = {}
        staffed = plan.counters or tuple(k.id for k in config.counters)
        self.counters = [config.counter(k) for k in staffed if config.counter(k)]
        served = {s for k in self.counters for s in k.services}
        self.services = [s for s in config.services if s.id in served]
        self.take_ticket = take_ticket or self._kiosk_take_ticket
        self.check_in = check_in or self._kiosk_check_in

    # --- plumbing -------------------------------------------------------------------------

    def client(self, device_id: str) -> DeviceClient:
        with self.lock:
            found = self.clients.get(device_id)
            if found is None:
                found = DeviceClient.started_for(self.broker_url, self.config, device_id,
                                                 attempt_timeout=3.0, attempts=5)
                self.clients[device_id] = found
        found.wait_connected(15)
        return found

    def sleep(self, simulated_s: float) -> bool:
        """Sleep simulated seconds; False if the simulation is stopping."""
        return not self.stop.wait(max(0.0, simulated_s) / self.plan.speed)

    def refuse(self, code: str) -> None:
        with self.lock:
            self.result.refusals[code] = self.result.refusals.get(code, 0) + 1

    # --- citizens -------------------------------------------------------------------------

    def _kiosk_take_ticket(self, service: str, reason: str | None) -> dict[str, Any]:
        kiosk = self.client(self.rng.choice(["kiosk-1", "kiosk-2"]))
        args: dict[str, Any] = {"service": service}
        if reason:
            args["reason"] = reason
        try:
            return kiosk.request("ticket.issue", args)["ticket"]
        except RequestError as exc:
            # A hub on the wall clock limits a kiosk to a real one's pace (a few a minute);
            # a sped-up morning waits as a citizen at a real kiosk would, then tries once more.
            if exc.code != "rate_limited" or self.stop.wait(exc.retry_after_s or 1.0):
                raise
            return kiosk.request("ticket.issue", args)["ticket"]

    def _kiosk_check_in(self, code: str) -> dict[str, Any]:
        return self.client("kiosk-2").request("booking.checkin", {"code": code})["ticket"]

    def citizens(self) -> None:
        weights = [s.daily_limit or 100 for s in self.services]
        groups = [g.id for g in self.config.priority_groups] or [None]
        started = time.monotonic()
        for offset in arrival_offsets(self.plan, self.rng):
            wait = offset / self.plan.speed - (time.monotonic() - started)
            if wait > 0 and self.stop.wait(wait):
                break
            service = self.rng.choices(self.services, weights)[0]
            reason = (self.rng.choice(groups) if self.rng.random() < self.plan.priority_share
                      else None)
            try:
                ticket = self.take_ticket(service.id, reason)
            except RequestError as exc:
                self.refuse(exc.code)
                continue
            with self.lock:
                record = self._record(ticket)
                record.ahead, record.ewt_s = ticket["ahead"], ticket["ewt_s"]
                record.ewt_low_s = ticket.get("ewt_low_s")
                record.ewt_high_s = ticket.get("ewt_high_s")
        self.arrivals_done.set()

    # --- citizens with an appointment -----------------------------------------------------

    def _count(self, what: str) -> None:
        with self.lock:
            self.result.appointments[what] = self.result.appointments.get(what, 0) + 1

    def booked_citizens(self) -> None:
        """Book slots of today's morning on the web for a share of the citizens, then check
        each in at the kiosk around its slot (a few early, a few late, some never come)."""
        try:
            self._booked_citizens()
        finally:
            self.appointments_done.set()

    def _booked_citizens(self) -> None:
        rng = random.Random(f"{self.plan.seed}-appointments")
        bookable = [s for s in self.services if s.booking is not None]
        if not bookable:
            return
        web = self.client("web-1")
        started = time.monotonic()
        try:
            answer = web.request("booking.slots", {})
        except RequestError as exc:
            self.refuse(exc.code)
            return
        hub_start = datetime.fromisoformat(answer["now"])
        span_s = self.plan.minutes * 60 + 30 * 60  # slots of the morning, and just after
        wanted = round(self.plan.citizens * self.plan.booking_share)
        booked: list[tuple[float, str, datetime]] = []
        for _ in range(wanted):
            service = rng.choice(bookable)
            try:
                days = web.request("booking.slots", {"service": service.id})["days"]
            except RequestError as exc:
                self.refuse(exc.code)
                continue
            slots = [s for s in days[0]["slots"] if
                     (datetime.fromisoformat(s["start"]) - hub_start).total_seconds() < span_s]
            if not slots:
                continue
            slot = rng.choice(slots)
            args: dict[str, Any] = {"service": service.id, "slot": slot["start"]}
            if rng.random() < 0.5:
                args |= {"phone": f"09{rng.randrange(10**8):08d}", "consent": True}
            try:
                made = web.request("booking.create", args)["booking"]
            except RequestError as exc:
                self.refuse(exc.code)
                continue
            self._count("booked")
            start = datetime.fromisoformat(made["slot"])
            if rng.random() < self.plan.booking_cancel_share:
                web.request("booking.cancel", {"code": made["code"]})
                self._count("cancelled")
                continue
            if rng.random() < self.plan.booking_no_come_share:
                self._count("not_come")
                continue
            # most come 5-25 minutes early; a few after their slot
            early_s = rng.uniform(5, 25) * 60 if rng.random() < 0.85 else -rng.uniform(0, 10) * 60
            arrive = (start - hub_start).total_seconds() - early_s
            booked.append((arrive, made["code"], start))
        for arrive, code, start in sorted(booked):
            wait = arrive / self.plan.speed - (time.monotonic() - started)
            if wait > 0 and self.stop.wait(wait):
                break
            try:
                ticket = self.check_in(code)
            except RequestError as exc:
                self._count(exc.code)
                continue
            self._count("checked_in")
            with self.lock:
                record = self._record(ticket)
                record.ahead, record.ewt_s = ticket["ahead"], -1  # no walk-in estimate
                record.appointment_at = start

    # --- officers -------------------------------------------------------------------------

    def officer(self, counter_id: str, officer_id: str | None) -> None:
        rng = random.Random(f"{self.plan.seed}-{counter_id}")
        terminal = self.client(f"counter-{counter_id}")
        tablet_id = f"tablet-{counter_id}"
        tablet = self.client(tablet_id) if self.config.device(tablet_id) else None
        terminal.request("counter.open", {"officer": officer_id, "pin": self.plan.pin}
                         if officer_id else {})
        idle_since: float | None = None
        while not self.stop.is_set():
            try:
                ticket = terminal.request("counter.call_next")["ticket"]
            except RequestError as exc:
                if exc.code != "queue_empty":
                    self.refuse(exc.code)
                if self.arrivals_done.is_set() and self.appointments_done.is_set():
                    idle_since = idle_since or time.monotonic()
                    if (time.monotonic() - idle_since) * self.plan.speed > 600:
                        break  # the hall has emptied
                if not self.sleep(15):
                    break
                continue
            idle_since = None
            self._serve(rng, terminal, tablet, counter_id, ticket)
        try:
            terminal.request("counter.close")
        except RequestError as exc:
            self.refuse(exc.code)

    def _record(self, ticket: dict[str, Any]) -> TicketRecord:
        """The record of a ticket, made by whoever hears of it first (a call can overtake the
        kiosk's reply at high speed). Call with the lock held."""
        record = self.result.tickets.get(ticket["id"])
        if record is None:
            record = TicketRecord(ticket["id"], ticket["number"], ticket["service"],
                                  ticket["priority"], datetime.fromisoformat(ticket["issued_at"]),
                                  ahead=-1, ewt_s=-1)
            self.result.tickets[record.id] = record
        return record

    def _serve(self, rng: random.Random, terminal: DeviceClient, tablet: DeviceClient | None,
               counter_id: str, ticket: dict[str, Any]) -> None:
        with self.lock:
            record = self._record(ticket)
            record.first_called_at = record.first_called_at or datetime.fromisoformat(
                ticket["called_at"])
            record.counter = counter_id
        if rng.random() < self.plan.no_show_share:
            if self.sleep(60):
                terminal.request("counter.recall")
            if self.sleep(60):
                terminal.request("ticket.no_show")
                self._mark(ticket["id"], "no_show", None)
            return
        service = self.config.service(ticket["service"])
        mean_s = service.mean_service_s if service else 600
        # Log-normal service times around the configured mean (sigma 0.4).
        duration = rng.lognormvariate(math.log(mean_s) - 0.08, 0.4)
        if not self.sleep(rng.uniform(15, 40)):
            return
        terminal.request("ticket.serve")
        if not self.sleep(duration):
            return
        if rng.random() < self.plan.transfer_share and len(self.services) > 1:
            target = rng.choice([s.id for s in self.services if s.id != ticket["service"]])
            terminal.request("ticket.transfer", {"service": target})
            return
        done = terminal.request("ticket.done")["ticket"]
        self._mark(ticket["id"], "done", datetime.fromisoformat(done["finished_at"]))
        if tablet is not None and rng.random() < self.plan.rating_share:
            score = rng.choices([4, 3, 2, 1], [60, 28, 9, 3])[0]
            reasons = [rng.choice(["long_wait", "attitude", "unclear", "paperwork"])] \
                if score <= 2 and rng.random() < 0.7 else []
            try:
                tablet.request("rating.submit", {"ticket": ticket["id"], "score": score,
                                                 "reasons": reasons})
                with self.lock:
                    if ticket["id"] in self.result.tickets:
                        self.result.tickets[ticket["id"]].score = score
            except RequestError as exc:
                self.refuse(exc.code)

    def _mark(self, ticket_id: str, outcome: str, finished_at: datetime | None) -> None:
        with self.lock:
            record = self.result.tickets.get(ticket_id)
            if record is not None:
                record.outcome = outcome
                record.finished_at = finished_at

    # --- running --------------------------------------------------------------------------

    def run(self, max_wall_s: float | None = None) -> Result:
        started = time.monotonic()
        threads = [threading.Thread(target=self.citizens, name="citizens", daemon=True)]
        if self.plan.booking_share > 0:
            threads.append(threading.Thread(target=self.booked_citizens, name="appointments",
                                            daemon=True))
        threads += [threading.Thread(target=self.officer, args=(k.id, k.officer),
                                     name=f"officer-{k.id}", daemon=True) for k in self.counters]
        for thread in threads:
            thread.start()
        limit = max_wall_s or (self.plan.minutes + self.plan.drain_minutes) * 60 / self.plan.speed
        deadline = started + limit
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.stop.set()
        for thread in threads:
            thread.join(10)
        self.result.wall_seconds = time.monotonic() - started
        self.result.reports = self._reports()
        return self.result

    def _reports(self) -> dict[str, Any]:
        days = {t.issued_at.date() for t in self.result.tickets.values()} or {date.today()}
        first, last = min(days).isoformat(), max(days).isoformat()
        manager = self.client("manager-1")
        reports = {}
        for kind in ("service", "counter", "officer", "hourly", "rating", "appointment"):
            try:
                reports[kind] = manager.request("report.get", {"kind": kind, "from": first,
                                                               "to": last})["rows"]
            except RequestError as exc:
                reports[kind] = {"error": exc.code}
        return reports

    def close(self) -> None:
        self.stop.set()
        for client in self.clients.values():
            client.stop()


# --- the summary ------------------------------------------------------------------------------


def within(estimate: float, actual: float, share: float = 0.2, *, of: float | None = None
           ) -> bool:
    """Whether the two differ by at most `share` of `of` (the actual wait unless given)."""
    return abs(estimate - actual) <= share * (actual if of is None else of)


def summarize(result: Result) -> dict[str, Any]:
    tickets = list(result.tickets.values())
    called = [t for t in tickets if t.first_called_at is not None and t.ewt_s >= 0]
    waits = [(t.first_called_at - t.issued_at).total_seconds() for t in called]  # type: ignore[operator]
    pairs = [(t.ewt_s, w) for t, w in zip(called, waits, strict=True)]
    # What the ticket said: the range; a ticket told no wait (no counter served) is not in it.
    told = [(t.ewt_low_s, t.ewt_high_s, w) for t, w in zip(called, waits, strict=True)]
    widths = [high - low for low, high, _ in told if low is not None and high is not None]
    scores = [t.score for t in tickets if t.score is not None]
    per_ticket = [
        {"number": t.number, "service": t.service, "priority": t.priority, "ahead": t.ahead,
         "estimate_s": t.ewt_s, "low_s": t.ewt_low_s, "high_s": t.ewt_high_s,
         "actual_s": round(w)}
        for t, w in zip(called, waits, strict=True)
    ]
    return {
        "plan": {"citizens": result.plan.citizens, "minutes": result.plan.minutes,
                 "speed": result.plan.speed, "seed": result.plan.seed},
        "wall_seconds": round(result.wall_seconds, 1),
        "tickets": {
            "issued": len(tickets),
            "called": len(called),
            "served": sum(t.outcome == "done" for t in tickets),
            "no_show": sum(t.outcome == "no_show" for t in tickets),
            "still_waiting": sum(t.first_called_at is None for t in tickets),
        },
        "refusals": result.refusals,
        "wait_s": {
            "mean": round(mean(waits)) if waits else None,
            "p50": round(percentile(waits, 0.5) or 0) if waits else None,
            "p90": round(percentile(waits, 0.9) or 0) if waits else None,
        },
        "estimate_accuracy": {
            "tickets": len(pairs),
            # The share of real waits inside the printed range, and how wide it was.
            "in_range": round(sum(low is not None and high is not None and low <= a <= high
                                  for low, high, a in told) / len(told), 3) if told else None,
            "median_range_width_s": round(median(widths)) if widths else None,
            "no_counter": sum(low is None for low, _, _ in told),
            # The baseline: a plain ±50% range around the point estimate (median width: the
            # estimate's median).
            "within_50_percent": round(sum(within(e, a, 0.5, of=e) for e, a in pairs)
                                       / len(pairs), 3) if pairs else None,
            "median_50_percent_width_s": round(median(e for e, _ in pairs)) if pairs else None,
            "mean_abs_error_s": round(mean(abs(e - a) for e, a in pairs)) if pairs else None,
        },
        "ratings": {str(s): scores.count(s) for s in (4, 3, 2, 1)},
        "appointments": appointment_figures(result),
        "per_ticket": per_ticket,
        "reports": result.reports,
    }


def appointment_figures(result: Result) -> dict[str, Any]:
    """What the booked citizens lived: booked, checked in, refused at the kiosk by reason,
    served, and for those called the time from their slot to the call."""
    tickets = [t for t in result.tickets.values() if t.appointment_at is not None]
    to_call = [(t.first_called_at - t.appointment_at).total_seconds() for t in tickets
               if t.first_called_at is not None and t.appointment_at is not None]
    return {
        **result.appointments,
        "served": sum(t.outcome == "done" for t in tickets),
        "called": len(to_call),
        "slot_to_call_s": {
            "mean": round(mean(to_call)) if to_call else None,
            "p90": round(percentile(to_call, 0.9) or 0) if to_call else None,
            "max": round(max(to_call)) if to_call else None,
        },
    }


def summary_markdown(summary: dict[str, Any]) -> str:
    t, w, e = summary["tickets"], summary["wait_s"], summary["estimate_accuracy"]
    plan = summary["plan"]
    lines = [
        "# Simulated morning",
        "",
        f"{plan['citizens']} citizens over {plan['minutes']:.0f} simulated minutes at "
        f"{plan['speed']:g}x (seed {plan['seed']}); {summary['wall_seconds']} s of wall time.",
        "",
        "| tickets issued | called | served | no-show | still waiting |",
        "|---|---|---|---|---|",
        f"| {t['issued']} | {t['called']} | {t['served']} | {t['no_show']} | "
        f"{t['still_waiting']} |",
        "",
        "| wait mean | wait p50 | wait p90 |",
        "|---|---|---|",
        f"| {_minutes(w['mean'])} | {_minutes(w['p50'])} | {_minutes(w['p90'])} |",
        "",
        "## How true the printed estimated wait was",
        "",
        f"- tickets compared: {e['tickets']}",
        f"- real wait inside the printed range: {_share(e['in_range'])}, the range's median "
        f"width {_minutes(e['median_range_width_s'])}",
        f"- baseline, a plain ±50% range around the point estimate: "
        f"{_share(e['within_50_percent'])}, median width "
        f"{_minutes(e['median_50_percent_width_s'])}",
        f"- tickets told no wait (no counter served their service): {e['no_counter']}",
        f"- the point estimate's mean absolute error: {_minutes(e['mean_abs_error_s'])}",
        "",
        "## Ratings",
        "",
        "| Rất hài lòng | Hài lòng | Bình thường | Không hài lòng |",
        "|---|---|---|---|",
        "| " + " | ".join(str(summary["ratings"][s]) for s in ("4", "3", "2", "1")) + " |",
        "",
        "## The hub's report per service",
        "",
        "| service | issued | served | no-show | mean wait | p90 wait | mean service |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in summary["reports"].get("service", []):
        lines.append(f"| {row['name']} | {row['issued']} | {row['served']} | {row['no_show']} | "
                     f"{_minutes(row['mean_wait_s'])} | {_minutes(row['p90_wait_s'])} | "
                     f"{_minutes(row['mean_service_s'])} |")
    a = summary.get("appointments") or {}
    if a.get("booked"):
        s = a["slot_to_call_s"]
        lines += ["", "## Appointments", "",
                  "| booked | cancelled | not come | checked in | served | slot to call mean "
                  "| p90 | max |", "|---|---|---|---|---|---|---|---|",
                  f"| {a.get('booked', 0)} | {a.get('cancelled', 0)} | {a.get('not_come', 0)} | "
                  f"{a.get('checked_in', 0)} | {a['served']} | {_minutes(s['mean'])} | "
                  f"{_minutes(s['p90'])} | {_minutes(s['max'])} |"]
    if summary["refusals"]:
        lines += ["", "Refusals seen: " + ", ".join(f"{k} x{v}" for k, v in
                                                     summary["refusals"].items())]
    return "\n".join(lines) + "\n"


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"
