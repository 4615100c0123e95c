"""The kiosk's printer, off the GUI thread: health polled every few seconds, jobs printed one at
a time, every result handed back on the GUI thread.

One worker thread owns the printer, so a health query never interleaves with a job's bytes on
the same serial line, and a slow or hung printer never freezes the touch screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from drivers.printer import PrintedTicket, PrinterError, PrinterHealth, TicketPrinter

log = logging.getLogger("qms.kiosk.printer")

HealthHandler = Callable[[PrinterHealth], None]
# None when the ticket printed; otherwise the health that explains the failure.
PrintedHandler = Callable[[PrinterHealth | None], None]


class PrinterService(QObject):
    health_changed = Signal(object)  # PrinterHealth
    _deliver = Signal(object, object)  # a handler and its value, queued onto the GUI thread

    def __init__(self, printer: TicketPrinter, *, poll_s: float = 2.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self.health = PrinterHealth.UNKNOWN
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-printer")
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(round(poll_s * 1000))
        self._timer.timeout.connect(self._poll)
        self._deliver.connect(lambda handler, value: handler(value))

    def start(self) -> None:
        self._timer.start()
        self._poll()

    def stop(self) -> None:
        self._timer.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def check(self, on_done: HealthHandler) -> None:
        """Ask the printer now (not the last poll): a job is about to depend on the answer."""
        self._run(self._read_health, lambda health: (self._record(health), on_done(health)))

    def print_ticket(self, ticket: PrintedTicket, on_done: PrintedHandler) -> None:
        def done(failure: PrinterHealth | None) -> None:
            if failure is not None:  # what the failed job found is the printer's news
                self._record(failure)
            on_done(failure)

        self._run(lambda: self._print(ticket), done)

    def _poll(self) -> None:
        if self._polling:  # a slow printer: never pile up queries behind it
            return
        self._polling = True

        def done(health: PrinterHealth) -> None:
            self._polling = False
            self._record(health)

        self._run(self._read_health, done)

    def _record(self, health: PrinterHealth) -> None:
        if health != self.health:
            log.info("printer health: %s -> %s", self.health, health)
            self.health = health
            self.health_changed.emit(health)

    def _run(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        try:
            future = self._executor.submit(work)
        except RuntimeError:  # stopped: the kiosk is closing
            return
        future.add_done_callback(lambda f: self._finish(f, on_done))

    def _finish(self, future: Future[Any], on_done: Callable[[Any], None]) -> None:
        if future.cancelled():
            return
        try:
            self._deliver.emit(on_done, future.result())
        except RuntimeError:  # the kiosk closed while the printer was busy
            log.debug("printer result dropped: the kiosk has closed")

    def _read_health(self) -> PrinterHealth:
        try:
            return self.printer.health()
        except Exception:
            log.exception("reading the printer's health failed")
            return PrinterHealth.OFFLINE

    def _print(self, ticket: PrintedTicket) -> PrinterHealth | None:
        try:
            self.printer.print_ticket(ticket)
        except PrinterError as exc:
            log.error("ticket %s did not print: %s", ticket.number, exc)
            return exc.health
        except Exception:
            log.exception("ticket %s did not print", ticket.number)
            return PrinterHealth.OFFLINE
        return None
