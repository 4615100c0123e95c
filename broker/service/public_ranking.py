"""The ratings as the public may see them (Decree 61/2018 Art. 29, 32): per officer, counter
and department, how many rated and how, over a range of days. Counts only: no ticket, number,
time or anything else that could name a rater (Art. 27(3))."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from config.schema import CenterConfig


def rating_counts(conn: sqlite3.Connection, config: CenterConfig, first: date, last: date
                  ) -> dict[str, Any]:
    """`{"officer": {id: [n1, n2, n3, n4]}, "counter": {...}, "department": {...}}`: how many
    ratings of each score (1..4) between `first` and `last` inclusive."""
    out: dict[str, dict[str, list[int]]] = {"officer": {}, "counter": {}, "department": {}}
    cursor = conn.execute(
        "SELECT r.officer, r.counter, t.service, r.score, count(*) FROM ratings r "
        "LEFT JOIN tickets t ON t.id = r.ticket WHERE r.day BETWEEN ? AND ? "
        "GROUP BY 1, 2, 3, 4", (first.isoformat(), last.isoformat()))
    for officer, counter, service_id, score, n in cursor:
        if not 1 <= score <= 4:
            continue
        service = config.service(service_id) if service_id else None
        for kind, key in (("officer", officer), ("counter", counter),
                          ("department", service.department if service else None)):
            if key is not None:
                out[kind].setdefault(key, [0, 0, 0, 0])[score - 1] += n
    return out
