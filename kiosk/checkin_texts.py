"""The words of the kiosk's check-in screen, Vietnamese first, English available: the catalog
`checkin_texts.toml` beside this file."""

from __future__ import annotations

from pathlib import Path

from qtkit.texts import Texts

TEXTS = Texts.load(Path(__file__).with_name("checkin_texts.toml"))

text = TEXTS.t
