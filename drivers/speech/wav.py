"""16-bit PCM WAV in and out, joined in order, and the chime that opens a call.

Clips recorded by a center (a human voice) rarely share espeak-ng's format, so parts are
brought to one rate and channel count before joining; the resampling is linear, which is
plenty for speech and a chime.
"""

import math
import wave
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SAMPLE_WIDTH = 2  # 16-bit


@dataclass(frozen=True, slots=True)
class Audio:
    rate: int
    channels: int
    samples: array  # signed 16-bit, interleaved when stereo

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.channels / self.rate


def read_wav(path: Path) -> Audio:
    with wave.open(str(path), "rb") as f:
        if f.getsampwidth() != SAMPLE_WIDTH:
            raise ValueError(
                f"{path}: {8 * f.getsampwidth()}-bit audio; convert it to 16-bit, e.g. "
                f"`sox {path.name} -b 16 out.wav`"
            )
        samples = array("h")
        samples.frombytes(f.readframes(f.getnframes()))
        return Audio(f.getframerate(), f.getnchannels(), samples)


def write_wav(path: Path, audio: Audio) -> Path:
    """Written under a temporary name, then renamed: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    with wave.open(str(partial), "wb") as f:
        f.setnchannels(audio.channels)
        f.setsampwidth(SAMPLE_WIDTH)
        f.setframerate(audio.rate)
        f.writeframes(audio.samples.tobytes())
    partial.replace(path)
    return path


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as f:
        return f.getnframes() / f.getframerate()


def silence(seconds: float, rate: int, channels: int = 1) -> Audio:
    return Audio(rate, channels, array("h", bytes(2 * channels * round(seconds * rate))))


def convert(audio: Audio, rate: int, channels: int) -> Audio:
    """``audio`` at ``rate`` Hz with ``channels`` channels (1 or 2)."""
    if (audio.rate, audio.channels) == (rate, channels):
        return audio
    if audio.channels == 2:
        left, right = audio.samples[0::2], audio.samples[1::2]
        mono = array("h", ((a + b) // 2 for a, b in zip(left, right, strict=True)))
    else:
        mono = audio.samples
    if audio.rate != rate and len(mono) > 1:
        step = audio.rate / rate
        count = int(len(mono) / step)
        out = array("h")
        for i in range(count):
            pos = i * step
            j = int(pos)
            nxt = mono[j + 1] if j + 1 < len(mono) else mono[j]
            out.append(int(mono[j] + (nxt - mono[j]) * (pos - j)))
        mono = out
    if channels == 2:
        stereo = array("h", bytes(4 * len(mono)))
        stereo[0::2] = mono
        stereo[1::2] = mono
        return Audio(rate, 2, stereo)
    return Audio(rate, 1, mono)


def join(parts: list[Audio], rate: int | None = None, channels: int | None = None) -> Audio:
    """The parts one after the other, in the given format or else that of the first."""
    if not parts:
        raise ValueError("nothing to join")
    rate = rate or parts[0].rate
    channels = channels or parts[0].channels
    samples = array("h")
    for part in parts:
        samples += convert(part, rate, channels).samples
    return Audio(rate, channels, samples)


@cache
def chime(rate: int = 22050) -> Audio:
    """A two-note "ding-dong" (E5 then C5, bell-like decay), about 1.3 s."""
    samples = array("h")
    for frequency, length in ((659.25, 0.55), (523.25, 0.8)):
        n = int(length * rate)
        for i in range(n):
            t = i / rate
            envelope = math.exp(-4.0 * t) * min(1.0, i / (0.005 * rate))
            angle = 2 * math.pi * frequency * t
            tone = math.sin(angle) + 0.3 * math.sin(2 * angle)
            samples.append(int(9000 * envelope * tone))
    return Audio(rate, 1, samples)


def trim(audio: Audio, threshold: int = 300, keep_s: float = 0.02) -> Audio:
    """``audio`` without the near-silence before and after it (espeak-ng pads every clip)."""
    loud = [i for i, s in enumerate(audio.samples) if abs(s) >= threshold]
    if not loud:
        return audio
    keep = round(keep_s * audio.rate) * audio.channels
    first = max(0, loud[0] // audio.channels * audio.channels - keep)
    last = min(len(audio.samples), (loud[-1] // audio.channels + 1) * audio.channels + keep)
    return Audio(audio.rate, audio.channels, audio.samples[first:last])


def peak(audio: Audio) -> int:
    """The loudest sample: 0 means the audio is silence."""
    return max((abs(s) for s in audio.samples), default=0)
