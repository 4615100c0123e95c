"""The operations devices send: their arguments (who may send them, and what each does, is
the engine's table of operations, `broker.core.engine.OPS`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from config.schema import Device, Id

Number = Annotated[str, msgspec.Meta(min_length=1, max_length=12)]
TicketId = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class Args(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class NoArgs(Args):
    # Managers name the counter they act on; a counter terminal may name only its own.
    counter: Id | None = None


class IssueArgs(Args):
    service: Id
    priority: bool = False
    reason: Id | None = None  # the priority group, e.g. "elderly"
    lang: Literal["vi", "en"] = "vi"


class TicketArgs(Args):
    ticket: TicketId


class OpenArgs(Args):
    counter: Id | None = None
    officer: Id | None = None
    # The officer's PIN, checked by the hub (never by the engine) and never stored: the
    # ledger keeps these args with `pin` null.
    pin: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None


class CallArgs(Args):
    number: Number
    counter: Id | None = None


class DoneArgs(Args):
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""
    counter: Id | None = None


class TransferArgs(Args):
    service: Id | None = None
    counter: Id | None = None  # the counter to send the citizen to


Token = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{16}$")]


class RatingArgs(Args):
    ticket: TicketId
    score: Annotated[int, msgspec.Meta(ge=1, le=4)]
    reasons: Annotated[list[Id], msgspec.Meta(max_length=10)] = []
    # The web face rates for the citizen holding the ticket's page: it proves it by the token.
    token: Token | None = None


class LookupArgs(Args):
    token: Token


class RankingArgs(Args):
    from_: date = msgspec.field(name="from")
    to: date


class AssignArgs(Args):
    counter: Id
    services: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=30)]


class ServiceArgs(Args):
    service: Id


class MessageArgs(Args):
    text: Annotated[str, msgspec.Meta(max_length=300)]
    until: datetime | None = None


# Appointments. A phone number is optional and kept only with the citizen's consent, until
# the appointment's day is over.
Phone = Annotated[str, msgspec.Meta(pattern=r"^(\+84|0)[0-9]{9,10}$")]
BookingCode = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class BookingArgs(Args):
    service: Id
    slot: datetime  # the slot's start (the center's time if no offset is given)
    phone: Phone | None = None
    consent: bool = False  # the citizen agreed that the phone number is kept until the day
    lang: Literal["vi", "en"] = "vi"
    # Filled by the hub (its randomness for the code), so that the ledger replays the code.
    nonce: Annotated[int, msgspec.Meta(ge=0, lt=2**62)] | None = None


class BookingCodeArgs(Args):
    code: BookingCode  # as typed or scanned: normalized by the engine


class BookingDayArgs(Args):
    day: date
    closed: bool = True  # False opens the day to booking again


class SlotsArgs(Args):
    service: Id | None = None  # None: every bookable service
    day: date | None = None  # None: today
    days: Annotated[int, msgspec.Meta(ge=1, le=31)] = 1


# `notes`: the officers' notes on finished tickets, for the manager only (docs/privacy.md).
ReportKind = Literal["service", "counter", "officer", "hourly", "day", "rating", "notes",
                     "appointment"]


class ReportArgs(Args):
    kind: ReportKind
    from_: date = msgspec.field(name="from")
    to: date


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    op: str
    args: Args
    device: Device
