"""Every string the kiosk shows, Vietnamese first, English available.

Names of the center, departments, services and priority groups come from the config; these
are the kiosk's own words around them, kept in the catalog `texts.toml` beside this file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qtkit.formats import wait_text, weekday
from qtkit.texts import Lang, Texts

TEXTS = Texts.load(Path(__file__).with_name("texts.toml"))

text = TEXTS.t


def waiting(count: int, lang: Lang) -> str:
    return text("waiting", lang, count=count) if count else text("waiting_none", lang)


def wait_time(wait_range: tuple[int, int] | None, lang: Lang) -> str:
    """The hub's range of the wait (None: no open counter serves the service), written by
    `qtkit.formats.wait_text` as the printed ticket writes it (`drivers/printer/layout.py`):
    screen and paper must say the same."""
    return wait_text(wait_range, soon=text("wait_soon", lang), minutes=text("wait_minutes", lang),
                     hours=text("wait_hours", lang), no_counter=text("wait_no_counter", lang))


def ahead(count: int, lang: Lang) -> str:
    return text("ahead", lang, count=count) if count else text("ahead_none", lang)


def opens(at: datetime, now: datetime, lang: Lang) -> str:
    clock = f"{at:%H:%M}"
    if at.date() == now.date():
        return text("opens_today", lang, time=clock)
    return text("opens_on", lang, time=clock, weekday=weekday(at, lang), date=f"{at:%d/%m}")


def printer_problem(health: str, lang: Lang) -> str:
    key = f"printer_{health}"
    return text(key if key in TEXTS else "printer_offline", lang)
