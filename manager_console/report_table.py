"""The hub's report rows (`report.get`) as tables: headers and cells, for the screen and for
export. Pure.

On screen, durations read m:ss and decimals follow the language; in a CSV export, durations
are whole seconds and decimals use a point, so a spreadsheet can compute with them; `typed`
gives the figures themselves (seconds, shares of 1) with each column's kind, for the .xlsx
export that shows them as the screen does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from config.schema import CenterConfig
from manager_console.hall import counter_name, officer_name, service_name
from manager_console.texts import day_text, decimal, percent, text
from qtkit.formats import duration

# The report tabs (ratings have a page of their own).
TableKind = Literal["service", "counter", "officer", "day", "hourly"]
REPORT_KINDS: tuple[TableKind, ...] = ("service", "counter", "officer", "day", "hourly")

Cell = str | int | float | None
Row = dict[str, Any]


ColumnKind = Literal["text", "count", "duration", "share", "score"]


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: list[bool]  # which columns hold figures (aligned right on screen)
    kinds: list[ColumnKind] | None = None  # what each column's figures are (typed tables)


def level_scores(config: CenterConfig) -> list[int]:
    """The rating levels, best first."""
    scores = sorted((level.score for level in config.rating.levels), reverse=True)
    return scores or [4, 3, 2, 1]


def level_name(config: CenterConfig, score: int, lang: str) -> str:
    level = next((lv for lv in config.rating.levels if lv.score == score), None)
    return level.name.get(lang) if level else str(score)


def row_name(config: CenterConfig, kind: str, row: Row, lang: str) -> str:
    key = row.get("key")
    if key is None:
        return text("none", lang)
    if kind == "service":
        return service_name(config, key, lang)
    if kind == "counter":
        return counter_name(config, key, lang)
    if kind == "officer":
        return officer_name(config, key) or row.get("name") or key
    if kind == "day":
        return day_text(date.fromisoformat(key), lang)
    if kind == "hourly":
        hour = int(key)
        return text("hour_span", lang, start=f"{hour:02d}", end=f"{hour + 1:02d}")
    return str(row.get("name") or key)


def sort_rows(config: CenterConfig, kind: str, rows: Sequence[Row]) -> list[Row]:
    """Config order for services, counters and officers; time order for days and hours."""
    order: dict[str, int] = {}
    if kind == "service":
        order = {s.id: i for i, s in enumerate(config.services)}
    elif kind == "counter":
        order = {c.id: c.number for c in config.counters}
    elif kind == "officer":
        order = {o.id: i for i, o in enumerate(config.officers)}
    return sorted(rows, key=lambda r: (order.get(r.get("key") or "", len(order)),
                                       str(r.get("key") or "")))


def satisfied_share(ratings: dict[str, int], scores: Sequence[int]) -> float | None:
    """The share of ratings at the two top levels."""
    total = sum(ratings.values())
    if not total:
        return None
    top = sorted(scores, reverse=True)[:2]
    return sum(ratings.get(str(s), 0) for s in top) / total


def report_table(config: CenterConfig, kind: str, rows: Sequence[Row], lang: str, *,
                 export: bool = False, typed: bool = False) -> Table:
    """The report as the screen shows it; `export`: figures for a CSV; `typed`: the figures
    themselves with the screen's headers (the first column is always the name)."""
    if typed:
        return _typed_report(config, kind, rows, lang)
    scores = level_scores(config)
    headers = [text(f"rcol_name_{kind}", lang)]
    numeric = [False]
    counts = ("issued", "served", "no_show", "waiting", "cancelled")
    times = ("mean_wait", "p90_wait", "mean_service")
    headers += [text(f"rcol_{c}", lang) for c in counts]
    headers += [text(f"rcol_{t}_s" if export else f"rcol_{t}", lang) for t in times]
    headers += [text("rcol_rated", lang)] + [level_name(config, s, lang) for s in scores]
    headers += [text("rcol_satisfied", lang) + (" (%)" if export else ""),
                text("rcol_mean_score", lang)]
    numeric += [True] * (len(headers) - len(numeric))
    body: list[list[Cell]] = []
    for row in sort_rows(config, kind, rows):
        ratings: dict[str, int] = row.get("ratings") or {}
        share = satisfied_share(ratings, scores)
        mean_score = row.get("mean_score")
        cells: list[Cell] = [row_name(config, kind, row, lang)]
        cells += [int(row.get(c) or 0) for c in counts]
        seconds = [row.get(f"{t}_s") for t in times]
        cells += seconds if export else [duration(s) for s in seconds]
        cells += [sum(ratings.values())] + [ratings.get(str(s), 0) for s in scores]
        cells += [_share(share, lang, export), _score(mean_score, lang, export)]
        body.append(cells)
    return Table(headers, body, numeric)


