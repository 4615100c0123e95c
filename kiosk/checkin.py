"""Checking in a booked appointment at the kiosk: "Tôi đã đặt lịch" (I have booked).

The citizen scans the booking's QR with the kiosk's scanner (on any choosing screen, or on the
check-in screen), or types its code on a large on-screen keypad. The hub checks the booking in
(`booking.checkin`) and gives an appointment ticket, printed with its slot on the paper; or
refuses, and the screen says plainly why and what to do: too early (come back at ...), too
late (take an ordinary number, one tap), already used, cancelled, unknown code.

Behaviour only (no widgets): `CheckinPage` (kiosk/checkin_view.py) shows `CheckinView`.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from broker.core.bookings import ALPHABET, CODE_LENGTH, normalize_code, shown_code
from broker.wire.device_client import RequestError
from drivers.printer import PrinterHealth
from kiosk import model
from kiosk.checkin_texts import text
from kiosk.controller import KioskController
from kiosk.model import PrintState, Screen
from qtkit.texts import error_text

log = logging.getLogger("qms.kiosk.checkin")

# The hub's refusals of a check-in that the screen explains in its own words.
REFUSALS = ("checkin_too_early", "checkin_too_late", "booking_used", "booking_cancelled",
            "unknown_booking")


class Step(StrEnum):
    ENTER = "enter"  # scanning or typing the code
    CHECKING = "checking"
    REFUSED = "refused"
    TICKET = "ticket"


@dataclass(frozen=True, slots=True)
class AppointmentTicket:
    number: str
    service_name: str
    slot: str  # "09:00 – 09:30"
    print_state: PrintState


@dataclass(frozen=True, slots=True)
class CheckinView:
    step: Step
    lang: str
    code: str  # as typed so far (or scanned)
    refusal: str | None  # the hub's code
    lines: tuple[str, ...]  # why, and what to do
    walk_in_service: str | None  # too late: the service to take an ordinary number for
    walk_in_label: str
    ticket: AppointmentTicket | None


class CheckinController(QObject):
    changed = Signal(object)  # CheckinView
    scanned = Signal(str)  # from the scanner's thread; handled on the GUI thread

    def __init__(self, kiosk: KioskController, *, idle_s: float = 45.0, ticket_s: float = 10.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.step = Step.ENTER
        self.code = ""
        self.refusal: str | None = None
        self.lines: tuple[str, ...] = ()
        self.walk_in_service: str | None = None
        self.ticket: AppointmentTicket | None = None
        self._ticket_s = ticket_s
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(round(idle_s * 1000))
        self._idle.timeout.connect(self.leave)
        self._ticket_done = QTimer(self)
        self._ticket_done.setSingleShot(True)
        self._ticket_done.timeout.connect(self.leave)
        self.scanned.connect(self.on_scan)
        kiosk.changed.connect(lambda _view: self._emit())

    @property
    def lang(self) -> str:
        return self.kiosk.lang

    @property
    def active(self) -> bool:
        return self.kiosk.screen() is Screen.CHECKIN

    def view(self) -> CheckinView:
        service = (self.kiosk.config.service(self.walk_in_service)
                   if self.kiosk.config and self.walk_in_service else None)
        label = text("take_ordinary", self.lang,
                     service=service.name.get(self.lang) if service else "")
        return CheckinView(self.step, self.lang, self.code, self.refusal, self.lines,
                           self.walk_in_service, label, self.ticket)

    def _emit(self) -> None:
        self.changed.emit(self.view())

    # --- what the citizen does ------------------------------------------------------------

    def open(self) -> None:
        """'Tôi đã đặt lịch' on the start screen."""
        if self.kiosk.screen() not in (Screen.START, Screen.SERVICES, Screen.PRIORITY):
            return
        self._reset()
        self.kiosk.flow = Screen.CHECKIN
        self._idle.start()
        self.kiosk._refresh()

    def press(self, key: str) -> None:
        if not self.active or self.step is not Step.ENTER:
            return
        self._idle.start()
        if key in ALPHABET and len(self.code) < CODE_LENGTH:
            self.code += key
            self._emit()

    def erase(self) -> None:
        if self.active and self.step is Step.ENTER and self.code:
            self._idle.start()
            self.code = self.code[:-1]
            self._emit()

    def confirm(self) -> None:
        if self.active and self.step is Step.ENTER and len(self.code) == CODE_LENGTH:
            self._check_in(self.code)

    def again(self) -> None:
        """After a refusal: type or scan again."""
        if self.active and self.step is Step.REFUSED:
            self._reset()
            self._idle.start()
            self._emit()

    def take_ordinary(self) -> None:
        """Too late: an ordinary number of the booking's service, in one tap."""
        service = self.walk_in_service
        if not self.active or self.step is not Step.REFUSED or service is None:
            return
        self.leave()
        self.kiosk.choose_service(service)

    def leave(self) -> None:
        if self.step is Step.CHECKING or (
                self.ticket is not None and self.ticket.print_state is PrintState.PRINTING):
            return
        self._idle.stop()
        self._ticket_done.stop()
        was_here = self.active
        self._reset()
        if was_here:
            self.kiosk.go_home()

    def on_scan(self, scanned: str) -> None:
        """A scan from the scanner: checked in at once from any choosing screen or the
        check-in screen's code entry; ignored while a number is being given."""
        code = normalize_code(scanned)
        if len(code) != CODE_LENGTH:
            log.info("a scan that is no booking code: %r", scanned[:40])
            if self.active and self.step is Step.ENTER:
                self._refuse("unknown_booking", scanned[:CODE_LENGTH * 2], None)
            return
        screen = self.kiosk.screen()
        if screen in (Screen.START, Screen.SERVICES, Screen.PRIORITY):
            self._reset()
            self.kiosk.flow = Screen.CHECKIN
            self.kiosk._refresh()
        elif not (self.active and self.step in (Step.ENTER, Step.REFUSED)):
            return
        self.code = code
        self._check_in(code)

    # --- the hub's answers ----------------------------------------------------------------

    def _reset(self) -> None:
        self.step, self.code, self.refusal, self.lines = Step.ENTER, "", None, ()
        self.walk_in_service, self.ticket = None, None

    def _check_in(self, code: str) -> None:
        self.step, self.refusal, self.lines = Step.CHECKING, None, ()
        self._idle.stop()
        self._emit()
        if not self.kiosk.printer.health.can_print:
            self._refuse("printer", code, None)
            return
        self.kiosk.bridge.request("booking.checkin", {"code": code},
                                  lambda result, error: self._answered(code, result, error),
                                  command_id=uuid.uuid4().hex)

    def _answered(self, code: str, result: dict[str, Any] | None,
                  error: RequestError | None) -> None:
        if error is not None or result is None:
            refusal = error.code if error is not None else "unknown"
            if refusal in ("checkin_too_early", "checkin_too_late"):
                # The times to tell the citizen are the booking's: ask for it.
                self.kiosk.bridge.request(
                    "booking.find", {"code": code},
                    lambda found, _error: self._refuse(refusal, code, found))
                return
            self._refuse(refusal, code, None)
            return
        self._print(result)

    def _refuse(self, refusal: str, code: str, found: dict[str, Any] | None) -> None:
        """`found`: the hub's answer to `booking.find` (the booking and the hub's day)."""
        booking = (found or {}).get("booking")
        lang = self.lang
        self.step, self.refusal, self.walk_in_service = Step.REFUSED, refusal, None
        shown = shown_code(code)
        if refusal in REFUSALS or refusal == "printer":
            lines = [text(refusal, lang, code=shown)]
        else:
            lines = [error_text(refusal, lang)]
        if booking is not None:
            slot = datetime.fromisoformat(booking["slot"])
            start = datetime.fromisoformat(booking["checkin_from"])
            end = datetime.fromisoformat(booking["checkin_until"])
            today = (found or {}).get("today") or datetime.now(slot.tzinfo).date().isoformat()
            same_day = slot.date().isoformat() == today
            when = (f"{slot:%H:%M}" if same_day else f"{slot:%H:%M} {slot:%d/%m/%Y}")
            lines.append(text("your_slot", lang, when=when))
            if refusal == "checkin_too_early":
                lines.append(text("come_back", lang, time=f"{start:%H:%M}", until=f"{end:%H:%M}")
                             if same_day else text("come_back_on", lang, time=f"{start:%H:%M}",
                                                   date=f"{start:%d/%m/%Y}"))
            else:
                lines.append(text("checkin_closed_at", lang, time=f"{end:%H:%M}"))
                self.walk_in_service = booking["service"]
        self.lines = tuple(lines)
        self._idle.start()
        self._emit()

    def _print(self, result: dict[str, Any]) -> None:
        config = self.kiosk.config
        issued, booking = result["ticket"], result["booking"]
        service = config.service(issued["service"]) if config else None
        slot = datetime.fromisoformat(booking["slot"])
        slot_end = datetime.fromisoformat(booking["slot_end"])
        span = f"{slot:%H:%M} – {slot_end:%H:%M}"
        self.ticket = AppointmentTicket(
            issued["number"], service.name.get(self.lang) if service else issued["service"],
            span, PrintState.PRINTING)
        self.step = Step.TICKET
        self._emit()
        if config is None:
            self._printed(PrinterHealth.UNKNOWN)
            return
        try:
            job = dataclasses.replace(
                model.print_job(config, {**issued, "ahead": 0}, self.lang, None),  # type: ignore[arg-type]
                appointment_label=f"{span}, {slot:%d/%m/%Y}")
        except ValueError:
            log.exception("appointment ticket %s cannot be printed", issued["number"])
            self._printed(PrinterHealth.UNKNOWN)
            return
        self.kiosk.printer.print_ticket(job, self._printed)

    def _printed(self, failure: PrinterHealth | None) -> None:
        if self.ticket is None:
            return
        state = PrintState.PRINTED if failure is None else PrintState.FAILED
        self.ticket = dataclasses.replace(self.ticket, print_state=state)
        self._ticket_done.start(round(self._ticket_s * 1000 * (1 if failure is None else 3)))
        self._emit()
