"""The demo's simulated morning, offscreen: citizens and officers from qms.simulation, the
kiosk tapped through once for its screens, screenshots of every app at several moments."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from drivers.printer import open_printer
from kiosk import model as kiosk_model
from qms.demo_center import DemoCenter
from qms.simulation import Plan, Simulation, summarize, summary_markdown
from web import demo as web_demo

log = logging.getLogger("qms.demo")

DRAIN_MINUTES = 90.0
BOOKING_SHARE = 0.1


class HeadlessMorning(QObject):
    def __init__(self, center: DemoCenter, app: QApplication, *, citizens: int, minutes: float,
                 shots: int) -> None:
        super().__init__()
        self.center, self.app = center, app
        self.out = center.out
        self.speed = getattr(center.clock, "speed", 1.0)
        # A tenth of the citizens booked a slot on the web and check in at the kiosk.
        self.plan = Plan(citizens=citizens, minutes=minutes, speed=self.speed,
                         drain_minutes=DRAIN_MINUTES, booking_share=BOOKING_SHARE)
        self.shots = shots
        self.moment = 0
        self.summary: dict[str, Any] | None = None
        # The simulated citizens take numbers as kiosk-2, printing on their own virtual
        # printer; the kiosk window (kiosk-1) is tapped through for its screens.
        self.printer = open_printer(f"virtual:{self.out / 'tickets' / 'kiosk-2'}")
        self.print_lock = threading.Lock()
        self.simulation = Simulation(center.broker.url, center.config, self.plan,
                                     take_ticket=self._take_and_print,
                                     check_in=self._check_in_and_print)
        self.thread = threading.Thread(target=self._simulate, name="simulation", daemon=True)
        self._shot_timer = QTimer(self)
        self._watch = QTimer(self)
        self.last_ticket_url: str | None = None  # a ticket's page, for the web screenshots
        self._web_shots: list[Any] = []

    # --- the citizens' tickets ------------------------------------------------------------

    def _take_and_print(self, service: str, reason: str | None) -> dict[str, Any]:
        client = self.simulation.client("kiosk-2")
        args: dict[str, Any] = {"service": service, "lang": "vi"}
        if reason:
            args["reason"] = reason
        ticket = client.request("ticket.issue", args)["ticket"]
        job = kiosk_model.print_job(self.center.config, ticket, "vi", ticket.get("reason"))
        with self.print_lock:
            self.printer.print_ticket(job)
        self.last_ticket_url = ticket.get("status_url") or self.last_ticket_url
        return ticket

    def _check_in_and_print(self, code: str) -> dict[str, Any]:
        """A booked citizen's QR at kiosk-2: the appointment ticket, with its slot on paper."""
        answer = self.simulation.client("kiosk-2").request("booking.checkin", {"code": code})
        ticket, booking = answer["ticket"], answer["booking"]
        slot = datetime.fromisoformat(booking["slot"])
        end = datetime.fromisoformat(booking["slot_end"])
        job = dataclasses.replace(
            kiosk_model.print_job(self.center.config, {**ticket, "ahead": 0}, "vi", None),
            appointment_label=f"{slot:%H:%M} – {end:%H:%M}, {slot:%d/%m/%Y}")
        with self.print_lock:
            self.printer.print_ticket(job)
        return ticket

    # --- the morning ----------------------------------------------------------------------

    def start(self) -> None:
        for window in self.center.windows().values():
            window.show()
        self._settle()
        self.screenshot("start")
        kiosk = self.center.apps["kiosk"].controller
        kiosk.choose_department("skhdt")
        self._settle()
        self.screenshot("kiosk-services", only="kiosk")
        kiosk.choose_service("dkdn")
        self._wait_kiosk_ticket(kiosk, tries=0)

    def _wait_kiosk_ticket(self, kiosk: Any, tries: int) -> None:
        ticket = kiosk.ticket
        printed = ticket is not None and ticket.print_state.name != "PRINTING"
        if not printed and tries < 100:
            QTimer.singleShot(50, lambda: self._wait_kiosk_ticket(kiosk, tries + 1))
            return
        self._settle()
        self.screenshot("kiosk-ticket", only="kiosk")
        kiosk.go_home()
        self.thread.start()
        wall = (self.plan.minutes + 30) * 60 / self.speed
        self._shot_timer.timeout.connect(self._moment)
        self._shot_timer.start(max(1000, int(wall * 1000 / max(1, self.shots))))
        self._watch.timeout.connect(self._check_done)
        self._watch.start(500)

    def _simulate(self) -> None:
        try:
            self.result = self.simulation.run()
        except Exception:
            log.exception("the simulation failed")
            self.result = None

    def _moment(self) -> None:
        self.moment += 1
        self.screenshot(f"morning-{self.moment}")
        self.web_screenshots(f"web-morning-{self.moment}")
        if self.moment >= self.shots:
            self._shot_timer.stop()

    def _check_done(self) -> None:
        if self.thread.is_alive():
            return
        self._watch.stop()
        self._shot_timer.stop()
        self._settle()
        self.screenshot("end")
        self.web_screenshots("web-end")
        for shots in self._web_shots:
            shots.wait(120)
        self.simulation.close()
        if self.result is not None:
            self.summary = summarize(self.result)
            self.summary["files"] = self._files()
            (self.out / "summary.json").write_text(
                json.dumps(self.summary, indent=2, ensure_ascii=False, default=str),
                encoding="utf-8")
            (self.out / "summary.md").write_text(summary_markdown(self.summary),
                                                 encoding="utf-8")
        self.app.quit()

    # --- output ---------------------------------------------------------------------------

    def _settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def screenshot(self, moment: str, only: str | None = None) -> None:
        folder = self.out / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        for name, window in self.center.windows().items():
            if only is None or name == only:
                window.grab().save(str(folder / f"{moment}-{name}.png"))

    def web_screenshots(self, prefix: str) -> None:
        """The web face's four pages in Chromium, in the background (the morning goes on)."""
        if self.center.web_url:
            shots = web_demo.screenshots(self.center.web_url, self.last_ticket_url,
                                         self.out / "screens", prefix)
            if shots is not None:
                self._web_shots.append(shots)

    def _files(self) -> dict[str, int]:
        def count(pattern: str, folder: Path) -> int:
            return len(list(folder.rglob(pattern))) if folder.exists() else 0

        return {
            "screenshots": count("*.png", self.out / "screens"),
            "ticket_pngs": count("*.png", self.out / "tickets"),
            "ticket_bins": count("*.bin", self.out / "tickets"),
            "announcement_wavs": count("*.wav", self.out / "voice"),
        }
