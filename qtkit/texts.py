"""The apps' words: each table is a `config.bilingual.Texts` (a key to its (Vietnamese,
English) pair, with the one lookup `Texts.t`), which the web face uses too.

The hub's stable error codes in plain words, for officers, citizens and managers, are read
here too (`error_text`, from the catalog `error_texts.toml`), since every app shows them.
"""

from __future__ import annotations

from pathlib import Path

from config.bilingual import LANGS, Lang, Texts

__all__ = ["ERRORS", "LANGS", "Lang", "Texts", "error_text"]


ERRORS = Texts.load(Path(__file__).with_name("error_texts.toml"))


def error_text(code: str, lang: str = "vi") -> str:
    return ERRORS.t(code if code in ERRORS else "unknown", lang)
