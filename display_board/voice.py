"""The voice of the hall: speaks each call (`ticket.called`, `ticket.recalled`) of its zone
through the speech driver's Announcer, which queues them, never cuts one off and drops the
stale ones. No Qt here, so it runs inside a board (`qms board --voice`) or alone on the machine
with the speakers (`qms announcer`); either way it reports whether the hall can hear it as the
device's health (`audio`).
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import DeviceClient
from broker.wire.protocol import Event, ParsedTopic
from config.schema import CenterConfig
from display_board.model import CALL_KINDS
from display_board.zone import zone_of

if TYPE_CHECKING:
    from drivers.speech import Announcer, Speaker, Spoken, VietnameseStyle

log = logging.getLogger("qms.voice")

Accent = Literal["north", "south"]
SOUTHERN_VOICE = "vi-vn-x-south"  # espeak-ng's Southern Vietnamese


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    wav_dir: Path | None = None  # each announcement written here as a WAV
    play: bool | None = None  # None: play unless writing WAVs
    repeat: int = 1
    digits: bool = False  # "một không hai ba" instead of "một nghìn không trăm hai mươi ba"
    chime: bool = True
    max_age_s: float = 10.0
    lang: str = "vi"
    accent: Accent = "north"
    clip_pack: Path | None = None  # recorded phrase clips (a human voice) instead of espeak-ng


def options_from_args(args: argparse.Namespace, lang: str) -> VoiceOptions:
    return VoiceOptions(wav_dir=args.wav_dir, play=True if args.play else None,
                        repeat=args.repeat, digits=args.digits, chime=args.chime,
                        max_age_s=args.max_age, lang=lang, accent=args.accent,
                        clip_pack=args.clip_pack)


class CallVoice:
    """Feeds the call events of its zone, in the order they come, to the Announcer."""

    def __init__(self, client: DeviceClient, options: VoiceOptions, *,
                 zone: tuple[str, ...] | None = None, clock: Clock = wall_clock,
                 speaker: Speaker | None = None,
                 on_silence: Callable[[str | None], None] | None = None,
                 retry_s: float = 5.0) -> None:
        """`on_silence` is told (from another thread) why the hall cannot hear the calls,
        and None once it can again: the board shows it."""
        self.client, self.options, self.explicit_zone = client, options, zone
        self.clock = clock
        self._speaker = speaker
        self.on_silence = on_silence
        self.retry_s = retry_s
        self.announcer: Announcer | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._running = threading.Event()

    def start(self) -> CallVoice:
        # Imported here: a board without --voice never loads the speech engine.
        from drivers.speech import Announcer, ClipPackSpeaker

        speaker = self._speaker or make_speaker(self.options)
        chime: Path | bool = self.options.chime
        if self.options.chime and isinstance(speaker, ClipPackSpeaker) and speaker.chime:
            chime = speaker.chime  # the pack's own chime, recorded with its voice
        self.announcer = Announcer(
            speaker, chime=chime, repeat=self.options.repeat, max_age_s=self.options.max_age_s,
            clock=self.clock, wav_dir=self.options.wav_dir, play=self.options.play,
            templates=templates_of(self.client.config),
            mode="digits" if self.options.digits else "whole",
            style=_style(self.options.accent), on_spoken=self._on_spoken,
            on_silence=self._on_silence, retry_s=self.retry_s)
        if self._speaker is None:
            # The speakers of this machine: a hall without them knows at once, not at the
            # first call (a speaker given by the caller is the caller's to look after).
            self.announcer.check_device()
        self._running.set()
        self.client.on_state(self._on_state)
        self._unsubscribe = self.client.on_events(self._on_event)
        self._report_health(None)
        return self

    def stop(self) -> None:
        """Ends after the announcement being spoken; the calls still queued are dropped."""
        self._running.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.announcer is not None:
            self.announcer.stop()

    def join(self, timeout: float | None = None) -> bool:
        """Waits until every queued call has been spoken or dropped."""
        return self.announcer.join(timeout) if self.announcer is not None else True

    @property
    def history(self) -> list[Spoken]:
        return list(self.announcer.history) if self.announcer is not None else []

    # --- paho's thread --------------------------------------------------------------------
    # An exception out of these would end paho's network loop, and with it every later call
    # and the device's status: it is logged instead.

    def _on_state(self, topic: ParsedTopic, message: Any) -> None:
        try:
            if topic.kind == "config" and self._running.is_set() and self.announcer is not None:
                self.announcer.templates = templates_of(message.config)
        except Exception:
            log.exception("could not take the config's announcement")

    def _on_event(self, event: Event) -> None:
        try:
            self._announce(event)
        except Exception:
            log.exception("could not announce %s %s", event.kind, event.number)

    def _announce(self, event: Event) -> None:
        if (event.kind not in CALL_KINDS or not event.number or not event.counter
                or not self._running.is_set() or self.announcer is None):
            return
        config = self.client.config
        counter_number = event.counter_number
        if config is not None:
            zone = zone_of(config, self.client.device_id, self.explicit_zone)
            if zone is not None and event.counter not in zone:
                return
            configured = config.counter(event.counter)
            counter_number = counter_number or (configured.number if configured else None)
        outcome = self.announcer.announce(
            event.number, counter_number or event.counter, lang=self.options.lang, at=event.at,
            kind="recall" if event.kind == "ticket.recalled" else "call")
        log.info("%s %s to counter %s: %s", event.kind, event.number, event.counter, outcome)

    # --- the announcer's thread -------------------------------------------------------------

    def _on_spoken(self, spoken: Spoken) -> None:
        self._report_health(spoken.error)

    def _on_silence(self, reason: str | None) -> None:
        if self.announcer is not None:
            self._report_health(self.announcer.last_error if reason else None)
        if self.on_silence is not None:
            self.on_silence(reason)

    @property
    def silent(self) -> str | None:
        """Why the hall cannot hear the calls now, or None."""
        return self.announcer.silent if self.announcer is not None else None

    def _report_health(self, error: str | None) -> None:
        assert self.announcer is not None
        self.client.set_health(audio=self.announcer.audio_health(), audio_error=error)


def templates_of(config: CenterConfig | None) -> dict[str, str]:
    """The center's announcement sentence in both languages; the driver's where it has none."""
    from drivers.speech import DEFAULT_TEMPLATES

    templates = dict(DEFAULT_TEMPLATES)
    if config is not None:
        announcement = config.texts.announcement
        templates["vi"] = announcement.vi
        if announcement.en:
            templates["en"] = announcement.en
    return templates


def make_speaker(options: VoiceOptions) -> Speaker:
    from drivers.speech import ClipPackSpeaker, EspeakSpeaker

    if options.clip_pack is not None:
        return ClipPackSpeaker(options.clip_pack)
    if options.accent == "south":
        return EspeakSpeaker(voices={"vi": SOUTHERN_VOICE, "en": "en"})
    return EspeakSpeaker()


def _style(accent: Accent) -> VietnameseStyle:
    from drivers.speech import NORTH, SOUTH

    return SOUTH if accent == "south" else NORTH
