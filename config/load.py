"""Loading the center's TOML: decode, validate, and name the file, line and field of a mistake."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from config.schema import WEEKDAYS, CenterConfig, Hours

DEFAULT_CONFIG = Path(__file__).with_name("center.toml")

PathPart = str | int


class ConfigError(ValueError):
    """A mistake in a config file: where it is and what is wrong."""

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file, self.line, self.field, self.message = file, line, field, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def load_config(path: str | Path = DEFAULT_CONFIG) -> CenterConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, "", f"cannot read: {exc}") from exc
    return parse_config(text, str(path))


def parse_config(text: str, file: str = "<config>") -> CenterConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match[1]) if match else None
        raise ConfigError(file, line, "", f"not valid TOML: {exc}") from exc
    lines = _KeyLines(text)
    try:
        config = msgspec.convert(data, CenterConfig)
    except msgspec.ValidationError as exc:
        message, path = _split_msgspec_error(str(exc))
        unknown = re.match(r"Object contains unknown field `([^`]+)`", message)
        if unknown:
            path = [*path, unknown[1]]
            message = f"unknown field (a typo?); allowed here: {_allowed_fields(data, path)}"
        raise ConfigError(file, lines.find(path), _dotted(path), message) from exc
    problems = list(_semantic_problems(config))
    if problems:
        path, message = problems[0]
        raise ConfigError(file, lines.find(path), _dotted(path), message)
    return config


def _split_msgspec_error(text: str) -> tuple[str, list[PathPart]]:
    message, _, where = text.partition(" - at `")
    path: list[PathPart] = []
    for name, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", where.rstrip("`")):
        path.append(name if name else int(index))
    return message, path


def _allowed_fields(data: object, path: list[PathPart]) -> str:
    struct: type = CenterConfig
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        hint = struct.__annotations__.get(part, "") if hasattr(struct, "__annotations__") else ""
        found = next(
            (t for t in _struct_types() if t.__name__ in str(hint)),
            None,
        )
        if found is None:
            return "?"
        struct = found
    return ", ".join(struct.__struct_fields__)


def _struct_types() -> list[type]:
    from config import schema

    return sorted(
        (v for v in vars(schema).values() if isinstance(v, type) and issubclass(v, msgspec.Struct)),
        key=lambda t: -len(t.__name__),  # "RatingLevel" before "Rating"
    )


def _dotted(path: Iterable[PathPart]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _KeyLines:
    """Maps a field path like ("services", 3, "range") to the line that sets it."""

    _TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r'^\s*([A-Za-z0-9_."-]+?)\s*=')

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[PathPart, ...], int] = {}
        counts: dict[tuple[PathPart, ...], int] = {}
        table: tuple[PathPart, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._TABLE.match(line)
            if header:
                keys = self._keys(header[2])
                base: tuple[PathPart, ...] = ()
                # Nested arrays of tables ([[rating.levels]]) hang under the latest parent item.
                for key in keys[:-1]:
                    base = (*base, key)
                    if base in counts:
                        base = (*base, counts[base] - 1)
                path = (*base, keys[-1])
                if header[1] == "[[":
                    counts[path] = counts.get(path, 0) + 1
                    path = (*path, counts[path] - 1)
                table = path
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault((*table, *self._keys(key[1])), number)

    @staticmethod
    def _keys(dotted: str) -> list[str]:
        return [part.strip().strip('"') for part in dotted.split(".")]

    def find(self, path: list[PathPart]) -> int | None:
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def _parse_clock(text: str) -> int | None:
    hours, minutes = int(text[:2]), int(text[3:5])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def span_minutes(span: str) -> tuple[int, int]:
    start, end = _parse_clock(span[:5]), _parse_clock(span[6:])
    assert start is not None and end is not None, "spans are validated on load"
    return start, end


def _hours_problems(hours: Hours, path: list[PathPart]):
    for day in WEEKDAYS:
        previous_end = -1
        for i, span in enumerate(hours.spans(day)):
            start, end = _parse_clock(span[:5]), _parse_clock(span[6:])
            where = [*path, day, i]
            if start is None or end is None:
                yield where, f"{span!r} is not a time of day (HH:MM-HH:MM, 00:00 to 24:00)"
            elif start >= end:
                yield where, f"{span!r} ends before it starts"
            elif start < previous_end:
                yield where, f"{span!r} overlaps the span before it (keep spans in order)"
            else:
                previous_end = end


def _duplicates(items: list, attr: str, path: str):
    seen: set = set()
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            yield [path, i, attr], f"duplicate {attr} {value!r}"
        seen.add(value)


def _semantic_problems(c: CenterConfig):
    try:
        ZoneInfo(c.center.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield ["center", "timezone"], f"unknown time zone {c.center.timezone!r}"
    yield from _hours_problems(c.hours, ["hours"])
    for field in ("departments", "services", "counters", "officers", "devices", "priority_groups"):
        yield from _duplicates(getattr(c, field), "id", field)
    yield from _duplicates(c.counters, "number", "counters")
    yield from _duplicates(c.rating.levels, "score", "rating.levels")
    yield from _duplicates(c.rating.reasons, "id", "rating.reasons")
    if not c.services:
        yield ["services"], "a center needs at least one service"
    departments = {d.id for d in c.departments}
    services = {s.id for s in c.services}
    counters = {k.id for k in c.counters}
    officers = {o.id for o in c.officers}
    taken: list[tuple[str, int, int, str]] = []
    for i, s in enumerate(c.services):
        if s.department not in departments:
            yield ["services", i, "department"], f"unknown department {s.department!r}"
        low, high = s.range
        if not 0 <= low <= high <= 9999:
            yield (["services", i, "range"],
                   f"range {list(s.range)} must be 0 <= first <= last <= 9999")
        for other_prefix, other_low, other_high, other_id in taken:
            if other_prefix == s.prefix and low <= other_high and other_low <= high:
                yield (["services", i, "range"],
                       f"range {list(s.range)} overlaps service {other_id!r} "
                       f"({other_low}-{other_high}) with the same prefix {s.prefix!r}")
        taken.append((s.prefix, low, high, s.id))
        if s.daily_limit is not None and s.daily_limit > high - low + 1:
            yield (["services", i, "daily_limit"],
                   f"daily_limit {s.daily_limit} is more than the range holds ({high - low + 1})")
        if s.hours is not None:
            yield from _hours_problems(s.hours, ["services", i, "hours"])
    for i, k in enumerate(c.counters):
        if not k.services:
            yield ["counters", i, "services"], "a counter serves at least one service"
        for j, service in enumerate(k.services):
            if service not in services:
                yield ["counters", i, "services", j], f"unknown service {service!r}"
        if len(set(k.services)) != len(k.services):
            yield ["counters", i, "services"], "a service is listed twice"
        if k.officer is not None and k.officer not in officers:
            yield ["counters", i, "officer"], f"unknown officer {k.officer!r}"
    for i, d in enumerate(c.devices):
        if d.role in ("counter", "tablet"):
            if d.counter is None:
                yield ["devices", i, "counter"], f"a {d.role} device needs its counter"
            elif d.counter not in counters:
                yield ["devices", i, "counter"], f"unknown counter {d.counter!r}"
        elif d.counter is not None:
            yield ["devices", i, "counter"], f"a {d.role} device is not bound to a counter"
        for j, counter in enumerate(d.counters):
            if counter not in counters:
                yield ["devices", i, "counters", j], f"unknown counter {counter!r}"
