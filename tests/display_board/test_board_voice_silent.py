"""A silent voice is known at once (issue 16): the board says so in Vietnamese, the manager
reads what to check, and the announcer says the calls still fresh when the device is back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from broker.wire.protocol import DeviceStatus
from display_board.voice import VoiceOptions
from drivers.speech import Announcer, SpeechError, audio_health
from drivers.speech.wav import chime, write_wav
from manager_console.health import HealthBook, Level
from tests.display_board.board_support import label, screenshot, start_board
from tests.support import CONFIG, wait_for

NOTICE = "Loa gọi số đang không phát — xin theo dõi số trên bảng"


class UnpluggedSpeakers:
    """Speech is made; playing fails while the speakers are unplugged."""

    def __init__(self) -> None:
        self.plugged = threading.Event()
        self.played: list[str] = []

    def health(self) -> str:
        return "ok" if self.plugged.is_set() else "no_sound_device"

    def synthesize(self, text: str, lang: str, out: Path) -> Path:
        return write_wav(out, chime(22050))

    def play(self, wav: Path) -> None:
        if not self.plugged.is_set():
            raise SpeechError("aplay could not play it: no soundcards found")
        self.played.append(wav.name)


def test_the_announcer_knows_it_is_silent_and_says_the_calls_when_the_device_is_back(tmp_path):
    speakers = UnpluggedSpeakers()
    told: list[str | None] = []
    announcer = Announcer(speakers, chime=None, wav_dir=tmp_path, play=True, max_age_s=60,
                          device_health=speakers.health, on_silence=told.append, retry_s=0.05)
    try:
        announcer.announce("1001", 1)
        wait_for(lambda: told == ["no_sound_device"], what="the silence told")
        assert announcer.silent == "no_sound_device"
        assert announcer.audio_health() == "no_sound_device"
        announcer.announce("1002", 2)
        wait_for(lambda: len(announcer.history) == 2, what="both calls made")
        # not heard, but written and kept where the WAVs go
        assert [s.error is not None for s in announcer.history] == [True, True]
        assert sorted(p.name for p in tmp_path.glob("*.wav")) == [
            "call-0001-1001-1.wav", "call-0002-1002-2.wav"]
        time.sleep(0.2)
        assert speakers.played == []  # looked at again and again, still silent

        speakers.plugged.set()
        wait_for(lambda: told == ["no_sound_device", None], what="the voice back")
        wait_for(lambda: len(speakers.played) == 2, what="the unheard calls said")
        assert [s.call.number for s in announcer.history[2:]] == ["1001", "1002"]
        assert all(s.error is None for s in announcer.history[2:])
        announcer.announce("1003", 3)
        wait_for(lambda: len(speakers.played) == 3, what="a new call heard")
    finally:
        announcer.stop()


def test_calls_grown_stale_while_silent_are_not_said_later(tmp_path):
    speakers = UnpluggedSpeakers()
    now = [1000.0]
    announcer = Announcer(speakers, chime=None, wav_dir=tmp_path, play=True, max_age_s=10,
                          clock=lambda: now[0], device_health=speakers.health, retry_s=0.05)
    try:
        announcer.announce("1001", 1)
        wait_for(lambda: announcer.history, what="the call made")
        now[0] += 60  # the device comes back a minute later: 1001 has gone to its counter
        speakers.plugged.set()
        wait_for(lambda: announcer.silent is None, what="the voice back")
        assert announcer.join(5)
        assert speakers.played == []
        assert [d.call.number for d in announcer.dropped] == ["1001"]
    finally:
        announcer.stop()


def test_the_board_says_when_its_voice_is_silent(hub, devices, qtbot, artifacts):
    board = start_board(qtbot, devices("board-zone-a"))
    qtbot.waitUntil(lambda: label(board, "connectionStatus") == "")
    board.controller.voice_silence.emit("no_sound_device")
    qtbot.waitUntil(lambda: label(board, "connectionStatus") == NOTICE)
    assert board.window.connection.isVisible()
    screenshot(board, artifacts / "board-voice-silent.png")
    board.controller.voice_silence.emit(None)
    qtbot.waitUntil(lambda: label(board, "connectionStatus") == "")


@pytest.mark.skipif(audio_health() != "no_sound_device", reason="this machine has a sound card")
def test_a_board_started_without_a_sound_card_shows_it_at_once(hub, devices, qtbot):
    board = start_board(qtbot, devices("board-zone-a"), voice=VoiceOptions(play=True))
    try:
        qtbot.waitUntil(lambda: label(board, "connectionStatus") == NOTICE)
        assert board.voice.silent == "no_sound_device"
    finally:
        board.close()


def test_the_manager_reads_a_silent_voice_in_vietnamese_with_what_to_check():
    book = HealthBook()
    book.update("board-hall", DeviceStatus(online=True, session="s", health={
        "audio": "no_sound_device",
        "audio_error": "aplay could not play call-0001.wav: aplay: main:850: no soundcards found"}))
    [row] = [r for r in book.rows(CONFIG, "vi") if r.id == "board-hall"]
    assert row.level is Level.PROBLEM
    assert row.details == ("Âm thanh: LOA KHÔNG PHÁT: máy không thấy thiết bị âm thanh — kiểm "
                           "tra loa, dây cắm và nguồn; thử lệnh aplay -l",)
    assert "aplay could not" not in " ".join(row.details)
