"""The time every part of the center reads: the wall clock, or a demo's faster one."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now().astimezone()


class DemoClock:
    """Time for demos and simulations: starts at `start` and runs `speed` times faster."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start, self.speed = start, speed
        self._origin = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._origin) * self.speed)
