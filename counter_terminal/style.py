"""Look shared by the terminal and the tablet: high-contrast colours readable from across a
desk. The font is the kit's (`qtkit.fonts`)."""

from __future__ import annotations

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

