"""Numbers read the way a Vietnamese hall reads them (and in English), and call sentences."""

from __future__ import annotations

import pytest

from drivers.speech import (
    DEFAULT_TEMPLATES,
    SOUTH,
    announcement_text,
    english_number,
    vietnamese_number,
)

VIETNAMESE_WHOLE = [
    ("0", "không"),
    ("5", "năm"),
    ("10", "mười"),
    ("11", "mười một"),
    ("14", "mười bốn"),  # "tư" only after "mươi"
    ("15", "mười lăm"),
    ("19", "mười chín"),
    ("20", "hai mươi"),
    ("21", "hai mươi mốt"),
    ("24", "hai mươi tư"),
    ("25", "hai mươi lăm"),
    ("31", "ba mươi mốt"),
    ("55", "năm mươi lăm"),
    ("99", "chín mươi chín"),
    ("100", "một trăm"),
    ("101", "một trăm linh một"),  # not "mốt" after linh
    ("104", "một trăm linh bốn"),
    ("105", "một trăm linh năm"),  # not "lăm" after linh
    ("110", "một trăm mười"),
    ("111", "một trăm mười một"),
    ("115", "một trăm mười lăm"),
    ("121", "một trăm hai mươi mốt"),
    ("999", "chín trăm chín mươi chín"),
    ("1000", "một nghìn"),
    ("1001", "một nghìn không trăm linh một"),
    ("1005", "một nghìn không trăm linh năm"),
    ("1010", "một nghìn không trăm mười"),
    ("1015", "một nghìn không trăm mười lăm"),
    ("1023", "một nghìn không trăm hai mươi ba"),
    ("1100", "một nghìn một trăm"),
    ("1234", "một nghìn hai trăm ba mươi tư"),
    ("2001", "hai nghìn không trăm linh một"),
    ("5555", "năm nghìn năm trăm năm mươi lăm"),
    ("10000", "mười nghìn"),
    ("15000", "mười lăm nghìn"),
    ("21000", "hai mươi mốt nghìn"),
    ("105000", "một trăm linh năm nghìn"),
    ("1000000", "một triệu"),
    ("1000005", "một triệu không trăm linh năm"),
    ("0005", "năm"),  # leading zeros are not read in whole mode
    ("0000", "không"),
    ("A023", "a hai mươi ba"),
    ("B1001", "bê một nghìn không trăm linh một"),
    ("l5", "e lờ năm"),
]

VIETNAMESE_DIGITS = [
    ("1023", "một không hai ba"),
    ("0005", "không không không năm"),
    ("A023", "a không hai ba"),
    ("45", "bốn năm"),  # digit by digit: no "tư", no "lăm"
    ("C", "xê"),
]

ENGLISH = [
    ("0", "whole", "zero"),
    ("7", "whole", "seven"),
    ("13", "whole", "thirteen"),
    ("40", "whole", "forty"),
    ("42", "whole", "forty-two"),
    ("105", "whole", "one hundred five"),
    ("1000", "whole", "one thousand"),
    ("1023", "whole", "one thousand twenty-three"),
    ("2500", "whole", "two thousand five hundred"),
    ("1000001", "whole", "one million one"),
    ("0005", "whole", "five"),
    ("A023", "whole", "ay twenty-three"),
    ("1023", "digits", "one zero two three"),
    ("0005", "digits", "zero zero zero five"),
    ("W12", "digits", "double you one two"),
]


@pytest.mark.parametrize(("number", "words"), VIETNAMESE_WHOLE)
def test_vietnamese_whole(number: str, words: str) -> None:
    assert vietnamese_number(number, "whole") == words


@pytest.mark.parametrize(("number", "words"), VIETNAMESE_DIGITS)
def test_vietnamese_digit_by_digit(number: str, words: str) -> None:
    assert vietnamese_number(number, "digits") == words


@pytest.mark.parametrize(("number", "mode", "words"), ENGLISH)
def test_english(number: str, mode: str, words: str) -> None:
    assert english_number(number, mode) == words  # type: ignore[arg-type]


def test_there_are_enough_cases() -> None:
    assert len(VIETNAMESE_WHOLE) + len(VIETNAMESE_DIGITS) + len(ENGLISH) >= 40


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("1005", "một ngàn không trăm lẻ năm"),
        ("2024", "hai ngàn không trăm hai mươi tư"),
        ("101", "một trăm lẻ một"),
    ],
)
def test_southern_style(number: str, words: str) -> None:
    assert vietnamese_number(number, "whole", SOUTH) == words


@pytest.mark.parametrize("number", ["", "12-3", "1A2", "Ư12", "1" * 13])
def test_not_a_ticket_number(number: str) -> None:
    with pytest.raises(ValueError):
        vietnamese_number(number)


def test_call_sentence_in_vietnamese_reads_the_counter_whole() -> None:
    text = announcement_text(DEFAULT_TEMPLATES["vi"], "1023", 12, "vi", "whole")
    assert text == (
        "Xin mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số mười hai"
    )
    digits = announcement_text(DEFAULT_TEMPLATES["vi"], "1023", "5", "vi", "digits")
    assert digits == "Xin mời công dân có số thứ tự một không hai ba đến quầy số năm"


def test_call_sentence_in_english() -> None:
    text = announcement_text(DEFAULT_TEMPLATES["en"], "A023", 3, "en", "whole")
    assert text == "Ticket number ay twenty-three, please come to counter three"


def test_template_with_an_unknown_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown placeholder"):
        announcement_text("Số {number} đến {quay}", "1", 1, "vi")
