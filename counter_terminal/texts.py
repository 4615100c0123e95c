"""Every word the terminal and the tablet show, Vietnamese first, English available.

Names from the config (services, officers, rating levels and reasons) come from the config's
own `Text` values; only the app's fixed words live here, in the catalog `texts.toml` beside
this file.
"""

from __future__ import annotations

from pathlib import Path

from qtkit.texts import Texts

TEXTS = Texts.load(Path(__file__).with_name("texts.toml"))

text = TEXTS.t

