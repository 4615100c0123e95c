"""Printers on their transports: a real pty pair (socat), a real TCP port, a file, the kernel's
usblp layout (faked: no USB here) and the virtual printer's own transport. The far end is a
printer simulator that answers DLE EOT status queries; the bytes it receives are checked
exactly."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import qrcode
import qrcode.constants
from PIL import Image, ImageChops

from drivers.printer import (
    EscposPrinter,
    PrinterError,
    PrinterHealth,
    VirtualPrinter,
    build_job,
    open_printer,
    render_escpos,
)
from drivers.printer.decoder import qr_image
from drivers.printer.demo import demo_ticket
from drivers.printer.health import StatusBytes
from drivers.printer.job import default_layout
from drivers.printer.profiles import get_profile
from drivers.printer.raster_text import render_line
from drivers.printer.transports import UsbLpTransport, find_usblp
from drivers.printer.virtual import VirtualTransport

from .conftest import PrinterSim
from .test_printer_preview import MARGIN, PAPER, centered_x, find_rows

STATUS_QUERIES = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
TICKET = demo_ticket("vi")
JOB = build_job(TICKET, "raster")


# Serial, through a real pseudo-terminal pair


def test_serial_printer_gets_status_queries_and_the_exact_job(
    serial_printer: tuple[str, PrinterSim],
) -> None:
    device, sim = serial_printer
    printer = open_printer(f"serial:{device}?baud=115200")
    printer.print_ticket(TICKET)
    printer.close()
    # Health before, the job, health after: nothing else, nothing lost.
    assert bytes(sim.received) == STATUS_QUERIES + JOB + STATUS_QUERIES


@pytest.mark.parametrize(
    "state",
    [PrinterHealth.OK, PrinterHealth.PAPER_LOW, PrinterHealth.PAPER_OUT, PrinterHealth.COVER_OPEN],
)
def test_serial_printer_reports_its_state(
    serial_printer: tuple[str, PrinterSim], state: PrinterHealth
) -> None:
    device, sim = serial_printer
    sim.health = state
    printer = open_printer(f"serial:{device}?baud=115200")
    assert printer.health() == state
    printer.close()


def test_replies_that_are_not_status_bytes_say_so(serial_printer: tuple[str, PrinterSim]) -> None:
    device, sim = serial_printer
    sim.health = PrinterHealth.UNKNOWN
    printer = open_printer(f"serial:{device}?baud=115200")
    assert printer.health() == PrinterHealth.UNKNOWN
    assert isinstance(printer, EscposPrinter)
    assert printer.last_error is not None and "ff e0 00" in printer.last_error
    assert "baud rate" in printer.last_error
    printer.close()


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "health"),
    [
        (0x12, 0x12, 0x12, PrinterHealth.OK),
        (0x16, 0x12, 0x12, PrinterHealth.OK),  # drawer pin high: not our business
        (0x12, 0x12, 0x1E, PrinterHealth.PAPER_LOW),
        (0x1A, 0x32, 0x72, PrinterHealth.PAPER_OUT),
        (0x12, 0x12, 0x72, PrinterHealth.PAPER_OUT),  # sensor says end before the printer stops
        (0x1A, 0x16, 0x72, PrinterHealth.COVER_OPEN),  # cover open wins over "no paper"
        (0x1A, 0x52, 0x12, PrinterHealth.OFFLINE),  # an error (cutter jammed)
        (0x1A, 0x12, 0x12, PrinterHealth.OFFLINE),
        (None, None, None, PrinterHealth.OFFLINE),
        (0x12, None, None, PrinterHealth.UNKNOWN),
        (0x13, 0x12, 0x12, PrinterHealth.UNKNOWN),  # bit 0 set: not a status byte
    ],
)
def test_status_bytes_to_health(
    printer: int | None, cause: int | None, paper: int | None, health: PrinterHealth
) -> None:
    assert StatusBytes(printer, cause, paper).health() == health


def test_printer_out_of_paper_refuses_the_job(serial_printer: tuple[str, PrinterSim]) -> None:
    device, sim = serial_printer
    sim.health = PrinterHealth.PAPER_OUT
    printer = open_printer(f"serial:{device}?baud=115200")
    with pytest.raises(PrinterError) as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.PAPER_OUT
    assert "1023" in str(error.value)
    assert bytes(sim.received) == STATUS_QUERIES  # the job was never sent
    printer.close()


def test_paper_low_still_prints(serial_printer: tuple[str, PrinterSim]) -> None:
    device, sim = serial_printer
    sim.health = PrinterHealth.PAPER_LOW
    printer = open_printer(f"serial:{device}?baud=115200")
    printer.print_ticket(TICKET)
    assert JOB in sim.received
    printer.close()


def test_paper_running_out_during_the_job_is_reported(
    serial_printer: tuple[str, PrinterSim],
) -> None:
    device, sim = serial_printer
    sim.switch_after(len(STATUS_QUERIES) + len(JOB) // 2, PrinterHealth.PAPER_OUT)
    printer = open_printer(f"serial:{device}?baud=115200")
    with pytest.raises(PrinterError, match="may be incomplete") as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.PAPER_OUT
    printer.close()


def test_silent_printer_is_offline_and_refuses_jobs(
    serial_printer: tuple[str, PrinterSim],
) -> None:
    device, sim = serial_printer
    sim.health = PrinterHealth.OFFLINE  # switched off: answers nothing
    printer = open_printer(f"serial:{device}?baud=115200")
    with pytest.raises(PrinterError) as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.OFFLINE
    assert JOB not in sim.received
    printer.close()


def test_printer_without_status_line_prints_with_unknown_health(
    serial_printer: tuple[str, PrinterSim],
) -> None:
    device, sim = serial_printer
    printer = open_printer(f"serial:{device}?baud=115200&status=0&flow=none")
    assert printer.health() == PrinterHealth.UNKNOWN
    printer.print_ticket(TICKET)
    printer.close()
    assert sim.wait_for(len(JOB)) == JOB


def test_missing_serial_port_is_offline(tmp_path: Path) -> None:
    printer = open_printer(f"serial:{tmp_path}/ttyUSB9")
    assert printer.health() == PrinterHealth.OFFLINE
    assert isinstance(printer, EscposPrinter)
    assert printer.last_error is not None and "ttyUSB9" in printer.last_error
    with pytest.raises(PrinterError):
        printer.print_ticket(TICKET)


# Network (raw port 9100), on a real loopback socket


def test_network_printer_prints_and_reads_status(
    network_printer: tuple[int, PrinterSim],
) -> None:
    port, sim = network_printer
    printer = open_printer(f"net:127.0.0.1:{port}", profile="cp1258")
    assert printer.health() == PrinterHealth.OK
    printer.print_ticket(TICKET)
    job = build_job(TICKET, "cp1258")
    # Three connections (status, job, status); the simulator saw them in that order.
    assert bytes(sim.received) == STATUS_QUERIES * 2 + job + STATUS_QUERIES
    sim.health = PrinterHealth.COVER_OPEN
    assert printer.health() == PrinterHealth.COVER_OPEN


def test_unreachable_network_printer_is_offline() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    printer = open_printer(f"net:127.0.0.1:{free_port}")
    assert printer.health() == PrinterHealth.OFFLINE
    with pytest.raises(PrinterError) as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.OFFLINE


# File


def test_file_printer_appends_jobs_and_cannot_know_paper(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    printer = open_printer(f"file:{out}", profile="tcvn3")
    assert printer.health() == PrinterHealth.UNKNOWN
    printer.print_ticket(TICKET)
    printer.print_ticket(TICKET)
    job = build_job(TICKET, "tcvn3")
    assert out.read_bytes() == job + job


def test_file_printer_in_a_missing_directory_is_offline(tmp_path: Path) -> None:
    printer = open_printer(f"file:{tmp_path}/missing/printer.bin")
    assert printer.health() == PrinterHealth.OFFLINE
    with pytest.raises(PrinterError):
        printer.print_ticket(TICKET)


# USB through usblp: the sysfs tree is faked, the device node is a real pty


def fake_usblp(root: Path, node: str, ids: tuple[str, str]) -> None:
    usb_device = root / "sys/devices/pci0000:00/usb1/1-1"
    interface = usb_device / "1-1:1.0"
    interface.mkdir(parents=True)
    (usb_device / "idVendor").write_text(ids[0] + "\n")
    (usb_device / "idProduct").write_text(ids[1] + "\n")
    (root / "sys/class/usbmisc/lp0").mkdir(parents=True)
    (root / "sys/class/usbmisc/lp0/device").symlink_to(interface)
    (root / "dev/usb").mkdir(parents=True)
    (root / "dev/usb/lp0").symlink_to(node)


def test_usb_printer_is_found_by_vendor_and_product(
    serial_printer: tuple[str, PrinterSim], tmp_path: Path
) -> None:
    device, sim = serial_printer
    fake_usblp(tmp_path, device, ("0416", "5011"))
    assert find_usblp(0x0416, 0x5011, tmp_path / "sys") == "lp0"
    assert find_usblp(0x04B8, 0x0202, tmp_path / "sys") is None
    transport = UsbLpTransport(0x0416, 0x5011, sys_root=tmp_path / "sys", dev_root=tmp_path / "dev")
    printer = EscposPrinter("usb:0x0416:0x5011", transport, get_profile("raster"))
    printer.print_ticket(TICKET)
    assert bytes(sim.received) == STATUS_QUERIES + JOB + STATUS_QUERIES


def test_unplugged_usb_printer_is_offline_with_a_reason(tmp_path: Path) -> None:
    transport = UsbLpTransport(0x0416, 0x5011, sys_root=tmp_path / "sys", dev_root=tmp_path / "dev")
    printer = EscposPrinter("usb:0x0416:0x5011", transport, get_profile("raster"))
    assert printer.health() == PrinterHealth.OFFLINE
    assert printer.last_error is not None and "0416:5011" in printer.last_error


# Virtual


def test_virtual_printer_writes_exact_bytes_and_a_preview_decoded_from_them(
    tmp_path: Path,
) -> None:
    printer = open_printer(f"virtual:{tmp_path}")
    printer.print_ticket(TICKET)
    printer.print_ticket(demo_ticket("en"))
    assert (tmp_path / "ticket-0001.bin").read_bytes() == JOB
    assert (tmp_path / "ticket-0002.bin").read_bytes() == build_job(demo_ticket("en"), "raster")
    for stem in ("ticket-0001", "ticket-0002"):
        preview = Image.open(tmp_path / f"{stem}.png")
        decoded = render_escpos((tmp_path / f"{stem}.bin").read_bytes())
        assert ImageChops.difference(preview.convert("L"), decoded).getbbox() is None


def test_virtual_printer_numbering_survives_a_restart(tmp_path: Path) -> None:
    open_printer(f"virtual:{tmp_path}").print_ticket(TICKET)
    open_printer(f"virtual:{tmp_path}").print_ticket(TICKET)
    assert sorted(p.name for p in tmp_path.glob("*.bin")) == ["ticket-0001.bin", "ticket-0002.bin"]


def test_virtual_printer_health_by_method_and_by_control_file(tmp_path: Path) -> None:
    printer = open_printer(f"virtual:{tmp_path}")
    assert isinstance(printer, VirtualPrinter)
    assert printer.health() == PrinterHealth.OK
    printer.set_health(PrinterHealth.PAPER_OUT)
    with pytest.raises(PrinterError) as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.PAPER_OUT
    printer.set_health(PrinterHealth.OK)
    (tmp_path / "health").write_text("cover_open\n")
    assert printer.health() == PrinterHealth.COVER_OPEN
    with pytest.raises(PrinterError):
        printer.print_ticket(TICKET)
    assert list(tmp_path.glob("ticket-*")) == []
    (tmp_path / "health").write_text("ok")
    printer.print_ticket(TICKET)
    assert (tmp_path / "ticket-0001.png").exists()


# DLE EOT 1, 2, 3 and 4, as a printer answers them (ESC/POS: 1 printer, 2 offline cause,
# 3 error cause, 4 paper sensor; bits 1 and 4 always set).
ALL_STATUS_REQUESTS = [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x03", b"\x10\x04\x04"]


@pytest.mark.parametrize(
    ("control", "replies"),
    [
        (None, [0x12, 0x12, 0x12, 0x12]),
        ("", [0x12, 0x12, 0x12, 0x12]),
        ("ok\n", [0x12, 0x12, 0x12, 0x12]),
        ("paper_low", [0x12, 0x12, 0x12, 0x1E]),  # 4: near-end bits 2 and 3
        # 1: offline (bit 3); 2: stopped by paper end (bit 5); 4: paper end (bits 5 and 6).
        ("paper_out\n", [0x1A, 0x32, 0x12, 0x72]),
        ("cover_open", [0x1A, 0x16, 0x12, 0x12]),  # 2: cover open (bit 2)
        ("offline", [None, None, None, None]),  # switched off: no answer at all
        ("out of paper", None),  # not a state: a printer whose status cannot be read
    ],
)
def test_virtual_twin_answers_status_queries_from_its_control_file(
    tmp_path: Path, control: str | None, replies: list[int | None] | None
) -> None:
    twin = VirtualTransport(tmp_path, get_profile("raster"))
    if control is not None:
        (tmp_path / "health").write_text(control)
    assert twin.query(ALL_STATUS_REQUESTS) == replies


def test_virtual_twin_answers_only_status_requests(tmp_path: Path) -> None:
    twin = VirtualTransport(tmp_path, get_profile("raster"))
    assert twin.query([b"\x10\x04\x04", b"\x10\x05\x01", b"\x1b@"]) == [0x12, None, None]


def test_virtual_printer_reads_its_health_through_the_status_bytes(tmp_path: Path) -> None:
    printer = open_printer(f"virtual:{tmp_path}")
    for state in ("paper_low", "paper_out", "cover_open", "offline", "unknown"):
        (tmp_path / "health").write_text(state)
        assert printer.health() == PrinterHealth(state)
    (tmp_path / "health").write_text("offline")
    printer.health()
    assert printer.last_error == f"virtual:{tmp_path}: no status reply from the printer"


def test_virtual_paper_out_fails_as_a_real_printer_does(
    serial_printer: tuple[str, PrinterSim], tmp_path: Path
) -> None:
    device, sim = serial_printer
    sim.health = PrinterHealth.PAPER_OUT
    real = open_printer(f"serial:{device}?baud=115200")
    with pytest.raises(PrinterError) as real_error:
        real.print_ticket(TICKET)
    real.close()
    (tmp_path / "health").write_text("paper_out\n")
    virtual = open_printer(f"virtual:{tmp_path}")
    with pytest.raises(PrinterError) as virtual_error:
        virtual.print_ticket(TICKET)
    assert virtual_error.value.health == real_error.value.health == PrinterHealth.PAPER_OUT
    assert str(virtual_error.value).replace(f"virtual:{tmp_path}", "DEVICE") == str(
        real_error.value
    ).replace(f"serial:{device}?baud=115200", "DEVICE")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["health"]  # nothing printed


def test_cover_opened_during_a_virtual_job_is_reported_and_nothing_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = open_printer(f"virtual:{tmp_path}")
    assert isinstance(printer, VirtualPrinter)
    query = printer.twin.query

    def open_cover_after_the_check(requests: list[bytes]) -> list[int | None] | None:
        replies = query(requests)
        (tmp_path / "health").write_text("cover_open")
        return replies

    monkeypatch.setattr(printer.twin, "query", open_cover_after_the_check)
    with pytest.raises(PrinterError, match="may be incomplete") as error:
        printer.print_ticket(TICKET)
    assert error.value.health == PrinterHealth.COVER_OPEN
    assert list(tmp_path.glob("ticket-*")) == []


def test_virtual_twin_stores_bytes_that_decode_to_the_ticket(tmp_path: Path) -> None:
    open_printer(f"virtual:{tmp_path}").print_ticket(TICKET)
    stored = (tmp_path / "ticket-0001.bin").read_bytes()
    assert stored == JOB
    picture = render_escpos(stored)
    style = default_layout().styles["large"]
    service = render_line(TICKET.service_name, style.px, style.bold).image
    assert len(find_rows(picture, service, centered_x(service.width))) == 1
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=default_layout().qr_module,
        border=0,
    )
    code.add_data(TICKET.qr_data)
    code.make(fit=True)
    qr = qr_image(code)
    assert len(find_rows(picture, qr, MARGIN + (PAPER - qr.width) // 2)) == 1


# Device strings


@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("lpt:/dev/lp0", "must start with one of"),
        ("serial:/dev/ttyS0?baud=fast", "baud must be a number"),
        ("serial:/dev/ttyS0?baud=115200&parity=E", "unknown option"),
        ("serial:/dev/ttyS0?flow=cts", "flow must be one of"),
        ("net:printer.local:http", "expected net:HOST"),
        ("usb:0416", "expected usb:0xVENDOR:0xPRODUCT"),
        ("virtual:", "needs a directory"),
        ("file:/tmp/x?paper=76", "paper must be one of"),
        ("file:/tmp/x?status=0", "unknown option"),
    ],
)
def test_bad_device_strings_fail_at_once(device: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_printer(device)


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown printer profile"):
        open_printer("file:/tmp/x", profile="cp1252")
