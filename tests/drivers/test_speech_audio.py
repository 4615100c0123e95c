"""Speech made by the real espeak-ng (through pyttsx3) and by clip packs, checked as WAVs."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from drivers.speech import (
    DEFAULT_TEMPLATES,
    ClipPackSpeaker,
    EspeakSpeaker,
    SpeechError,
    announcement_text,
    audio_health,
    build_clip_pack,
    play_wav,
)
from drivers.speech.clip_pack import GAP_S, vocabulary, words
from drivers.speech.wav import Audio, convert, peak, read_wav, silence, wav_duration, write_wav

CALL_VI = announcement_text(DEFAULT_TEMPLATES["vi"], "1023", 5, "vi")
CALL_EN = announcement_text(DEFAULT_TEMPLATES["en"], "1023", 5, "en")


@pytest.fixture(scope="module")
def espeak() -> EspeakSpeaker:
    return EspeakSpeaker()


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Vietnamese only: one espeak-ng run per clip adds up.
    return build_clip_pack(tmp_path_factory.mktemp("pack"), langs=("vi",))


def test_espeak_speaks_a_vietnamese_call_to_a_wav(espeak: EspeakSpeaker, tmp_path: Path) -> None:
    wav = espeak.synthesize(CALL_VI, "vi", tmp_path / "call.wav")
    audio = read_wav(wav)
    # 21 syllables at 150 words a minute: a few seconds, not a click and not a minute.
    assert 3.0 < audio.duration_s < 12.0
    assert (audio.rate, audio.channels) == (22050, 1)
    assert peak(audio) > 3000


def test_speaking_rate_changes_the_length(tmp_path: Path) -> None:
    slow = EspeakSpeaker(rate=110).synthesize(CALL_VI, "vi", tmp_path / "slow.wav")
    fast = EspeakSpeaker(rate=220).synthesize(CALL_VI, "vi", tmp_path / "fast.wav")
    assert wav_duration(slow) > 1.3 * wav_duration(fast)


def test_english_voice(espeak: EspeakSpeaker, tmp_path: Path) -> None:
    wav = espeak.synthesize(CALL_EN, "en", tmp_path / "en.wav")
    assert 2.0 < wav_duration(wav) < 10.0


def test_unknown_voice_or_language_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no voice 'klingon'"):
        EspeakSpeaker(voices={"vi": "klingon"}).synthesize("một", "vi", tmp_path / "x.wav")
    with pytest.raises(SpeechError, match="no voice configured for language 'fr'"):
        EspeakSpeaker().synthesize("un", "fr", tmp_path / "x.wav")


def test_southern_voice_sounds_different(tmp_path: Path) -> None:
    north = read_wav(EspeakSpeaker().synthesize(CALL_VI, "vi", tmp_path / "n.wav"))
    south_speaker = EspeakSpeaker(voices={"vi": "vi-vn-x-south"})
    south = read_wav(south_speaker.synthesize(CALL_VI, "vi", tmp_path / "s.wav"))
    assert north.samples != south.samples


def test_a_missing_player_is_reported_not_silent(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "beep.wav", silence(0.1, 22050))
    assert audio_health("no-such-player") == "no_audio_player"
    with pytest.raises(SpeechError, match="no audio player"):
        play_wav(wav, ("no-such-player",))


@pytest.mark.skipif(audio_health() != "no_sound_device", reason="this machine has a sound card")
def test_aplay_without_a_sound_card_raises(espeak: EspeakSpeaker, tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "beep.wav", silence(0.1, 22050))
    with pytest.raises(SpeechError, match=r"aplay could not play beep\.wav"):
        espeak.play(wav)


def test_clip_pack_covers_its_vocabulary(pack: Path) -> None:
    manifest = json.loads((pack / "pack.json").read_text())
    assert list(manifest["clips"]["vi"]) == vocabulary(DEFAULT_TEMPLATES, "vi")
    for name in manifest["clips"]["vi"].values():
        assert peak(read_wav(pack / name)) > 1000, name
    assert "xin mời công dân có số thứ tự" in manifest["clips"]["vi"]
    assert (pack / "chime.wav").exists()


def test_vocabulary_holds_template_phrases_number_words_and_letters() -> None:
    english = vocabulary(DEFAULT_TEMPLATES, "en")
    assert english[:2] == ["ticket number", "please come to counter"]
    assert {"twenty", "three", "hundred", "thousand", "double you"} <= set(english)
    vietnamese = vocabulary(DEFAULT_TEMPLATES, "vi")
    assert {"mươi", "mười", "mốt", "tư", "lăm", "linh", "lẻ", "nghìn", "ngàn", "e lờ"} <= set(
        vietnamese
    )
    assert len(vietnamese) == len(set(vietnamese))


def test_clip_pack_joins_clips_in_order(pack: Path, tmp_path: Path) -> None:
    speaker = ClipPackSpeaker(pack)
    text = announcement_text(DEFAULT_TEMPLATES["vi"], "A105", 24, "vi")
    paths = speaker.clip_paths(text, "vi")
    assert [p.stem.split("-", 1)[1] for p in paths] == [
        "xin-moi-cong-dan-co-so-thu-tu", "a", "mot", "tram", "linh", "nam",
        "den-quay-so", "hai", "muoi", "tu",
    ]  # fmt: skip
    out = read_wav(speaker.synthesize(text, "vi", tmp_path / "call.wav"))
    clips = [read_wav(p) for p in paths]
    gap = len(silence(GAP_S, out.rate).samples)
    assert len(out.samples) == sum(len(c.samples) for c in clips) + gap * (len(clips) - 1)
    assert out.samples[: len(clips[0].samples)] == clips[0].samples


def test_clip_pack_refuses_words_it_has_no_clip_for(pack: Path, tmp_path: Path) -> None:
    text = "Xin mời công dân có số thứ tự năm tại bàn số hai"
    with pytest.raises(SpeechError, match="no clip for 'tại'"):
        ClipPackSpeaker(pack).synthesize(text, "vi", tmp_path / "x.wav")
    with pytest.raises(SpeechError, match="no clips for language 'en'"):
        ClipPackSpeaker(pack).synthesize("ticket number one", "en", tmp_path / "x.wav")


def test_human_clips_in_another_format_are_converted(pack: Path, tmp_path: Path) -> None:
    # A center records "năm" at 44.1 kHz stereo; the pack still speaks in one format.
    human = tmp_path / "human"
    human.mkdir()
    manifest = json.loads((pack / "pack.json").read_text())
    for lang, clips in manifest["clips"].items():
        (human / lang).mkdir()
        for name in clips.values():
            (human / name).write_bytes((pack / name).read_bytes())
    nam = manifest["clips"]["vi"]["năm"]
    write_wav(human / nam, convert(read_wav(pack / nam), 44100, 2))
    (human / "pack.json").write_text(json.dumps(manifest, ensure_ascii=False))
    speaker = ClipPackSpeaker(human)
    out = read_wav(speaker.synthesize("một năm", "vi", tmp_path / "mixed.wav"))
    assert (out.rate, out.channels) == (22050, 1)
    expected = read_wav(pack / manifest["clips"]["vi"]["một"]).duration_s + GAP_S
    expected += read_wav(pack / nam).duration_s
    assert abs(out.duration_s - expected) < 0.01


def test_words_ignore_case_and_punctuation() -> None:
    assert words("Ticket number, please-come TO counter!") == (
        "ticket", "number", "please", "come", "to", "counter",
    )  # fmt: skip


def test_convert_keeps_length_and_mixes_channels() -> None:
    stereo = Audio(44100, 2, array("h", [1000, 3000] * 44100))
    mono = convert(stereo, 22050, 1)
    assert len(mono.samples) == 22050
    assert set(mono.samples) == {2000}
