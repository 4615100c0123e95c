"""Fonts shipped with the drivers so raster text never depends on what the host has installed.

DejaVu Sans and DejaVu Sans Bold, Bitstream Vera license (LICENSE.txt): full Vietnamese
coverage, including the precomposed letters with two diacritics (ệ, ở, Ấ).
"""

from functools import cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageFont


def font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(str(files(__name__).joinpath(name)))


@cache
def load_font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    # BASIC layout: text is NFC-normalized first, so precomposed glyphs suffice, and output does
    # not depend on whether the host's Pillow was built with libraqm.
    return ImageFont.truetype(str(font_path(bold)), px, layout_engine=ImageFont.Layout.BASIC)
