"""The hub's time: the clock, but never before the ledger's last command.

The day belongs to the ledger, not the clock. A hub whose clock is behind what the ledger
holds (a wrong BIOS clock, NTP that sets the time only after the hub started, a clock stepped
back while it runs) keeps the ledger's time, so its business day and the order of its
commands never go backwards: it does not start the day again and issue its numbers twice.
While behind, the hub's time stands at the last moment it used; `behind_s` says by how much
the clock is behind it (the hub's status carries it as `clock_behind_s`).
"""

from __future__ import annotations

from datetime import datetime

from broker.wire.clock import Clock


class LedgerClock:
    def __init__(self, clock: Clock, floor: datetime | None) -> None:
        self.clock = clock
        self.floor = floor  # the latest time the ledger holds or the hub has used
        self.behind_s = 0.0

    def __call__(self) -> datetime:
        now = self.clock()
        floor = self.floor
        if floor is not None and now < floor:
            self.behind_s = (floor - now).total_seconds()
            return floor
        self.behind_s = 0.0
        self.floor = now
        return now

    @property
    def behind(self) -> int:
        """Whole seconds the clock is behind the ledger (0: it is not), as of the last read."""
        return int(self.behind_s)
