"""The pages, rendered on the server: readable with scripts off, made live by /static/live.js
(which swaps in the `<main>` that the page's event stream sends). Every value is escaped."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from urllib.parse import quote

from config.schema import CenterConfig
from web import texts
from web.texts import Lang, text
from web.views import (
    PERIODS,
    BoardNow,
    CenterNow,
    CounterNow,
    Period,
    Ranking,
    RankingRow,
    ServiceNow,
    TicketPage,
)

ASSET_VERSION = "2"


@lru_cache(maxsize=8192)
def _escaped(value: str) -> str:
    return escape(value, quote=True)


def e(value: object) -> str:
    """Escaped for HTML; the same few texts and names come again on every page."""
    return _escaped(value if isinstance(value, str) else str(value))


def layout(config: CenterConfig, lang: Lang, *, title: str, body: str, path: str,
           stream: str = "", page: str = "", status_note: str = "", sound: str = "") -> str:
    """The page around a `<main>`: the center's name, the language toggle, the links."""
    other: Lang = "en" if lang == "vi" else "vi"
    short = config.center.short_name or config.center.name
    toggle = e(f"{path}{'&' if '?' in path else '?'}lang={other}")
    joined = f"{stream}{'&' if '?' in stream else '?'}lang={lang}"
    stream_attr = f' data-stream="{e(joined)}"' if stream else ""
    if sound:  # live.js offers a button that lets the phone ring on the call
        stream_attr += f' data-sound="{e(sound)}"'
    nav = "".join(
        f'<a href="{href}">{e(text(key, lang))}</a>'
        for href, key in (("/", "home"), ("/dat-lich", "booking"), ("/danh-gia", "ranking"),
                          ("/bang", "board"), ("/api/docs", "api")))
    script = (f'<script src="/static/live.js?v={ASSET_VERSION}" defer></script>'
              if stream else "")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{e(title)} · {e(short.get(lang))}</title>'
        f'<link rel="stylesheet" href="/static/site.css?v={ASSET_VERSION}">'
        '<link rel="icon" href="/static/icon.svg" type="image/svg+xml">'
        f'</head><body class="page-{page}">'
        f'<header class="top"><a class="brand" href="/">{e(short.get(lang))}</a>'
        f'<a class="lang" href="{toggle}" hreflang="{other}">{e(text("other_lang", lang))}</a>'
        f'</header>{status_note}'
        f'<main id="live"{stream_attr}>{body}</main>'
        f'<noscript><p class="note">{e(text("no_script", lang))}</p></noscript>'
        f'<footer><nav>{nav}</nav><p>{e(config.center.name.get(lang))}</p></footer>'
        f'{script}</body></html>')


def offline_note(online: bool, lang: Lang) -> str:
    return "" if online else f'<p class="warn" role="status">{e(text("offline", lang))}</p>'


# --- the center now ------------------------------------------------------------------------


def _service_status(service: ServiceNow, lang: Lang) -> str:
    if service.open:
        return f'<span class="ok">{e(text("open", lang))}</span>'
    label = text(f"closed_{service.closed_reason or 'manager'}", lang)
    if service.opens_at is not None:
        label += " · " + text("opens_at", lang, time=texts.clock(service.opens_at))
    return f'<span class="closed">{e(label)}</span>'


def center_main(now: CenterNow, lang: Lang) -> str:
    parts = [offline_note(now.online, lang), f'<h1>{e(text("now_title", lang))}</h1>',
             f'<p class="big-count"><b>{now.waiting}</b> {e(text("waiting_col", lang))}</p>']
    today = ", ".join(now.hours_today) or text("closed_today", lang)
    parts.append(f'<p class="hours-today">{e(text("hours_today", lang))}: {e(today)}</p>')
    for department in now.departments:
        rows = []
        for service in department.services:
            wait = (texts.wait_time(service.ewt_low_s, service.ewt_high_s, lang)
                    if service.open else "")
            rows.append(
                f'<li class="svc" id="svc-{e(service.id)}"><div class="svc-name">'
                f'{e(service.name)}</div><div class="svc-facts">'
                f'<span class="waiting"><b>{service.waiting}</b> '
                f'{e(text("waiting_col", lang).lower())}</span>'
                f'<span class="wait">{e(wait)}</span>{_service_status(service, lang)}'
                '</div></li>')
        parts.append(f'<section class="dept"><h2>{e(department.name)}</h2>'
                     f'<ul class="svcs">{"".join(rows)}</ul></section>')
    hours = "".join(
        f'<tr><th>{e(texts.WEEKDAYS.t(day, lang))}</th>'
        f'<td>{e(", ".join(spans) or "—")}</td></tr>' for day, spans in now.hours.items())
    parts.append(f'<section><h2>{e(text("hours", lang))}</h2>'
                 f'<table class="hours">{hours}</table></section>')
    return "".join(parts)


