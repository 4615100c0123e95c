"""The Announcer's queue rules: in order, never overlapping, recalls merged, stale calls dropped,
failures recorded; and one real espeak-ng call written to a WAV as a board without a sound
card does."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drivers.speech import Announcer, EspeakSpeaker, SpeechError, audio_health
from drivers.speech.announcer import PAUSE_S
from drivers.speech.wav import chime, read_wav, silence, wav_duration, write_wav

SPEECH_S = 0.2


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t


class RecordingSpeaker:
    """A speaker whose voice is 0.2 s of silence-free tone and whose playing takes a little
    real time; it records what it was asked to say and when each play started and ended.
    A closed ``gate`` holds every play until the test opens it."""

    def __init__(self, play_s: float = 0.03, fail_on: str | None = None) -> None:
        self.play_s = play_s
        self.fail_on = fail_on
        self.texts: list[str] = []
        self.plays: list[tuple[str, float, float, float]] = []  # name, start, end, seconds
        self.gate = threading.Event()
        self.gate.set()
        self.playing = threading.Event()

    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        if self.fail_on and self.fail_on in text:
            raise SpeechError(f"cannot say {text!r}")
        self.texts.append(text)
        voice = chime(22050)  # any audible sound will do
        voice = type(voice)(22050, 1, voice.samples[: int(SPEECH_S * 22050)])
        return write_wav(out, voice)

    def play(self, wav: Path) -> None:
        start = time.monotonic()
        self.playing.set()
        self.gate.wait(10)
        seconds = wav_duration(wav)
        time.sleep(self.play_s)
        self.plays.append((wav.name, start, time.monotonic(), seconds))


def numbers_spoken(announcer: Announcer) -> list[str]:
    return [s.call.number for s in announcer.history]


def test_calls_play_in_order_and_never_overlap() -> None:
    speaker = RecordingSpeaker()
    announcer = Announcer(speaker, chime=None)
    for i in range(6):
        assert announcer.announce(f"10{i:02d}", i + 1) == "queued"
    assert announcer.join(10)
    announcer.stop()
    assert numbers_spoken(announcer) == [f"10{i:02d}" for i in range(6)]
    assert len(speaker.plays) == 6
    for (_, _, end, _), (_, start, _, _) in zip(speaker.plays, speaker.plays[1:], strict=False):
        assert start >= end
    for spoken in announcer.history:
        assert spoken.ended >= spoken.started and spoken.error is None
    assert "quầy số sáu" in speaker.texts[-1]


def test_chime_then_the_call_twice() -> None:
    speaker = RecordingSpeaker()
    announcer = Announcer(speaker, chime=True, repeat=2)
    announcer.announce("1023", 5)
    assert announcer.join(10)
    announcer.stop()
    bell = chime(22050).duration_s
    expected = bell + PAUSE_S + SPEECH_S + PAUSE_S + SPEECH_S
    assert speaker.plays[0][3] == pytest.approx(expected, abs=1 / 22050 * 4)


def test_a_chime_file_in_another_format_is_converted(tmp_path: Path) -> None:
    bell = write_wav(tmp_path / "bell.wav", silence(0.5, 44100, channels=2))
    announcer = Announcer(RecordingSpeaker(), chime=bell, wav_dir=tmp_path / "out")
    announcer.announce("1", 1)
    assert announcer.join(10)
    announcer.stop()
    wav = announcer.history[0].wav
    assert wav is not None
    audio = read_wav(wav)
    assert (audio.rate, audio.channels) == (22050, 1)
    assert audio.duration_s == pytest.approx(0.5 + PAUSE_S + SPEECH_S, abs=0.001)


def test_recall_of_a_waiting_number_is_merged() -> None:
    speaker = RecordingSpeaker()
    speaker.gate.clear()
    announcer = Announcer(speaker, chime=None)
    announcer.announce("1001", 1)
    assert speaker.playing.wait(5)  # 1001 is being spoken; the rest wait
    assert announcer.announce("1002", 2) == "queued"
    assert announcer.announce("1003", 3) == "queued"
    assert announcer.announce("1002", 4, kind="recall") == "merged"
    assert announcer.announce("1001", 1, kind="recall") == "queued"  # no longer waiting
    speaker.gate.set()
    assert announcer.join(10)
    announcer.stop()
    assert numbers_spoken(announcer) == ["1001", "1002", "1003", "1001"]
    merged = announcer.history[1]
    assert (merged.merged, merged.call.counter) == (1, "4")  # said once, to the newest counter
    assert "quầy số bốn" in merged.text


def test_a_call_already_too_old_is_dropped() -> None:
    clock = FakeClock()
    speaker = RecordingSpeaker()
    announcer = Announcer(speaker, chime=None, max_age_s=10, clock=clock)
    assert announcer.announce("1001", 1, at=clock.t - 11) == "stale"
    assert announcer.announce("1002", 1, at=clock.t - 9) == "queued"
    assert announcer.join(10)
    announcer.stop()
    assert numbers_spoken(announcer) == ["1002"]
    assert [d.call.number for d in announcer.dropped] == ["1001"]


def test_a_call_that_waited_too_long_in_the_queue_is_dropped() -> None:
    clock = FakeClock()
    speaker = RecordingSpeaker()
    speaker.gate.clear()
    announcer = Announcer(speaker, chime=None, max_age_s=10, clock=clock)
    announcer.announce("1001", 1)
    assert speaker.playing.wait(5)
    announcer.announce("1002", 2)
    clock.t += 8
    announcer.announce("1003", 3)
    clock.t += 4  # 1002 is now 12 s old, 1003 only 4 s
    speaker.gate.set()
    assert announcer.join(10)
    announcer.stop()
    assert numbers_spoken(announcer) == ["1001", "1003"]
    assert announcer.dropped[0].call.number == "1002"
    assert announcer.dropped[0].age_s == pytest.approx(12)


def test_event_times_as_datetimes() -> None:
    now = datetime(2025, 11, 21, 8, 15, tzinfo=UTC)
    announcer = Announcer(
        RecordingSpeaker(), chime=None, max_age_s=10, clock=lambda: now, play=False
    )
    assert announcer.announce("1", 1, at=now.replace(second=10)) == "queued"
    assert announcer.announce("2", 1, at=now.replace(minute=14)) == "stale"
    assert announcer.join(10)
    announcer.stop()


def test_a_failed_call_is_recorded_and_the_next_one_still_spoken() -> None:
    speaker = RecordingSpeaker(fail_on="một nghìn không trăm linh một")
    announcer = Announcer(speaker, chime=None)
    announcer.announce("1001", 1)
    announcer.announce("1002", 2)
    assert announcer.join(10)
    announcer.stop()
    failed, spoken = announcer.history
    assert failed.error is not None and "cannot say" in failed.error
    assert spoken.error is None
    assert announcer.last_error == failed.error
    assert len(speaker.plays) == 1


def test_wav_output_needs_no_sound_card(tmp_path: Path) -> None:
    speaker = RecordingSpeaker()
    heard: list[str] = []
    announcer = Announcer(
        speaker, chime=True, wav_dir=tmp_path, on_spoken=lambda s: heard.append(s.text)
    )
    announcer.announce("A023", 7, lang="en")
    announcer.announce("1024", 8)
    assert announcer.join(10)
    announcer.stop()
    assert speaker.plays == []  # written, not played
    assert announcer.audio_health() == "ok"
    wavs = [s.wav for s in announcer.history]
    assert wavs == [tmp_path / "call-0001-A023-7.wav", tmp_path / "call-0002-1024-8.wav"]
    assert all(w is not None and w.exists() for w in wavs)
    assert heard[0] == "Ticket number ay twenty-three, please come to counter seven"


def test_playing_announcer_reports_the_audio_path() -> None:
    announcer = Announcer(RecordingSpeaker(), chime=None)
    assert announcer.audio_health() == audio_health()
    announcer.stop()


def test_stop_finishes_the_current_call_and_drops_the_rest() -> None:
    speaker = RecordingSpeaker()
    speaker.gate.clear()
    announcer = Announcer(speaker, chime=None)
    announcer.announce("1", 1)
    assert speaker.playing.wait(5)
    announcer.announce("2", 1)
    announcer.announce("3", 1)
    threading.Timer(0.1, speaker.gate.set).start()
    announcer.stop()
    assert numbers_spoken(announcer) == ["1"]
    assert len(speaker.plays) == 1
    with pytest.raises(RuntimeError, match="stopped"):
        announcer.announce("4", 1)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="repeat"):
        Announcer(RecordingSpeaker(), repeat=0)
    with pytest.raises(ValueError, match="unknown placeholder"):
        Announcer(RecordingSpeaker(), templates={"vi": "Số {so}"})
    announcer = Announcer(RecordingSpeaker(), chime=None)
    with pytest.raises(ValueError, match="no announcement template for language 'fr'"):
        announcer.announce("1", 1, lang="fr")
    with pytest.raises(ValueError, match="not a ticket number"):
        announcer.announce("1", "9/B")
    with pytest.raises(ValueError, match="not a ticket number"):
        announcer.announce("1-2", 1)
    announcer.stop()


def test_a_broken_template_fails_that_call_only() -> None:
    speaker = RecordingSpeaker()
    announcer = Announcer(speaker, chime=None)
    announcer.templates["vi"] = "Số {number} đến {quầy}"  # as a config update might set it
    announcer.announce("1", 1)
    assert announcer.join(10)
    announcer.templates["vi"] = "Số {number} đến quầy {counter}"
    announcer.announce("2", 1)
    assert announcer.join(10)
    announcer.stop()
    broken, fine = announcer.history
    assert broken.error is not None and "unknown placeholder" in broken.error
    assert fine.error is None and fine.text == "Số hai đến quầy một"


def test_real_voice_to_a_wav_file(tmp_path: Path) -> None:
    announcer = Announcer(EspeakSpeaker(), chime=True, repeat=1, wav_dir=tmp_path)
    announcer.announce("1023", 5)
    assert announcer.join(30)
    announcer.stop()
    spoken = announcer.history[0]
    assert spoken.error is None and spoken.wav is not None
    assert spoken.text.endswith("một nghìn không trăm hai mươi ba đến quầy số năm")
    audio = read_wav(spoken.wav)
    # The chime, a pause, then about five seconds of speech.
    assert 4.0 < audio.duration_s - chime().duration_s - PAUSE_S < 10.0
