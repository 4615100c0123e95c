"""Speakers turn text into a WAV and play a WAV; this module has the espeak-ng one, the ALSA
player, and the audio health check.

Speech is made by the ``espeak-ng`` program, not through pyttsx3: measured here, pyttsx3
2.99's espeak driver races with espeak-ng's callback thread when saving to a file (the same
sentence came out in 25 different lengths over 200 runs, and about 1 in 100 files was
empty), while ``espeak-ng -w`` gives the same WAV every time in about 50 ms. pyttsx3's
``say()`` is not used to play either: it runs ``aplay`` and ignores its exit status, so with no
player or no sound card it returns normally and the hall hears nothing. Here ``aplay``'s
failure raises ``SpeechError``.
"""

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

from drivers.speech.wav import peak, read_wav

DEFAULT_VOICES: Mapping[str, str] = {"vi": "vi", "en": "en"}
DEFAULT_PLAYER = ("aplay", "-q")
PLAY_TIMEOUT_S = 60.0
SYNTH_TIMEOUT_S = 30.0


class SpeechError(Exception):
    """Speech that could not be made or heard."""


class Speaker(Protocol):
    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        """Writes ``text`` spoken in ``lang`` to the WAV ``out``; raises SpeechError."""
        ...

    def play(self, wav: Path) -> None:
        """Plays ``wav`` to the end; raises SpeechError if it could not be heard."""
        ...


def play_wav(wav: Path, player: Sequence[str] = DEFAULT_PLAYER) -> None:
    try:
        done = subprocess.run(
            [*player, str(wav)], capture_output=True, text=True, timeout=PLAY_TIMEOUT_S
        )
    except FileNotFoundError:
        raise SpeechError(f"no audio player: {player[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise SpeechError(f"{player[0]} did not finish {wav.name}") from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise SpeechError(f"{player[0]} could not play {wav.name}: {reason[0]}")


def audio_health(player: str = DEFAULT_PLAYER[0]) -> str:
    """ "ok", "no_audio_player" (aplay missing) or "no_sound_device" (ALSA sees no card)."""
    if shutil.which(player) is None:
        return "no_audio_player"
    if player == "aplay":
        listing = subprocess.run(["aplay", "-l"], capture_output=True, text=True, timeout=10)
        if "no soundcards found" in listing.stderr or "card " not in listing.stdout:
            return "no_sound_device"
    return "ok"


@cache
def espeak_voices(program: str = "espeak-ng") -> frozenset[str]:
    """Every name espeak-ng accepts for a voice: language, file, and the other languages."""
    try:
        listing = subprocess.run(
            [program, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as e:
        raise SpeechError(f"{program} is not usable (is espeak-ng installed?): {e}") from e
    names: set[str] = set()
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 5:
            names |= {fields[1], fields[4], fields[4].rsplit("/", 1)[-1]}
            names |= {m.group(1) for m in re.finditer(r"\((\S+) \d+\)", line)}
    return frozenset(names)


class EspeakSpeaker:
    """espeak-ng: offline, any text, a Vietnamese voice (North by default;
    ``voices={"vi": "vi-vn-x-south"}`` for the South), 22,050 Hz mono WAV."""

    def __init__(
        self,
        voices: Mapping[str, str] = DEFAULT_VOICES,
        rate: int = 150,
        player: Sequence[str] = DEFAULT_PLAYER,
        program: str = "espeak-ng",
    ) -> None:
        self.voices = dict(voices)
        self.rate = rate
        self.player = tuple(player)
        self.program = program

    def _voice(self, lang: str) -> str:
        voice = self.voices.get(lang)
        if voice is None:
            raise SpeechError(f"no voice configured for language {lang!r}")
        # espeak-ng falls back to its default voice for an unknown name, without an error.
        if voice not in espeak_voices(self.program):
            raise SpeechError(f"espeak-ng has no voice {voice!r}")
        return voice

    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        command = [self.program, "-v", self._voice(lang), "-s", str(self.rate), "-b", "1"]
        out.unlink(missing_ok=True)
        try:
            done = subprocess.run(
                [*command, "-w", str(out), "--stdin"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=SYNTH_TIMEOUT_S,
            )
        except (OSError, subprocess.SubprocessError) as e:
            raise SpeechError(f"{self.program} failed: {e}") from e
        if done.returncode != 0 or not out.exists() or peak(read_wav(out)) == 0:
            reason = done.stderr.decode(errors="replace").strip() or "no sound"
            raise SpeechError(f"{self.program} made no speech of {text!r}: {reason}")
        return out

    def play(self, wav: Path) -> None:
        play_wav(wav, self.player)
