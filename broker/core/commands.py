"""The operations devices send: their arguments, and which roles may send them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from config.schema import Device, Id, Role

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


ReportKind = Literal["service", "counter", "officer", "hourly", "day", "rating"]


class ReportArgs(Args):
    kind: ReportKind
    from_: date = msgspec.field(name="from")
    to: date


@dataclass(frozen=True, slots=True)
class OpSpec:
    args: type[Args]
    roles: frozenset[Role]


def _spec(args: type[Args], *roles: Role) -> OpSpec:
    return OpSpec(args, frozenset(roles))


OPS: dict[str, OpSpec] = {
    "ticket.issue": _spec(IssueArgs, "kiosk", "manager"),
    "ticket.cancel": _spec(TicketArgs, "manager"),
    "counter.open": _spec(OpenArgs, "counter", "manager"),
    "counter.pause": _spec(NoArgs, "counter", "manager"),
    "counter.close": _spec(NoArgs, "counter", "manager"),
    "counter.call_next": _spec(NoArgs, "counter"),
    "counter.recall": _spec(NoArgs, "counter"),
    "counter.call": _spec(CallArgs, "counter"),
    "ticket.serve": _spec(NoArgs, "counter"),
    "ticket.done": _spec(DoneArgs, "counter"),
    "ticket.no_show": _spec(NoArgs, "counter"),
    "ticket.transfer": _spec(TransferArgs, "counter"),
    "rating.submit": _spec(RatingArgs, "tablet", "web"),
    "counter.assign": _spec(AssignArgs, "manager"),
    "service.open": _spec(ServiceArgs, "manager"),
    "service.close": _spec(ServiceArgs, "manager"),
    "board.message": _spec(MessageArgs, "manager"),
    "report.get": _spec(ReportArgs, "manager"),
    "ticket.lookup": _spec(LookupArgs, "web"),
    "rating.ranking": _spec(RankingArgs, "web", "manager"),
}

# Reads: answered from the ledger, never recorded as commands.
READ_OPS = frozenset({"report.get", "ticket.lookup", "rating.ranking"})


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    op: str
    args: Args
    device: Device
