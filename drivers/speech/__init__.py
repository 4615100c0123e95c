"""Voice: ticket numbers read the Vietnamese way, call sentences from templates, speakers
(the espeak-ng program, or a pack of recorded clips), and the hall's Announcer."""

from drivers.speech.announcer import Announcer, Call, Dropped, Spoken
from drivers.speech.clip_pack import ClipPackSpeaker, build_clip_pack
from drivers.speech.numbers import (
    NORTH,
    SOUTH,
    VietnameseStyle,
    english_number,
    spoken_number,
    vietnamese_number,
)
from drivers.speech.phrases import DEFAULT_TEMPLATES, announcement_text
from drivers.speech.speakers import EspeakSpeaker, Speaker, SpeechError, audio_health, play_wav

__all__ = [
    "DEFAULT_TEMPLATES",
    "NORTH",
    "SOUTH",
    "Announcer",
    "Call",
    "ClipPackSpeaker",
    "Dropped",
    "EspeakSpeaker",
    "Speaker",
    "SpeechError",
    "Spoken",
    "VietnameseStyle",
    "announcement_text",
    "audio_health",
    "build_clip_pack",
    "english_number",
    "play_wav",
    "spoken_number",
    "vietnamese_number",
]
