"""Ticket printer: a ``PrintedTicket`` in, one ESC/POS job out, on a real printer or a virtual one.

    printer = open_printer("serial:/dev/ttyUSB0?baud=115200", profile="raster")
    printer.print_ticket(ticket)      # raises PrinterError, never drops a ticket silently
    printer.health()                  # PrinterHealth.OK, PAPER_OUT, ...

Device strings (options after ``?``, joined with ``&``):
    serial:/dev/ttyUSB0   baud (9600), flow (rtscts | dsrdtr | xonxoff | none), status (1 | 0)
    net:192.168.1.50:9100 status (1 | 0)
    usb:0x0416:0x5011     status (1 | 0)   (a printer-class USB printer, via usblp)
    file:/path            (appends jobs; no status)
    virtual:/dir          (ticket-NNNN.bin and ticket-NNNN.png; status from /dir/health)
and for all: paper (80 | 58, mm), codepage (the ESC t number of CP1258 on this printer).
"""

from pathlib import Path

from drivers.device_string import parse_device
from drivers.printer.decoder import EscposDecodeError, render_escpos
from drivers.printer.health import PrinterError, PrinterHealth
from drivers.printer.job import build_job
from drivers.printer.layout import TicketLayout, load_layout
from drivers.printer.printers import EscposPrinter, TicketPrinter
from drivers.printer.profiles import PROFILES, PrinterProfile, get_profile
from drivers.printer.ticket import PrintedTicket
from drivers.printer.transports import (
    FileTransport,
    NetworkTransport,
    SerialTransport,
    Transport,
    UsbLpTransport,
)
from drivers.printer.virtual import VirtualPrinter

__all__ = [
    "PROFILES",
    "EscposDecodeError",
    "EscposPrinter",
    "PrintedTicket",
    "PrinterError",
    "PrinterHealth",
    "PrinterProfile",
    "TicketLayout",
    "TicketPrinter",
    "VirtualPrinter",
    "build_job",
    "load_layout",
    "open_printer",
    "render_escpos",
]

_KINDS = ("serial", "net", "usb", "file", "virtual")


def open_printer(
    device: str,
    profile: str | PrinterProfile = "raster",
    layout: TicketLayout | None = None,
) -> EscposPrinter:
    """The printer named by ``device``; a malformed string raises ValueError at once."""
    spec = parse_device(device, _KINDS)
    paper_mm = spec.take_optional_int("paper", 0, 1000)
    printer_profile = get_profile(profile, paper_mm, spec.take_optional_int("codepage", 0, 255))
    if spec.kind == "virtual":
        spec.done()
        if not spec.target:
            raise ValueError(f"{device}: the virtual printer needs a directory (virtual:/dir)")
        return VirtualPrinter(Path(spec.target), printer_profile, layout)
    transport: Transport
    if spec.kind == "file":
        transport = FileTransport(Path(spec.target))
    else:
        status = spec.take_int("status", 1, 0, 1) == 1
        if spec.kind == "serial":
            transport = SerialTransport(
                spec.target,
                spec.take_int("baud", 9600, 1200, 921600),
                spec.take_choice("flow", "rtscts", ("rtscts", "dsrdtr", "xonxoff", "none")),
                status,
            )
        elif spec.kind == "net":
            host, _, port = spec.target.partition(":")
            if not host or not (port or "9100").isdigit():
                raise ValueError(f"{device}: expected net:HOST or net:HOST:PORT")
            transport = NetworkTransport(host, int(port or 9100), status)
        else:
            try:
                vendor, product = (int(part, 16) for part in spec.target.split(":"))
            except ValueError:
                raise ValueError(f"{device}: expected usb:0xVENDOR:0xPRODUCT") from None
            transport = UsbLpTransport(vendor, product, status)
    spec.done()
    return EscposPrinter(device, transport, printer_profile, layout)
