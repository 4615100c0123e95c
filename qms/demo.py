"""`qms demo`: a whole center on this machine.

A private Mosquitto, the hub on a fresh ledger, and the demo config's apps: a kiosk with a
virtual printer, three counter terminals, a rating tablet, the hall board with its voice and
the manager console. With a screen they are windows and you play the citizens and officers;
Ctrl-C stops everything. With no screen (or --headless) the same center runs offscreen through
a simulated morning and writes what it did into --out: screenshots of every app at several
moments, every printed ticket (ESC/POS bytes and a PNG made from them), the announcements as
WAV files, and a summary (tickets, waits, ratings, reports) as JSON and Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
from pathlib import Path

from config.load import DEFAULT_CONFIG
from qms.demo_center import DemoCenter, start_center

DEMO_COUNTERS = ("1", "2", "4")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true",
                        help="no windows: run a simulated morning offscreen (the default when "
                        "there is no display)")
    parser.add_argument("--out", default="demo-out", help="where the demo writes (default "
                        "%(default)s); its ledger starts fresh each run")
    parser.add_argument("--config", default=str(DEFAULT_CONFIG))
    parser.add_argument("--speed", type=float, default=60.0,
                        help="headless: how much faster than real time (default %(default)s; "
                        "1 is real time)")
    parser.add_argument("--citizens", type=int, default=160,
                        help="headless: citizens in the simulated morning")
    parser.add_argument("--minutes", type=float, default=120.0,
                        help="headless: simulated minutes of arrivals")
    parser.add_argument("--shots", type=int, default=4,
                        help="headless: screenshot moments during the morning")
    parser.add_argument("--simulate", action="store_true",
                        help="with windows: run the simulated citizens and officers too")
    parser.add_argument("--no-voice", action="store_true", help="the board stays silent")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_apps(center: DemoCenter, *, voice: bool, headless: bool) -> None:
    from counter_terminal.app import create_counter_terminal, create_tablet
    from display_board.app import create_board
    from display_board.voice import VoiceOptions
    from kiosk.app import create_kiosk
    from manager_console.app import create_manager_console

    out, speed = center.out, getattr(center.clock, "speed", 1.0)
    center.apps["kiosk"] = create_kiosk(center.client("kiosk-1"),
                                        printer=f"virtual:{out / 'tickets' / 'kiosk-1'}")
    center.apps["kiosk"].window.resize(720, 1280)  # a portrait kiosk screen, scaled down
    for counter in DEMO_COUNTERS:
        center.apps[f"counter-{counter}"] = create_counter_terminal(
            center.client(f"counter-{counter}"), clock=center.clock)
    center.apps["tablet-1"] = create_tablet(center.client("tablet-1"), clock=center.clock)
    options = None
    if voice:
        # Calls are "stale" after 10 s of the hall's time; a faster demo clock must not
        # make every call stale before it is spoken.
        options = VoiceOptions(wav_dir=out / "voice" if headless else None,
                               max_age_s=10.0 * speed)
    center.apps["board"] = create_board(center.client("board-hall"), voice=options,
                                        clock=center.clock)
    center.apps["manager"] = create_manager_console(center.client("manager-1"),
                                                    clock=center.clock)


def run(args: argparse.Namespace) -> int:
    headless = args.headless or not has_display()
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer

    from qtkit.run import exec_until_stopped, qt_application

    out = Path(args.out).resolve()
    app = qt_application()
    center = start_center(args.config, out, args.speed if headless else 1.0)
    try:
        build_apps(center, voice=not args.no_voice, headless=headless)
        if headless:
            from qms.demo_headless import HeadlessMorning  # its Qt, only for this run

            morning = HeadlessMorning(center, app, citizens=args.citizens,
                                      minutes=args.minutes, shots=args.shots)
            QTimer.singleShot(0, morning.start)
            exec_until_stopped(app)
            summary = morning.summary
            if summary is None:
                return 1
            print(f"\nThe demo center's morning is in {out}:")
            print(json.dumps({k: summary[k] for k in ("tickets", "wait_s",
                                                      "estimate_accuracy")}, indent=2))
            return 0
        for i, window in enumerate(center.windows().values()):
            window.move(40 * i, 30 * i)
            window.show()
        if args.simulate:
            from qms.simulation import Plan, Simulation

            simulation = Simulation(center.broker.url, center.config,
                                    Plan(citizens=args.citizens, minutes=args.minutes,
                                         speed=1.0))
            threading.Thread(target=simulation.run, daemon=True).start()
        print(f"Demo center running (broker {center.broker.url}, web face "
              f"{center.web_url}). Ctrl-C stops it.")
        exec_until_stopped(app)
        return 0
    finally:
        center.stop()
