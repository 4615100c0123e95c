"""The hall's voice: a chime, then the call, once or twice; calls queued so they never overlap
or cut each other off; a repeated call of a number still waiting is merged; a call that
waited too long is dropped rather than sending a citizen to a counter that has moved on.

    announcer = Announcer(EspeakSpeaker(), chime=True, repeat=2, max_age_s=15)
    announcer.announce("1023", 5, lang="vi", at=event.at, kind="call")

With ``wav_dir`` each call is written there as one WAV (chime and repeats included) and, by
default, not played: the output of a machine without a sound card, or of a test.

When playing fails (no sound card, no player, the speakers unplugged) the hall is silent:
``silent`` says why and ``on_silence`` is told at once, so the board and the manager know.
The calls that were not heard are kept; the announcer looks at the device every ``retry_s``
and, when it is back, says those still fresh (``max_age_s``) and carries on.
"""

import logging
import re
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from drivers.speech.numbers import NORTH, Mode, VietnameseStyle, spoken_number
from drivers.speech.phrases import DEFAULT_TEMPLATES, announcement_text, check_template
from drivers.speech.speakers import Speaker, audio_health
from drivers.speech.wav import Audio, chime, join, read_wav, silence, write_wav

log = logging.getLogger("qms.drivers.announcer")

Kind = Literal["call", "recall"]
Queued = Literal["queued", "merged", "stale"]
TimeSource = Callable[[], float | datetime]
PAUSE_S = 0.7  # between the chime and the call, and between repeats


def _seconds(moment: float | datetime) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else float(moment)


@dataclass(frozen=True, slots=True)
class Call:
    number: str
    counter: str
    lang: str
    kind: Kind
    at: float  # when the call happened (epoch seconds, or the injected clock's time)


@dataclass(frozen=True, slots=True)
class Spoken:
    """One announcement as it went out. ``started``/``ended`` are ``time.monotonic()``
    around playing (equal when only a WAV was written); ``error`` says why it was not heard."""

    call: Call
    text: str
    wav: Path | None
    started: float
    ended: float
    merged: int = 0  # calls of the same number folded into this one
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Dropped:
    call: Call
    age_s: float


