"""`qms board`: the hall display board, optionally with its voice."""

from __future__ import annotations

import argparse

from display_board.options import add_common, add_voice, on_stop_signals


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, default_device="board-hall")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")
    parser.add_argument("--voice", action="store_true",
                        help="also announce the calls through this machine's speakers")
    add_voice(parser, own_lang=True)


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from broker.wire.device_client import DeviceClient
    from display_board.app import create_board
    from display_board.views import board_font
    from display_board.voice import options_from_args

    app = QApplication.instance() or QApplication([])
    app.setFont(board_font(24))
    client = DeviceClient(args.broker, args.site, args.device, role="board").start()
    board = create_board(client, counters=args.counters, lang=args.lang,
                         voice=options_from_args(args, args.voice_lang) if args.voice else None)
    if args.fullscreen:
        board.window.showFullScreen()
    else:
        board.window.show()
    on_stop_signals(app.quit)
    # Python runs signal handlers only between bytecodes; a timer gives it the chance.
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        board.close()
        client.stop()
