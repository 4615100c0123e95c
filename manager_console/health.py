"""Device health in the hall: the last word of every device, and what it means for a manager.

Pure: fed with decoded `DeviceStatus` messages, read as rows for every device of the config.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from broker.wire.protocol import DeviceStatus
from config.schema import CenterConfig, Device
from manager_console.texts import health_part, health_value, text


class Level(IntEnum):
    """Worst first when sorted by value, so problems head the list."""

    PROBLEM = 0
    WARNING = 1
    UNKNOWN = 2
    OK = 3


# Values that mean "fine" although they are not "ok": a printer without a return line cannot
# be asked, and prints anyway.
_FINE = frozenset({"ok", "unknown"})


def part_level(value: object) -> Level:
    if value is True or value in _FINE:
        return Level.OK
    if value is False:
        return Level.PROBLEM
    if isinstance(value, str):
        return Level.WARNING if value.endswith("_low") or value == "low" else Level.PROBLEM
    return Level.OK  # a figure (a volume, a count) is information, not a fault


@dataclass(frozen=True, slots=True)
class DeviceRow:
    id: str
    name: str
    role: str
    level: Level
    state: str  # online / offline / never seen, in words
    details: tuple[str, ...]  # the health parts worth reading, in words
    version: str = ""


class HealthBook:
    """The newest status of each device. A late will (online false from an older session)
    that overtakes a reconnect is ignored, as the wire contract says."""

    def __init__(self) -> None:
        self._status: dict[str, DeviceStatus] = {}

    def update(self, device_id: str, status: DeviceStatus | None) -> bool:
        """Take a status (None: the retained topic was removed); True if anything changed."""
        held = self._status.get(device_id)
        if status is None:
            return self._status.pop(device_id, None) is not None
        if (not status.online and held is not None and held.online
                and status.session != held.session):
            return False
        if held == status:
            return False
        self._status[device_id] = status
        return True

    def status(self, device_id: str) -> DeviceStatus | None:
        return self._status.get(device_id)

    def rows(self, config: CenterConfig, lang: str) -> list[DeviceRow]:
        """Every device of the config, problems first, then in config order."""
        rows = [self._row(device.id, device_label(config, device, lang), device.role, lang)
                for device in config.devices]
        order = {row.id: index for index, row in enumerate(rows)}
        return sorted(rows, key=lambda row: (row.level, order[row.id]))

    def _row(self, device_id: str, label: str, role: str, lang: str) -> DeviceRow:
        role_text = text(f"role_{role}", lang)
        status = self._status.get(device_id)
        if status is None:
            return DeviceRow(device_id, label, role_text, Level.UNKNOWN,
                             text("device_unknown", lang), ())
        if not status.online:
            return DeviceRow(device_id, label, role_text, Level.PROBLEM,
                             text("device_offline", lang), (), status.version)
        level, details = Level.OK, []
        for part, value in status.health.items():
            if value is None:
                continue  # a part with nothing to report (e.g. no last audio error)
            if _explained(part, status.health, lang):
                continue  # the device's own error line, when its part already says it
            part_state = part_level(value)
            level = min(level, part_state)
            if value not in ("ok", True):
                details.append(f"{health_part(part, lang)}: {health_value(value, lang)}")
        return DeviceRow(device_id, label, role_text, level, text("device_online", lang),
                         tuple(details), status.version)


def _explained(part: str, health: dict[str, object], lang: str) -> bool:
    """`audio_error` (a program's English line, for the log) is left out when `audio`
    already says in words what is wrong and what to check."""
    if not part.endswith("_error"):
        return False
    main = health.get(part.removesuffix("_error"))
    return main not in (None, "ok", True) and health_value(main, lang) != str(main)


def device_label(config: CenterConfig, device: Device, lang: str) -> str:
    """The name a manager knows the device by: its configured name, else what and where."""
    if device.name:
        return device.name
    role = text(f"role_{device.role}", lang)
    counter = config.counter(device.counter) if device.counter else None
    if counter is not None:
        return text("device_at_counter", lang, role=role, number=counter.number)
    return f"{role} ({device.id})"


def problem_count(rows: list[DeviceRow]) -> int:
    return sum(1 for row in rows if row.level is Level.PROBLEM)
