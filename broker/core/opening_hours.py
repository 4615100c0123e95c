"""Opening hours: is a service issuing at a local time, and when does it open next."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from config.load import span_minutes
from config.schema import WEEKDAYS, CenterConfig, Hours, Service


def hours_of(config: CenterConfig, service: Service) -> Hours:
    return service.hours if service.hours is not None else config.hours


def is_open(hours: Hours, local: datetime) -> bool:
    minute = local.hour * 60 + local.minute
    return any(
        start <= minute < end
        for start, end in map(span_minutes, hours.spans(WEEKDAYS[local.weekday()]))
    )


def next_opening(hours: Hours, local: datetime) -> datetime | None:
    """The start of the next open span after `local` within a week, or None if never open."""
    for days_ahead in range(8):
        day = (local + timedelta(days=days_ahead)).date()
        for start, _end in map(span_minutes, hours.spans(WEEKDAYS[day.weekday()])):
            at = datetime.combine(day, time(start // 60, start % 60), local.tzinfo)
            if at > local:
                return at
    return None
