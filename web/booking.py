"""Booking an appointment on the web face: `/dat-lich` (a phone's screen, Vietnamese first,
plain forms that work with scripts off) and `/api/v1/appointments` (in the OpenAPI document).

The hub owns the bookings (`booking.*` operations); this page is a device that asks. A
booking's page shows its code (read out at the kiosk's keypad) and its QR (read by the kiosk's
scanner); the code is the citizen's key, so the page is reached only by it. A phone number is
optional, asked with a plain consent line, and never shown back.
"""

from __future__ import annotations

import asyncio
import io
import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote

import msgspec
import qrcode
import qrcode.image.svg
from litestar import Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.response import Redirect

from broker.core.bookings import CODE_LENGTH, normalize_code
from broker.wire.device_client import RequestError
from config.bilingual import Texts, weekday
from config.schema import CenterConfig
from web.live import LiveCenter
from web.pages import e, layout
from web.texts import Lang

MAX_FORM = 4 * 1024
TODAY_SLOTS_S = 5.0  # the home page's free slots, asked of the hub at most this often

TEXTS = Texts.load(Path(__file__).with_name("booking_texts.toml"))
t = TEXTS.t


# --- the API's shapes ------------------------------------------------------------------------


class Slot(msgspec.Struct, kw_only=True):
    start: datetime
    end: datetime
    capacity: int
    free: int


class DaySlots(msgspec.Struct, kw_only=True):
    service: str
    day: date
    closed: bool
    slots: list[Slot]


class SlotsOut(msgspec.Struct, kw_only=True):
    now: datetime
    days: list[DaySlots]


class AppointmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    service: str
    slot: datetime
    phone: str | None = None
    consent: bool = False
    lang: Literal["vi", "en"] = "vi"


class AppointmentOut(msgspec.Struct, kw_only=True):
    code: str
    shown_code: str
    service: str
    day: date
    slot: datetime
    slot_end: datetime
    status: Literal["booked", "cancelled", "checked_in"]
    checkin_from: datetime
    checkin_until: datetime
    has_phone: bool


class Refused(HTTPException):
    status_code = 409


_STATUS = {"unknown_booking": 404, "not_bookable": 400, "unknown_service": 400,
           "slot_unavailable": 400, "consent_required": 400, "bad_request": 400,
           "slot_full": 409, "booking_day_closed": 409, "phone_limit_reached": 409,
           "booking_used": 409, "booking_cancelled": 409}


def _http_error(exc: RequestError) -> HTTPException:
    status = _STATUS.get(exc.code, 503)
    error = HTTPException(status_code=status, detail=exc.code if status != 503 else
                          "the queue system cannot be reached now")
    return error


