"""The bundled DejaVu Sans for every screen, so Vietnamese renders the same on any host: a
kiosk's or board's minimal image and the offscreen demo have no desktop fonts to fall back on.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase

from drivers.fonts import font_path

FAMILY = "DejaVu Sans"


@cache
def load_fonts() -> str:
    """Register the regular and bold faces with Qt once (a Q(Gui)Application must exist);
    returns the family to ask for."""
    for bold in (False, True):
        QFontDatabase.addApplicationFont(str(font_path(bold)))
    return FAMILY


def app_font(*, pixel_size: int | None = None, point_size: int | None = None,
             bold: bool = False) -> QFont:
    """The bundled family, registered first, at a size in pixels or points (else Qt's)."""
    font = QFont(load_fonts())
    if pixel_size is not None:
        font.setPixelSize(max(8, pixel_size))
    elif point_size is not None:
        font.setPointSize(point_size)
    font.setBold(bold)
    return font
