"""Every word the manager console shows, Vietnamese first, English available.

Names of the center, services, counters, officers and rating levels come from the config;
these are the console's own words around them, in the catalogs beside this file: `texts.toml`,
and the devices' health in `health_part_texts.toml` and `health_value_texts.toml`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from qtkit.texts import Texts

TEXTS = Texts.load(Path(__file__).with_name("texts.toml"))

text = TEXTS.t


def day_text(day: date, lang: str) -> str:
    return day.strftime("%Y-%m-%d") if lang == "en" else day.strftime("%d/%m/%Y")


def period_text(first: date, last: date, lang: str) -> str:
    if first == last:
        return text("period_day", lang, day=day_text(first, lang))
    return text("period_range", lang, first=day_text(first, lang), last=day_text(last, lang))


def decimal(value: float, lang: str, places: int = 2) -> str:
    """Vietnamese writes a decimal comma."""
    written = f"{value:.{places}f}"
    return written if lang == "en" else written.replace(".", ",")


def percent(share: float, lang: str) -> str:
    return f"{decimal(share * 100, lang, 1)}%"


# What a device reports as health (its `health` dict), in plain words.
HEALTH_PARTS = Texts.load(Path(__file__).with_name("health_part_texts.toml"))

HEALTH_VALUES = Texts.load(Path(__file__).with_name("health_value_texts.toml"))


def health_part(part: str, lang: str) -> str:
    """A part the console has no words for is shown as the device names it."""
    return HEALTH_PARTS.t(part, lang) if part in HEALTH_PARTS else part


def health_value(value: object, lang: str) -> str:
    key = str(value)
    return HEALTH_VALUES.t(key, lang) if key in HEALTH_VALUES else key
