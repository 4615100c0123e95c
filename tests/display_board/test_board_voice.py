"""The voice: calls and recalls spoken as the configured Vietnamese sentence, in order, never
overlapping, stale ones dropped, health reported; inside a board and as `qms announcer`."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import wave
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import msgspec
import pytest

from broker.wire import protocol
from broker.wire.device_client import RequestError
from display_board.voice import CallVoice, VoiceOptions
from drivers.speech import EspeakSpeaker, audio_health, build_clip_pack
from drivers.speech.wav import wav_duration
from tests.display_board.board_support import hero, start_board
from tests.support import DEMO_PIN, ROOT, wait_for

SENTENCE = "Xin mời công dân có số thứ tự {number} đến quầy số {counter}"


class VirtualSoundCard:
    """espeak-ng's real speech, "played" on a card that takes time and notices overlap."""

    def __init__(self, play_s: float = 0.2) -> None:
        self.voice = EspeakSpeaker()
        self.play_s = play_s
        self.played: list[Path] = []
        self.overlaps = 0
        self._playing = threading.Lock()

    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        return self.voice.synthesize(text, lang, out)

    def play(self, wav: Path) -> None:
        if not self._playing.acquire(blocking=False):
            self.overlaps += 1
            self._playing.acquire()
        try:
            self.played.append(wav)
            time.sleep(self.play_s)
        finally:
            self._playing.release()


def _whole_wav_s(path: Path) -> float | None:
    """The WAV's duration once all the frames its header promises are there."""
    try:
        with wave.open(str(path), "rb") as f:
            frames = f.getnframes()
            data = f.readframes(frames)
            whole = len(data) == frames * f.getsampwidth() * f.getnchannels()
            return frames / f.getframerate() if whole and frames else None
    except (EOFError, wave.Error):
        return None


def _status_watch(client, device_id: str) -> dict[str, protocol.DeviceStatus]:
    latest: dict[str, protocol.DeviceStatus] = {}

    def keep(message) -> None:
        if message.payload:
            latest["status"] = msgspec.json.decode(message.payload, type=protocol.DeviceStatus)

    client.subscribe(client.topics.device_status(device_id), keep)
    return latest


def _started(voice: CallVoice) -> CallVoice:
    """Returns once the broker holds the voice's event subscription.

    The broker handles one client's packets in order, so once the hub has answered a command
    sent after the SUBSCRIBE (a refusal will do: an announcer may not call), the subscription
    is in place and no event of the test can slip past it."""
    with pytest.raises(RequestError):
        voice.client.request("counter.call_next")
    return voice


def _ready(kiosk, counters: dict, service: str, tickets: int) -> None:
    for _ in range(tickets):
        kiosk.request("ticket.issue", {"service": service})
    for client, officer in counters.items():
        client.request("counter.open", {"officer": officer, "pin": DEMO_PIN})


def test_calls_and_recalls_spoken_in_order_without_overlap(hub, devices, artifacts):
    kiosk, counter4, counter5 = devices("kiosk-1"), devices("counter-4"), devices("counter-5")
    _ready(kiosk, {counter4: "pthd", counter5: "hve"}, "datdai", 2)
    card = VirtualSoundCard()
    voice = _started(CallVoice(devices("announcer-1"),
                               VoiceOptions(wav_dir=artifacts, play=True, repeat=2),
                               speaker=card).start())
    try:
        counter5.request("counter.call_next")  # 2001, said while 2002 waits its turn
        counter4.request("counter.call_next")
        wait_for(lambda: len(voice.history) == 2, timeout=30, what="two calls spoken")
        counter5.request("counter.recall")
        wait_for(lambda: len(voice.history) == 3, timeout=30, what="the recall spoken")
    finally:
        voice.stop()
    spoken = voice.history
    assert [s.text for s in spoken] == [
        SENTENCE.format(number="hai nghìn không trăm linh một", counter="năm"),
        SENTENCE.format(number="hai nghìn không trăm linh hai", counter="bốn"),
        SENTENCE.format(number="hai nghìn không trăm linh một", counter="năm"),
    ]
    assert [s.call.kind for s in spoken] == ["call", "call", "recall"]
    assert all(s.error is None for s in spoken)
    assert card.played == [s.wav for s in spoken] and card.overlaps == 0
    for earlier, later in pairwise(spoken):
        assert earlier.started < earlier.ended <= later.started
    for s in spoken:
        # A chime, then the sentence twice: longer than two bare sentences, far from a minute.
        assert s.wav is not None and s.wav.parent == artifacts
        assert 7.0 < wav_duration(s.wav) < 30.0, s.wav


