"""Appointment figures per day and service, from the ledger's events and ticket rows:
booked, cancelled, checked in, not come, still to come, served, and for the served the time
from the slot to the call."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from statistics import mean, median
from typing import Any

from config.schema import CenterConfig

_KINDS = ("booking.created", "booking.cancelled", "booking.checked_in")


def appointment_report(conn: sqlite3.Connection, config: CenterConfig, first: date, last: date,
                       now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per day (of the slot) and service. `not_come`: booked, neither cancelled nor
    checked in, and its check-in has closed by `now`; `to_come`: the others not yet in."""
    booked: dict[str, dict[str, Any]] = {}
    cursor = conn.execute(
        f"SELECT kind, data FROM events WHERE kind IN ({', '.join('?' for _ in _KINDS)}) "
        "ORDER BY seq", _KINDS)
    for kind, data in cursor:
        event = json.loads(data)
        if kind == "booking.created":
            booked[event["booking"]] = {"service": event["service"], "day": event["day"],
                                        "slot": event["slot"], "status": "booked",
                                        "ticket": None}
        elif event.get("booking") in booked:
            entry = booked[event["booking"]]
            entry["status"] = "cancelled" if kind == "booking.cancelled" else "checked_in"
            entry["ticket"] = event.get("ticket")
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in booked.values():
        if not first.isoformat() <= entry["day"] <= last.isoformat():
            continue
        row = rows.setdefault((entry["day"], entry["service"]), {
            "day": entry["day"], "key": entry["service"], "booked": 0, "cancelled": 0,
            "checked_in": 0, "not_come": 0, "to_come": 0, "served": 0, "_to_call": []})
        row["booked"] += 1
        slot = datetime.fromisoformat(entry["slot"])
        if entry["status"] == "cancelled":
            row["cancelled"] += 1
        elif entry["status"] == "checked_in":
            row["checked_in"] += 1
            ticket = conn.execute("SELECT state, first_called_at FROM tickets WHERE id = ?",
                                  (entry["ticket"],)).fetchone()
            if ticket and ticket[0] == "done":
                row["served"] += 1
                if ticket[1]:
                    row["_to_call"].append(
                        (datetime.fromisoformat(ticket[1]) - slot).total_seconds())
        else:
            service = config.service(entry["service"])
            late = service.booking.late_min if service and service.booking else 0
            over = now is not None and slot + timedelta(minutes=late) < now
            row["not_come" if over else "to_come"] += 1
    out = []
    for (_day, service_id), row in sorted(rows.items()):
        to_call = row.pop("_to_call")
        service = config.service(service_id)
        out.append({
            **row, "name": service.name.vi if service else service_id,
            "mean_slot_to_call_s": round(mean(to_call)) if to_call else None,
            "median_slot_to_call_s": round(median(to_call)) if to_call else None,
            "max_slot_to_call_s": round(max(to_call)) if to_call else None,
        })
    return out
