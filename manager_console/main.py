"""`qms manager`: the manager console on its own machine."""

from __future__ import annotations

import argparse
import signal
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="manager-1",
                        help="this console's device id in the config (default %(default)s)")
    parser.add_argument("--broker", default="mqtt://127.0.0.1:1883",
                        help="the broker, mqtt://[user:password@]host:port (default %(default)s)")
    parser.add_argument("--site", default="longan", help="the center's site id (default "
                        "%(default)s)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="the language it starts in (default %(default)s)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")


def run(args: argparse.Namespace) -> int:
    # Qt only here, so `qms hub` and the CLI never load it.
    from PySide6.QtWidgets import QApplication

    from broker.wire.device_client import DeviceClient
    from manager_console.app import create_manager_console
    from manager_console.widgets import ensure_font

    app = QApplication(sys.argv[:1])
    app.setFont(ensure_font())
    client = DeviceClient(args.broker, args.site, args.device, role="manager").start()
    console = create_manager_console(client, lang=args.lang)
    # Ctrl+C and a service manager's SIGTERM close the window like its close button does;
    # Python runs the handler at the console's next once-a-second tick.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    if args.fullscreen:
        console.window.showFullScreen()
    else:
        console.window.show()
    try:
        return app.exec()
    finally:
        console.close()
        client.stop()
