"""How the apps write a wait, a weekday and a duration: one way each, on every screen.

The wait is the printer's own `wait_text`, so the screen and the paper round it one way; the
weekdays are every device's (`config.bilingual`).
"""

from __future__ import annotations

from pathlib import Path

from config.bilingual import Texts, weekday
from drivers.printer.layout import wait_text

__all__ = ["duration", "told_wait", "wait_text", "weekday"]

# The wait a ticket taken now is told, as a table's cell says it (the kiosk says it in a
# sentence, with its own words, through the same `wait_text`).
WAITS = Texts.load(Path(__file__).with_name("wait_texts.toml"))


def told_wait(wait_range: tuple[int, int] | None, lang: str) -> str:
    """The hub's range of a wait, short: "10-20 phút"; "chưa có quầy" when no open counter
    serves the service."""
    return wait_text(wait_range, **{key: WAITS.t(key, lang) for key in
                                    ("soon", "minutes", "hours", "no_counter")})


def duration(seconds: float | None) -> str:
    """As a clock reads it: m:ss, or h:mm:ss from an hour on, to the nearest second. A clock
    behind the hub's never shows a negative time; no duration at all is a dash."""
    if seconds is None:
        return "—"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
