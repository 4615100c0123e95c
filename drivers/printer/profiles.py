"""Printer profiles: how a printer gets Vietnamese text, and how wide its paper is.

``raster`` works on every ESC/POS printer: a line with Vietnamese letters is drawn with the
bundled font and sent as a raster image; ASCII lines, the big number and the QR code stay in
the printer's own font and QR command, which keeps a ticket small. ``cp1258`` and ``tcvn3``
send everything as text in a Vietnamese code page, for printers whose firmware has one.
"""

from dataclasses import dataclass, replace
from typing import Literal

from drivers.printer.codepages import ESC_T, encode_cp1258, encode_tcvn3

TextMode = Literal["raster", "cp1258", "tcvn3"]

# Printable width in dots at 203 dpi.
PAPER_DOTS = {80: 576, 58: 384}
FONT_A_WIDTH = 12


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    name: str
    text: TextMode
    paper_dots: int = PAPER_DOTS[80]
    # ESC t numbers. Epson: CP1258 = 52, TCVN-3 = 30 (lower case) and 31 (upper case).
    # Many Chinese firmwares put CP1258 at 27 or 94; see docs/hardware.md.
    cp1258_page: int = 52
    tcvn3_pages: tuple[int, int] = (30, 31)

    @property
    def columns(self) -> int:
        """Characters per line in font A at normal size."""
        return self.paper_dots // FONT_A_WIDTH

    def job_prelude(self) -> bytes:
        """Bytes sent right after ESC @: CP1258 is selected once for the whole job."""
        return ESC_T + bytes([self.cp1258_page]) if self.text == "cp1258" else b""

    def encode_native(self, text: str) -> bytes | None:
        """``text`` in the printer's own font, or None where it must be drawn as raster."""
        if text.isascii():
            return text.encode("ascii")
        if self.text == "cp1258":
            return encode_cp1258(text)
        if self.text == "tcvn3":
            return encode_tcvn3(text, self.tcvn3_pages)
        return None

    def codepage_names(self) -> dict[int, str]:
        """This printer's ESC t numbers, for decoding its jobs back into a preview."""
        return {
            self.cp1258_page: "CP1258",
            self.tcvn3_pages[0]: "TCVN-3-1",
            self.tcvn3_pages[1]: "TCVN-3-2",
        }


PROFILES: dict[str, PrinterProfile] = {
    "raster": PrinterProfile("raster", "raster"),
    "cp1258": PrinterProfile("cp1258", "cp1258"),
    "tcvn3": PrinterProfile("tcvn3", "tcvn3"),
}


def get_profile(
    name: str | PrinterProfile,
    paper_mm: int | None = None,
    codepage: int | None = None,
) -> PrinterProfile:
    """A named profile, adjusted for the paper width and the CP1258 page number if given."""
    if isinstance(name, PrinterProfile):
        profile = name
    elif name in PROFILES:
        profile = PROFILES[name]
    else:
        raise ValueError(f"unknown printer profile {name!r}; known: {', '.join(PROFILES)}")
    if paper_mm is not None:
        if paper_mm not in PAPER_DOTS:
            raise ValueError(f"paper must be one of {sorted(PAPER_DOTS)} (mm), not {paper_mm}")
        profile = replace(profile, paper_dots=PAPER_DOTS[paper_mm])
    if codepage is not None:
        if not 0 <= codepage <= 255:
            raise ValueError(f"codepage must be 0-255, not {codepage}")
        profile = replace(profile, cp1258_page=codepage)
    return profile
