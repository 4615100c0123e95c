"""Printer health, the error a failed job raises, and the ESC/POS real-time status bytes.

A printer answers ``DLE EOT n`` with one status byte even while it is offline or busy, which is
what makes paper-out and cover-open readable before a job is sent.
"""

from dataclasses import dataclass
from enum import StrEnum


class PrinterHealth(StrEnum):
    OK = "ok"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"

    @property
    def can_print(self) -> bool:
        # UNKNOWN prints: a write-only transport (a file, a printer without a return line)
        # cannot be asked, and refusing would make such a printer useless.
        return self in (PrinterHealth.OK, PrinterHealth.PAPER_LOW, PrinterHealth.UNKNOWN)


class PrinterError(Exception):
    """A job that did not print, with the health that explains why."""

    def __init__(self, message: str, health: PrinterHealth) -> None:
        super().__init__(f"{message} (printer health: {health})")
        self.health = health


# DLE EOT n: transmit real-time status. n = 1 printer, 2 offline cause, 3 error cause (not
# asked: its causes also show as the error bit of 2), 4 paper sensor.
QUERY_PRINTER = b"\x10\x04\x01"
QUERY_OFFLINE_CAUSE = b"\x10\x04\x02"
QUERY_PAPER = b"\x10\x04\x04"

# Every status byte has bit 1 and bit 4 set and bits 0 and 7 clear; anything else is not a
# status reply (line noise, an automatic status back packet, the wrong baud rate).
_FIXED_MASK = 0b1001_0011
_FIXED_BITS = 0b0001_0010

_OFFLINE = 0x08  # printer status
_COVER_OPEN = 0x04  # offline cause
_STOPPED_BY_PAPER_END = 0x20  # offline cause
_ERROR = 0x40  # offline cause
_PAPER_NEAR_END = 0x0C  # paper sensor, both bits
_PAPER_END = 0x60  # paper sensor, both bits


# What a printer answers to DLE EOT 1, 2, 3 and 4 in each state these bytes can show, for the
# virtual printer: it answers with them, so its health is read by the parser below like any
# printer's. Offline (silence) and unknown (no way back) are shown by not answering.
STATUS_REPLIES: dict[PrinterHealth, tuple[int, int, int, int]] = {
    PrinterHealth.OK: (_FIXED_BITS, _FIXED_BITS, _FIXED_BITS, _FIXED_BITS),
    PrinterHealth.PAPER_LOW: (_FIXED_BITS, _FIXED_BITS, _FIXED_BITS, _FIXED_BITS | _PAPER_NEAR_END),
    PrinterHealth.PAPER_OUT: (
        _FIXED_BITS | _OFFLINE,
        _FIXED_BITS | _STOPPED_BY_PAPER_END,
        _FIXED_BITS,
        _FIXED_BITS | _PAPER_END,
    ),
    PrinterHealth.COVER_OPEN: (
        _FIXED_BITS | _OFFLINE,
        _FIXED_BITS | _COVER_OPEN,
        _FIXED_BITS,
        _FIXED_BITS,
    ),
}


def is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True, slots=True)
class StatusBytes:
    """The replies to DLE EOT 1, 2 and 4; None where the printer did not answer."""

    printer: int | None
    offline_cause: int | None
    paper: int | None

    def health(self) -> PrinterHealth:
        if self.printer is None:
            return PrinterHealth.OFFLINE
        replies = (self.printer, self.offline_cause, self.paper)
        if not all(r is not None and is_status_byte(r) for r in replies):
            return PrinterHealth.UNKNOWN
        assert self.offline_cause is not None and self.paper is not None
        # Cover first: with the cover open the paper sensor often reads "end" as well.
        if self.offline_cause & _COVER_OPEN:
            return PrinterHealth.COVER_OPEN
        if self.paper & _PAPER_END == _PAPER_END or self.offline_cause & _STOPPED_BY_PAPER_END:
            return PrinterHealth.PAPER_OUT
        if self.printer & _OFFLINE or self.offline_cause & _ERROR:
            return PrinterHealth.OFFLINE
        if self.paper & _PAPER_NEAR_END == _PAPER_NEAR_END:
            return PrinterHealth.PAPER_LOW
        return PrinterHealth.OK
