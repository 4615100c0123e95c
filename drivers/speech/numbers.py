"""Ticket numbers as words, the two ways a hall reads them: whole or digit by digit.

Vietnamese rules: 10 "mười", 20 "hai mươi"; after "mươi" 1 is "mốt", 4 is "tư" and 5 is
"lăm" (also after "mười": 15 "mười lăm"); a zero tens digit after hundreds is "linh" (North)
or "lẻ" (South): 105 "một trăm linh năm"; a group after thousands always says its hundreds:
1023 "một nghìn không trăm hai mươi ba". A letter prefix (A023) is spoken letter by letter.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Mode = Literal["whole", "digits"]

VI_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
VI_SCALES = ("", "nghìn", "triệu", "tỷ")
# Letter names as a Vietnamese hall says them (and espeak-ng's Vietnamese voice reads them).
VI_LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o",
    "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê",
    "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}  # fmt: skip

EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
EN_SCALES = ("", "thousand", "million", "billion")
EN_LETTERS = {
    "A": "ay", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "eff", "G": "gee",
    "H": "aitch", "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en",
    "O": "oh", "P": "pee", "Q": "cue", "R": "ar", "S": "ess", "T": "tee", "U": "you",
    "V": "vee", "W": "double you", "X": "ex", "Y": "why", "Z": "zed",
}  # fmt: skip

_MAX = 10**12


@dataclass(frozen=True, slots=True)
class VietnameseStyle:
    """Regional choices: the South says "ngàn" and "lẻ", the North "nghìn" and "linh"."""

    thousand: str = "nghìn"
    zero_tens: str = "linh"
    four_after_tens: str = "tư"


NORTH = VietnameseStyle()
SOUTH = VietnameseStyle(thousand="ngàn", zero_tens="lẻ", four_after_tens="tư")


def split_number(number: str) -> tuple[str, str]:
    """("A", "023") from "A023": the letter prefix and the digits."""
    text = number.strip().upper()
    prefix = text.rstrip("0123456789")
    digits = text[len(prefix) :]
    if not prefix.isascii() or not (prefix.isalpha() or prefix == "") or not text:
        raise ValueError(f"not a ticket number: {number!r}")
    return prefix, digits


def _vi_group(n: int, full: bool, style: VietnameseStyle) -> list[str]:
    """0-999; ``full`` when a higher group was spoken, so "không trăm" and "linh" are said."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [VI_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append(style.zero_tens)
        if units or not words:
            words.append(VI_DIGITS[units])
        return words
    words += ["mười"] if tens == 1 else [VI_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append(style.four_after_tens)
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(VI_DIGITS[units])
    return words


def _vi_whole(value: int, style: VietnameseStyle) -> list[str]:
    if value == 0:
        return [VI_DIGITS[0]]
    scales = (*VI_SCALES[:1], style.thousand, *VI_SCALES[2:])
    groups = []
    while value:
        groups.append(value % 1000)
        value //= 1000
    words: list[str] = []
    for scale in reversed(range(len(groups))):
        group = groups[scale]
        if group == 0:
            continue
        words += _vi_group(group, full=bool(words), style=style)
        if scales[scale]:
            words.append(scales[scale])
    return words


def _spoken(number: str, mode: Mode, letters: Mapping[str, str], digit_words: Sequence[str],
            whole: Callable[[int], list[str]]) -> str:
    """A ticket number in words: its letters one by one, then its digits one by one or as a
    whole number."""
    prefix, digits = split_number(number)
    words = [letters[letter] for letter in prefix]
    if digits:
        if mode == "digits":
            words += [digit_words[int(d)] for d in digits]
        else:
            words += _checked_whole(digits, whole)
    return " ".join(words)


def vietnamese_number(number: str, mode: Mode = "whole", style: VietnameseStyle = NORTH) -> str:
    """ "1023" -> "một nghìn không trăm hai mươi ba" (whole) or "một không hai ba" (digits)."""
    return _spoken(number, mode, VI_LETTERS, VI_DIGITS, lambda v: _vi_whole(v, style))


def _en_group(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [EN_ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(f"{EN_TENS[tens]}-{EN_ONES[units]}" if units else EN_TENS[tens])
    elif rest:
        words.append(EN_ONES[rest])
    return words


def _en_whole(value: int) -> list[str]:
    if value == 0:
        return [EN_ONES[0]]
    words: list[str] = []
    scale = 0
    while value:
        value, group = divmod(value, 1000)
        if group:
            words = _en_group(group) + ([EN_SCALES[scale]] if scale else []) + words
        scale += 1
    return words


def english_number(number: str, mode: Mode = "whole") -> str:
    """ "1023" -> "one thousand twenty-three" (whole) or "one zero two three" (digits)."""
    return _spoken(number, mode, EN_LETTERS, EN_ONES, _en_whole)


def _checked_whole(digits: str, read: Callable[[int], list[str]]) -> list[str]:
    value = int(digits)
    if value >= _MAX:
        raise ValueError(f"number too large to read: {digits}")
    return read(value)


def spoken_number(
    number: str, lang: str, mode: Mode = "whole", style: VietnameseStyle = NORTH
) -> str:
    if lang == "vi":
        return vietnamese_number(number, mode, style)
    if lang == "en":
        return english_number(number, mode)
    raise ValueError(f"no number reading for language {lang!r}")
