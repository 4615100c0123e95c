"""`qms tablet --device tablet-5 --broker URL`: the rating tablet, fullscreen on the desk."""

from __future__ import annotations

import argparse

from qtkit.options import add_device_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_device_options(parser, device="tablet-1")
    parser.add_argument("--windowed", action="store_true",
                        help="a window instead of the full screen (for a desk PC or a demo)")


def run(args: argparse.Namespace) -> int:
    from broker.wire.device_client import DeviceClient
    from counter_terminal.app import create_tablet
    from qtkit.run import qt_application, run_window

    app = qt_application()
    client = DeviceClient(args.broker, args.site, args.device, role="tablet")
    tablet = create_tablet(client, lang=args.lang)
    client.start()
    try:
        return run_window(app, tablet.window, fullscreen=args.fullscreen or not args.windowed)
    finally:
        tablet.close()
        client.stop()
