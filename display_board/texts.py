"""Every word the board shows, Vietnamese first, English available: the catalog `texts.toml`
beside this file."""

from __future__ import annotations

from pathlib import Path

from qtkit.texts import Texts

TEXTS = Texts.load(Path(__file__).with_name("texts.toml"))

text = TEXTS.t
