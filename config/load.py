"""Loading the center's TOML: decode, validate, and name the file, line and field of a mistake."""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import msgspec.inspect as mi

from config import schema
from config.schema import WEEKDAYS, CenterConfig, Hours

DEFAULT_CONFIG = Path(__file__).with_name("center.toml")

PathPart = str | int


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """--config: the center's TOML, the same file for every command that reads the center."""
    parser.add_argument("--config", default=str(DEFAULT_CONFIG),
                        help="the center's TOML config (default: the demo center)")


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
            message = f"unknown field (a typo?); allowed here: {_allowed_fields(path)}"
        else:
            message = _friendly(message, path)
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


def _field_type(path: list[PathPart]) -> mi.Type | None:
    """The schema's type at a field path, walking structs, lists and optional values."""
    current: mi.Type = mi.type_info(CenterConfig)
    for part in path:
        while isinstance(current, mi.UnionType):  # `X | None`: look inside X
            current = next(t for t in current.types if not isinstance(t, mi.NoneType))
        if isinstance(part, int) and isinstance(current, mi.ListType):
            current = current.item_type
        elif isinstance(part, int) and isinstance(current, mi.TupleType):
            current = current.item_types[min(part, len(current.item_types) - 1)]
        elif isinstance(part, str) and isinstance(current, mi.StructType):
            found = next((f.type for f in current.fields if f.encode_name == part), None)
            if found is None:
                return None
            current = found
        else:
            return None
    return current


def _allowed_fields(path: list[PathPart]) -> str:
    found = _field_type(path[:-1])
    if isinstance(found, mi.StructType):
        return ", ".join(f.encode_name for f in found.fields)
    return "?"


# What a pattern of the schema means, for people rather than for regex readers.
_PATTERN_HELP = {
    schema.Span: 'a time span like "07:00-11:30"',
    schema.Id: 'an id of letters, digits, "-" and "_"',
    schema.SiteId: 'letters, digits and "-"',
}


def _friendly(message: str, path: list[PathPart]) -> str:
    found = _field_type(path)
    if "matching regex" in message:
        for alias, wanted in _PATTERN_HELP.items():
            if found is not None and getattr(found, "pattern", None) == _pattern(alias):
                return f"expected {wanted}"
    if message.startswith("Invalid enum value") and isinstance(found, mi.LiteralType):
        return f"{message}; allowed: {', '.join(map(str, found.values))}"
    return message


def _pattern(alias: object) -> str | None:
    return next((m.pattern for m in getattr(alias, "__metadata__", ())
                 if isinstance(m, msgspec.Meta)), None)


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
