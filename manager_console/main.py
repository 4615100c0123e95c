"""`qms manager`: the manager console on its own machine."""

from __future__ import annotations

import argparse

from qtkit.options import add_device_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_device_options(parser, device="manager-1")


def run(args: argparse.Namespace) -> int:
    # Qt only here, so `qms hub` and the CLI never load it.
    from broker.wire.device_client import DeviceClient
    from manager_console.app import create_manager_console
    from manager_console.widgets import FONT_POINTS
    from qtkit.run import qt_application, run_window

    app = qt_application(point_size=FONT_POINTS)
    client = DeviceClient(args.broker, args.site, args.device, role="manager").start()
    console = create_manager_console(client, lang=args.lang)
    try:
        return run_window(app, console.window, fullscreen=args.fullscreen)
    finally:
        console.close()
        client.stop()
