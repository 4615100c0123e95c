"""The center's two languages in the devices' own words: a bilingual string table type with
its one lookup, and the weekdays' names. Every device (the Qt apps through `qtkit`, the web
face) writes its words with these; nothing here loads Qt or talks to the hub.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

from config.schema import WEEKDAYS as WEEKDAY_KEYS

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


class Texts:
    """A bilingual string table; values fill the chosen text's `{placeholders}`. Vietnamese is
    the default: anything but "en" reads Vietnamese."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self._table = dict(table)

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def t(self, key: str, lang: str, **values: object) -> str:
        vi, en = self._table[key]
        chosen = en if lang == "en" else vi
        return chosen.format(**values) if values else chosen


# Keyed as the config's opening hours are (`config.schema.WEEKDAYS`, date.weekday()'s order).
WEEKDAYS = Texts({
    "mon": ("Thứ Hai", "Monday"), "tue": ("Thứ Ba", "Tuesday"), "wed": ("Thứ Tư", "Wednesday"),
    "thu": ("Thứ Năm", "Thursday"), "fri": ("Thứ Sáu", "Friday"), "sat": ("Thứ Bảy", "Saturday"),
    "sun": ("Chủ Nhật", "Sunday"),
})


def weekday(day: date, lang: str) -> str:
    return WEEKDAYS.t(WEEKDAY_KEYS[day.weekday()], lang)
