"""Say a call, for whoever sets up a hall's sound:

    python -m drivers.speech.say 1023 5                  # through the sound card
    python -m drivers.speech.say A023 12 --lang en --repeat 2 --wav /tmp/calls
    python -m drivers.speech.say 1023 5 --south --pack /srv/qms/voice-pack

It prints the audio health and the sentence; exit status 1 if the call was not heard.
"""

import argparse
import sys
from pathlib import Path

from drivers.speech.announcer import Announcer
from drivers.speech.clip_pack import ClipPackSpeaker
from drivers.speech.numbers import NORTH, SOUTH
from drivers.speech.speakers import EspeakSpeaker, Speaker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Announce one call.")
    parser.add_argument("number")
    parser.add_argument("counter")
    parser.add_argument("--lang", default="vi", choices=["vi", "en"])
    parser.add_argument("--digits", action="store_true", help="read the number digit by digit")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--south", action="store_true", help="southern voice and words")
    parser.add_argument("--pack", type=Path, help="a clip pack instead of espeak-ng")
    parser.add_argument("--wav", type=Path, help="write the call here instead of playing it")
    args = parser.parse_args(argv)
    speaker: Speaker
    if args.pack:
        speaker = ClipPackSpeaker(args.pack)
    else:
        speaker = EspeakSpeaker(voices={"vi": "vi-vn-x-south" if args.south else "vi", "en": "en"})
    announcer = Announcer(
        speaker,
        chime=True,
        repeat=args.repeat,
        wav_dir=args.wav,
        mode="digits" if args.digits else "whole",
        style=SOUTH if args.south else NORTH,
    )
    print(f"audio: {announcer.audio_health()}")
    announcer.announce(args.number, args.counter, lang=args.lang)
    announcer.join()
    announcer.stop()
    spoken = announcer.history[0]
    print(spoken.text)
    if spoken.wav is not None:
        print(f"written to {spoken.wav}")
    if spoken.error is not None:
        print(f"not heard: {spoken.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
