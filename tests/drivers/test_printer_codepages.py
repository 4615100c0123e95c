"""Vietnamese in CP1258 and TCVN-3, encoded right where python-escpos' own path is not."""

from __future__ import annotations

import unicodedata

from escpos.printer import Dummy
from hypothesis import given
from hypothesis import strategies as st

from drivers.printer.codepages import byte_decoder, encode_cp1258, encode_tcvn3

VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
# Every vowel in every tone, and đ/Đ: all the letters Vietnamese adds to ASCII.
LETTERS = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} | {"đ", "Đ"})
vietnamese_text = st.text(alphabet=st.sampled_from([*LETTERS, *"bcdghklmnpqrstvx ,.:0123456789"]))


def decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def decode_tcvn3(data: bytes, pages: tuple[int, int] = (30, 31)) -> str:
    decoders = {pages[0]: byte_decoder("TCVN-3-1"), pages[1]: byte_decoder("TCVN-3-2")}
    current = decoders[pages[0]]
    out = []
    i = 0
    while i < len(data):
        if data[i : i + 2] == b"\x1bt":
            current = decoders[data[i + 2]]
            i += 3
            continue
        out.append(current(data[i]))
        i += 1
    return "".join(out)


def test_python_escpos_cp1258_path_loses_letters() -> None:
    # The measured problem this module exists for.
    printer = Dummy()
    printer.charcode("CP1258")
    printer.text("ờ")
    assert b"?" in printer.output


def test_cp1258_uses_base_letter_and_combining_tone() -> None:
    assert encode_cp1258("ờ") == b"\xf5\xcc"  # ơ + combining grave
    assert encode_cp1258("ệ") == b"\xea\xf2"  # ê + combining dot below
    assert encode_cp1258("Đ") == b"\xd0"
    assert encode_cp1258("á") == b"\xe1"  # CP1258 holds this one precomposed
    assert encode_cp1258("Số") == b"S\xf4\xec"


def test_cp1258_covers_every_vietnamese_letter() -> None:
    for letter in LETTERS:
        encoded = encode_cp1258(letter)
        assert encoded is not None, letter
        assert decode_cp1258(encoded) == letter


def test_tcvn3_covers_every_vietnamese_letter() -> None:
    for letter in LETTERS:
        encoded = encode_tcvn3(letter)
        assert encoded is not None, letter
        assert decode_tcvn3(encoded) == letter


def test_tcvn3_switches_pages_only_when_needed() -> None:
    # "Đ" is on the upper-case page, "ă" and "ờ" on the lower-case one.
    assert encode_tcvn3("Đăng chờ") == b"\x1bt\x1f\xa7\x1bt\x1e\xa8ng ch\xea"
    assert encode_tcvn3("ASCII only") == b"ASCII only"


def test_letters_outside_vietnamese_are_reported_not_mangled() -> None:
    assert encode_cp1258("€ ✓") is None
    assert encode_tcvn3("ß") is None


@given(vietnamese_text)
def test_cp1258_round_trip(text: str) -> None:
    encoded = encode_cp1258(text)
    assert encoded is not None
    assert decode_cp1258(encoded) == unicodedata.normalize("NFC", text)


@given(vietnamese_text)
def test_tcvn3_round_trip(text: str) -> None:
    encoded = encode_tcvn3(text)
    assert encoded is not None
    assert decode_tcvn3(encoded) == unicodedata.normalize("NFC", text)
