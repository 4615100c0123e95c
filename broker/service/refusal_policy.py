"""Which refusals the ledger keeps: only what exactly-once answers need.

A refusal judged on the queue's state (`queue_empty`, `ticket_in_progress`...) could come out
otherwise if the command were judged again later, so it is committed with its batch and a
command delivered again gets the answer it got. A refusal that comes out the same whenever it
is judged (the device's role or counter does not allow the op, the args are not valid, the
op, service, counter or officer is unknown) is never stored: it costs the ledger nothing, so
a device flooding the hub with forbidden commands does not grow it.

And no device can grow it without bound with the kept kind either: past
`KEPT_PER_DEVICE_DAY` kept refusals of one device in one day, further ones are answered but
not kept (logged once); a real counter terminal makes a few hundred `queue_empty` a day.
"""

from __future__ import annotations

import logging
from datetime import date

from broker.core.engine import OPS
from config.schema import Device

log = logging.getLogger("qms.hub")

KEPT_PER_DEVICE_DAY = 5000

# Refusals that depend on the queue's state (or the time): judged again they may differ.
STATE_CODES = frozenset({
    "queue_empty", "ticket_in_progress", "counter_not_open", "no_current_ticket",
    "invalid_transition", "daily_limit_reached", "service_closed", "unknown_ticket",
    "already_rated", "rating_window_closed",
})
# `forbidden` judged on a ticket (it is not for this counter, not served here), not on the role.
_FORBIDDEN_BY_TICKET = frozenset({"counter.call", "rating.submit"})


def judged_on_state(device: Device, op: str, args: object, code: str) -> bool:
    """Whether a refusal depends on the queue's state (and must be kept)."""
    if code in STATE_CODES:
        return True
    if code != "forbidden" or op not in _FORBIDDEN_BY_TICKET:
        return False
    spec = OPS.get(op)
    if spec is None or device.role not in spec.roles:
        return False  # the role
    named = getattr(args, "counter", None)
    return not (device.role == "counter" and named is not None and named != device.counter)


class RefusalBudget:
    """How many refusals each device has had kept today."""

    def __init__(self, day: date, counts: dict[str, int]) -> None:
        self.day, self.counts = day, dict(counts)

    def take(self, device_id: str, day: date) -> bool:
        if day != self.day:
            self.day, self.counts = day, {}
        kept = self.counts.get(device_id, 0)
        if kept >= KEPT_PER_DEVICE_DAY:
            if kept == KEPT_PER_DEVICE_DAY:
                log.warning("%s has had %d refusals kept today; its further refusals are "
                            "answered but not kept", device_id, kept)
                self.counts[device_id] = kept + 1
            return False
        self.counts[device_id] = kept + 1
        return True
