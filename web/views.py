"""What each page and API answer shows, as typed structs (the OpenAPI document is made from
them), computed from the web face's view of the center. No HTML here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from broker.core.opening_hours import hours_of
from broker.wire.protocol import ServiceState
from config.schema import WEEKDAYS, CenterConfig, Id
from web import texts
from web.live import LiveCenter, TicketNow
from web.texts import Lang

Period = Literal["today", "month", "quarter"]
PERIODS: tuple[Period, ...] = ("today", "month", "quarter")
MIN_RATINGS = 5  # below this many ratings, counts are shown but no rank


class Struct(msgspec.Struct, frozen=True, kw_only=True):
    pass


class ServiceNow(Struct, kw_only=True):
    id: str
    name: str
    department: str
    waiting: int
    open: bool
    closed_reason: str | None = None  # manager, daily_limit, hours
    opens_at: datetime | None = None
    ewt_s: int | None = None  # None: no open counter serves it, no wait is promised
    counters_open: int = 0
    hours_today: list[str] = []


class DepartmentNow(Struct, kw_only=True):
    id: str
    name: str
    services: list[ServiceNow]


class CenterNow(Struct, kw_only=True):
    site: str
    name: str
    at: datetime
    online: bool
    hours: dict[str, list[str]]
    hours_today: list[str]
    waiting: int
    departments: list[DepartmentNow]


class RatingLevelInfo(Struct, kw_only=True):
    score: int
    name: str
    ask_reasons: bool = False


class RatingReasonInfo(Struct, kw_only=True):
    id: str
    name: str


class TicketPage(Struct, kw_only=True):
    """One ticket, as its own page shows it: no other ticket is ever visible."""

    number: str
    service: str
    service_name: str
    state: Literal["waiting", "called", "serving", "done", "no_show", "cancelled"]
    priority: bool = False
    issued_at: datetime | None = None
    ahead: int | None = None  # people ahead while waiting
    ahead_estimated: bool = False  # beyond the first 50 in line: an estimate
    ewt_s: int | None = None  # while waiting, if a counter is open
    counter_number: int | None = None  # called, serving, done, missed there
    rated: bool = False
    can_rate: bool = False
    rating_until: datetime | None = None
    rating_question: str = ""
    rating_levels: list[RatingLevelInfo] = []
    rating_reasons: list[RatingReasonInfo] = []
    online: bool = True


class RatingIn(Struct, kw_only=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=4)]
    reasons: Annotated[list[Id], msgspec.Meta(max_length=10)] = []


class RatingOut(Struct, kw_only=True):
    rated: bool


class RankingRow(Struct, kw_only=True):
    key: str
    name: str
    ratings: int
    mean_score: float
    satisfied_share: float  # the two top levels
    rank: int | None = None  # None: fewer than min_ratings
    distribution: list[int]  # how many of each score, 1 to 4


class Ranking(Struct, kw_only=True):
    period: Period
    first: date
    last: date
    min_ratings: int
    officers: list[RankingRow]
    counters: list[RankingRow]
    departments: list[RankingRow]


class CallNow(Struct, kw_only=True):
    number: str
    counter: str
    counter_number: int
    at: datetime


class CounterNow(Struct, kw_only=True):
    id: str
    number: int
    status: Literal["ready", "called", "serving", "paused", "closed"]
    ticket: str = ""


class BoardServiceNow(Struct, kw_only=True):
    id: str
    name: str
    waiting: int
    closed_reason: str | None = None


class BoardNow(Struct, kw_only=True):
    name: str
    at: datetime
    online: bool
    newest: CallNow | None
    calls: list[CallNow]
    counters: list[CounterNow]
    services: list[BoardServiceNow]
    message: str = ""


class Problem(Struct, kw_only=True):
    status: int
    detail: str


# --- the center now ------------------------------------------------------------------------


def _hours_today(config: CenterConfig, service_id: str | None, now: datetime) -> list[str]:
    service = config.service(service_id) if service_id else None
    hours = hours_of(config, service) if service is not None else config.hours
    return list(hours.spans(WEEKDAYS[now.weekday()]))


def center_now(live: LiveCenter, config: CenterConfig, lang: Lang) -> CenterNow:
    now = live.now()
    departments = []
    total = 0
    for department in config.departments:
        services = []
        for service in config.services:
            if service.department != department.id:
                continue
            state = live.service(service.id)
            waiting = state.waiting if state else 0
            total += waiting
            services.append(ServiceNow(
                id=service.id, name=service.name.get(lang), department=department.id,
                waiting=waiting, open=bool(state and state.open),
                closed_reason=None if state is None or state.open
                else state.closed_reason or "manager",
                opens_at=state.opens_at if state else None,
                ewt_s=state.ewt_s if state and state.counters_open else None,
                counters_open=state.counters_open if state else 0,
                hours_today=_hours_today(config, service.id, now)))
        if services:
            departments.append(DepartmentNow(id=department.id, name=department.name.get(lang),
                                             services=services))
    return CenterNow(
        site=config.center.site, name=config.center.name.get(lang), at=now, online=live.online,
        hours={day: list(config.hours.spans(day)) for day in WEEKDAYS},
        hours_today=_hours_today(config, None, now), waiting=total, departments=departments)


# --- one ticket ----------------------------------------------------------------------------


def _seq(number: str) -> int | None:
    digits = number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else None


@dataclass(frozen=True, slots=True)
class _Line:
    """A service state's listed queue, indexed once for the thousands of pages that read it:
    ticket id -> (people ahead, priority people ahead)."""

    places: dict[str, tuple[int, int]]
    listed: int
    listed_priority: int


_lines: dict[str, tuple[ServiceState, _Line]] = {}


def _line(state: ServiceState) -> _Line:
    held = _lines.get(state.id)
    if held is not None and held[0] is state:
        return held[1]
    places, priority = {}, 0
    for index, queued in enumerate(state.queue):
        places[queued.id] = (index, priority)
        priority += queued.priority
    line = _Line(places, len(state.queue), priority)
    _lines[state.id] = (state, line)
    return line


def _ahead(live: LiveCenter, ticket: TicketNow) -> tuple[int | None, bool]:
    """People ahead in line: exact among the first 50 that the service's state lists; beyond
    them, the waiting less those issued after this ticket (an estimate)."""
    state = live.service(ticket.service)
    if state is None:
        return ticket.ahead_at_lookup, True
    line = _line(state)
    place = line.places.get(ticket.id)
    if place is not None:
        return place[1] if ticket.priority else place[0], False
    mine, last = _seq(ticket.number), _seq(state.last_issued or "")
    if ticket.priority or mine is None or last is None or last < mine:
        estimate = ticket.ahead_at_lookup
    else:
        estimate = state.waiting - 1 - (last - mine)
    floor = line.listed_priority if ticket.priority else line.listed
    return max(floor, min(state.waiting - 1, estimate if estimate is not None else floor)), True


def ticket_page(live: LiveCenter, config: CenterConfig, ticket: TicketNow,
                lang: Lang) -> TicketPage:
    service = config.service(ticket.service)
    ahead, estimated, ewt = None, False, None
    if ticket.state == "waiting":
        ahead, estimated = _ahead(live, ticket)
        state = live.service(ticket.service)
        if state is not None and state.counters_open and ahead is not None:
            # The hub's estimate is for a ticket taken now (all `waiting` ahead of it).
            ewt = round(state.ewt_s * (ahead + 1) / (state.waiting + 1))
    now = live.now()
    can_rate = (ticket.state == "done" and not ticket.rated
                and ticket.rating_until is not None and now <= ticket.rating_until)
    return TicketPage(
        number=ticket.number, service=ticket.service,
        service_name=service.name.get(lang) if service else ticket.service,
        state=ticket.state,  # type: ignore[arg-type]
        priority=ticket.priority, issued_at=ticket.issued_at, ahead=ahead,
        ahead_estimated=estimated, ewt_s=ewt, counter_number=ticket.counter_number,
        rated=ticket.rated, can_rate=can_rate,
        rating_until=ticket.rating_until if ticket.state == "done" else None,
        rating_question=config.rating.question.get(lang) if can_rate else "",
        rating_levels=[RatingLevelInfo(score=level.score, name=level.name.get(lang),
                                       ask_reasons=level.ask_reasons)
                       for level in sorted(config.rating.levels, key=lambda v: -v.score)]
        if can_rate else [],
        rating_reasons=[RatingReasonInfo(id=r.id, name=r.name.get(lang))
                        for r in config.rating.reasons] if can_rate else [],
        online=live.online)


# --- the public ranking --------------------------------------------------------------------


def period_range(period: Period, today: date) -> tuple[date, date]:
    if period == "today":
        return today, today
    if period == "month":
        return today.replace(day=1), today
    first_month = 3 * ((today.month - 1) // 3) + 1
    return today.replace(month=first_month, day=1), today


def _name(config: CenterConfig, kind: str, key: str, lang: Lang) -> str:
    if kind == "officer" and (officer := config.officer(key)):
        return officer.name
    if kind == "counter" and (counter := config.counter(key)):
        return texts.text("counter_name", lang, number=counter.number)
    if kind == "department" and (department := config.department(key)):
        return department.name.get(lang)
    return key


def ranking_rows(config: CenterConfig, kind: str, counts: dict[str, list[int]], lang: Lang,
                 min_ratings: int) -> list[RankingRow]:
    rows = []
    for key, dist in counts.items():
        total = sum(dist)
        if not total:
            continue
        rows.append(RankingRow(
            key=key, name=_name(config, kind, key, lang), ratings=total,
            mean_score=round(sum(s * n for s, n in enumerate(dist, 1)) / total, 2),
            satisfied_share=round((dist[2] + dist[3]) / total, 4), distribution=list(dist)))
    rows.sort(key=lambda r: (r.ratings < min_ratings, -r.satisfied_share, -r.mean_score,
                             -r.ratings, r.name))
    ranked, rank = [], 0
    for row in rows:
        if row.ratings >= min_ratings:
            rank += 1
            row = msgspec.structs.replace(row, rank=rank)
        ranked.append(row)
    return ranked


def ranking(config: CenterConfig, counts: dict[str, dict[str, list[int]]], period: Period,
            first: date, last: date, lang: Lang, min_ratings: int = MIN_RATINGS) -> Ranking:
    return Ranking(
        period=period, first=first, last=last, min_ratings=min_ratings,
        officers=ranking_rows(config, "officer", counts.get("officer", {}), lang, min_ratings),
        counters=ranking_rows(config, "counter", counts.get("counter", {}), lang, min_ratings),
        departments=ranking_rows(config, "department", counts.get("department", {}), lang,
                                 min_ratings))


# --- the board -----------------------------------------------------------------------------


def board_zone(spec: str | None) -> tuple[str, ...] | None:
    """`?quay=1-6` (or `1,3,7-9`): the counters a TV in one zone of the hall shows."""
    from display_board.zone import parse_counters

    if not spec:
        return None
    try:
        return parse_counters(spec[:100]) or None
    except ValueError:
        return None


def board_now(live: LiveCenter, config: CenterConfig, lang: Lang,
              zone: tuple[str, ...] | None = None) -> BoardNow:
    from display_board.model import BoardModel

    model = BoardModel("web", zone)
    model.set_config(config)
    for counter in config.counters:
        state = live.counter(counter.id)
        if state is not None:
            model.apply(state)
    for service in config.services:
        state = live.service(service.id)
        if state is not None:
            model.apply(state)
    board = live.board()
    if board is not None:
        model.apply(board)
    now = live.now()
    calls = [CallNow(number=c.number, counter=c.counter, counter_number=c.counter_number,
                     at=c.at) for c in model.calls()]
    return BoardNow(
        name=config.center.name.get(lang), at=now, online=live.online,
        newest=calls[0] if calls else None, calls=calls[:8],
        counters=[CounterNow(id=c.id, number=c.number, status=c.status, ticket=c.ticket)
                  for c in model.counters()],
        services=[BoardServiceNow(id=s.id, name=s.name.get(lang), waiting=s.waiting,
                                  closed_reason=s.closed_reason) for s in model.services()],
        message=model.message(now))
