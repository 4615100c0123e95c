"""The sentence a call speaks, from a template in config with the number and counter in words."""

import string
from collections.abc import Mapping

from drivers.speech.numbers import NORTH, Mode, VietnameseStyle, spoken_number

DEFAULT_TEMPLATES: Mapping[str, str] = {
    "vi": "Xin mời công dân có số thứ tự {number} đến quầy số {counter}",
    "en": "Ticket number {number}, please come to counter {counter}",
}
_FIELDS = {"number", "counter"}


def check_template(template: str) -> None:
    """Raises ValueError for a placeholder other than {number} and {counter}."""
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None and name not in _FIELDS:
            raise ValueError(f"announcement template: unknown placeholder {{{name}}}")


def announcement_text(
    template: str,
    number: str,
    counter: str | int,
    lang: str,
    mode: Mode = "whole",
    style: VietnameseStyle = NORTH,
) -> str:
    """The words to speak: the ticket number read by ``mode``, the counter always whole
    ("quầy số mười hai", not "một hai")."""
    check_template(template)
    return template.format(
        number=spoken_number(number, lang, mode, style),
        counter=spoken_number(str(counter), lang, "whole", style),
    )
