"""The ticket printers: a real ESC/POS printer on a transport, and its virtual twin."""

import re
import threading
from pathlib import Path
from typing import Protocol

from drivers.printer.decoder import render_escpos
from drivers.printer.health import (
    QUERY_OFFLINE_CAUSE,
    QUERY_PAPER,
    QUERY_PRINTER,
    PrinterError,
    PrinterHealth,
    StatusBytes,
)
from drivers.printer.job import build_job
from drivers.printer.layout import TicketLayout
from drivers.printer.profiles import PrinterProfile
from drivers.printer.ticket import Ticket
from drivers.printer.transports import Transport

_STATUS_QUERIES = (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER)


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: Ticket) -> None:
        """Prints the ticket or raises PrinterError; a ticket is never dropped silently."""
        ...

    def health(self) -> PrinterHealth: ...


class EscposPrinter:
    """A real printer: status is read before a job (refusing one that cannot print) and again
    after it (a printer that ran out of paper mid-ticket raises, so the kiosk can say so)."""

    def __init__(
        self,
        device: str,
        transport: Transport,
        profile: PrinterProfile,
        layout: TicketLayout | None = None,
    ) -> None:
        self.device = device
        self.transport = transport
        self.profile = profile
        self.layout = layout
        self.last_error: str | None = None
        # One job or status exchange at a time: a status reply must not land inside a job.
        self._lock = threading.Lock()

    def health(self) -> PrinterHealth:
        with self._lock:
            return self._health()

    def _health(self) -> PrinterHealth:
        try:
            replies = self.transport.query(_STATUS_QUERIES)
        except OSError as e:
            self.last_error = f"{self.device}: {e}"
            return PrinterHealth.OFFLINE
        if replies is None:
            return PrinterHealth.UNKNOWN
        health = StatusBytes(*replies).health()
        if health is PrinterHealth.OFFLINE and replies[0] is None:
            self.last_error = f"{self.device}: no status reply from the printer"
        elif health is PrinterHealth.UNKNOWN:
            got = " ".join("--" if r is None else f"{r:02x}" for r in replies)
            self.last_error = f"{self.device}: status replies {got} are not ESC/POS (baud rate?)"
        return health

    def print_ticket(self, ticket: Ticket) -> None:
        job = build_job(ticket, self.profile, self.layout)
        with self._lock:
            before = self._health()
            if not before.can_print:
                raise PrinterError(f"ticket {ticket.number} not printed on {self.device}", before)
            try:
                self.transport.send(job)
            except OSError as e:
                self.last_error = f"{self.device}: {e}"
                raise PrinterError(
                    f"ticket {ticket.number} not printed: sending to {self.device} failed: {e}",
                    PrinterHealth.OFFLINE,
                ) from e
            after = self._health()
            if not after.can_print:
                raise PrinterError(
                    f"ticket {ticket.number} was sent to {self.device} but the printer then "
                    "stopped; the ticket may be incomplete",
                    after,
                )

    def close(self) -> None:
        with self._lock:
            self.transport.close()


_JOB_NAME = re.compile(r"ticket-(\d+)\.bin")


class VirtualPrinter:
    """Writes ``ticket-NNNN.bin`` (the exact job bytes) and ``ticket-NNNN.png`` (a picture
    decoded from those bytes) into a directory.

    Health is simulated by ``set_health()`` or by a control file ``<dir>/health`` holding a
    health name (``paper_out``); the printer is unhealthy if either says so, and then refuses
    jobs exactly as a real one does.
    """

    def __init__(
        self,
        directory: Path,
        profile: PrinterProfile,
        layout: TicketLayout | None = None,
    ) -> None:
        self.directory = directory
        self.profile = profile
        self.layout = layout
        self.directory.mkdir(parents=True, exist_ok=True)
        self._simulated = PrinterHealth.OK
        self._lock = threading.Lock()
        jobs = (_JOB_NAME.fullmatch(p.name) for p in directory.iterdir())
        numbers = [int(m.group(1)) for m in jobs if m]
        # Numbering continues after a restart, so earlier tickets are never overwritten.
        self._next = max(numbers, default=0) + 1

    def set_health(self, health: PrinterHealth) -> None:
        self._simulated = PrinterHealth(health)

    def health(self) -> PrinterHealth:
        if self._simulated is not PrinterHealth.OK:
            return self._simulated
        control = self.directory / "health"
        if not control.exists():
            return PrinterHealth.OK
        text = control.read_text().strip()
        try:
            return PrinterHealth(text) if text else PrinterHealth.OK
        except ValueError:
            return PrinterHealth.UNKNOWN

    def print_ticket(self, ticket: Ticket) -> None:
        health = self.health()
        if not health.can_print:
            raise PrinterError(f"ticket {ticket.number} not printed on virtual printer", health)
        job = build_job(ticket, self.profile, self.layout)
        with self._lock:
            stem = self.directory / f"ticket-{self._next:04d}"
            self._next += 1
            stem.with_suffix(".bin").write_bytes(job)
            picture = render_escpos(job, self.profile.paper_dots, self.profile.codepage_names())
            picture.save(stem.with_suffix(".png"))
