"""`qms announcer`: the voice alone, on the machine with the speakers. No screen, no Qt."""

from __future__ import annotations

import argparse
import threading

from display_board.options import add_common, add_voice
from qtkit.signals import on_stop_signals


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, default_device="announcer-1", screen=False)
    add_voice(parser)


def run(args: argparse.Namespace) -> int:
    from broker.wire.device_client import DeviceClient
    from display_board.voice import CallVoice, options_from_args

    client = DeviceClient(args.broker, args.site, args.device, role="announcer").start()
    voice = CallVoice(client, options_from_args(args, args.lang), zone=args.counters).start()
    stop = threading.Event()
    on_stop_signals(stop.set)
    try:
        # A timed wait, so that the signal handler gets to run on the main thread.
        while not stop.wait(0.5):
            pass
    finally:
        voice.stop()
        client.stop()
    return 0