# --- one ticket ----------------------------------------------------------------------------


def ticket_main(page: TicketPage, token: str, lang: Lang, error: str = "") -> str:
    parts = [offline_note(page.online, lang),
             f'<p class="label">{e(text("your_number", lang))}</p>',
             f'<p class="number" id="number">{e(page.number)}</p>',
             f'<p class="service">{e(page.service_name)}</p>']
    state = page.state
    if state == "waiting":
        ahead = page.ahead or 0
        ahead_text = (text("ahead_none", lang) if ahead == 0
                      else text("ahead_about", lang, count=ahead) if page.ahead_estimated
                      else str(ahead))
        wait = (texts.wait_time(page.ewt_low_s, page.ewt_high_s, lang)
                if page.ewt_low_s is not None else text("no_estimate", lang))
        parts.append(
            f'<p class="state waiting" data-state="waiting">{e(text("state_waiting", lang))}</p>'
            f'<dl class="facts"><div><dt>{e(text("ahead", lang))}</dt>'
            f'<dd id="ahead">{e(ahead_text)}</dd></div>'
            f'<div><dt>{e(text("expected_wait", lang))}</dt>'
            f'<dd id="wait"{"" if page.ewt_low_s is not None else " class=soft"}>'
            f'{e(wait)}</dd></div>'
            '</dl>')
    elif state == "called":
        parts.append(
            f'<p class="state call" data-state="called" role="alert">'
            f'{e(text("state_called", lang, counter=page.counter_number))}</p>'
            f'<p class="help">{e(text("called_help", lang))}</p>')
    elif state == "serving":
        parts.append(f'<p class="state serving" data-state="serving">'
                     f'{e(text("state_serving", lang, counter=page.counter_number))}</p>')
    elif state == "no_show":
        parts.append(f'<p class="state missed" data-state="no_show">'
                     f'{e(text("state_no_show", lang))}</p><p class="help">'
                     f'{e(text("no_show_help", lang, counter=page.counter_number))}</p>')
    elif state == "cancelled":
        parts.append(f'<p class="state missed" data-state="cancelled">'
                     f'{e(text("state_cancelled", lang))}</p>')
    else:
        parts.append(f'<p class="state done" data-state="done">{e(text("state_done", lang))}'
                     '</p>')
        parts.append(_rating(page, token, lang, error))
    return "".join(parts)


def _rating(page: TicketPage, token: str, lang: Lang, error: str) -> str:
    if page.rated:
        return f'<p class="thanks" id="rated">{e(text("rated", lang))}</p>'
    if not page.can_rate:
        return f'<p class="help">{e(text("rate_closed", lang))}</p>'
    levels = "".join(
        f'<label class="level level-{level.score}"><input type="radio" name="score" '
        f'value="{level.score}" required><span>{e(level.name)}</span></label>'
        for level in page.rating_levels)
    reasons = "".join(
        f'<label class="reason"><input type="checkbox" name="reasons" value="{e(r.id)}">'
        f'<span>{e(r.name)}</span></label>' for r in page.rating_reasons)
    until = (text("rate_until", lang, time=texts.clock(page.rating_until))
             if page.rating_until else "")
    problem = f'<p class="warn" role="alert">{e(error)}</p>' if error else ""
    return (
        f'<form class="rate" id="rate" method="post" action="/t/{quote(token)}/rate?lang={lang}">'
        f'{problem}<fieldset><legend>{e(page.rating_question)}</legend>{levels}</fieldset>'
        f'<fieldset class="reasons"><legend>{e(text("rate_reasons", lang))}</legend>{reasons}'
        f'</fieldset><button type="submit">{e(text("rate_send", lang))}</button>'
        f'<p class="small">{e(text("rate_question_hint", lang))} {e(until)}</p></form>')


def no_ticket_main(lang: Lang) -> str:
    return (f'<h1>{e(text("no_ticket_title", lang))}</h1><p>{e(text("no_ticket", lang))}</p>'
            f'<p><a href="/">{e(text("home", lang))}</a></p>')


