"""Vietnamese in a printer's own code pages, encoded right, and decoded back for previews.

python-escpos' automatic encoding is not used for Vietnamese: it picks TCVN-3 or CP852 by
itself, and its CP1258 path turns "ờ" into "?" because Python's cp1258 codec has no precomposed
"ờ". CP1258 stores such a letter as its base letter (o, ơ, ...) followed by a combining tone
mark; TCVN-3 splits lower and upper case over two code pages, switched with ESC t.
"""

import unicodedata
from collections.abc import Callable, Mapping
from functools import cache

from escpos.capabilities import CAPABILITIES

ESC_T = b"\x1bt"

# The five tone marks of Vietnamese, as CP1258 stores them after the base letter.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def encode_cp1258(text: str) -> bytes | None:
    """CP1258 bytes for ``text``, or None if a character has no CP1258 form.

    A letter CP1258 holds precomposed (á, ê, Đ) is sent as one byte: one cell on every
    printer, with or without combining-mark support. Other toned letters (ờ, ệ, ả) become the
    base letter plus a combining tone mark, which a Vietnamese firmware overlays on that cell.
    """
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        try:
            out += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _escpos_table(name: str) -> dict[int, str]:
    """A code page's upper half (0x80-0xFF) as python-escpos' capability data records it."""
    rows = CAPABILITIES["encodings"][name]["data"]
    return {0x80 + i: c for i, c in enumerate("".join(rows)) if c != " "}


@cache
def _tcvn3_tables() -> tuple[dict[int, str], dict[int, str]]:
    lower = _escpos_table("TCVN-3-1")
    # The capability data draws the upper-case page's Đ with the look-alike Ð (U+00D0).
    upper = {b: ("Đ" if c == "Ð" else c) for b, c in _escpos_table("TCVN-3-2").items()}
    return lower, upper


@cache
def _tcvn3_encoders() -> tuple[dict[str, int], dict[str, int]]:
    lower, upper = _tcvn3_tables()
    return {c: b for b, c in lower.items()}, {c: b for b, c in upper.items()}


def encode_tcvn3(text: str, pages: tuple[int, int] = (30, 31)) -> bytes | None:
    """TCVN-3 bytes for ``text`` with ESC t switches between the lower- and upper-case pages.

    ``pages`` are the printer's ESC t numbers for TCVN-3-1 and TCVN-3-2 (30 and 31 on Epson).
    Returns None if a character is in neither page.
    """
    encoders = _tcvn3_encoders()
    out = bytearray()
    current: int | None = None
    for char in unicodedata.normalize("NFC", text):
        if char.isascii():
            out += char.encode("ascii")
            continue
        order = [current] if current is not None else []
        order += [i for i in (0, 1) if i != current]
        for i in order:
            if char in encoders[i]:
                if i != current:
                    out += ESC_T + bytes([pages[i]])
                    current = i
                out.append(encoders[i][char])
                break
        else:
            return None
    return bytes(out)


# ESC t numbers as python-escpos' default (Epson) profile has them; a printer that puts CP1258
# elsewhere (27 or 94 on many Chinese models) passes its own numbers to the decoder.
DEFAULT_CODEPAGES: Mapping[int, str] = {
    int(n): name for n, name in CAPABILITIES["profiles"]["default"]["codePages"].items()
}


def byte_decoder(codepage: str) -> Callable[[int], str]:
    """Maps one byte to the character a printer prints for it under ``codepage``."""
    if codepage.startswith("TCVN-3"):
        table = _tcvn3_tables()[0 if codepage == "TCVN-3-1" else 1]
        return lambda b: chr(b) if b < 0x80 else table.get(b, "?")
    python_name = CAPABILITIES["encodings"].get(codepage, {}).get("python_encode", "cp437")
    return lambda b: bytes([b]).decode(python_name, errors="replace")
