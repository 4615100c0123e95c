"""The web face as an ASGI app (Litestar): the pages printed on paper and bookmarked
(`/`, `/t/{token}`, `/danh-gia`, `/bang`), their live event streams, the JSON API under
`/api/v1` with its OpenAPI document at `/api/docs`, and the local assets."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

import msgspec
from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from broker.core.ticket_token import TOKEN_PATTERN
from broker.wire.device_client import RequestError
from broker.wire.version import __version__
from config.schema import CenterConfig
from web import booking, pages, views
from web.live import Busy, LiveCenter, TicketNow
from web.texts import LANGS, Lang, text
from web.views import (
    BoardNow,
    CenterNow,
    Period,
    Ranking,
    RatingIn,
    RatingOut,
    ServiceNow,
    TicketPage,
)

log = logging.getLogger("qms.web")

STATIC = Path(__file__).parent / "static"
SSE_HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
               (b"cache-control", b"no-store"), (b"x-accel-buffering", b"no")]
MAX_BODY = 16 * 1024

# No third-party origin anywhere: the hall has no internet, and a page must not leak its
# token (in its address) to anyone.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
     b"form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

Token = Annotated[str, PathParameter(pattern=TOKEN_PATTERN, min_length=16, max_length=16,
                                     description="the token printed in the ticket's QR")]
LangParam = Annotated[Lang, QueryParameter(description="vi (default) or en")]
QueryText = Annotated[str | None, QueryParameter()]


@dataclass
class WebOptions:
    rate_limit_per_minute: int = 600  # per client address; 0: none (benchmarks)
    min_ratings: int = views.MIN_RATINGS


class Unavailable(HTTPException):
    status_code = 503
    detail = "the queue system cannot be reached now"


class TooBusy(HTTPException):
    status_code = 429
    detail = "too many requests at once; retry in a few seconds"


async def security_headers(message: Message, scope: Scope) -> None:
    """On every response, the routes' and the errors' alike (Litestar's before_send)."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers", []))
    headers += SECURITY_HEADERS
    if not scope["path"].startswith("/static/") and not any(
            k.lower() == b"cache-control" for k, _ in headers):
        headers.append((b"cache-control", b"no-store"))
    message["headers"] = headers


# --- helpers -------------------------------------------------------------------------------


def _live(state: State) -> LiveCenter:
    return state.live


def _config(live: LiveCenter) -> CenterConfig:
    config = live.config
    if config is None:
        raise Unavailable()
    return config


def choose_lang(request: Request, asked: str | None) -> Lang:
    if asked in LANGS:
        return asked  # type: ignore[return-value]
    cookie = request.cookies.get("lang")
    return cookie if cookie in LANGS else "vi"  # type: ignore[return-value]


def html(body: str, status: int = 200, lang: str | None = None) -> Response[str]:
    response = Response(body, media_type=MediaType.HTML, status_code=status)
    if lang in LANGS:
        response.set_cookie("lang", lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


async def _ticket_or_none(live: LiveCenter, token: str) -> TicketNow | None:
    try:
        return await live.ticket(token)
    except Busy:
        if not live.online:
            raise Unavailable() from None
        raise TooBusy() from None


def _stream(live: LiveCenter, kinds: tuple[str, ...],
            render: Callable[[], Awaitable[dict[str, Any] | None]],
            wants: Callable[[str, str], bool] = lambda kind, key: True,
            ticket: str = "") -> ASGIApp:
    """A page's live updates as server-sent events: its `<main>` again whenever what it shows
    changed. Plain ASGI, not Litestar's streaming response: a call in the hall sends one
    message to each of thousands of open pages at once, and each layer costs."""

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        listener = live.listen(wants, kinds, ticket)

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            listener.gone = True
            listener.wake.set()

        watcher = asyncio.create_task(watch())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            last = b""
            while not listener.gone:
                data = None
                if listener.changed:
                    listener.changed = False
                    with contextlib.suppress(HTTPException):
                        data = await render()
                if data is not None:
                    encoded = msgspec.json.encode(data)
                    if encoded != last:
                        last = encoded
                        await send({"type": "http.response.body", "more_body": True,
                                    "body": b"data: " + encoded + b"\n\n"})
                if listener.ping:
                    listener.ping = False
                    await send({"type": "http.response.body", "body": b": ping\n\n",
                                "more_body": True})
                await listener.wake.wait()
                listener.wake.clear()
        except OSError:
            pass  # the phone went away mid-send
        finally:
            watcher.cancel()
            live.unlisten(listener)

    return stream


# --- the center now ------------------------------------------------------------------------


@get("/", include_in_schema=False)
async def home_page(request: Request, state: State, lang: QueryText = None
                    ) -> Response[str]:
    live = _live(state)
    chosen = choose_lang(request, lang)
    config = _config(live)
    now = views.center_now(live, config, chosen)
    # Today's free appointment slots under the hall's figures (`web.booking`).
    body = pages.center_main(now, chosen) + await booking.today_section(live, chosen)
    return html(pages.layout(config, chosen, title=text("now_title", chosen),
                             body=body, path="/",
                             stream="/events/center", page="home"), lang=lang)


@get("/events/center", include_in_schema=False)
async def home_events(request: Request, state: State, lang: QueryText = None
                      ) -> ASGIApp:
    live = _live(state)
    chosen = choose_lang(request, lang)

    async def render() -> dict[str, Any]:
        now = views.center_now(live, _config(live), chosen)
        return {"html": pages.center_main(now, chosen)
                + await booking.today_section(live, chosen)}

    return _stream(live, ("service", "config", "hub"), render)


@get("/api/v1/center", summary="The center now: services, people waiting, estimated waits, "
     "opening hours, closed services", tags=["center"])
async def api_center(state: State, lang: LangParam = "vi") -> CenterNow:
    live = _live(state)
    return views.center_now(live, _config(live), lang)


@get("/api/v1/services/{service_id:str}", summary="One service now", tags=["center"],
     raises=[NotFoundException])
async def api_service(state: State, service_id: Annotated[str, PathParameter(max_length=40)],
                      lang: LangParam = "vi") -> ServiceNow:
    live = _live(state)
    now = views.center_now(live, _config(live), lang)
    for department in now.departments:
        for service in department.services:
            if service.id == service_id:
                return service
    raise NotFoundException(f"no service {service_id!r}")


# --- one ticket ----------------------------------------------------------------------------


def _ticket_html(live: LiveCenter, config: CenterConfig, ticket: TicketNow, lang: Lang,
                 error: str = "") -> tuple[str, TicketPage]:
    page = views.ticket_page(live, config, ticket, lang)
    return pages.ticket_main(page, ticket.token, lang, error), page


@get("/t/{token:str}", include_in_schema=False)
async def ticket_page(request: Request, state: State, token: FromPath[str],
                      lang: QueryText = None,
                      error: QueryText = None) -> Response[str]:
    live = _live(state)
    chosen = choose_lang(request, lang)
    config = _config(live)
    ticket = await _ticket_or_none(live, token)
    if ticket is None:
        return html(pages.layout(config, chosen, title=text("no_ticket_title", chosen),
                                 body=pages.no_ticket_main(chosen), path="/", page="none"),
                    status=404, lang=lang)
    # Only known codes: nothing from the address is ever shown as text.
    problem = _refusal(error, chosen) if error else ""
    body, page = _ticket_html(live, config, ticket, chosen, problem)
    return html(pages.layout(config, chosen, title=f"{page.number} · {page.service_name}",
                             body=body, path=f"/t/{token}", stream=f"/t/{token}/events",
                             page="ticket", sound=text("sound_on", chosen)), lang=lang)


@get("/t/{token:str}/events", include_in_schema=False)
async def ticket_events(request: Request, state: State, token: FromPath[str],
                        lang: QueryText = None) -> ASGIApp:
    live = _live(state)
    chosen = choose_lang(request, lang)
    first = await _ticket_or_none(live, token)
    if first is None:
        raise NotFoundException()
    ticket_id = first.id

    async def render() -> dict[str, Any] | None:
        try:
            ticket = await live.ticket(token)
        except Busy:
            return None  # asked again at the next change
        if ticket is None:
            return None
        body, page = _ticket_html(live, _config(live), ticket, chosen)
        return {"html": body, "state": page.state, "counter": page.counter_number}

    def wants(kind: str, key: str) -> bool:
        if kind == "ticket":
            return key == ticket_id
        if kind == "service":
            held = live.tickets.get(token)
            return held is not None and held.state == "waiting" and held.service == key
        return kind in ("hub", "config")

    # Its service's changes come through its ticket (LiveCenter wakes the pages of a service's
    # tickets), not as a page that hears of every service.
    return _stream(live, ("ticket", "hub", "config"), render, wants, ticket_id)


def _refusal(code: str, lang: Lang) -> str:
    reason = {
        "pick": text("rate_pick", lang),
        "rating_window_closed": text("rate_closed", lang),
        "busy": text("busy", lang),
    }.get(code)
    return text("rate_error", lang, reason=reason) if reason else ""


@post("/t/{token:str}/rate", include_in_schema=False, status_code=303)
async def rate_form(request: Request, state: State, token: FromPath[str],
                    lang: QueryText = None) -> Response[Any]:
    """The rating form without scripts: a plain POST, then back to the ticket's page."""
    live = _live(state)
    chosen = choose_lang(request, lang)
    ticket = await _ticket_or_none(live, token)
    if ticket is None:
        raise NotFoundException()
    body = await request.body()
    form = parse_qs(body[:MAX_BODY].decode("utf-8", "replace"))
    back = f"/t/{token}?lang={chosen}"
    try:
        rating = msgspec.convert({"score": int((form.get("score") or ["0"])[0]),
                                  "reasons": form.get("reasons", [])}, RatingIn)
    except (ValueError, msgspec.ValidationError):
        return Redirect(f"{back}&error=pick", status_code=303)
    try:
        await live.rate(ticket, rating.score, rating.reasons)
    except RequestError as exc:
        if exc.code != "already_rated":
            code = exc.code if exc.code == "rating_window_closed" else "busy"
            return Redirect(f"{back}&error={code}", status_code=303)
    return Redirect(back, status_code=303)


@get("/api/v1/tickets/{token:str}", summary="One ticket, by the token in its QR code",
     description="Only the token's own ticket is visible; there is no listing and no lookup "
     "by number. A wrong or expired token is 404.", tags=["tickets"],
     raises=[NotFoundException])
async def api_ticket(state: State, token: Token, lang: LangParam = "vi") -> TicketPage:
    live = _live(state)
    ticket = await _ticket_or_none(live, token)
    if ticket is None:
        raise NotFoundException("no such ticket today")
    return views.ticket_page(live, _config(live), ticket, lang)


@post("/api/v1/tickets/{token:str}/rating", summary="Rate the ticket's service",
      description="Once per ticket, after the officer finished it and within the rating "
      "window, the same rule as the counter's tablet (they share the one rating). 409 when "
      "the hub refuses it.", tags=["tickets"], status_code=201, raises=[NotFoundException])
async def api_rate(state: State, token: Token, data: JSONBody[RatingIn]) -> RatingOut:
    live = _live(state)
    ticket = await _ticket_or_none(live, token)
    if ticket is None:
        raise NotFoundException("no such ticket today")
    try:
        await live.rate(ticket, data.score, data.reasons)
    except RequestError as exc:
        if exc.code in ("timeout", "not_connected"):
            raise Unavailable() from exc
        raise HTTPException(status_code=409, detail=exc.code) from exc
    return RatingOut(rated=True)


# --- the public ranking --------------------------------------------------------------------


async def _ranking(live: LiveCenter, options: WebOptions, period: Period, lang: Lang
                   ) -> views.Ranking | None:
    first, last = views.period_range(period, live.today())
    counts = await live.rating_counts(first, last)
    if counts is None:
        return None
    return views.ranking(_config(live), counts, period, first, last, lang, options.min_ratings)


def _period(value: str | None) -> Period:
    return value if value in views.PERIODS else "today"  # type: ignore[return-value]


@get("/danh-gia", include_in_schema=False)
async def ranking_page(request: Request, state: State, ky: QueryText = None,
                       lang: QueryText = None) -> Response[str]:
    live = _live(state)
    chosen = choose_lang(request, lang)
    period = _period(ky)
    config = _config(live)
    ranking = await _ranking(live, state.options, period, chosen)
    return html(pages.layout(config, chosen, title=text("ranking_title", chosen),
                             body=pages.ranking_main(ranking, period, chosen, live.online),
                             path="/danh-gia", stream=f"/danh-gia/events?ky={period}",
                             page="ranking"), lang=lang)


@get("/danh-gia/events", include_in_schema=False)
async def ranking_events(request: Request, state: State, ky: QueryText = None,
                         lang: QueryText = None) -> ASGIApp:
    live = _live(state)
    chosen = choose_lang(request, lang)
    period = _period(ky)
    options = state.options

    async def render() -> dict[str, Any]:
        ranking = await _ranking(live, options, period, chosen)
        return {"html": pages.ranking_main(ranking, period, chosen, live.online)}

    return _stream(live, ("ranking", "hub"), render)


@get("/api/v1/ranking", summary="The public ranking of officers, counters and departments",
     description="Counts beside means; no rank below `min_ratings` ratings; nothing that "
     "identifies a rater (no ticket, number or time).", tags=["ratings"])
async def api_ranking(state: State, period: FromQuery[Period] = "today", lang: LangParam = "vi"
                      ) -> Ranking:
    live = _live(state)
    ranking = await _ranking(live, state.options, period, lang)
    if ranking is None:
        raise Unavailable()
    return ranking


# --- the board -----------------------------------------------------------------------------


@get("/bang", include_in_schema=False)
async def board_page(request: Request, state: State, lang: QueryText = None,
                     quay: QueryText = None) -> Response[str]:
    live = _live(state)
    chosen = choose_lang(request, lang)
    config = _config(live)
    zone = views.board_zone(quay)
    board = views.board_now(live, config, chosen, zone)
    stream = f"/bang/events?quay={quote(quay)}" if zone else "/bang/events"
    return html(pages.layout(config, chosen, title=text("board", chosen),
                             body=pages.board_main(board, chosen),
                             path=f"/bang?quay={quote(quay)}" if zone else "/bang",
                             stream=stream, page="board"), lang=lang)


@get("/bang/events", include_in_schema=False)
async def board_events(request: Request, state: State, lang: QueryText = None,
                       quay: QueryText = None) -> ASGIApp:
    live = _live(state)
    chosen = choose_lang(request, lang)
    zone = views.board_zone(quay)

    async def render() -> dict[str, Any]:
        board = views.board_now(live, _config(live), chosen, zone)
        newest = board.newest
        return {"html": pages.board_main(board, chosen),
                "call": f"{newest.number}@{newest.counter}@{newest.at.isoformat()}"
                if newest else ""}

    return _stream(live, ("board", "counter", "service", "config", "hub"), render)


@get("/api/v1/board", summary="The hall board: the newest calls, the counters, the waiting",
     tags=["center"])
async def api_board(state: State, lang: LangParam = "vi",
                    quay: Annotated[str | None, QueryParameter(
                        max_length=100, description="a zone's counters, e.g. 1-6")] = None,
                    ) -> BoardNow:
    live = _live(state)
    return views.board_now(live, _config(live), lang, views.board_zone(quay))


@get("/api/v1/health", summary="Whether the web face reaches the hub", tags=["center"])
async def api_health(state: State) -> dict[str, bool]:
    live = _live(state)
    return {"online": live.online}


# --- the OpenAPI document's page, local ----------------------------------------------------


class LocalDocs(OpenAPIRenderPlugin):
    """The API's operations as a plain page, and a link to the document: Swagger UI and the
    like load their scripts from a CDN, and the hall has no internet."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        rows = []
        for path, item in openapi_schema.get("paths", {}).items():
            for method, operation in item.items():
                rows.append(f"<tr><td><code>{escape(method.upper())}</code></td>"
                            f"<td><code>{escape(path)}</code></td>"
                            f"<td>{escape(operation.get('summary', ''))}</td></tr>")
        info = openapi_schema.get("info", {})
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(info.get("title", "API"))}</title>'
            '<link rel="stylesheet" href="/static/site.css"></head><body class="page-api">'
            f'<main><h1>{escape(info.get("title", "API"))}</h1>'
            f'<p>{escape(info.get("description", ""))}</p>'
            '<p>OpenAPI 3.1 document: <a href="/api/docs/openapi.json">'
            '/api/docs/openapi.json</a></p>'
            f'<div class="scroll"><table class="api">{"".join(rows)}</table></div></main>'
            '</body></html>'
        ).encode()


# --- the app -------------------------------------------------------------------------------


def create_app(live: LiveCenter, options: WebOptions | None = None) -> Litestar:
    options = options or WebOptions()

    async def attach() -> None:
        live.attach(asyncio.get_running_loop())

    def not_found(request: Request, exc: Exception) -> Response[Any]:
        if request.url.path.startswith("/api/"):
            detail = getattr(exc, "detail", "not found")
            return Response({"status_code": 404, "detail": detail}, status_code=404)
        config = live.config
        lang = choose_lang(request, request.query_params.get("lang"))
        if config is None:
            return Response(text("not_found", lang), status_code=404,
                            media_type=MediaType.TEXT)
        return html(pages.layout(config, lang, title=text("not_found", lang),
                                 body=pages.message_main(text("not_found", lang), "", lang),
                                 path="/", page="none"), status=404)

    middleware: list[Any] = []
    if options.rate_limit_per_minute > 0:
        middleware.append(RateLimitConfig(rate_limit=("minute", options.rate_limit_per_minute),
                                          exclude=["/static"]).middleware)
    return Litestar(
        route_handlers=[
            home_page, home_events, api_center, api_service, ticket_page, ticket_events,
            rate_form, api_ticket, api_rate, ranking_page, ranking_events, api_ranking,
            board_page, board_events, api_board, api_health, *booking.ROUTES,
            create_static_files_router(path="/static", directories=[STATIC],
                                       include_in_schema=False,
                                       cache_control=CacheControlHeader(max_age=86400),
                                       send_as_attachment=False),
        ],
        state=State({"live": live, "options": options}),
        on_startup=[attach],
        middleware=middleware,
        before_send=[security_headers],
        exception_handlers={NotFoundException: not_found},
        request_max_body_size=MAX_BODY,
        openapi_config=OpenAPIConfig(
            title="qms-center web API", version=__version__,
            description="The center's public data for the province's portal and the one-stop "
            "e-system: the services now, the hall board, the public ranking, one ticket "
            "by the token in its QR code, and appointments (free slots, booking, one booking "
            "by its code, cancelling).",
            path="/api/docs", render_plugins=[LocalDocs(), JsonRenderPlugin()]),
        debug=False,
    )

