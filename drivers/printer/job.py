"""A ticket becomes one ESC/POS job: the layout's blocks in order, built with python-escpos.

Text that the printer's own font can show (ASCII on every printer, Vietnamese on a code-page
profile) goes as text; other text is drawn as raster lines. The number, the rules and the QR
code always use the printer's own font and QR command, so a ticket stays small.
"""

import textwrap
import unicodedata
from functools import cache

from escpos.capabilities import Profile, get_profile_class
from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q
from escpos.printer import Dummy

from drivers.fonts import load_font
from drivers.printer.layout import Block, Style, TicketLayout, load_layout, ticket_fields
from drivers.printer.profiles import FONT_A_WIDTH, PrinterProfile, get_profile
from drivers.printer.raster_text import render_line, wrap_balanced, wrap_pixels
from drivers.printer.ticket import PrintedTicket

_QR_EC = {"L": QR_ECLEVEL_L, "M": QR_ECLEVEL_M, "Q": QR_ECLEVEL_Q, "H": QR_ECLEVEL_H}
_FEED_DOTS = b"\x1bJ"  # ESC J n: print and feed n dots
_QR_GAP_DOTS = 8


class _EscposProfile(Profile):
    """python-escpos' default (Epson) profile with the paper width filled in: its image code
    checks raster widths against it."""

    def __init__(self, paper_dots: int) -> None:
        super().__init__()
        default = get_profile_class("default").profile_data
        media = {**default["media"], "width": {"mm": "Unknown", "pixels": paper_dots}}
        self.profile_data = {**default, "media": media}
        self.features = default["features"]


@cache
def default_layout() -> TicketLayout:
    return load_layout()


class _JobWriter:
    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.escpos = Dummy(profile=_EscposProfile(profile.paper_dots))
        self.pending_feed = 0
        # What the printer is set to, so a command is sent only when it changes something.
        self.align = "left"
        self.bold = False
        self.scale = 1
        self.escpos.hw("INIT")
        self.escpos._raw(profile.job_prelude())

    def feed(self, dots: int) -> None:
        # Feeds accumulate so the blank band below one raster line and above the next cost one
        # command, not two.
        self.pending_feed += dots

    def _flush_feed(self) -> None:
        while self.pending_feed > 0:
            step = min(255, self.pending_feed)
            self.escpos._raw(_FEED_DOTS + bytes([step]))
            self.pending_feed -= step

    def _set(
        self, align: str | None = None, bold: bool | None = None, scale: int | None = None
    ) -> None:
        if align is not None and align != self.align:
            self.escpos.set(align=align)
            self.align = align
        if bold is not None and bold != self.bold:
            self.escpos.set(bold=bold)
            self.bold = bold
        if scale is not None and scale != self.scale:
            self.escpos.set(custom_size=True, width=scale, height=scale)
            self.scale = scale

    def text(self, text: str, style: Style, align: str) -> None:
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if not text:
            return
        self._flush_feed()
        self._set(align)
        if self.profile.encode_native(text) is not None:
            self._native_text(text, style)
        else:
            self._raster_text(text, style)

    def _native_text(self, text: str, style: Style) -> None:
        columns = self.profile.paper_dots // (FONT_A_WIDTH * style.scale)
        self._set(bold=style.bold, scale=style.scale)
        for line in wrap_balanced(text, textwrap.wrap, columns):
            encoded = self.profile.encode_native(line)
            assert encoded is not None  # a part of encodable text is encodable
            self.escpos._raw(encoded + b"\n")

    def _raster_text(self, text: str, style: Style) -> None:
        font = load_font(style.px, style.bold)
        lines = wrap_balanced(text, lambda t, w: wrap_pixels(t, font, w), self.profile.paper_dots)
        for line in lines:
            raster = render_line(line, style.px, style.bold)
            self.feed(raster.feed_above)
            self._flush_feed()
            self.escpos.image(raster.image, impl="bitImageRaster")
            self.feed(raster.feed_below)

    def number(self, number: str, scale: int) -> None:
        self._flush_feed()
        self._set("center", bold=True, scale=scale)
        self.escpos._raw(number.encode("ascii") + b"\n")

    def qr(self, data: str, module: int, ec: str) -> None:
        self._flush_feed()
        self._set("center")
        self.escpos.qr(data, ec=_QR_EC[ec], size=module, native=True)
        self.feed(_QR_GAP_DOTS)

    def rule(self) -> None:
        self._flush_feed()
        self._set("left", bold=False, scale=1)
        self.escpos._raw(b"-" * self.profile.columns + b"\n")

    def cut(self) -> None:
        self._flush_feed()
        # GS V 66 0: feed the last line just past the cutter and cut (partially, where the
        # printer can), leaving no blank tail.
        self.escpos.cut(feed=False)

    def output(self) -> bytes:
        self._flush_feed()
        return bytes(self.escpos.output)


def _wanted(block: Block, fields: dict[str, object]) -> bool:
    return block.when is None or bool(fields[block.when])


def build_job(
    ticket: PrintedTicket,
    profile: PrinterProfile | str = "raster",
    layout: TicketLayout | None = None,
) -> bytes:
    """The ESC/POS bytes that print ``ticket`` on a printer of ``profile``."""
    profile = get_profile(profile)
    layout = layout or default_layout()
    fields = ticket_fields(ticket, layout.labels[ticket.lang])
    writer = _JobWriter(profile)
    for block in layout.blocks:
        if not _wanted(block, fields):
            continue
        match block.kind:
            case "text":
                writer.text(block.text.format_map(fields), layout.styles[block.style], block.align)
            case "number":
                writer.number(ticket.number, layout.number_scale)
            case "qr":
                writer.qr(ticket.qr_data, layout.qr_module, layout.qr_ec)
            case "rule":
                writer.rule()
            case "feed":
                writer.feed(block.dots)
            case "cut":
                writer.cut()
    return writer.output()
