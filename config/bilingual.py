"""The center's two languages in the devices' own words: a bilingual string table type with
its one lookup, and the weekdays' names. Every device (the Qt apps through `qtkit`, the web
face) writes its words with these; nothing here loads Qt or talks to the hub.

The words themselves live in catalogs, TOML files beside the module that uses them (each
`*texts.toml` in the packages), which the center's staff can translate without touching
Python: one entry a key, `key = ["Vietnamese", "English"]` (docs/operating.md).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Literal

from config.schema import WEEKDAYS as WEEKDAY_KEYS

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")


class CatalogError(ValueError):
    """A catalog that cannot be read, or an entry of it that is not a pair of two strings."""


class Texts:
    """A bilingual string table; values fill the chosen text's `{placeholders}`. Vietnamese is
    the default: anything but "en" reads Vietnamese."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self._table = dict(table)

    @classmethod
    def load(cls, path: Path) -> Texts:
        """The table a catalog holds: a TOML file of `key = ["Vietnamese", "English"]` entries
        (a key with a dot in it is quoted: `"status.open" = [...]`). Raises `CatalogError`,
        naming the file and the key, for anything else."""
        try:
            with path.open("rb") as file:
                entries = tomllib.load(file)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CatalogError(f"{path}: cannot read the catalog: {error}") from error
        table: dict[str, tuple[str, str]] = {}
        for key, entry in entries.items():
            if not (isinstance(entry, list) and len(entry) == 2
                    and all(isinstance(side, str) for side in entry)):
                raise CatalogError(f'{path}: entry {key!r} must be a pair of two strings, '
                                   f'["Vietnamese", "English"], not {entry!r}')
            table[key] = (entry[0], entry[1])
        return cls(table)

    def __contains__(self, key: object) -> bool:
        return key in self._table

    def t(self, key: str, lang: str, **values: object) -> str:
        vi, en = self._table[key]
        chosen = en if lang == "en" else vi
        return chosen.format(**values) if values else chosen


# Keyed as the config's opening hours are (`config.schema.WEEKDAYS`, date.weekday()'s order).
WEEKDAYS = Texts.load(Path(__file__).with_name("weekday_texts.toml"))


def weekday(day: date, lang: str) -> str:
    return WEEKDAYS.t(WEEKDAY_KEYS[day.weekday()], lang)
