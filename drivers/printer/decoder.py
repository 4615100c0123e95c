"""ESC/POS bytes back into a picture of the printed paper.

The virtual printer and the tests look at a ticket through this: it reads the exact bytes the
driver sends, so a wrong command shows up as a wrong picture, never as a right picture drawn
from the ticket's data. It knows the commands the driver emits and a few neighbours (status
queries, feeds, fonts); any other command raises ``EscposDecodeError`` with its offset.

Native text is drawn the way a printer does it: cells of font A (12 x 24 dots) or font B
(9 x 17), enlarged by GS ! / ESC ! (drawn smooth at that size), lines bottom-aligned and
justified by ESC a. Raster images and QR codes are justified by ESC a as well, as on Epson
printers. A combining tone mark (CP1258) is overlaid on the cell before it, as a Vietnamese
firmware does.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw

from drivers.fonts import load_font
from drivers.printer.codepages import DEFAULT_CODEPAGES, byte_decoder

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
LF, CR, HT = 0x0A, 0x0D, 0x09

_FONT_CELLS = {False: (12, 24), True: (9, 17)}  # font B?
_DEFAULT_LINE_SPACING = 30
_MARGIN = 16  # white border around the paper in the picture
_CUT_FEED = 24  # blank paper shown between the last line and the cut
_GLYPH_THRESHOLD = 170
_CUT_NOW = (0, 1, 48, 49)
_CUT_AFTER_FEED = (65, 66, 97, 98, 103, 104)  # GS V m n: feed to the cutter plus n dots
_INVERT = bytes(255 - i for i in range(256))
_QR_EC = {
    48: qrcode.constants.ERROR_CORRECT_L,
    49: qrcode.constants.ERROR_CORRECT_M,
    50: qrcode.constants.ERROR_CORRECT_Q,
    51: qrcode.constants.ERROR_CORRECT_H,
}


class EscposDecodeError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at byte {offset}")
        self.offset = offset


@dataclass
class _Cell:
    char: str
    bold: bool
    width: int
    height: int
    font_b: bool
    underline: bool
    invert: bool

    @property
    def size(self) -> tuple[int, int]:
        w, h = _FONT_CELLS[self.font_b]
        return w * self.width, h * self.height


@dataclass
class _State:
    align: int = 0
    bold: bool = False
    width: int = 1
    height: int = 1
    font_b: bool = False
    underline: bool = False
    invert: bool = False
    codepage: int = 0
    line_spacing: int = _DEFAULT_LINE_SPACING
    qr_module: int = 3
    qr_ec: int = 48
    qr_data: bytes = b""


@dataclass
class _Paper:
    width: int
    y: int = 0
    placed: list[tuple[int, int, Image.Image]] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)

    def place(self, image: Image.Image, align: int) -> None:
        free = max(0, self.width - image.width)
        x = (0, free // 2, free)[align]
        self.placed.append((x, self.y, image))
        self.y += image.height

    def picture(self) -> Image.Image:
        height = self.y + 2 * _MARGIN
        page = Image.new("L", (self.width + 2 * _MARGIN, height), 255)
        for x, y, image in self.placed:
            page.paste(image.convert("L"), (x + _MARGIN, y + _MARGIN))
        draw = ImageDraw.Draw(page)
        for y in self.cuts:
            for x in range(0, page.width, 12):
                draw.line((x, y + _MARGIN, x + 6, y + _MARGIN), fill=128, width=2)
        return page


@cache
def _glyph(char: str, bold: bool, font_b: bool, width: int, height: int) -> Image.Image:
    """A character cell. Enlarged characters are drawn at their size, not blown up from the
    small cell: what a printer with smoothing (GS b) prints, and what a reader can read."""
    cell_w, cell_h = _FONT_CELLS[font_b]
    px = 17 if not font_b else 12
    baseline = 19 if not font_b else 13
    font = load_font(px * height, bold)
    advance = max(1, round(font.getlength(char)))
    # Drawn grey and thresholded light: a hinted 1-bit glyph this small loses the horn of
    # ơ and ư, which is the difference between "Sở" and "Sỏ".
    grey = Image.new("L", (advance, cell_h * height), 255)
    ImageDraw.Draw(grey).text((0, baseline * height), char, font=font, fill=0, anchor="ls")
    if width != height:  # double width only, or double height only: stretched, as printed
        advance = max(1, advance * width // height)
        grey = grey.resize((advance, cell_h * height), Image.Resampling.LANCZOS)
    image = grey.point(lambda v: 0 if v < _GLYPH_THRESHOLD else 255).convert("1")
    size = (cell_w * width, cell_h * height)
    if advance > size[0]:
        return image.resize(size, Image.Resampling.NEAREST)
    cell = Image.new("1", size, 1)
    cell.paste(image, ((size[0] - advance) // 2, 0))
    return cell


def _cell_image(cell: _Cell) -> Image.Image:
    image = _glyph(cell.char, cell.bold, cell.font_b, cell.width, cell.height)
    w, h = cell.size
    if cell.underline:
        image = image.copy()
        ImageDraw.Draw(image).line((0, h - 1, w, h - 1), fill=0, width=cell.height)
    if cell.invert:
        image = image.point(lambda v: 255 - v)
    return image


class _Decoder:
    def __init__(self, data: bytes, paper_dots: int, codepages: Mapping[int, str]) -> None:
        self.data = data
        self.pos = 0
        self.codepages = codepages
        self.state = _State()
        self.paper = _Paper(paper_dots)
        self.line: list[_Cell] = []

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise EscposDecodeError("command cut short", self.pos)
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def run(self) -> Image.Image:
        while self.pos < len(self.data):
            start = self.pos
            b = self.byte()
            if b == ESC:
                self.esc(start)
            elif b == GS:
                self.gs(start)
            elif b == DLE:
                self.dle(start)
            elif b == LF:
                self.print_line(feed=None)
            elif b == HT:
                for _ in range(8 - len(self.line) % 8):
                    self.add_char(" ")
            elif b == CR:
                continue
            elif b >= 0x20:
                self.text_byte(b)
            else:
                raise EscposDecodeError(f"unknown control byte 0x{b:02x}", start)
        if self.line:
            self.print_line(feed=None)
        return self.paper.picture()

    # Text

    def text_byte(self, b: int) -> None:
        name = self.codepages.get(self.state.codepage, "CP437")
        char = byte_decoder(name)(b)
        if unicodedata.combining(char) and self.line:
            last = self.line[-1]
            last.char = unicodedata.normalize("NFC", last.char + char)
            return
        self.add_char(char)

    def add_char(self, char: str) -> None:
        s = self.state
        cell = _Cell(char, s.bold, s.width, s.height, s.font_b, s.underline, s.invert)
        used = sum(c.size[0] for c in self.line)
        if used + cell.size[0] > self.paper.width:
            self.print_line(feed=None)
        self.line.append(cell)

    def print_line(self, feed: int | None) -> None:
        """Prints the line buffer; ``feed`` dots replace the line spacing when given."""
        if not self.line:
            self.paper.y += self.state.line_spacing if feed is None else feed
            return
        height = max(c.size[1] for c in self.line)
        strip = Image.new("1", (sum(c.size[0] for c in self.line), height), 1)
        x = 0
        for cell in self.line:
            image = _cell_image(cell)
            strip.paste(image, (x, height - image.height))
            x += image.width
        self.line = []
        self.paper.place(strip, self.state.align)
        advance = self.state.line_spacing if feed is None else feed
        self.paper.y += max(0, advance - height)

    # Commands

    def esc(self, start: int) -> None:
        s = self.state
        cmd = self.byte()
        if cmd == ord("@"):
            self.line = []
            self.state = _State()
        elif cmd == ord("a"):
            s.align = self.byte() % 48
            if s.align > 2:
                raise EscposDecodeError("bad ESC a justification", start)
        elif cmd in (ord("E"), ord("G")):
            s.bold = bool(self.byte() & 1)
        elif cmd == ord("-"):
            s.underline = bool(self.byte() % 48)
        elif cmd == ord("!"):
            n = self.byte()
            s.font_b, s.bold, s.underline = bool(n & 1), bool(n & 8), bool(n & 128)
            s.height, s.width = (2 if n & 16 else 1), (2 if n & 32 else 1)
        elif cmd == ord("M"):
            s.font_b = self.byte() % 48 == 1
        elif cmd == ord("t"):
            s.codepage = self.byte()
        elif cmd == ord("R"):
            self.byte()  # international character set: ASCII letters are not affected
        elif cmd == ord("d"):
            self.print_line(feed=None)
            self.paper.y += s.line_spacing * max(0, self.byte() - 1)
        elif cmd == ord("J"):
            self.print_line(feed=self.byte())
        elif cmd == ord("2"):
            s.line_spacing = _DEFAULT_LINE_SPACING
        elif cmd == ord("3"):
            s.line_spacing = self.byte()
        else:
            raise EscposDecodeError(f"unknown command ESC 0x{cmd:02x}", start)

    def gs(self, start: int) -> None:
        s = self.state
        cmd = self.byte()
        if cmd == ord("!"):
            n = self.byte()
            s.width, s.height = (n >> 4) + 1, (n & 0x0F) + 1
            if s.width > 8 or s.height > 8:
                raise EscposDecodeError("GS ! size out of range", start)
        elif cmd == ord("B"):
            s.invert = bool(self.byte() & 1)
        elif cmd == ord("v"):
            self.raster_image(start)
        elif cmd == ord("("):
            self.gs_paren(start)
        elif cmd == ord("V"):
            self.cut()
        else:
            raise EscposDecodeError(f"unknown command GS 0x{cmd:02x}", start)

    def dle(self, start: int) -> None:
        # Real-time requests are answered by the printer and print nothing; they appear when a
        # captured serial stream, queries included, is decoded.
        cmd = self.byte()
        if cmd not in (0x04, 0x05):
            raise EscposDecodeError(f"unknown command DLE 0x{cmd:02x}", start)
        self.byte()

    def raster_image(self, start: int) -> None:
        if self.byte() != ord("0"):
            raise EscposDecodeError("only GS v 0 raster images are known", start)
        mode, xl, xh, yl, yh = self.take(5)
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        bits = self.take(width_bytes * height)
        if self.line:
            self.print_line(feed=None)
        image = Image.frombytes("1", (width_bytes * 8, height), bits.translate(_INVERT))
        scale_x, scale_y = (2 if mode % 48 & 1 else 1), (2 if mode % 48 & 2 else 1)
        if (scale_x, scale_y) != (1, 1):
            image = image.resize((image.width * scale_x, image.height * scale_y))
        self.paper.place(image, self.state.align)

    def gs_paren(self, start: int) -> None:
        function = self.byte()
        pl, ph = self.take(2)
        body = self.take(pl + 256 * ph)
        if function != ord("k") or len(body) < 2 or body[0] != 49:
            raise EscposDecodeError("only GS ( k QR code commands are known", start)
        fn, params = body[1], body[2:]
        s = self.state
        if fn == 65:  # select model
            return
        if fn == 67:
            s.qr_module = params[0]
        elif fn == 69:
            s.qr_ec = params[0]
        elif fn == 80:
            s.qr_data = params[1:]  # after m = 48
        elif fn == 81:
            self.print_qr()
        elif fn != 82:  # 82 asks for the symbol size: a reply, nothing printed
            raise EscposDecodeError(f"unknown QR function {fn}", start)

    def print_qr(self) -> None:
        if self.line:
            self.print_line(feed=None)
        if not self.state.qr_data:
            return
        code = qrcode.QRCode(
            error_correction=_QR_EC.get(self.state.qr_ec, qrcode.constants.ERROR_CORRECT_L),
            box_size=self.state.qr_module,
            border=0,
        )
        code.add_data(self.state.qr_data)
        code.make(fit=True)
        self.paper.place(qr_image(code), self.state.align)

    def cut(self) -> None:
        m = self.byte()
        if m not in _CUT_NOW + _CUT_AFTER_FEED:
            raise EscposDecodeError(f"unknown GS V mode {m}", self.pos - 1)
        extra = self.byte() if m in _CUT_AFTER_FEED else 0
        if self.line:
            self.print_line(feed=None)
        self.paper.y += _CUT_FEED + extra
        self.paper.cuts.append(self.paper.y)
        self.paper.y += _CUT_FEED


def qr_image(code: qrcode.QRCode) -> Image.Image:
    """A made QR code as a 1-bit image, dark modules black, no quiet zone."""
    return code.make_image().get_image().convert("1")


def render_escpos(
    data: bytes,
    paper_dots: int = 576,
    codepages: Mapping[int, str] | None = None,
) -> Image.Image:
    """A picture (mode "L") of what ``data`` prints on paper ``paper_dots`` wide.

    ``codepages`` maps ESC t numbers to code page names where the printer's numbering differs
    from Epson's (e.g. ``{27: "CP1258"}``).
    """
    table = {**DEFAULT_CODEPAGES, **(codepages or {})}
    return _Decoder(data, paper_dots, table).run()
