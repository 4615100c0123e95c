"""How the apps write a wait, a weekday and a duration: one way each, on every screen.

No Qt here, so the printer's ticket layout can write its wait with `wait_text` too.
"""

from __future__ import annotations

from datetime import date

from qtkit.texts import Texts

_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday()'s order
WEEKDAYS = Texts({
    "mon": ("Thứ Hai", "Monday"), "tue": ("Thứ Ba", "Tuesday"), "wed": ("Thứ Tư", "Wednesday"),
    "thu": ("Thứ Năm", "Thursday"), "fri": ("Thứ Sáu", "Friday"), "sat": ("Thứ Bảy", "Saturday"),
    "sun": ("Chủ Nhật", "Sunday"),
})


def wait_text(ewt_s: int, *, soon: str, minutes: str, hours: str) -> str:
    """An estimated wait in one of three templates: `soon` under a minute, else `minutes`
    ("{minutes}") or, from an hour on, `hours` ("{hours}", "{minutes}").

    Rounded up to whole minutes: a citizen told "about 5" who waits 6 feels misled."""
    if ewt_s < 60:
        return soon
    whole = -(-ewt_s // 60)
    if whole < 60:
        return minutes.format(minutes=whole)
    return hours.format(hours=whole // 60, minutes=whole % 60)


def weekday(day: date, lang: str) -> str:
    return WEEKDAYS.t(_WEEKDAY_KEYS[day.weekday()], lang)


def duration(seconds: float | None) -> str:
    """As a clock reads it: m:ss, or h:mm:ss from an hour on, to the nearest second. A clock
    behind the hub's never shows a negative time; no duration at all is a dash."""
    if seconds is None:
        return "—"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