def test_board_voice_speaks_its_zone_only_and_reports_health(hub, devices, qtbot, artifacts):
    kiosk, counter2, counter8 = devices("kiosk-1"), devices("counter-2"), devices("counter-8")
    manager = devices("manager-1")
    status = _status_watch(manager, "board-zone-a")
    _ready(kiosk, {counter2: "ttb"}, "dkdn", 1)
    _ready(kiosk, {counter8: "bth"}, "thuongmai", 1)
    board = start_board(qtbot, devices("board-zone-a"), voice=VoiceOptions(wav_dir=artifacts))
    _started(board.voice)
    qtbot.waitUntil(lambda: "status" in status and status["status"].health.get("audio") == "ok")

    counter8.request("counter.call_next")  # another zone's counter: not for these speakers
    counter2.request("counter.call_next")
    qtbot.waitUntil(lambda: hero(board) == ("1001", "Quầy 2"))
    qtbot.waitUntil(lambda: len(board.voice.history) == 1, timeout=20_000)
    assert board.voice.join(10)
    [spoken] = board.voice.history
    assert spoken.text == SENTENCE.format(number="một nghìn không trăm linh một", counter="hai")
    assert spoken.wav is not None and 3.0 < wav_duration(spoken.wav) < 15.0
    assert sorted(p.name for p in artifacts.glob("*.wav")) == [spoken.wav.name]
    assert status["status"].online and status["status"].health["audio_error"] is None


def test_stale_calls_are_dropped_and_digits_mode(hub, devices, artifacts):
    kiosk, counter5 = devices("kiosk-1"), devices("counter-5")
    _ready(kiosk, {counter5: "hve"}, "datdai", 1)
    voice = _started(CallVoice(devices("announcer-1"),
                               VoiceOptions(wav_dir=artifacts, digits=True, chime=False)).start())
    try:
        old = datetime.now().astimezone() - timedelta(minutes=3)
        counter5.client.publish(counter5.topics.event("ticket.called"), protocol.encode_event(
            "ticket.called", {"at": old.isoformat(), "ticket": "old", "number": "1999",
                              "service": "datdai", "counter": "5", "counter_number": 5}), 1)
        counter5.request("counter.call_next")
        wait_for(lambda: len(voice.history) == 1, timeout=20, what="the fresh call spoken")
        assert voice.join(10)
    finally:
        voice.stop()
    [spoken] = voice.history
    assert spoken.text == SENTENCE.format(number="hai không không một", counter="năm")
    assert [d.call.number for d in voice.announcer.dropped] == ["1999"]


@pytest.mark.skipif(audio_health() != "no_sound_device", reason="this machine has a sound card")
def test_no_sound_card_is_reported_as_health(hub, devices):
    kiosk, counter5, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    status = _status_watch(manager, "announcer-1")
    _ready(kiosk, {counter5: "hve"}, "datdai", 1)
    voice = _started(CallVoice(devices("announcer-1"), VoiceOptions(chime=False)).start())
    try:
        wait_for(lambda: "status" in status
                 and status["status"].health.get("audio") == "no_sound_device")
        counter5.request("counter.call_next")
        wait_for(lambda: voice.history, timeout=20, what="the call attempted")
    finally:
        voice.stop()
    # known silent from the start: the call is made but not tried on a card that is not there
    assert voice.history[0].error == "not played: no_sound_device"
    assert voice.silent == "no_sound_device"
    assert status["status"].health["audio"] == "no_sound_device"