class Announcer:
    def __init__(
        self,
        speaker: Speaker,
        chime: Path | bool | None = True,
        repeat: int = 1,
        max_age_s: float = 15.0,
        clock: TimeSource = time.time,
        wav_dir: Path | None = None,
        *,
        play: bool | None = None,
        templates: Mapping[str, str] = DEFAULT_TEMPLATES,
        mode: Mode = "whole",
        style: VietnameseStyle = NORTH,
        on_spoken: Callable[[Spoken], None] | None = None,
        on_silence: Callable[[str | None], None] | None = None,
        device_health: Callable[[], str] | None = None,
        retry_s: float = 5.0,
    ) -> None:
        """``chime``: a WAV, True for the built-in one, None or False for none. ``clock`` gives
        the time calls are aged against (epoch seconds or datetimes, like ``at``). ``play``
        defaults to True without ``wav_dir`` and False with it. ``on_silence`` is called (from
        the announcer's thread) with why the hall cannot hear, and with None once it can
        again; ``device_health`` replaces the ALSA check (``audio_health``)."""
        if not 1 <= repeat <= 3:
            raise ValueError("repeat must be 1, 2 or 3")
        for template in templates.values():
            check_template(template)
        self.speaker = speaker
        self.repeat = repeat
        self.max_age_s = max_age_s
        self.clock = clock
        self.wav_dir = wav_dir
        self.play = wav_dir is None if play is None else play
        self.templates = dict(templates)
        self.mode = mode
        self.style = style
        self.on_spoken = on_spoken
        self.on_silence = on_silence
        self.retry_s = retry_s
        self._device_health = device_health or audio_health
        self.silent: str | None = None  # why the hall cannot hear the calls, or None
        self._unheard: list[tuple[Call, int]] = []  # said while silent: retried when back
        self.history: list[Spoken] = []
        self.dropped: list[Dropped] = []
        self.last_error: str | None = None
        self._chime = chime
        self._queue: list[tuple[Call, int]] = []  # each call and how many were merged into it
        self._busy = False
        self._stopping = False
        self._count = 0
        self._cond = threading.Condition()
        self._tmp = tempfile.TemporaryDirectory(prefix="qms-voice-")
        if wav_dir is not None:
            wav_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def now(self) -> float:
        return _seconds(self.clock())

    def announce(
        self,
        number: str,
        counter: str | int,
        lang: str = "vi",
        at: float | datetime | None = None,
        kind: Kind = "call",
    ) -> Queued:
        """Queues a call. "merged": the number was already waiting to be called (a recall, or
        the same event twice), so it is said once, to the counter given last. "stale": older
        than ``max_age_s`` already, dropped."""
        if lang not in self.templates:
            raise ValueError(f"no announcement template for language {lang!r}")
        # A number or counter that cannot be read fails here, in the caller, not in the worker.
        spoken_number(number, lang)
        spoken_number(str(counter), lang)
        call = Call(number, str(counter), lang, kind, self.now() if at is None else _seconds(at))
        age = self.now() - call.at
        if age > self.max_age_s:
            self._drop(call, age)
            return "stale"
        with self._cond:
            if self._stopping:
                raise RuntimeError("the announcer is stopped")
            for i, (queued, merged) in enumerate(self._queue):
                if queued.number == call.number:
                    newest = replace(call, at=max(call.at, queued.at), kind=queued.kind)
                    self._queue[i] = (newest, merged + 1)
                    return "merged"
            self._queue.append((call, 0))
            self._cond.notify_all()
        return "queued"

    def join(self, timeout: float | None = None) -> bool:
        """Waits until every queued call is spoken or dropped; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Finishes the announcement being spoken, drops the rest, ends the worker."""
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._cond.notify_all()
        self._thread.join(timeout)
        self._tmp.cleanup()

    def audio_health(self) -> str:
        """ "ok" or why the hall would not hear a call (see ``audio_health``)."""
        if not self.play:
            return "ok"
        return self.silent or self._device_health()

    def _set_silent(self, reason: str | None) -> None:
        if reason == self.silent:
            return
        self.silent = reason
        if reason is None:
            log.warning("the hall can hear the calls again")
        else:
            log.error("the hall cannot hear the calls: %s", reason)
        if self.on_silence is not None:
            try:
                self.on_silence(reason)
            except Exception:
                log.exception("on_silence failed")

    def check_device(self) -> str:
        """Looks at the audio device now (when playing): a hall that starts without one
        knows at once, before the first call is lost. Returns the health."""
        if not self.play:
            return "ok"
        health = self._safe_health()
        if health != "ok":
            self._set_silent(health)
        return health

    def _safe_health(self) -> str:
        try:
            return self._device_health()
        except Exception as e:  # the check itself failing is no reason to stop the worker
            log.warning("audio health check failed: %s", e)
            return "play_failed"

    def _keep_unheard(self, call: Call, merged: int) -> None:
        """Kept for when the device is back; those already too old to say are let go."""
        now = self.now()
        self._unheard = [(c, m) for c, m in self._unheard
                         if now - c.at <= self.max_age_s and c.number != call.number]
        self._unheard.append((call, merged))

    def _look_at_device(self) -> None:
        """While silent: is the device back? Then the unheard calls still fresh are said."""
        health = self._safe_health()
        if health != "ok":
            return
        with self._cond:
            unheard, self._unheard = self._unheard, []
            fresh = []
            for call, merged in unheard:
                age = self.now() - call.at
                if age > self.max_age_s:
                    self._drop(call, age)
                elif all(queued.number != call.number for queued, _ in self._queue):
                    fresh.append((call, merged))
            self._queue[:0] = fresh
        self._set_silent(None)

    def _drop(self, call: Call, age: float) -> None:
        log.warning("call %s to counter %s dropped: %.1f s old", call.number, call.counter, age)
        self.dropped.append(Dropped(call, age))

    def _run(self) -> None:
        while True:
            if self.silent is not None:
                with self._cond:
                    # Calls are still written (and kept) while silent; the device is looked
                    # at again every retry_s.
                    self._cond.wait_for(lambda: self._queue or self._stopping, self.retry_s)
                    if self._stopping:
                        return
                self._look_at_device()
            with self._cond:
                if self.silent is None:
                    self._cond.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                if not self._queue:
                    continue
                call, merged = self._queue.pop(0)
                self._busy = True
            try:
                age = self.now() - call.at
                if age > self.max_age_s:
                    self._drop(call, age)
                else:
                    self._speak(call, merged)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _chime_audio(self, rate: int) -> Audio | None:
        if self._chime is None or self._chime is False:
            return None
        if self._chime is True:
            return chime(rate)
        return read_wav(self._chime)

    def _speak(self, call: Call, merged: int) -> None:
        self._count += 1
        name = re.sub(r"[^\w-]", "_", f"call-{self._count:04d}-{call.number}-{call.counter}")
        out = (self.wav_dir or Path(self._tmp.name)) / f"{name}.wav"
        text = ""
        error = None
        started = ended = time.monotonic()
        try:
            # Read at its turn: a template changed by config in the meantime applies.
            text = announcement_text(
                self.templates[call.lang], call.number, call.counter, call.lang, self.mode,
                self.style,
            )  # fmt: skip
            said = self.speaker.synthesize(text, call.lang, Path(self._tmp.name) / "speech.wav")
            speech = read_wav(said)
            pause = silence(PAUSE_S, speech.rate, speech.channels)
            bell = self._chime_audio(speech.rate)
            parts = [bell, pause] if bell else []
            parts += [speech, pause] * (self.repeat - 1) + [speech]
            write_wav(out, join(parts, speech.rate, speech.channels))
            started = ended = time.monotonic()
        except Exception as e:
            # Whatever went wrong with this call, the worker lives on for the next one.
            error = str(e) or type(e).__name__
            self.last_error = error
            log.error("call %s to counter %s not made: %s", call.number, call.counter, error)
        if error is None and self.play:
            if self.silent is not None:
                error = f"not played: {self.silent}"
                self._keep_unheard(call, merged)
            else:
                try:
                    self.speaker.play(out)
                except Exception as e:
                    error = str(e) or type(e).__name__
                    self.last_error = error
                    log.error("call %s to counter %s not heard: %s", call.number, call.counter,
                              error)
                    self._keep_unheard(call, merged)
                    health = self._safe_health()
                    self._set_silent(health if health != "ok" else "play_failed")
                ended = time.monotonic()
        spoken = Spoken(call, text, out if self.wav_dir else None, started, ended, merged, error)
        if self.wav_dir is None:
            out.unlink(missing_ok=True)
        self.history.append(spoken)
        if self.on_spoken is not None:
            try:
                self.on_spoken(spoken)
            except Exception:
                log.exception("on_spoken failed for call %s", call.number)
