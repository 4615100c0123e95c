"""The voice of the hall: speaks each call (`ticket.called`, `ticket.recalled`) through the
speech driver's Announcer. No Qt here, so it runs inside a board (`qms board --voice`) or alone
on the machine with the speakers (`qms announcer`).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from broker.device_client import DeviceClient
from broker.protocol import Event
from display_board.model import CALL_KINDS
from display_board.zone import zone_of

log = logging.getLogger("qms.voice")

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    wav_dir: Path | None = None  # WAV files instead of the sound card
    repeat: int = 1
    digits: bool = False
    chime: bool = True
    max_age_s: float = 10.0
    lang: str = "vi"


def options_from_args(args: argparse.Namespace) -> VoiceOptions:
    return VoiceOptions(wav_dir=args.wav_dir, repeat=args.repeat, digits=args.digits,
                        chime=args.chime, max_age_s=args.max_age, lang=args.lang)


class CallVoice:
    """Subscribes to the call events of its zone and feeds them, in order, to the Announcer."""

    def __init__(self, client: DeviceClient, options: VoiceOptions, *,
                 zone: tuple[str, ...] | None = None, clock: Clock = wall_clock,
                 announcer: Any = None) -> None:
        self.client, self.options, self.explicit_zone = client, options, zone
        self.clock = clock
        self.announcer = announcer
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> CallVoice:
        if self.announcer is None:
            self.announcer = build_announcer(self.options, self.clock)
        self._unsubscribe = self.client.on_events(self._on_event)
        self.report_health()
        return self

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.announcer is not None:
            self.announcer.close()

    def report_health(self) -> None:
        self.client.set_health(audio=self.announcer.audio_health())

    def _on_event(self, event: Event) -> None:
        if event.kind not in CALL_KINDS or not event.number or not event.counter:
            return
        config = self.client.config
        counter_number = event.counter_number
        if config is not None:
            zone = zone_of(config, self.client.device_id, self.explicit_zone)
            if zone is not None and event.counter not in zone:
                return
            counter = config.counter(event.counter)
            counter_number = counter_number or (counter.number if counter else None)
        self.announcer.announce(event.number, str(counter_number or event.counter),
                                lang=self.options.lang, at=event.at, kind=event.kind)
        self.report_health()


def build_announcer(options: VoiceOptions, clock: Clock) -> Any:
    # Imported here: the speech driver loads pyttsx3, which a board without --voice never needs.
    from drivers.speech import Announcer, Speaker

    return Announcer(Speaker(), chime=options.chime, repeat=options.repeat,
                     max_age_s=options.max_age_s, clock=clock, wav_dir=options.wav_dir)
