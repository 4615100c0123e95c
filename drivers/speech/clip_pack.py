"""Clip packs: recorded WAV clips for the fixed phrases, number words and letter names, joined
in order to speak a call, so a center can announce in a human voice.

A pack is a directory with ``pack.json`` (the text of every clip and its file) and the clips.
``build_clip_pack`` makes one with espeak-ng so a pack works out of the box; to use a human
voice, record the same texts and replace the files, keeping their names:

    python -m drivers.speech.clip_pack /srv/qms/voice-pack --voice vi=vi-vn-x-south
"""

import argparse
import json
import os
import re
import string
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from drivers.speech.numbers import EN_LETTERS, EN_ONES, EN_SCALES, EN_TENS, VI_DIGITS, VI_LETTERS
from drivers.speech.phrases import DEFAULT_TEMPLATES
from drivers.speech.speakers import DEFAULT_PLAYER, EspeakSpeaker, Speaker, SpeechError, play_wav
from drivers.speech.wav import Audio, chime, join, read_wav, silence, trim, write_wav

MANIFEST = "pack.json"
GAP_S = 0.06  # between two clips: words of a number run together, as in speech

_VI_NUMBER_WORDS = (
    *VI_DIGITS, "mười", "mươi", "mốt", "tư", "lăm", "linh", "lẻ", "trăm", "nghìn", "ngàn",
    "triệu", "tỷ",
)  # fmt: skip
_EN_NUMBER_WORDS = (*EN_ONES, *(t for t in EN_TENS if t), "hundred", *(s for s in EN_SCALES if s))
_NUMBER_WORDS = {"vi": _VI_NUMBER_WORDS, "en": _EN_NUMBER_WORDS}
_LETTER_NAMES = {"vi": VI_LETTERS.values(), "en": EN_LETTERS.values()}


def words(text: str) -> tuple[str, ...]:
    """Lower-case words without punctuation: how text and clip names are compared."""
    text = unicodedata.normalize("NFC", text).lower()
    return tuple(re.sub(r"[^\w]+", " ", text).split())


def template_phrases(template: str) -> list[str]:
    """The fixed parts of a template: "Xin mời ... {number} đến quầy số {counter}" gives
    "xin mời ..." and "đến quầy số"."""
    parts = [literal for literal, _, _, _ in string.Formatter().parse(template)]
    return [" ".join(words(part)) for part in parts if words(part)]


def vocabulary(templates: Mapping[str, str], lang: str) -> list[str]:
    """Every clip a pack needs in ``lang`` to speak any call from ``templates``."""
    texts = [
        *template_phrases(templates[lang]),
        *_NUMBER_WORDS[lang],
        *_LETTER_NAMES[lang],
    ]
    return list(dict.fromkeys(" ".join(words(t)) for t in texts))


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("đ", "d"))
    return re.sub(r"[^a-z0-9]+", "-", plain.encode("ascii", "ignore").decode().lower()).strip("-")


def build_clip_pack(
    directory: Path,
    templates: Mapping[str, str] = DEFAULT_TEMPLATES,
    speaker: Speaker | None = None,
    langs: Iterable[str] = ("vi", "en"),
) -> Path:
    """Synthesizes every clip with ``speaker`` (espeak-ng by default) into ``directory``."""
    speaker = speaker or EspeakSpeaker()
    directory.mkdir(parents=True, exist_ok=True)
    jobs = []
    for lang in langs:
        (directory / lang).mkdir(exist_ok=True)
        for i, text in enumerate(vocabulary(templates, lang)):
            jobs.append((lang, text, f"{lang}/{i:03d}-{_slug(text)}.wav"))
    with tempfile.TemporaryDirectory() as tmp:

        def make(job: tuple[str, str, str]) -> None:
            lang, text, name = job
            raw = speaker.synthesize(text, lang, Path(tmp) / name.replace("/", "-"))
            write_wav(directory / name, trim(read_wav(raw)))

        # One espeak-ng process per clip, ~70 ms each, mostly start-up: run them side by side.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(make, jobs))
    manifest: dict[str, dict[str, str]] = {}
    for lang, text, name in jobs:
        manifest.setdefault(lang, {})[text] = name
    write_wav(directory / "chime.wav", chime())
    (directory / MANIFEST).write_text(json.dumps({"clips": manifest}, ensure_ascii=False, indent=1))
    return directory


class ClipPackSpeaker:
    """Speaks by joining a pack's clips; text with a word the pack lacks raises SpeechError
    naming the word, instead of leaving a gap in the call."""

    def __init__(self, pack_dir: Path, player: Sequence[str] = DEFAULT_PLAYER) -> None:
        self.pack_dir = pack_dir
        self.player = tuple(player)
        try:
            manifest = json.loads((pack_dir / MANIFEST).read_text())
        except (OSError, ValueError) as e:
            raise SpeechError(f"{pack_dir}: not a clip pack ({e})") from e
        self.clips: dict[str, dict[tuple[str, ...], Path]] = {}
        for lang, clips in manifest["clips"].items():
            self.clips[lang] = {words(text): pack_dir / name for text, name in clips.items()}
            missing = [str(p) for p in self.clips[lang].values() if not p.exists()]
            if missing:
                raise SpeechError(f"{pack_dir}: clip files missing: {', '.join(missing[:5])}")
        self._cache: dict[Path, Audio] = {}

    @property
    def chime(self) -> Path | None:
        path = self.pack_dir / "chime.wav"
        return path if path.exists() else None

    def clip_paths(self, text: str, lang: str) -> list[Path]:
        """The clips that speak ``text``, longest phrase first at each word."""
        clips = self.clips.get(lang)
        if clips is None:
            raise SpeechError(f"{self.pack_dir}: no clips for language {lang!r}")
        longest = max(len(key) for key in clips)
        tokens = words(text)
        paths: list[Path] = []
        i = 0
        while i < len(tokens):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                path = clips.get(tokens[i : i + size])
                if path is not None:
                    paths.append(path)
                    i += size
                    break
            else:
                raise SpeechError(f"{self.pack_dir}: no clip for {tokens[i]!r} ({lang})")
        return paths

    def _audio(self, path: Path) -> Audio:
        if path not in self._cache:
            self._cache[path] = read_wav(path)
        return self._cache[path]

    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        clips = [self._audio(p) for p in self.clip_paths(text, lang)]
        if not clips:
            raise SpeechError(f"nothing to say in {text!r}")
        gap = silence(GAP_S, clips[0].rate, clips[0].channels)
        parts = [part for clip in clips for part in (clip, gap)][:-1]
        return write_wav(out, join(parts))

    def play(self, wav: Path) -> None:
        play_wav(wav, self.player)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a clip pack with espeak-ng.")
    parser.add_argument("directory", type=Path)
    parser.add_argument(
        "--voice", action="append", default=[], metavar="LANG=VOICE",
        help="espeak-ng voice per language, e.g. vi=vi-vn-x-south",
    )  # fmt: skip
    args = parser.parse_args(argv)
    voices = {"vi": "vi", "en": "en"} | dict(v.split("=", 1) for v in args.voice)
    build_clip_pack(args.directory, speaker=EspeakSpeaker(voices=voices))
    print(f"clip pack written to {args.directory} (texts and files in {MANIFEST})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
