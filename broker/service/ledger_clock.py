"""The hub's time: the clock, but never before the ledger's last command.

The day belongs to the ledger, not the clock. A hub whose clock is behind what the ledger
holds (a wrong BIOS clock, NTP that sets the time only after the hub started, a clock stepped
back while it runs) keeps the ledger's time, so its business day and the order of its
commands never go backwards: it does not start the day again and issue its numbers twice.

While behind, the hub's time goes on from the ledger's last moment at the clock's pace (the
clock plus the offset it was found behind by), so tickets still get their own times and waits
still count; `behind_s` is that offset (the hub's status carries it as `clock_behind_s`).
Once the clock reaches the hub's time again (NTP has set it right), the hub follows the clock.
A clock that steps back again is caught the same way: the hub's time stands, then goes on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from broker.wire.clock import Clock

_ZERO = timedelta(0)


class LedgerClock:
    def __init__(self, clock: Clock, floor: datetime | None) -> None:
        self.clock = clock
        self.floor = floor  # the latest time the ledger holds or the hub has used
        self.offset = _ZERO  # how far the clock is behind the hub's time

    def __call__(self) -> datetime:
        now = self.clock()
        floor = self.floor
        if floor is None or now >= floor:
            self.offset = _ZERO  # the clock is right (again)
            self.floor = now
            return now
        hub_time = now + self.offset
        if hub_time < floor:
            # Newly behind (at start, or the clock stepped back): go on from where the hub's
            # time stands.
            self.offset = floor - now
            hub_time = floor
        self.floor = hub_time
        return hub_time

    @property
    def behind_s(self) -> float:
        return self.offset.total_seconds()

    @property
    def behind(self) -> int:
        """Whole seconds the clock is behind the hub's time (0: it is not), as last read."""
        return int(self.offset.total_seconds())
