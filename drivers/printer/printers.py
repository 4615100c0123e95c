"""The ticket printer: ESC/POS jobs and status queries over a transport, real or virtual."""

import threading
from typing import Protocol

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
from drivers.printer.ticket import PrintedTicket
from drivers.printer.transports import Transport

_STATUS_QUERIES = (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER)


class TicketPrinter(Protocol):
    def print_ticket(self, ticket: PrintedTicket) -> None:
        """Prints the ticket or raises PrinterError; a ticket is never dropped silently."""
        ...

    def health(self) -> PrinterHealth: ...


class EscposPrinter:
    """A printer on any transport, the virtual one included: status is read before a job
    (refusing one that cannot print) and again after it (a printer that ran out of paper
    mid-ticket raises, so the kiosk can say so)."""

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

    def print_ticket(self, ticket: PrintedTicket) -> None:
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
