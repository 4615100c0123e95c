"""Every string the web face shows, Vietnamese first, English by the toggle.

Names of the center, departments, services, counters' officers and rating levels come from
the config; these are the pages' own words around them, in the catalog `texts.toml` beside
this file (the booking page's are in `booking_texts.toml`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from config.bilingual import LANGS, WEEKDAYS, Lang, Texts
from drivers.printer.layout import wait_text

__all__ = ["LANGS", "WEEKDAYS", "Lang", "clock", "text", "wait_time"]

TEXTS = Texts.load(Path(__file__).with_name("texts.toml"))

text = TEXTS.t


def wait_time(low_s: int | None, high_s: int | None, lang: Lang) -> str:
    """The range a wait falls in, written as the kiosk's screen and the paper write it (one
    rounding: `drivers.printer.layout.wait_text`); no range: no wait is promised."""
    told = (low_s, high_s) if low_s is not None and high_s is not None else None
    return wait_text(told, soon=text("wait_soon", lang), minutes=text("wait_minutes", lang),
                     hours=text("wait_hours", lang), no_counter=text("no_counter", lang))


def clock(at: datetime) -> str:
    return f"{at:%H:%M}"
