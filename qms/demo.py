"""`qms demo`: a whole center on this machine.

A private Mosquitto, the hub on a fresh ledger, and the demo config's apps: a kiosk with a
virtual printer, three counter terminals, a rating tablet, the hall board with its voice and
the manager console. With a screen they are windows and you play the citizens and officers:
tiled side by side, each named in Vietnamese, drawn smaller if the screen needs it (1920x1080
takes them all at 0.71), the calls spoken and kept as WAVs in --out/voice; Ctrl-C stops
everything. With no screen (or --headless) the same center runs offscreen through
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
from typing import TYPE_CHECKING

from config.load import DEFAULT_CONFIG
from qms.demo_center import DemoCenter, start_center

if TYPE_CHECKING:
    from display_board.voice import VoiceOptions

DEMO_COUNTERS = ("1", "2", "4")

# Each window's name on the screen (and in the taskbar), whatever its app would call it.
DEMO_TITLES = {
    "kiosk": "Kiosk lấy số",
    "counter-1": "Quầy 1",
    "counter-2": "Quầy 2",
    "counter-4": "Quầy 4",
    "tablet-1": "Máy đánh giá quầy 1",
    "board": "Bảng gọi số",
    "manager": "Quản lý",
}
TITLE_BAR = 32  # room left above each window for the window manager's title bar
GAP = 6  # and around it for its border
FULL_HD = (0, 0, 1920, 1080)
Rect = tuple[int, int, int, int]  # x, y, width, height: a window's inside, without its frame


def _design() -> dict[str, Rect]:
    """The windows at their own sizes, tiled: the three counters side by side and the
    manager console at their right; under them the kiosk (portrait), the rating tablet and
    the board. Each at least the size its app needs (a counter terminal 420x814, the
    console 1366x768, the tablet's four faces 1086 wide)."""
    top = TITLE_BAR
    counter_w, counter_h = 420, 814
    manager_x = 3 * (counter_w + GAP)
    width = manager_x + 1366
    row2 = top + counter_h + GAP + TITLE_BAR
    row2_h = 620  # the board of the whole hall needs about 615 here
    kiosk_w, tablet_w = 400, 1090
    board_x = kiosk_w + GAP + tablet_w + GAP
    return {
        "counter-1": (0, top, counter_w, counter_h),
        "counter-2": (counter_w + GAP, top, counter_w, counter_h),
        "counter-4": (2 * (counter_w + GAP), top, counter_w, counter_h),
        "manager": (manager_x, top, 1366, 768),
        "kiosk": (0, row2, kiosk_w, row2_h),
        "tablet-1": (kiosk_w + GAP, row2, tablet_w, row2_h),
        "board": (board_x, row2, width - board_x, row2_h),
    }


def demo_layout(available: Rect = FULL_HD) -> tuple[float, dict[str, Rect]]:
    """Where each demo window goes on a screen whose free area is `available`: the scale
    the whole demo is drawn at (at most 1, so that every window fits, none on another) and
    each window's place in the scaled screen's units."""
    design = _design()
    width = max(x + w for x, _, w, _ in design.values()) + GAP
    height = max(y + h for _, y, _, h in design.values()) + GAP
    ax, ay, aw, ah = available
    scale = min(1.0, aw / width, ah / height)
    scale = int(scale * 100) / 100  # Qt draws cleaner at a round factor
    ox, oy = round(ax / scale), round(ay / scale)
    return scale, {name: (ox + x, oy + y, w, h) for name, (x, y, w, h) in design.items()}


_PROBE = """
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
g = app.primaryScreen().availableGeometry()
print(g.x(), g.y(), g.width(), g.height())
"""


def screen_area() -> Rect:
    """The primary screen's free area, asked of Qt in a short process of its own: the demo's
    scale must be set before its own application starts."""
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                              timeout=15, check=True)
        x, y, w, h = (int(v) for v in done.stdout.split()[-4:])
        return (x, y, w, h) if w > 0 and h > 0 else FULL_HD
    except (OSError, subprocess.SubprocessError, ValueError):
        return FULL_HD


def place_windows(windows: dict, places: dict[str, Rect]) -> None:
    """Puts each window at its place under its demo name (kept: apps rename their windows)."""
    from PySide6.QtCore import QEvent, QObject

    class KeepTitle(QObject):
        def __init__(self, window, title: str) -> None:
            super().__init__(window)
            self.title = title

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.WindowTitleChange and \
                    watched.windowTitle() != self.title:
                watched.setWindowTitle(self.title)
            return False

    for name, window in windows.items():
        title = DEMO_TITLES.get(name)
        if title is not None:
            window.setWindowTitle(title)
            window.installEventFilter(KeepTitle(window, title))
        if name in places:
            window.setGeometry(*places[name])


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
        # make every call stale before it is spoken. Either way each call is kept as a WAV
        # in the output folder; with windows it is also played (and the board says so when
        # this machine cannot).
        options = voice_options(out, headless=headless, speed=speed)
    center.apps["board"] = create_board(center.client("board-hall"), voice=options,
                                        clock=center.clock)
    center.apps["manager"] = create_manager_console(center.client("manager-1"),
                                                    clock=center.clock)


def voice_options(out: Path, *, headless: bool, speed: float = 1.0) -> VoiceOptions:
    from display_board.voice import VoiceOptions

    return VoiceOptions(wav_dir=out / "voice", play=None if headless else True,
                        max_age_s=10.0 * speed)


def run(args: argparse.Namespace) -> int:
    headless = args.headless or not has_display()
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer

    from qtkit.run import exec_until_stopped, qt_application

    out = Path(args.out).resolve()
    places: dict[str, Rect] = {}
    if not headless:
        # Every window seen at once on one screen: the demo is drawn smaller if it must.
        # (A factor set by the user is the user's: the probe's screen is then in its units.)
        scale, places = demo_layout(screen_area())
        os.environ.setdefault("QT_SCALE_FACTOR", str(scale))
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
        place_windows(center.windows(), places)
        for window in center.windows().values():
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
