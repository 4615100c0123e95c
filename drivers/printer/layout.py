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
    wait_no_counter: str
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


def wait_text(wait_range: tuple[int, int] | None, *, soon: str, minutes: str, hours: str,
              no_counter: str) -> str:
    """The wait a citizen is told, in one of four templates: `no_counter` when there is no
    range (no open counter serves the service: no wait is promised), `soon` ("{minutes}")
    for a range from 0 ("under 5 minutes"), `hours` ("{low}", "{high}") for one in whole hours
    from two hours on, else `minutes` ("{low}", "{high}"). The hub gives the range in whole
    steps (`broker.core.wait_estimate.wait_range`); the kiosk's screen and the manager's
    console write it with this function too (`qtkit.formats`), so paper and screens agree.

    A range not in whole minutes is widened to them: a citizen told "5-10" who waits 11 feels
    misled."""
    if wait_range is None:
        return no_counter
    low, high = math.floor(wait_range[0] / 60), max(1, math.ceil(wait_range[1] / 60))
    if low >= high:
        high = low + 1
    if low == 0:
        return soon.format(minutes=high)
    if high > 120 and low % 60 == 0 and high % 60 == 0:
        return hours.format(low=low // 60, high=high // 60)
    return minutes.format(low=low, high=high)


def ticket_fields(ticket: PrintedTicket, labels: Labels) -> dict[str, Any]:
    """The values a layout's templates can use, formatted for the ticket's language."""
    return {
        "center_name": ticket.center_name,
        "number": ticket.number,
        "service_name": ticket.service_name,
        "department_name": ticket.department_name,
        "issued": ticket.issued_at.strftime(labels.time_format),
        "ahead": ticket.ahead,
        "ewt": wait_text(ticket.wait_range, soon=labels.wait_soon, minutes=labels.wait_minutes,
                         hours=labels.wait_hours, no_counter=labels.wait_no_counter),
        "priority_label": ticket.priority_label or "",
        "footer": ticket.footer,
        "appointment_label": ticket.appointment_label or "",
        "labels": labels,
    }