def message_main(title: str, message: str, lang: Lang) -> str:
    return (f'<h1>{e(title)}</h1><p>{e(message)}</p>'
            f'<p><a href="/">{e(text("home", lang))}</a></p>')


# --- the public ranking --------------------------------------------------------------------


def _ranking_table(title: str, rows: list[RankingRow], lang: Lang) -> str:
    if not rows:
        body = f'<p class="small">{e(text("no_ratings", lang))}</p>'
        return f'<section class="rank"><h2>{e(title)}</h2>{body}</section>'
    head = "".join(f"<th>{e(text(k, lang))}</th>" for k in
                   ("rank_col", "name_col", "count_col", "mean_col", "satisfied_col"))
    lines = "".join(
        f'<tr><td>{row.rank if row.rank is not None else e(text("too_few", lang))}</td>'
        f'<td>{e(row.name)}</td><td>{row.ratings}</td><td>{row.mean_score:.2f}</td>'
        f'<td>{row.satisfied_share * 100:.0f}%</td></tr>' for row in rows)
    return (f'<section class="rank"><h2>{e(title)}</h2><div class="scroll"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table></div></section>')


def ranking_main(ranking: Ranking | None, period: Period, lang: Lang, online: bool) -> str:
    tabs = "".join(
        f'<a href="/danh-gia?ky={p}&amp;lang={lang}"'
        f'{" aria-current=page" if p == period else ""}>{e(text("period_" + p, lang))}</a>'
        for p in PERIODS)
    parts = [offline_note(online, lang), f'<h1>{e(text("ranking_title", lang))}</h1>',
             f'<nav class="tabs">{tabs}</nav>']
    if ranking is None:
        parts.append(f'<p class="warn">{e(text("busy", lang))}</p>')
        return "".join(parts)
    parts.append(f'<p class="small">{e(text("range", lang, first=f"{ranking.first:%d/%m/%Y}", last=f"{ranking.last:%d/%m/%Y}"))}</p>')  # noqa: E501
    parts.append(_ranking_table(text("by_officer", lang), ranking.officers, lang))
    parts.append(_ranking_table(text("by_counter", lang), ranking.counters, lang))
    parts.append(_ranking_table(text("by_department", lang), ranking.departments, lang))
    parts.append(f'<p class="small">{e(text("ranking_note", lang, min=ranking.min_ratings))}</p>')
    return "".join(parts)


# --- the board -----------------------------------------------------------------------------


def _counter_label(counter: CounterNow, lang: Lang) -> str:
    if counter.status in ("called", "serving"):
        return counter.ticket
    return text(f"counter_{counter.status}", lang)


def board_main(board: BoardNow, lang: Lang) -> str:
    newest = board.newest
    if newest is not None:
        hero = (f'<div class="hero" data-call="{e(newest.number)}@{e(newest.counter)}@'
                f'{newest.at.isoformat()}"><span class="hero-label">'
                f'{e(text("board_called", lang))}</span><span class="hero-number">'
                f'{e(newest.number)}</span><span class="hero-label">'
                f'{e(text("board_to_counter", lang))}</span><span class="hero-counter">'
                f'{newest.counter_number}</span></div>')
    else:
        hero = (f'<div class="hero"><span class="hero-label">{e(text("board_none", lang))}'
                '</span></div>')
    recent = "".join(f'<li><b>{e(c.number)}</b><span>→ {c.counter_number}</span></li>'
                     for c in board.calls[1:8])
    counters = "".join(
        f'<li class="ctr ctr-{c.status}"><span class="ctr-no">{c.number}</span>'
        f'<span class="ctr-t">{e(_counter_label(c, lang))}</span></li>' for c in board.counters)
    services = "".join(
        f'<li><span>{e(s.name)}</span><b>{s.waiting}</b></li>' for s in board.services)
    message = f'<p class="marquee">{e(board.message)}</p>' if board.message else ""
    return (f'{offline_note(board.online, lang)}<div class="board">{hero}'
            f'<section class="recent"><h2>{e(text("board_recent", lang))}</h2>'
            f'<ol>{recent}</ol></section>'
            f'<section class="counters"><h2>{e(text("board_counters", lang))}</h2>'
            f'<ul>{counters}</ul></section>'
            f'<section class="waiting"><h2>{e(text("board_waiting", lang))}</h2>'
            f'<ul>{services}</ul></section></div>{message}')
