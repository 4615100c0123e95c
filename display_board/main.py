"""`qms board`: the hall display board, optionally with its voice."""

from __future__ import annotations

import argparse

from display_board.options import add_common, add_voice


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, default_device="board-hall", screen=True)
    parser.add_argument("--voice", action="store_true",
                        help="also announce the calls through this machine's speakers")
    add_voice(parser, own_lang=True)


def run(args: argparse.Namespace) -> int:
    from broker.wire.device_client import DeviceClient
    from display_board.app import create_board
    from display_board.voice import options_from_args
    from qtkit.run import qt_application, run_window

    app = qt_application(pixel_size=24)
    client = DeviceClient(args.broker, args.site, args.device, role="board").start()
    board = create_board(client, counters=args.counters, lang=args.lang,
                         voice=options_from_args(args, args.voice_lang) if args.voice else None)
    try:
        return run_window(app, board.window, fullscreen=args.fullscreen)
    finally:
        board.close()
        client.stop()