def _typed_report(config: CenterConfig, kind: str, rows: Sequence[Row], lang: str) -> Table:
    shown = report_table(config, kind, rows, lang)
    scores = level_scores(config)
    counts = ("issued", "served", "no_show", "waiting", "cancelled")
    times = ("mean_wait", "p90_wait", "mean_service")
    kinds: list[ColumnKind] = (["text"] + ["count"] * len(counts) + ["duration"] * len(times)
                               + ["count"] * (1 + len(scores)) + ["share", "score"])
    body: list[list[Cell]] = []
    for row in sort_rows(config, kind, rows):
        ratings: dict[str, int] = row.get("ratings") or {}
        cells: list[Cell] = [row_name(config, kind, row, lang)]
        cells += [int(row.get(c) or 0) for c in counts]
        cells += [row.get(f"{t}_s") for t in times]
        cells += [sum(ratings.values())] + [ratings.get(str(s), 0) for s in scores]
        cells += [satisfied_share(ratings, scores), row.get("mean_score")]
        body.append(cells)
    return Table(shown.headers, body, shown.numeric, kinds)


def ranking_table(config: CenterConfig, kind: Literal["officer", "counter"],
                  rows: Sequence[Row], lang: str, *, export: bool = False) -> Table:
    """One side of the `rating` report (officers or counters), in rank order."""
    scores = level_scores(config)
    headers = [text("rcol_rank", lang), text(f"rcol_name_{kind}", lang),
               text("rcol_rated", lang), *(level_name(config, s, lang) for s in scores),
               text("rcol_satisfied", lang) + (" (%)" if export else ""),
               text("rcol_mean_score", lang)]
    numeric = [True, False] + [True] * (len(headers) - 2)
    body: list[list[Cell]] = []
    for row in ranking_rows(rows, kind):
        distribution: dict[str, int] = row.get("distribution") or {}
        if kind == "officer":
            name = officer_name(config, row["key"]) or row.get("name") or row["key"]
        else:
            name = counter_name(config, row["key"], lang)
        rank = row.get("rank")
        body.append([rank if rank is not None else text("unranked", lang), name,
                     row.get("ratings", 0),
                     *(distribution.get(str(s), 0) for s in scores),
                     _share(row.get("satisfied_share"), lang, export),
                     _score(row.get("mean_score"), lang, export)])
    return Table(headers, body, numeric)


# An officer is ranked only with this many ratings in the period: one "very satisfied" must
# not put anyone first. Among the ranked, the share satisfied is drawn toward the center's
# share as if each had PRIOR_RATINGS more ratings at it, so that 20 of 20 ranks above 5 of 5.
MIN_RATINGS = 5
PRIOR_RATINGS = 10


def ranking_rows(rows: Sequence[Row], kind: str) -> list[Row]:
    """One side of the hub's `rating` report, ranked by the console's rule: those with at
    least MIN_RATINGS by their share satisfied drawn toward the center's (then the mean
    score, then how many rated); the others after them, unranked (`rank` None), most rated
    first."""
    mine = [dict(r) for r in rows if r.get("kind") == kind]
    total = sum(int(r.get("ratings") or 0) for r in mine)
    satisfied = sum(float(r.get("satisfied_share") or 0) * int(r.get("ratings") or 0)
                    for r in mine)
    center = satisfied / total if total else 0.0
    for row in mine:
        n = int(row.get("ratings") or 0)
        share = float(row.get("satisfied_share") or 0)
        row["adjusted_share"] = (share * n + center * PRIOR_RATINGS) / (n + PRIOR_RATINGS)
    ranked = sorted((r for r in mine if int(r.get("ratings") or 0) >= MIN_RATINGS),
                    key=lambda r: (-r["adjusted_share"], -float(r.get("mean_score") or 0),
                                   -int(r.get("ratings") or 0), str(r.get("key"))))
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    few = sorted((r for r in mine if int(r.get("ratings") or 0) < MIN_RATINGS),
                 key=lambda r: (-int(r.get("ratings") or 0), str(r.get("key"))))
    for row in few:
        row["rank"] = None
    return ranked + few


def _share(share: float | None, lang: str, export: bool) -> Cell:
    if share is None:
        return None if export else text("none", lang)
    return round(share * 100, 1) if export else percent(share, lang)


def _score(score: float | None, lang: str, export: bool) -> Cell:
    if score is None:
        return None if export else text("none", lang)
    return round(score, 2) if export else decimal(score, lang)

