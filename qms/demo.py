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
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from broker.mosquitto.managed import ManagedBroker
from broker.wire.clock import DemoClock, wall_clock
from broker.wire.device_client import DeviceClient
from config import load_config
from config.load import DEFAULT_CONFIG
from config.schema import CenterConfig
from web import demo as web_demo

log = logging.getLogger("qms.demo")

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


@dataclass
class Center:
    """The running demo: broker, hub process, device clients and apps."""

    config: CenterConfig
    out: Path
    broker: ManagedBroker
    hub: subprocess.Popen
    clock: Any
    clients: list[DeviceClient] = field(default_factory=list)
    apps: dict[str, Any] = field(default_factory=dict)
    web: subprocess.Popen | None = None  # `qms web`, where the tickets' QR codes lead
    web_url: str = ""

    def client(self, device_id: str) -> DeviceClient:
        device = self.config.device(device_id)
        client = DeviceClient(self.broker.url, self.config.center.site, device_id,
                              role=device.role if device else "").start()
        client.wait_connected(10)
        self.clients.append(client)
        return client

    def windows(self) -> dict[str, Any]:
        return {name: app.window for name, app in self.apps.items()}

    def stop(self) -> None:
        for app in self.apps.values():
            for method in ("stop", "close"):
                if hasattr(app, method):
                    getattr(app, method)()
                    break
        for client in self.clients:
            client.stop()
        web_demo.stop(self.web)
        if self.hub.poll() is None:
            self.hub.send_signal(signal.SIGINT)
            try:
                self.hub.wait(10)
            except subprocess.TimeoutExpired:
                self.hub.kill()
        self.broker.close()


def start_center(config_path: str, out: Path, speed: float) -> Center:
    for stale in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (out / stale).unlink(missing_ok=True)
    for folder in ("tickets", "voice", "screens", "broker"):
        shutil.rmtree(out / folder, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    # The web face serves where the tickets' QR codes lead (status_url).
    config_path, web_port = web_demo.plan(config_path, out)
    config = load_config(config_path)
    broker = ManagedBroker(data_dir=out / "broker").start()
    log.info("broker: %s on %s", broker.kind, broker.url)
    command = [sys.executable, "-m", "qms.cli", "hub", "--broker", broker.url, "--config",
               config_path, "--db", str(out / "ledger.db"), "--always-open",
               "--no-managed-broker"]
    clock: Any = wall_clock
    if speed != 1.0:
        tz = ZoneInfo(config.center.timezone)
        start = datetime.combine(datetime.now(tz).date(), day_time(7, 0), tz)
        command += ["--clock-start", start.isoformat(), "--clock-speed", str(speed)]
        clock = DemoClock(start, speed)
    hub = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                           stderr=open(out / "hub.log", "w"))  # noqa: SIM115
    center = Center(config, out, broker, hub, clock)
    manager = center.client("manager-1")
    deadline = time.monotonic() + 20
    while not (manager.hub_online and manager.config) and time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError(f"the hub stopped: {(out / 'hub.log').read_text()[-1500:]}")
        time.sleep(0.05)
    if not manager.hub_online:
        center.stop()
        raise RuntimeError("the hub did not come online")
    # The web face reads the hall's time as the hub does (a demo runs it faster).
    center.web = web_demo.start(broker.url, web_port, out, speed=speed,
                                clock_start=clock() if speed != 1.0 else None)
    center.web_url = f"http://127.0.0.1:{web_port}"
    log.info("web face: %s", center.web_url)
    return center


def build_apps(center: Center, *, voice: bool, headless: bool) -> None:
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
    from PySide6.QtWidgets import QApplication

    out = Path(args.out).resolve()
    app = QApplication(sys.argv[:1])
    center = start_center(args.config, out, args.speed if headless else 1.0)
    try:
        build_apps(center, voice=not args.no_voice, headless=headless)
        # Python handles Ctrl-C only when it runs: a timer gives it the chance.
        signal.signal(signal.SIGINT, lambda *_: app.quit())
        signal.signal(signal.SIGTERM, lambda *_: app.quit())
        tick = QTimer()
        tick.timeout.connect(lambda: None)
        tick.start(200)
        if headless:
            from qms.demo_headless import HeadlessMorning

            morning = HeadlessMorning(center, app, citizens=args.citizens,
                                      minutes=args.minutes, shots=args.shots)
            QTimer.singleShot(0, morning.start)
            app.exec()
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
        app.exec()
        return 0
    finally:
        center.stop()
