"""The ticket layout as data (ticket_layout.toml), checked on load, and the fields it prints."""

import math
import string
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from drivers.printer.ticket import LANGS, PrintedTicket

Align = Literal["left", "center", "right"]


class Style(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    px: Annotated[int, msgspec.Meta(ge=12, le=96)]
    scale: Annotated[int, msgspec.Meta(ge=1, le=8)] = 1
    bold: bool = False


class Labels(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    number: str
    priority: str
    issued: str
    time_format: str
    ahead: str
    ewt: str
    wait_soon: str
    wait_minutes: str
    wait_hours: str
    scan: str
    appointment: str = "LỊCH HẸN"


class Block(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    kind: Literal["text", "number", "qr", "rule", "feed", "cut"]
    text: str = ""
    style: str = "normal"
    align: Align = "center"
    when: str | None = None
    dots: Annotated[int, msgspec.Meta(ge=0, le=255)] = 0


class TicketLayout(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    styles: dict[str, Style]
    labels: dict[str, Labels]
    blocks: list[Block]
    number_scale: Annotated[int, msgspec.Meta(ge=1, le=8)] = 5
    qr_module: Annotated[int, msgspec.Meta(ge=1, le=16)] = 6
    qr_ec: Literal["L", "M", "Q", "H"] = "M"


FIELDS = (
    "center_name",
    "number",
    "service_name",
    "department_name",
    "issued",
    "ahead",
    "ewt",
    "priority_label",
    "footer",
    "appointment_label",
)


def _check(layout: TicketLayout) -> None:
    for lang in LANGS:
        if lang not in layout.labels:
            raise ValueError(f"labels.{lang} is missing")
    for i, block in enumerate(layout.blocks):
        where = f"blocks[{i}]"
        if block.kind == "text" and block.style not in layout.styles:
            raise ValueError(f"{where}.style: no style named {block.style!r}")
        if block.when is not None and block.when not in FIELDS:
            raise ValueError(f"{where}.when: no field named {block.when!r}")
        for _, name, _, _ in string.Formatter().parse(block.text):
            if name is None:
                continue
            root, _, attr = name.partition(".")
            known = attr in Labels.__struct_fields__ if root == "labels" else root in FIELDS
            if not known:
                raise ValueError(f"{where}.text: unknown field {{{name}}}")


def load_layout(path: Path | None = None) -> TicketLayout:
    """The layout at ``path``, or the bundled default; a mistake names the block and field."""
    source = path or Path(str(files("drivers.printer").joinpath("ticket_layout.toml")))
    try:
        layout = msgspec.toml.decode(source.read_bytes(), type=TicketLayout)
        _check(layout)
    except (msgspec.ValidationError, msgspec.DecodeError, ValueError) as e:
        raise ValueError(f"{source}: {e}") from e
    return layout


def wait_text(ewt_s: int, *, soon: str, minutes: str, hours: str) -> str:
    """An estimated wait in one of three templates: `soon` under a minute, else `minutes`
    ("{minutes}") or, from an hour on, `hours` ("{hours}", "{minutes}"). The kiosk's screen
    writes its wait with this function too (`qtkit.formats`), so paper and screen agree.

    Rounded up to whole minutes: a citizen told "about 5" who waits 6 feels misled."""
    if ewt_s < 60:
        return soon
    whole = math.ceil(ewt_s / 60)
    if whole < 60:
        return minutes.format(minutes=whole)
    return hours.format(hours=whole // 60, minutes=whole % 60)


def ticket_fields(ticket: PrintedTicket, labels: Labels) -> dict[str, Any]:
    """The values a layout's templates can use, formatted for the ticket's language."""
    return {
        "center_name": ticket.center_name,
        "number": ticket.number,
        "service_name": ticket.service_name,
        "department_name": ticket.department_name,
        "issued": ticket.issued_at.strftime(labels.time_format),
        "ahead": ticket.ahead,
        "ewt": wait_text(ticket.ewt_s, soon=labels.wait_soon, minutes=labels.wait_minutes,
                         hours=labels.wait_hours),
        "priority_label": ticket.priority_label or "",
        "footer": ticket.footer,
        "appointment_label": ticket.appointment_label or "",
        "labels": labels,
    }
