"""Vietnamese text drawn with the bundled font into 1-bit images a printer prints as is.

Every line of one size sits in the same band (from the top of the highest stacked diacritic
to the bottom of the lowest descender), so lines line up like text. Only the rows and columns
with ink are sent; the blank rows above and below become paper feeds, which cost 3 bytes
instead of a row of image data each.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from drivers.fonts import load_font

# The tallest Vietnamese capitals and the deepest descenders: they fix a size's band.
_BAND_TOP_SAMPLE = "ẤẪỖỮỠẲ"
_BAND_BOTTOM_SAMPLE = "gjpyỵịẠ"


@dataclass(frozen=True, slots=True)
class RasterLine:
    image: Image.Image  # mode "1", black ink on white, cropped to the ink
    feed_above: int  # blank dots of the band above the ink
    feed_below: int  # blank dots of the band below the ink


@cache
def _band(px: int, bold: bool) -> tuple[int, int]:
    font = load_font(px, bold)
    top = min(font.getbbox(c)[1] for c in _BAND_TOP_SAMPLE)
    bottom = max(font.getbbox(c)[3] for c in _BAND_BOTTOM_SAMPLE)
    return top, bottom


def wrap_pixels(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap to ``max_width`` pixels; a word longer than a line is cut by letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if font.getlength(current + char) > max_width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def wrap_balanced(text: str, fits: Callable[[str, int], list[str]], width: int) -> list[str]:
    """The fewest lines ``fits`` makes at ``width``, with lines as even as possible: a centered
    title breaks into two halves rather than a full line and an orphan word."""
    lines = fits(text, width)
    if len(lines) < 2:
        return lines
    low, high = 1, width
    while low < high:
        middle = (low + high) // 2
        if len(fits(text, middle)) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return fits(text, low)


def render_line(text: str, px: int, bold: bool) -> RasterLine:
    """One line of text at ``px`` pixels, cropped to its ink."""
    text = unicodedata.normalize("NFC", text)
    font = load_font(px, bold)
    top, bottom = _band(px, bold)
    height = bottom - top
    width = max(1, int(font.getlength(text)) + 2)
    image = Image.new("1", (width, height), 1)
    ImageDraw.Draw(image).text((0, -top), text, font=font, fill=0)
    ink = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    if ink is None:
        raise ValueError(f"no ink to print in {text!r}")
    left, ink_top, right, ink_bottom = ink
    return RasterLine(
        image.crop((left, ink_top, right, ink_bottom)),
        feed_above=ink_top,
        feed_below=height - ink_bottom,
    )
