"""The kiosk's behaviour: what a tap does, what the screen shows, when it goes back to the start.

It holds the view-model (the config, the hub's service states, the connection, the printer's
health, where the citizen is in the flow) and sends `changed(KioskView)` whenever the screen
should change. It creates no widgets and never touches paho.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from broker.wire.device_client import RequestError
from broker.wire.protocol import ServiceState
from config.schema import CenterConfig
from drivers.printer import PrinterHealth
from kiosk import model
from kiosk.model import IssuedTicket, KioskView, PrintState, Screen
from kiosk.printing import PrinterService
from qtkit.bridge import MqttBridge
from qtkit.texts import LANGS, Lang, error_text

log = logging.getLogger("qms.kiosk")

# The hub may have issued the ticket although its answer never came: a retry of the same
# choice must reuse the command id so the hub answers with that ticket instead of a new one.
_ANSWER_MAY_BE_LOST = frozenset({"timeout", "not_connected"})
# Screens a citizen can act on; elsewhere taps are ignored.
_CHOOSING = frozenset({Screen.START, Screen.SERVICES, Screen.PRIORITY})


class KioskController(QObject):
    changed = Signal(object)  # KioskView

    def __init__(self, bridge: MqttBridge, printer: PrinterService, *, lang: Lang = "vi",
                 idle_s: float = 45.0, ticket_s: float = 8.0, print_failed_s: float = 30.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge, self.printer = bridge, printer
        self.default_lang: Lang = lang
        self.lang: Lang = lang
        self.config: CenterConfig | None = None
        self.states: dict[str, ServiceState] = {}
        self.flow = Screen.START
        self.department: str | None = None
        self.priority_group: str | None = None
        self.ticket: IssuedTicket | None = None
        self.notice = ""
        self.print_failures = 0
        self._busy = False
        self._retry: tuple[tuple[tuple[str, Any], ...], str] | None = None
        self._idle = self._timer(idle_s, self._on_idle)
        self._ticket_done = self._timer(ticket_s, self.go_home)
        self._print_failed_s, self._ticket_s = print_failed_s, ticket_s

        bridge.connection_changed.connect(self._on_connection)
        bridge.hub_status_changed.connect(self._on_connection)
        bridge.config_received.connect(self._on_config)
        bridge.service_state.connect(self._on_service_state)
        printer.health_changed.connect(self._on_printer_health)

    def _timer(self, seconds: float, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(round(seconds * 1000))
        timer.timeout.connect(slot)
        return timer

    def start(self) -> None:
        self.printer.start()
        self._report_health()
        self._refresh()

    def close(self) -> None:
        self._idle.stop()
        self._ticket_done.stop()
        self.printer.stop()

    # --- what the screen shows ----------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self.config is not None and self.bridge.connected and self.bridge.hub_online

    def screen(self) -> Screen:
        # A number being issued or on screen stays there whatever happens, so it can be noted.
        if self.flow in (Screen.ISSUING, Screen.TICKET):
            return self.flow
        if not self.online:
            return Screen.OFFLINE
        if not self.printer.health.can_print:
            return Screen.OUT_OF_SERVICE
        return self.flow

    def view(self) -> KioskView:
        config, lang = self.config, self.lang
        if config is None:
            return KioskView(Screen.OFFLINE, lang, "", "", (), "", (), (), None, None, "",
                             self.printer.health.value)
        now = datetime.now(ZoneInfo(config.center.timezone))
        department = config.department(self.department) if self.department else None
        # A priority group chosen: the cards say what a priority ticket would be told.
        priority = self.priority_group is not None
        return KioskView(
            screen=self.screen(),
            lang=lang,
            center_name=config.center.name.get(lang),
            attract=config.texts.attract.get(lang),
            departments=model.department_tiles(config, self.states, lang, now, priority),
            department_name=department.name.get(lang) if department else "",
            services=(model.service_tiles(config, department.id, self.states, lang, now,
                                          priority) if department else ()),
            priority_groups=model.priority_tiles(config, lang),
            priority_label=model.priority_label(config, self.priority_group, lang),
            ticket=self.ticket,
            notice=self.notice,
            printer_health=self.printer.health.value,
        )

    def _refresh(self) -> None:
        if self.screen() in (Screen.OFFLINE, Screen.OUT_OF_SERVICE) and (
                self.flow is not Screen.START or self.department or self.priority_group):
            self._reset_choice()
        self.changed.emit(self.view())

    def _reset_choice(self) -> None:
        self.flow = Screen.START
        self.department = self.priority_group = None
        self.notice = ""

    # --- citizen actions ------------------------------------------------------------------

    def _acting(self) -> bool:
        """Whether a tap counts now; every tap also restarts the idle countdown."""
        if self._busy or self.screen() not in _CHOOSING:
            return False
        self._idle.start()
        self.notice = ""
        return True

    def dismiss_notice(self) -> None:
        """A tap on the notice: it goes, and nothing else happens."""
        if self.notice and self._acting():
            self._refresh()

    def choose_department(self, department_id: str) -> None:
        if self.config is None or not self._acting():
            return
        services = model.services_of(self.config, department_id)
        if len(services) == 1:
            self.choose_service(services[0].id)
            return
        self.department, self.flow = department_id, Screen.SERVICES
        self._refresh()

    def open_priority(self) -> None:
        if self._acting():
            self.flow = Screen.PRIORITY
            self._refresh()

    def choose_priority(self, group_id: str) -> None:
        if self._acting():
            self.priority_group, self.flow = group_id, Screen.START
            self._refresh()

    def cancel_priority(self) -> None:
        if self._acting():
            self.priority_group = None
            self._refresh()

    def back(self) -> None:
        if self._acting():
            self.flow, self.department = Screen.START, None
            self._refresh()

    def toggle_language(self) -> None:
        if self._acting():
            self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
            self._refresh()

    def choose_service(self, service_id: str) -> None:
        config = self.config
        if config is None or (service := config.service(service_id)) is None:
            return
        if not self._acting():
            return
        now = datetime.now(ZoneInfo(config.center.timezone))
        available, lines = model.service_status(service, self.states.get(service_id), config,
                                                self.lang, now)
        if not available:
            self.notice = f"{service.name.get(self.lang)}: {' – '.join(lines)}"
            self._refresh()
            return
        # From here until the answer every tap is ignored: a double tap gives one ticket.
        self._busy, self.flow, self.notice = True, Screen.ISSUING, ""
        self._refresh()
        self.printer.check(lambda health: self._issue_if_printable(service_id, health))

    def finish_ticket(self) -> None:
        if self.flow is Screen.TICKET and self.ticket and (
                self.ticket.print_state is not PrintState.PRINTING):
            self.go_home()

    def go_home(self) -> None:
        """Back to the start for the next citizen, in the kiosk's own language."""
        self._ticket_done.stop()
        self._idle.stop()
        self._reset_choice()
        self.ticket = None
        # A new citizen is a new action: never answered with someone else's (or yesterday's)
        # ticket under an old command id.
        self._retry = None
        self.lang = self.default_lang
        self._refresh()

    def _on_idle(self) -> None:
        if not self._busy and self.flow in _CHOOSING:
            self.go_home()

    # --- issuing and printing -------------------------------------------------------------

    def _issue_if_printable(self, service_id: str, health: PrinterHealth) -> None:
        if not health.can_print:
            # Nothing issued: a number the printer cannot give would be lost to the citizen.
            self._busy = False
            self._reset_choice()
            self._refresh()
            return
        args: dict[str, Any] = {"service": service_id, "lang": self.lang}
        if self.priority_group:
            args |= {"priority": True, "reason": self.priority_group}
        choice = tuple(sorted(args.items()))
        retry = self._retry
        command_id = retry[1] if retry and retry[0] == choice else uuid.uuid4().hex
        self._retry = (choice, command_id)
        self.bridge.request("ticket.issue", args, self._issued, command_id=command_id)

    def _issued(self, result: dict[str, Any] | None, error: RequestError | None) -> None:
        self._busy = False
        config = self.config
        if error is not None or result is None or config is None:
            code = error.code if error is not None else "unknown"
            log.warning("ticket.issue failed: %s", code)
            if code not in _ANSWER_MAY_BE_LOST:
                self._retry = None
            self.notice = error_text(code, self.lang)
            self.flow = Screen.SERVICES if self.department else Screen.START
            self._idle.start()
            self._refresh()
            return
        self._retry = None
        issued = result["ticket"]
        service = config.service(issued["service"])
        self.ticket = IssuedTicket(
            issued["number"], service.name.get(self.lang) if service else issued["service"],
            issued["ahead"], model.told_range(issued),
            model.priority_label(config, issued.get("reason"), self.lang), PrintState.PRINTING)
        self.flow = Screen.TICKET
        self._idle.stop()
        self._refresh()
        try:
            job = model.print_job(config, issued, self.lang, issued.get("reason"))
        except ValueError:  # e.g. a number the printer's font cannot print: a config mistake
            log.exception("ticket %s cannot be printed", issued["number"])
            self._printed(PrinterHealth.UNKNOWN)
            return
        self.printer.print_ticket(job, self._printed)

    def _printed(self, failure: PrinterHealth | None) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        if failure is None:
            state, seconds = PrintState.PRINTED, self._ticket_s
        else:
            state, seconds = PrintState.FAILED, self._print_failed_s
            self.print_failures += 1
            self.bridge.set_health(print_failures=self.print_failures, last_print_failure={
                "number": ticket.number, "printer": failure.value,
                "at": datetime.now().astimezone().isoformat(timespec="seconds")})
        self.ticket = IssuedTicket(ticket.number, ticket.service_name, ticket.ahead,
                                   ticket.wait_range, ticket.priority_label, state)
        self._ticket_done.start(round(seconds * 1000))
        self._refresh()

    # --- what the hub, the broker and the printer tell -------------------------------------

    def _on_connection(self, _up: bool) -> None:
        self._refresh()

    def _on_config(self, config: CenterConfig) -> None:
        self.config = config
        if self.department and config.department(self.department) is None:
            self._reset_choice()
        self._refresh()

    def _on_service_state(self, state: ServiceState) -> None:
        held = self.states.get(state.id)
        if held is None or state.rev >= held.rev:
            self.states[state.id] = state
            self._refresh()

    def _on_printer_health(self, _health: PrinterHealth) -> None:
        self._report_health()
        self._refresh()

    def _report_health(self) -> None:
        health = self.printer.health
        self.bridge.set_health(printer=health.value, in_service=health.can_print)