async def _ask(state: State, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """The hub's answer to a booking op; its refusal as the HTTP error that says why."""
    try:
        return await _live(state).request(op, args)
    except RequestError as exc:
        raise _http_error(exc) from None


async def _appointment(state: State, op: str, args: dict[str, Any]) -> AppointmentOut:
    booking = (await _ask(state, op, args))["booking"]
    return msgspec.convert({k: booking[k] for k in AppointmentOut.__struct_fields__},
                           AppointmentOut, strict=False)


def _live(state: State) -> LiveCenter:
    return state.live


def _config(live: LiveCenter) -> CenterConfig:
    if live.config is None:
        raise HTTPException(status_code=503, detail="the queue system cannot be reached now")
    return live.config


Code = Annotated[str, PathParameter(min_length=4, max_length=20,
                                    description="the booking's code (8 characters; a dash "
                                    "and case do not matter)")]


@get("/api/v1/appointments/slots", summary="Free appointment slots",
     description="Per bookable service and day: the slots within its opening hours that still "
     "have room, from now up to the service's horizon.", tags=["appointments"])
async def api_slots(state: State, service: Annotated[str | None, QueryParameter(
        max_length=40)] = None, day: Annotated[date | None, QueryParameter()] = None,
                    days: Annotated[int, QueryParameter(ge=1, le=31)] = 1) -> SlotsOut:
    args: dict[str, Any] = {"days": days}
    if service:
        args["service"] = service
    if day:
        args["day"] = day.isoformat()
    return msgspec.convert(await _ask(state, "booking.slots", args), SlotsOut, strict=False)


@post("/api/v1/appointments", summary="Book an appointment", status_code=201,
      description="A phone number is optional and needs `consent: true`; it is kept only until "
      "the appointment's day is over and never returned. The reply's `code` is the citizen's "
      "key: to check in at the kiosk, or to cancel.", tags=["appointments"])
async def api_book(state: State, data: JSONBody[AppointmentIn]) -> AppointmentOut:
    args = msgspec.to_builtins(data)
    if args.get("phone") is None:
        args.pop("phone", None)
    return await _appointment(state, "booking.create", args)


@get("/api/v1/appointments/{code:str}", summary="One appointment, by its code",
     tags=["appointments"], raises=[NotFoundException])
async def api_appointment(state: State, code: Code) -> AppointmentOut:
    return await _appointment(state, "booking.find", {"code": code})


@delete("/api/v1/appointments/{code:str}", summary="Cancel an appointment, by its code",
        status_code=200, tags=["appointments"], raises=[NotFoundException])
async def api_cancel(state: State, code: Code) -> AppointmentOut:
    return await _appointment(state, "booking.cancel", {"code": code})


# --- the pages -------------------------------------------------------------------------------


def _lang(request: Request, asked: str | None) -> Lang:
    if asked in ("vi", "en"):
        return asked  # type: ignore[return-value]
    cookie = request.cookies.get("lang")
    return cookie if cookie in ("vi", "en") else "vi"  # type: ignore[return-value]


def _html(body: str, status: int = 200) -> Response[str]:
    return Response(body, media_type="text/html", status_code=status)


def _page(config: CenterConfig, lang: Lang, body: str, path: str) -> str:
    return layout(config, lang, title=t("title", lang), body=body, path=path, page="booking")


def qr_svg(data: str) -> str:
    """The QR as inline SVG (no outside asset: the hall has no internet)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def _fmt_day(day: date, lang: Lang) -> str:
    return f"{weekday(day, lang)} {day:%d/%m}"


async def _slots(live: LiveCenter, args: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return await live.request("booking.slots", args)
    except RequestError:
        return None


def _booking_form(config: CenterConfig, lang: Lang, service_id: str | None, day: date | None,
                  result: dict[str, Any] | None, error: str, phone: str) -> str:
    bookable = [s for s in config.services if s.booking is not None]
    parts = [f'<h1>{e(t("title", lang))}</h1><p>{e(t("intro", lang))}</p>']
    if error:
        parts.append(f'<p class="warn" role="alert">{e(error)}</p>')
    if not bookable:
        return "".join(parts) + f'<p>{e(t("no_bookable", lang))}</p>'
    parts.append(f'<h2>{e(t("step_service", lang))}</h2><ul class="choices">')
    for service in bookable:
        chosen = ' class="chosen" aria-current="true"' if service.id == service_id else ""
        parts.append(f'<li><a{chosen} href="/dat-lich?dich-vu={quote(service.id)}&lang={lang}">'
                     f'{e(service.name.get(lang))}</a></li>')
    parts.append("</ul>")
    if service_id is None or result is None:
        return "".join(parts)
    days = result["days"]
    parts.append(f'<h2>{e(t("step_day", lang))}</h2><ul class="choices days">')
    for entry in days:
        entry_day = date.fromisoformat(entry["day"])
        note = (t("closed_day", lang) if entry["closed"] else
                t("full_day", lang) if not entry["slots"] else "")
        chosen = ' class="chosen" aria-current="true"' if entry_day == day else ""
        label = _fmt_day(entry_day, lang) + (f" ({note})" if note else "")
        parts.append(f'<li><a{chosen} href="/dat-lich?dich-vu={quote(service_id)}&amp;'
                     f'ngay={entry_day.isoformat()}&amp;lang={lang}">{e(label)}</a></li>')
    parts.append("</ul>")
    if day is None:
        return "".join(parts)
    slots = next((d["slots"] for d in days if d["day"] == day.isoformat()), [])
    parts.append(f'<h2>{e(t("step_slot", lang))}</h2>')
    if not slots:
        return "".join(parts) + f'<p>{e(t("no_slot", lang))}</p>'
    parts.append(f'<form class="book" method="post" action="/dat-lich?lang={lang}">'
                 f'<input type="hidden" name="service" value="{e(service_id)}">'
                 '<fieldset class="slots">')
    for slot in slots:
        start, end = (datetime.fromisoformat(slot[k]) for k in ("start", "end"))
        parts.append(f'<label class="slot"><input type="radio" name="slot" required '
                     f'value="{e(slot["start"])}"> <b>{start:%H:%M} – {end:%H:%M}</b> '
                     f'<span class="small">{e(t("free", lang, free=slot["free"]))}</span>'
                     '</label>')
    parts.append('</fieldset>'
                 f'<label class="field">{e(t("phone", lang))}<input type="tel" name="phone" '
                 f'inputmode="tel" autocomplete="tel" maxlength="15" value="{e(phone)}">'
                 '</label>'
                 f'<label class="consent"><input type="checkbox" name="consent" value="1"> '
                 f'{e(t("consent", lang))}</label>'
                 f'<button type="submit">{e(t("book", lang))}</button></form>')
    return "".join(parts)


def _find_form(lang: Lang) -> str:
    return (f'<h2>{e(t("find_title", lang))}</h2>'
            f'<form class="find" method="get" action="/dat-lich/tra-cuu">'
            f'<input type="hidden" name="lang" value="{lang}">'
            f'<label class="field">{e(t("code", lang))}<input name="ma" required '
            f'maxlength="12" autocapitalize="characters" autocomplete="off"></label>'
            f'<button type="submit">{e(t("find", lang))}</button></form>')


@get("/dat-lich", include_in_schema=False)
async def booking_page(request: Request, state: State,
                       service: Annotated[str | None, QueryParameter(name="dich-vu",
                                                                     max_length=40)] = None,
                       day: Annotated[str | None, QueryParameter(name="ngay",
                                                                 max_length=10)] = None,
                       lang: Annotated[str | None, QueryParameter()] = None) -> Response[str]:
    live = _live(state)
    chosen = _lang(request, lang)
    config = _config(live)
    body = await _booking_body(live, config, chosen, service, day, "", "")
    response = _html(_page(config, chosen, body + _find_form(chosen), "/dat-lich"))
    if lang in ("vi", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


async def _booking_body(live: LiveCenter, config: CenterConfig, lang: Lang, service: str | None,
                        day_text: str | None, error: str, phone: str) -> str:
    known = config.service(service) if service else None
    service_id = known.id if known is not None and known.booking is not None else None
    day: date | None = None
    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            day = None
    result = None
    if service_id is not None and known is not None and known.booking is not None:
        today = live.today()
        result = await _slots(live, {"service": service_id, "day": today.isoformat(),
                                     "days": known.booking.horizon_days + 1})
        if result is None and not error:
            error = t("error", lang, reason=t("err_busy", lang))
        if day is None and result is not None:  # the first day with room
            day = next((date.fromisoformat(d["day"]) for d in result["days"] if d["slots"]),
                       None)
    return _booking_form(config, lang, service_id, day, result, error, phone)


@post("/dat-lich", include_in_schema=False, status_code=303)
async def booking_form(request: Request, state: State,
                       lang: Annotated[str | None, QueryParameter()] = None) -> Response[Any]:
    """The booking form without scripts: a plain POST, then the booking's page."""
    live = _live(state)
    chosen = _lang(request, lang)
    config = _config(live)
    body = await request.body()
    form = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"))

    def field(name: str) -> str:
        return (form.get(name) or [""])[0].strip()

    service, slot = field("service"), field("slot")
    phone = "".join(field("phone").split()).replace(".", "").replace("-", "")
    args: dict[str, Any] = {"service": service, "slot": slot, "lang": chosen}
    if phone:
        args |= {"phone": phone, "consent": field("consent") == "1"}
    code = ""
    if not slot:
        code = "pick"
    elif phone and not (phone.isdigit() and phone.startswith("0") and 10 <= len(phone) <= 11):
        code = "bad_phone"
    else:
        try:
            result = await live.request("booking.create", args)
            booking = result["booking"]
            return Redirect(f"/dat-lich/{booking['code']}?moi=1&lang={chosen}", status_code=303)
        except RequestError as exc:
            code = exc.code if f"err_{exc.code}" in TEXTS else "busy"
    reason = t("error", chosen, reason=t(f"err_{code}", chosen))
    day_text = slot[:10] if slot else None
    page_body = await _booking_body(live, config, chosen, service, day_text, reason, phone)
    return _html(_page(config, chosen, page_body + _find_form(chosen), "/dat-lich"),
                 status=409 if code in _STATUS else 400)


@get("/dat-lich/tra-cuu", include_in_schema=False, status_code=303)
async def booking_lookup(ma: Annotated[str, QueryParameter(max_length=40)] = "",
                         lang: Annotated[str | None, QueryParameter()] = None
                         ) -> Redirect:
    code = normalize_code(ma)
    suffix = f"?lang={lang}" if lang in ("vi", "en") else ""
    return Redirect(f"/dat-lich/{code or 'x'}{suffix}", status_code=303)


@get("/dat-lich/{code:str}", include_in_schema=False)
async def appointment_page(request: Request, state: State, code: FromPath[str],
                           moi: Annotated[str | None, QueryParameter(max_length=2)] = None,
                           error: Annotated[str | None, QueryParameter(max_length=40)] = None,
                           lang: Annotated[str | None, QueryParameter()] = None
                           ) -> Response[str]:
    live = _live(state)
    chosen = _lang(request, lang)
    config = _config(live)
    normalized = normalize_code(code)
    booking = None
    if len(normalized) == CODE_LENGTH and len(code) <= 20:
        try:
            booking = (await live.request("booking.find", {"code": normalized}))["booking"]
        except RequestError as exc:
            if exc.code != "unknown_booking":
                busy = t("error", chosen, reason=t("err_busy", chosen))
                return _html(_page(config, chosen, f'<p class="warn">{e(busy)}</p>',
                                   "/dat-lich"), 503)
    if booking is None:
        body = f'<h1>{e(t("title", chosen))}</h1><p class="warn">{e(t("not_found", chosen))}</p>'
        return _html(_page(config, chosen, body + _find_form(chosen), "/dat-lich"), 404)
    return _html(_page(config, chosen, _appointment_main(
        config, booking, chosen, str(request.base_url), bool(moi),
        error if error and f"err_{error}" in TEXTS else ""), f"/dat-lich/{normalized}"))


def _appointment_main(config: CenterConfig, booking: dict[str, Any], lang: Lang, base: str,
                      new: bool, error: str) -> str:
    service = config.service(booking["service"])
    start = datetime.fromisoformat(booking["slot"])
    end = datetime.fromisoformat(booking["slot_end"])
    opens = datetime.fromisoformat(booking["checkin_from"])
    closes = datetime.fromisoformat(booking["checkin_until"])
    status = booking["status"]
    parts = [f'<h1>{e(t("your_booking", lang))}</h1>']
    if new:
        parts.append(f'<p class="ok-note" role="status">{e(t("booked_ok", lang))}</p>')
    if error:
        parts.append(f'<p class="warn" role="alert">'
                     f'{e(t("error", lang, reason=t(f"err_{error}", lang)))}</p>')
    parts.append(
        f'<p class="label">{e(t("code", lang))}</p>'
        f'<p class="code" id="booking-code">{e(booking["shown_code"])}</p>'
        f'<p class="status status-{e(status)}">{e(t(f"status_{status}", lang))}</p>')
    if status == "booked":
        url = f"{base.rstrip('/')}/dat-lich/{booking['code']}"
        parts.append(f'<div class="qr" role="img" aria-label="QR {e(booking["shown_code"])}">'
                     f'{qr_svg(url)}</div>')
    parts.append(
        f'<dl class="facts"><div><dt>{e(service.name.get(lang) if service else "")}</dt>'
        f'<dd class="soft">{e(_fmt_day(start.date(), lang))}</dd></div>'
        f'<div><dt>{e(t("when", lang))}</dt><dd>{start:%H:%M} – {end:%H:%M}</dd></div></dl>')
    if status == "booked":
        window = t("checkin", lang, start=f"{opens:%H:%M}", end=f"{closes:%H:%M}")
        parts.append(f'<p class="help">{e(window)}</p>')
        action = f'/dat-lich/{e(booking["code"])}/huy?lang={lang}'
        parts.append(f'<form class="cancel" method="post" action="{action}">'
                     '<label class="consent"><input type="checkbox" name="confirm" value="1" '
                     f'required> {e(t("cancel_confirm", lang))}</label>'
                     f'<button type="submit">{e(t("cancel", lang))}</button></form>')
    return "".join(parts)


@post("/dat-lich/{code:str}/huy", include_in_schema=False, status_code=303)
async def cancel_form(request: Request, state: State, code: FromPath[str],
                      lang: Annotated[str | None, QueryParameter()] = None) -> Redirect:
    live = _live(state)
    chosen = _lang(request, lang)
    normalized = normalize_code(code)
    body = await request.body()
    form = parse_qs(body[:MAX_FORM].decode("utf-8", "replace"))
    back = f"/dat-lich/{normalized}?lang={chosen}"
    if (form.get("confirm") or [""])[0] != "1":
        return Redirect(back, status_code=303)
    try:
        await live.request("booking.cancel", {"code": normalized})
    except RequestError as exc:
        reason = exc.code if f"err_{exc.code}" in TEXTS else "busy"
        return Redirect(f"{back}&error={reason}", status_code=303)
    return Redirect(back, status_code=303)


# --- today's free slots on the home page ---------------------------------------------------

_today: dict[str, tuple[float, str]] = {}
_today_lock = asyncio.Lock()


async def today_section(live: LiveCenter, lang: Lang) -> str:
    """Today's free slots per bookable service, for `/` (asked of the hub at most every
    TODAY_SLOTS_S: the home page is re-rendered on every change of the hall)."""
    config = live.config
    if config is None or not any(s.booking is not None for s in config.services):
        return ""
    held = _today.get(lang)
    if held is not None and time.monotonic() - held[0] < TODAY_SLOTS_S:
        return held[1]
    async with _today_lock:
        held = _today.get(lang)
        if held is not None and time.monotonic() - held[0] < TODAY_SLOTS_S:
            return held[1]
        result = await _slots(live, {})
        html = _today_html(config, result, lang)
        _today[lang] = (time.monotonic(), html)
        return html


def _today_html(config: CenterConfig, result: dict[str, Any] | None, lang: Lang) -> str:
    rows = []
    for entry in (result or {}).get("days", []):
        service = config.service(entry["service"])
        if service is None or not entry["slots"]:
            continue
        times = ", ".join(f'{datetime.fromisoformat(s["start"]):%H:%M}'
                          for s in entry["slots"][:8])
        more = "…" if len(entry["slots"]) > 8 else ""
        rows.append(f'<li><a href="/dat-lich?dich-vu={quote(service.id)}&amp;lang={lang}">'
                    f'{e(service.name.get(lang))}</a>: {e(times)}{more}</li>')
    inner = (f'<ul class="today-slots">{"".join(rows)}</ul>' if rows
             else f'<p>{e(t("today_none", lang))}</p>')
    return (f'<section class="booking-today"><h2>{e(t("today_title", lang))}</h2>{inner}'
            f'<p><a class="button" href="/dat-lich?lang={lang}">{e(t("more", lang))}</a></p>'
            '</section>')


ROUTES = [booking_page, booking_form, booking_lookup, appointment_page, cancel_form,
          api_slots, api_book, api_appointment, api_cancel]
