"""A board's zone: the counters it shows (and its voice speaks for)."""

from __future__ import annotations

from collections.abc import Iterable

from config.schema import CenterConfig


def parse_counters(spec: str) -> tuple[str, ...]:
    """`"1-6"`, `"1,3,7-9"` or `"A1,B2"` -> counter ids in the order given, without repeats.

    A range `a-b` of whole numbers stands for the ids `a`..`b`, since counter ids in a hall are
    usually the numbers painted above the counters.
    """
    ids: list[str] = []
    for token in (t.strip() for t in spec.split(",")):
        if not token:
            continue
        first, dash, last = token.partition("-")
        if dash and first.isdigit() and last.isdigit():
            low, high = int(first), int(last)
            if low > high:
                raise ValueError(f"the range {token!r} runs backwards")
            ids += [str(n) for n in range(low, high + 1)]
        else:
            ids.append(token)
    if not ids:
        raise ValueError("no counters given")
    return tuple(dict.fromkeys(ids))


def zone_of(config: CenterConfig, device_id: str, explicit: Iterable[str] | None = None
            ) -> frozenset[str] | None:
    """The counter ids a device covers, or None for the whole hall.

    An explicit list (from the command line) wins over the device's entry in the config.
    """
    if explicit is not None:
        return frozenset(explicit)
    device = config.device(device_id)
    if device is not None and device.counters:
        return frozenset(device.counters)
    return None


def unknown_counters(config: CenterConfig, zone: frozenset[str] | None) -> list[str]:
    known = {c.id for c in config.counters}
    return sorted(zone - known) if zone else []
