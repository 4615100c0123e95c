"""The counter's keypad: which key does what. The default is the driver's (KP1 next, KP2
recall, KP3 no-show, KPENTER done, KP0 pause/resume); a desk with another keypad names its
keys in a TOML file:

    [keypad]
    KP1 = "next"
    KP2 = "recall"
    KP3 = "no_show"
    KPENTER = "done"
    KP0 = "pause"

Actions a key may have: next, recall, serve, no_show, done, pause (pause and resume, by the
counter's state), and undo (takes back a no-show in its few seconds before it is sent, as the
screen's "Hoàn tác" does). Transfer and call-a-number need the screen's lists, so no key has
them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from counter_terminal.model import SIMPLE_OPS, Action
from drivers.keypad import DEFAULT_KEY_MAP, KeyMap

UNDO = "undo"
KEY_ACTIONS = frozenset(action.value for action in SIMPLE_OPS
                        if action is not Action.CLOSE) | {UNDO}


def key_map(mapping: Mapping[str, str] | None = None) -> KeyMap:
    """A key map with only actions the terminal can do from a key; ValueError otherwise."""
    mapping = DEFAULT_KEY_MAP if mapping is None else mapping
    unknown = sorted(set(mapping.values()) - KEY_ACTIONS)
    if unknown:
        raise ValueError(f"keypad: unknown action(s) {', '.join(unknown)}; "
                         f"use {', '.join(sorted(KEY_ACTIONS))}")
    return KeyMap.from_config(mapping)


def load_key_map(path: Path | None) -> KeyMap:
    """The `[keypad]` table of a TOML file, or the default key map."""
    if path is None:
        return key_map()
    with path.open("rb") as file:
        table = tomllib.load(file).get("keypad")
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"{path}: expected a [keypad] table of key = \"action\"")
    return key_map(table)
