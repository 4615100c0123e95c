"""The day's figures: SQL over the ledger's ticket and rating rows."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from statistics import mean
from typing import Any

from config.schema import CenterConfig

# The key a report groups tickets by, and the ticket column holding it.
_GROUPS = {
    "service": "service",
    "counter": "counter",
    "officer": "officer",
    "day": "day",
    "hourly": "substr(issued_at, 12, 2)",
}


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def _name(config: CenterConfig, kind: str, key: str | None) -> str:
    if key is None:
        return ""
    if kind == "service" and (service := config.service(key)):
        return service.name.vi
    if kind == "counter" and (counter := config.counter(key)):
        return f"Quầy {counter.number}"
    if kind == "officer" and (officer := config.officer(key)):
        return officer.name
    return key


def report(conn: sqlite3.Connection, config: CenterConfig, kind: str, first: date, last: date,
           now: datetime | None = None) -> list[dict[str, Any]]:
    """Per key of `kind`: issued, served, no-show, mean and p90 wait, mean service time,
    and the rating distribution, over the days from `first` to `last` inclusive."""
    if kind == "appointment":
        from broker.service.appointment_report import appointment_report
        return appointment_report(conn, config, first, last, now)
    if kind == "rating":
        return rating_ranking(conn, config, first, last)
    group = _GROUPS[kind]
    rows: dict[str | None, dict[str, Any]] = {}
    cursor = conn.execute(
        f"SELECT {group}, state, issued_at, first_called_at, served_at, finished_at, rating "
        "FROM tickets WHERE day BETWEEN ? AND ? ORDER BY 1",
        (first.isoformat(), last.isoformat()),
    )
    for key, state, issued_at, first_called_at, served_at, finished_at, rating in cursor:
        if kind in ("counter", "officer") and key is None:
            continue  # never reached a counter
        row = rows.setdefault(key, {"waits": [], "services": [], "ratings": [0, 0, 0, 0],
                                    "issued": 0, "served": 0, "no_show": 0, "waiting": 0,
                                    "cancelled": 0, "day_closed": 0})
        row["issued"] += 1
        row["served"] += state == "done"
        row["no_show"] += state == "no_show"
        row["waiting"] += state == "waiting"
        row["cancelled"] += state == "cancelled"
        row["day_closed"] += state == "day_closed"  # not served: the day closed
        wait = _seconds(issued_at, first_called_at)
        if wait is not None:
            row["waits"].append(wait)
        if state == "done":
            service_s = _seconds(served_at, finished_at)
            if service_s is not None:
                row["services"].append(service_s)
        if rating:
            row["ratings"][rating - 1] += 1
    out = []
    for key, row in rows.items():
        waits, services, ratings = row.pop("waits"), row.pop("services"), row.pop("ratings")
        rated = sum(ratings)
        out.append({
            "key": key,
            "name": _name(config, kind, key),
            **row,
            "mean_wait_s": round(mean(waits)) if waits else None,
            "p90_wait_s": round(percentile(waits, 0.9) or 0) if waits else None,
            "mean_service_s": round(mean(services)) if services else None,
            "ratings": {str(score): ratings[score - 1] for score in range(1, 5)},
            "mean_score": round(sum(s * n for s, n in enumerate(ratings, 1)) / rated, 2)
            if rated else None,
        })
    return out


def rating_ranking(conn: sqlite3.Connection, config: CenterConfig, first: date, last: date
                   ) -> list[dict[str, Any]]:
    """Officers and counters ranked by satisfaction: the share of the two top levels first,
    then the mean score, then how many rated."""
    ranking = []
    for kind in ("officer", "counter"):
        cursor = conn.execute(
            f"SELECT {kind}, score, count(*) FROM ratings WHERE day BETWEEN ? AND ? "
            f"AND {kind} IS NOT NULL GROUP BY 1, 2",
            (first.isoformat(), last.isoformat()),
        )
        counts: dict[str, list[int]] = {}
        for key, score, n in cursor:
            counts.setdefault(key, [0, 0, 0, 0])[score - 1] += n
        rows = []
        for key, dist in counts.items():
            total = sum(dist)
            rows.append({
                "kind": kind, "key": key, "name": _name(config, kind, key), "ratings": total,
                "satisfied_share": round((dist[2] + dist[3]) / total, 4),
                "mean_score": round(sum(s * n for s, n in enumerate(dist, 1)) / total, 2),
                "distribution": {str(s): dist[s - 1] for s in range(1, 5)},
            })
        rows.sort(key=lambda r: (-r["satisfied_share"], -r["mean_score"], -r["ratings"], r["key"]))
        for rank, row in enumerate(rows, 1):
            row["rank"] = rank
        ranking += rows
    return ranking
