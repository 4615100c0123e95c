"""Look shared by the terminal and the tablet: a font with every Vietnamese glyph, set
explicitly (offscreen rendering and small boxes have no fallback fonts), and high-contrast
colours readable from across a desk."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QWidget

from drivers.fonts import font_path

FAMILY = "DejaVu Sans"

INK = "#111111"
PAPER = "#FFFFFF"
MUTED = "#4A4A4A"
GREEN = "#0B6E2E"
BLUE = "#0B4F9C"
ORANGE = "#A84300"
RED = "#B00020"
AMBER_BG = "#FFE08A"
AMBER_INK = "#5C3B00"
GREY_BG = "#DADADA"
DISABLED_BG = "#E4E4E4"
DISABLED_INK = "#6B6B6B"


@cache
def load_fonts() -> str:
    """Register the bundled DejaVu Sans with Qt once; returns the family to use."""
    for bold in (False, True):
        QFontDatabase.addApplicationFont(str(font_path(bold)))
    return FAMILY


def apply_font(widget: QWidget, pixel_size: int) -> None:
    font = QFont(load_fonts())
    font.setPixelSize(pixel_size)
    widget.setFont(font)
