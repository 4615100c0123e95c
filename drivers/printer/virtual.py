"""The virtual printer: a transport that stands in for the printer at the end of the cable.

Like python-escpos' ``Dummy``, the twin is only a transport, so ``EscposPrinter`` drives it as
it drives a serial or network printer: the same job bytes, the same DLE EOT status queries
before and after, the same errors. Faults come in-band, as on the real thing: the twin answers
the status queries from a control file, and a job it cannot print leaves no ticket behind.
"""

import re
from collections.abc import Sequence
from pathlib import Path

from drivers.printer.decoder import render_escpos
from drivers.printer.health import STATUS_REPLIES, PrinterHealth
from drivers.printer.layout import TicketLayout
from drivers.printer.printers import EscposPrinter
from drivers.printer.profiles import PrinterProfile

_JOB_NAME = re.compile(r"ticket-(\d+)\.bin")
_STATUS_REQUEST = re.compile(rb"\x10\x04([\x01-\x04])")  # DLE EOT n


class VirtualTransport:
    """Writes each job it is sent to ``ticket-NNNN.bin`` (the exact bytes) and
    ``ticket-NNNN.png`` (a picture decoded from those bytes) in a directory.

    Its state is a health name in the control file ``<dir>/health`` (``paper_out``; missing,
    empty or ``ok`` for a healthy printer), or one set by ``set_health()``; it is unhealthy if
    either says so. It answers DLE EOT as a printer in that state does; ``offline`` answers
    nothing, as a printer switched off, and an unreadable control file gives a printer whose
    status cannot be read.
    """

    def __init__(self, directory: Path, profile: PrinterProfile) -> None:
        self.directory = directory
        self.profile = profile
        self.directory.mkdir(parents=True, exist_ok=True)
        self._simulated = PrinterHealth.OK
        jobs = (_JOB_NAME.fullmatch(p.name) for p in directory.iterdir())
        numbers = [int(m.group(1)) for m in jobs if m]
        # Numbering continues after a restart, so earlier tickets are never overwritten.
        self._next = max(numbers, default=0) + 1

    def set_health(self, health: PrinterHealth) -> None:
        self._simulated = PrinterHealth(health)

    def _state(self) -> PrinterHealth:
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

    def send(self, data: bytes) -> None:
        # The state may change between the check before a job and the job (someone opens the
        # cover): a printer that cannot print puts nothing on paper, and the check after the
        # job reports it.
        if not self._state().can_print:
            return
        stem = self.directory / f"ticket-{self._next:04d}"
        self._next += 1
        stem.with_suffix(".bin").write_bytes(data)
        picture = render_escpos(data, self.profile.paper_dots, self.profile.codepage_names())
        picture.save(stem.with_suffix(".png"))

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        state = self._state()  # one reading for all the replies, as from one moment
        if state is PrinterHealth.UNKNOWN:
            return None
        if state is PrinterHealth.OFFLINE:
            return [None] * len(requests)
        replies = STATUS_REPLIES[state]
        # A printer answers the real-time status requests only; anything else gets no reply.
        queries = (_STATUS_REQUEST.fullmatch(request) for request in requests)
        return [None if q is None else replies[q.group(1)[0] - 1] for q in queries]

    def close(self) -> None:
        """Nothing stays open between jobs."""


class VirtualPrinter(EscposPrinter):
    """An ``EscposPrinter`` on a ``VirtualTransport``: health and printing are the real
    printer's code; only ``set_health()`` is added, a hand on the twin's fault switch for
    tests and demos that cannot write its control file at the right moment."""

    def __init__(
        self,
        directory: Path,
        profile: PrinterProfile,
        layout: TicketLayout | None = None,
    ) -> None:
        self.twin = VirtualTransport(directory, profile)
        super().__init__(f"virtual:{directory}", self.twin, profile, layout)

    def set_health(self, health: PrinterHealth) -> None:
        self.twin.set_health(health)
