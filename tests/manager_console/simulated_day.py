"""A working day at the demo center, lived through the real hub with a clock the test moves:
kiosks issue, counters call, serve, finish or mark no-shows, tablets rate, a manager cancels.
What every reply said is recorded, so a report can be checked against it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from statistics import mean
from typing import Any

from broker.wire.device_client import DeviceClient
from tests.manager_console.sim_hub import FileClock
from tests.support import DEMO_PIN

DAY = date(2024, 5, 6)  # a Monday
TZ = timezone(timedelta(hours=7))


def at(clock_time: str, day: date = DAY) -> datetime:
    hours, minutes, seconds = (int(part) for part in clock_time.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, seconds, tzinfo=TZ)


# (time, device, op, args, the ticket this step issues or is expected to call)
# Ticket labels in args ("T4") stand for the ticket ids the hub gave.
SCRIPT: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("07:25:00", "counter-1", "counter.open", {"officer": "nva", "pin": DEMO_PIN}, ""),
    ("07:25:00", "counter-2", "counter.open", {"officer": "ttb", "pin": DEMO_PIN}, ""),
    ("07:25:00", "counter-4", "counter.open", {"officer": "pthd", "pin": DEMO_PIN}, ""),
    ("07:25:00", "counter-9", "counter.open", {"officer": "dvk", "pin": DEMO_PIN}, ""),
    ("07:30:00", "kiosk-1", "ticket.issue", {"service": "dkdn"}, "T1"),
    ("07:31:10", "kiosk-1", "ticket.issue", {"service": "dkdn"}, "T2"),
    ("07:33:00", "kiosk-1", "ticket.issue", {"service": "datdai"}, "T3"),
    ("07:40:00", "kiosk-1", "ticket.issue", {"service": "lltp"}, "T4"),
    ("07:41:00", "counter-9", "counter.call_next", {}, "T4"),
    ("07:45:00", "counter-1", "counter.call_next", {}, "T1"),
    ("07:45:30", "counter-1", "ticket.serve", {}, ""),
    ("07:46:00", "counter-2", "counter.call_next", {}, "T2"),
    ("07:46:00", "counter-9", "ticket.done", {}, ""),
    ("07:46:20", "tablet-9", "rating.submit", {"ticket": "T4", "score": 4}, ""),
    ("07:50:00", "counter-4", "counter.call_next", {}, "T3"),
    ("07:51:00", "counter-4", "ticket.serve", {}, ""),
    ("07:52:30", "counter-1", "ticket.done", {}, ""),
    ("07:53:00", "tablet-1", "rating.submit", {"ticket": "T1", "score": 4}, ""),
    ("07:58:00", "counter-2", "ticket.done", {}, ""),
    ("07:58:30", "tablet-2", "rating.submit", {"ticket": "T2", "score": 3}, ""),
    ("08:05:00", "counter-4", "ticket.done", {}, ""),
    ("08:05:00", "kiosk-1", "ticket.issue", {"service": "dkdn"}, "T5"),
    ("08:05:40", "tablet-4", "rating.submit",
     {"ticket": "T3", "score": 2, "reasons": ["long_wait"]}, ""),
    ("08:10:00", "kiosk-1", "ticket.issue", {"service": "datdai"}, "T6"),
    ("08:15:00", "counter-1", "counter.call_next", {}, "T5"),
    ("08:20:00", "kiosk-2", "ticket.issue", {"service": "lltp"}, "T7"),
    ("08:22:00", "counter-9", "counter.call_next", {}, "T7"),
    ("08:25:00", "counter-1", "ticket.done", {}, ""),
    ("08:25:30", "tablet-1", "rating.submit", {"ticket": "T5", "score": 4}, ""),
    ("08:30:00", "counter-4", "counter.call_next", {}, "T6"),
    ("08:30:00", "counter-9", "ticket.done", {}, ""),
    ("08:40:00", "counter-4", "ticket.done", {}, ""),
    ("08:41:00", "tablet-4", "rating.submit",
     {"ticket": "T6", "score": 1, "reasons": ["attitude"]}, ""),
    ("09:15:00", "kiosk-1", "ticket.issue",
     {"service": "dkdn", "priority": True, "reason": "elderly"}, "T8"),
    ("09:20:00", "kiosk-2", "ticket.issue", {"service": "datdai"}, "T9"),
    ("09:30:00", "counter-2", "counter.call_next", {}, "T8"),
    ("09:45:00", "counter-2", "ticket.done", {}, ""),
    ("09:46:00", "tablet-2", "rating.submit", {"ticket": "T8", "score": 4}, ""),
    ("10:02:00", "kiosk-1", "ticket.issue", {"service": "lltp"}, "T10"),
    ("10:30:00", "manager-1", "ticket.cancel", {"ticket": "T10"}, ""),
    ("13:30:00", "kiosk-1", "ticket.issue", {"service": "dkdn"}, "T11"),
    ("13:45:00", "counter-1", "counter.call_next", {}, "T11"),
    ("13:48:00", "counter-1", "ticket.no_show", {}, ""),
    ("14:00:00", "kiosk-2", "ticket.issue", {"service": "datdai"}, "T12"),
]
END_OF_DAY = "16:00:00"
DEVICES = sorted({device for _, device, *_ in SCRIPT})


@dataclass
class TicketRecord:
    label: str
    id: str
    number: str
    service: str
    issued_at: datetime
    state: str = "waiting"
    counter: str | None = None
    officer: str | None = None
    first_called_at: datetime | None = None
    served_at: datetime | None = None
    finished_at: datetime | None = None
    rating: int | None = None


@dataclass
class LivedDay:
    tickets: dict[str, TicketRecord] = field(default_factory=dict)  # by label

    def by_id(self, ticket_id: str) -> TicketRecord:
        return next(t for t in self.tickets.values() if t.id == ticket_id)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def live_the_day(clients: dict[str, DeviceClient], clock: FileClock) -> LivedDay:
    day = LivedDay()
    officers: dict[str, str | None] = {}
    for clock_time, device, op, args, label in SCRIPT:
        clock.set(at(clock_time))
        args = {k: day.tickets[v].id if k == "ticket" else v for k, v in args.items()}
        result = clients[device].request(op, args)
        if op == "counter.open":
            officers[result["counter"]["id"]] = result["counter"]["officer"]
        elif op == "rating.submit":
            day.by_id(args["ticket"]).rating = args["score"]
        elif op == "ticket.issue":
            view = result["ticket"]
            day.tickets[label] = TicketRecord(label, view["id"], view["number"], view["service"],
                                              datetime.fromisoformat(view["issued_at"]))
        if op in ("ticket.issue", "rating.submit", "counter.open"):
            continue
        view = result["ticket"]
        record = day.by_id(view["id"])
        if label:
            assert record.label == label, f"{device} {op} took {record.label}, not {label}"
        record.state = view["state"]
        record.counter = view["counter"] or record.counter
        if record.counter is not None:
            record.officer = officers.get(record.counter)
        record.first_called_at = record.first_called_at or _time(view["called_at"])
        record.served_at = _time(view["served_at"])
        record.finished_at = _time(view["finished_at"])
    clock.set(at(END_OF_DAY))
    return day


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


def expected_rows(tickets: list[TicketRecord], key: str) -> dict[str, dict[str, Any]]:
    """What a report by `key` (service, counter, officer, hour) must say, from the replies."""
    groups: dict[str, list[TicketRecord]] = {}
    for ticket in tickets:
        group = (f"{ticket.issued_at:%H}" if key == "hour" else getattr(ticket, key))
        if group is not None:
            groups.setdefault(group, []).append(ticket)
    rows = {}
    for group, members in groups.items():
        waits = [(t.first_called_at - t.issued_at).total_seconds() for t in members
                 if t.first_called_at]
        services = [(t.finished_at - t.served_at).total_seconds() for t in members
                    if t.state == "done" and t.finished_at and t.served_at]
        ratings = [t.rating for t in members if t.rating]
        rows[group] = {
            "issued": len(members),
            "served": sum(t.state == "done" for t in members),
            "no_show": sum(t.state == "no_show" for t in members),
            "waiting": sum(t.state == "waiting" for t in members),
            "cancelled": sum(t.state == "cancelled" for t in members),
            "mean_wait_s": round(mean(waits)) if waits else None,
            "p90_wait_s": round(nearest_rank(waits, 0.9)) if waits else None,
            "mean_service_s": round(mean(services)) if services else None,
            "ratings": {str(s): ratings.count(s) for s in range(1, 5)},
        }
    return rows