def test_qms_announcer_command(broker, hub, devices, tmp_path):
    kiosk, counter5, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    status = _status_watch(manager, "announcer-1")
    _ready(kiosk, {counter5: "hve"}, "datdai", 1)
    wavs = tmp_path / "wavs"
    process = subprocess.Popen(
        [sys.executable, "-m", "qms.cli", "announcer", "--device", "announcer-1",
         "--broker", broker.url, "--wav-dir", str(wavs), "--repeat", "2"],
        cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: "status" in status and status["status"].online
                 and status["status"].health.get("audio") == "ok", timeout=20,
                 what="the announcer online")
        counter5.request("counter.call_next")
        # Another process writes it: read it once it is whole.
        wait_for(lambda: [w for w in wavs.glob("*.wav") if _whole_wav_s(w)], timeout=20,
                 what="the call's WAV")
        [wav] = wavs.glob("*.wav")
        assert wav.name.endswith("-2001-5.wav") and 7.0 < wav_duration(wav) < 30.0
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(15)
    assert code == 0, process.stderr.read().decode()[-2000:] if process.stderr else ""
    wait_for(lambda: not status["status"].online, what="the announcer's clean goodbye")


def test_a_pack_of_recorded_clips_speaks_instead_of_espeak(hub, devices, artifacts, tmp_path):
    kiosk, counter12 = devices("kiosk-1"), devices("counter-12")
    pack = build_clip_pack(tmp_path / "pack", langs=("vi",))
    _ready(kiosk, {counter12: "ltn"}, "khcn", 1)
    voice = _started(CallVoice(devices("announcer-1"),
                               VoiceOptions(wav_dir=artifacts, clip_pack=pack)).start())
    try:
        counter12.request("counter.call_next")
        wait_for(lambda: voice.history, timeout=20, what="the call spoken from clips")
    finally:
        voice.stop()
    [spoken] = voice.history
    assert spoken.error is None
    assert spoken.text == SENTENCE.format(number="sáu nghìn năm trăm linh một", counter="mười hai")
    assert spoken.wav is not None and 3.0 < wav_duration(spoken.wav) < 20.0


def test_a_call_that_fails_is_logged_and_the_next_is_still_spoken(hub, devices, artifacts,
                                                                   caplog):
    kiosk, counter5 = devices("kiosk-1"), devices("counter-5")
    _ready(kiosk, {counter5: "hve"}, "datdai", 1)
    voice = _started(CallVoice(devices("announcer-1"),
                               VoiceOptions(wav_dir=artifacts, chime=False)).start())
    assert voice.announcer is not None
    announce = voice.announcer.announce
    failures: list[str] = []

    def fails_once(number, *args, **kwargs):
        if not failures:
            failures.append(number)
            raise RuntimeError("the speech engine broke")
        return announce(number, *args, **kwargs)

    voice.announcer.announce = fails_once
    try:
        with caplog.at_level(logging.ERROR, logger="qms.voice"):
            counter5.request("counter.call_next")  # on paho's thread, the handler raises
            wait_for(lambda: failures, timeout=20, what="the failing call")
            counter5.request("counter.recall")  # paho's loop still runs: this one is spoken
            wait_for(lambda: voice.history, timeout=20, what="the recall spoken")
    finally:
        voice.stop()
    assert failures == ["2001"]
    [spoken] = voice.history
    assert spoken.call.kind == "recall" and spoken.call.number == "2001"
    assert any("could not announce ticket.called 2001" in r.getMessage()
               and r.exc_info is not None for r in caplog.records)
