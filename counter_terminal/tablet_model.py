"""The rating tablet's view-model: what it offers to rate and what its screen shows, as plain
data. No Qt here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from broker.wire.protocol import CounterState, Event
from config.schema import CenterConfig, RatingLevel
from counter_terminal.texts import text
from qtkit.texts import error_text

Phase = Literal["idle", "ask", "reasons", "sending", "thanks", "refused"]
TabletPage = Literal["idle", "ask", "reasons", "message", "offline"]
MessageKind = Literal["", "thanks", "refused", "sending", "offline"]

# Faces by score when a level names none.
DEFAULT_FACES = {4: "laugh", 3: "smile", 2: "neutral", 1: "frown"}
# Errors after which trying again could work, so the citizen is asked again.
TRANSIENT_ERRORS = frozenset({"not_connected", "timeout", "unavailable"})


@dataclass(frozen=True)
class PendingRating:
    """A ticket this desk just finished, offered for rating until the window closes."""

    ticket: str
    number: str
    officer: str | None
    # One rating, one command id: a retry after a lost reply gets the first answer back
    # instead of `already_rated` for a rating that was in fact stored.
    command_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def offer_for(event: Event, counter_id: str | None) -> PendingRating | None:
    """The rating a `ticket.done` event offers at this desk, if any."""
    if event.kind != "ticket.done" or counter_id is None or event.counter != counter_id:
        return None
    if not event.ticket or not event.number:
        return None
    return PendingRating(event.ticket, event.number, event.officer)


def seconds_left(finished_at: datetime, window_s: float, now: datetime) -> float:
    """How long the rating stays open here. A tablet clock behind the hub's would see a
    ticket finished in the future; count that as just now."""
    age = max(0.0, (now - finished_at).total_seconds())
    return window_s - age


@dataclass(frozen=True)
class LevelChoice:
    score: int
    name: str
    face: str


@dataclass(frozen=True)
class TabletScreen:
    page: TabletPage
    lang: str
    counter_text: str
    officer_text: str
    status_text: str
    question: str
    ticket_text: str
    levels: tuple[LevelChoice, ...]
    reasons: tuple[tuple[str, str], ...]
    message: str
    message_kind: MessageKind
    error: str


def levels_of(config: CenterConfig, lang: str) -> tuple[LevelChoice, ...]:
    ordered: list[RatingLevel] = sorted(config.rating.levels, key=lambda lv: -lv.score)
    return tuple(LevelChoice(lv.score, lv.name.get(lang),
                             lv.face or DEFAULT_FACES.get(lv.score, "neutral"))
                 for lv in ordered)


def build_tablet_screen(*, lang: str, online: bool, config: CenterConfig | None,
                        counter_id: str | None, counter: CounterState | None, phase: Phase,
                        pending: PendingRating | None, error: str | None) -> TabletScreen:
    configured = config.counter(counter_id) if config and counter_id else None
    officer_id = (pending.officer if pending and pending.officer
                  else counter.officer if counter else None)
    officer = config.officer(officer_id) if config and officer_id else None
    ticket = counter.ticket if counter else None
    if counter is None or counter.status == "open":
        status = (text("tablet.serving", lang, number=ticket.number) if ticket
                  else text("tablet.welcome", lang))
    else:
        status = text(f"tablet.{counter.status}", lang)
    page: TabletPage
    kind: MessageKind = ""
    message = ""
    if phase == "thanks":
        page, message, kind = "message", text("tablet.thanks", lang), "thanks"
    elif not online:
        # Nothing is offered that could not be delivered.
        page, message, kind = "offline", text("tablet.offline", lang), "offline"
    elif phase == "sending":
        page, message, kind = "message", text("tablet.sending", lang), "sending"
    elif phase == "refused":
        page, message, kind = "message", text("tablet.not_recorded", lang), "refused"
    elif phase in ("ask", "reasons") and pending is not None and config is not None:
        page = phase
    else:
        page = "idle"
    return TabletScreen(
        page=page,
        lang=lang,
        counter_text=text("tablet.counter", lang,
                        number=configured.number if configured else counter_id or "—"),
        officer_text=text("tablet.officer", lang, name=officer.name) if officer else "",
        status_text=status,
        question=config.rating.question.get(lang) if config else "",
        ticket_text=text("tablet.ticket", lang, number=pending.number) if pending else "",
        levels=levels_of(config, lang) if config else (),
        reasons=tuple((r.id, r.name.get(lang)) for r in config.rating.reasons) if config else (),
        message=message,
        message_kind=kind,
        error=error_text(error, lang) if error else "",
    )
