"""How job bytes reach a printer and how its status bytes come back.

python-escpos builds the jobs, but its own connections are not used here: they report a
printer that never answered as having plenty of paper, and they write without a time limit.
These do one thing each, raise ``OSError`` when the printer cannot be reached, and return
None for a status reply that never came.
"""

import errno
import os
import select
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import serial

REPLY_TIMEOUT_S = 0.5
CONNECT_TIMEOUT_S = 3.0
# A job may wait while the printer's buffer is full and it prints; 5 s is several tickets.
WRITE_MARGIN_S = 5.0


class Transport(Protocol):
    def send(self, data: bytes) -> None:
        """Delivers the job to the printer or raises OSError."""
        ...

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        """One status byte per request (None where no reply came), or None when this
        transport has no way back from the printer. Raises OSError if it is unreachable."""
        ...

    def close(self) -> None: ...


def _pad(replies: list[int], count: int) -> list[int | None]:
    # A printer that stops answering will not answer the next question either; asking costs a
    # reply timeout each, so the remaining ones are not asked.
    return [*replies, *([None] * (count - len(replies)))]


class SerialTransport:
    """RS-232 (or a USB-serial adapter), kept open between jobs and reopened after an error."""

    def __init__(self, port: str, baud: int, flow: str = "rtscts", status: bool = True) -> None:
        self.port = port
        self.baud = baud
        self.flow = flow
        self.status = status
        self._serial: serial.Serial | None = None

    def _open(self) -> serial.Serial:
        if self._serial is None:
            self._serial = serial.Serial(
                self.port,
                self.baud,
                timeout=REPLY_TIMEOUT_S,
                write_timeout=WRITE_MARGIN_S,
                rtscts=self.flow == "rtscts",
                dsrdtr=self.flow == "dsrdtr",
                xonxoff=self.flow == "xonxoff",
            )
        return self._serial

    def _write(self, link: serial.Serial, data: bytes) -> None:
        link.write_timeout = len(data) * 10 / self.baud + WRITE_MARGIN_S
        link.write(data)
        link.flush()  # returns when the bytes have left the port, not when they are queued

    def send(self, data: bytes) -> None:
        try:
            self._write(self._open(), data)
        except OSError:
            self.close()
            raise

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        if not self.status:
            return None
        replies: list[int] = []
        try:
            link = self._open()
            link.reset_input_buffer()
            for request in requests:
                self._write(link, request)
                reply = link.read(1)
                if not reply:
                    break
                replies.append(reply[0])
        except OSError:
            self.close()
            raise
        return _pad(replies, len(requests))

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None


class NetworkTransport:
    """Raw TCP (port 9100), one connection per job or status query, as print servers expect."""

    def __init__(self, host: str, port: int = 9100, status: bool = True) -> None:
        self.host = host
        self.port = port
        self.status = status

    def send(self, data: bytes) -> None:
        with socket.create_connection((self.host, self.port), CONNECT_TIMEOUT_S) as link:
            link.settimeout(len(data) * 8 / 1_000_000 + WRITE_MARGIN_S)
            link.sendall(data)

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        if not self.status:
            return None
        replies: list[int] = []
        with socket.create_connection((self.host, self.port), CONNECT_TIMEOUT_S) as link:
            link.settimeout(REPLY_TIMEOUT_S)
            for request in requests:
                link.sendall(request)
                try:
                    reply = link.recv(1)
                except TimeoutError:
                    reply = b""
                if not reply:
                    break
                replies.append(reply[0])
        return _pad(replies, len(requests))

    def close(self) -> None:
        """Nothing stays open between jobs."""


class FileTransport:
    """Appends each job to a file or a write-only device node; there is no status to read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, data: bytes) -> None:
        with self.path.open("ab") as f:
            f.write(data)

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        target = self.path if self.path.exists() else self.path.parent
        if not os.access(target, os.W_OK):
            raise OSError(errno.EACCES, f"cannot write to {self.path}")
        return None

    def close(self) -> None:
        """Nothing stays open between jobs."""


def find_usblp(vendor: int, product: int, sys_root: Path = Path("/sys")) -> str | None:
    """The usblp device name (``lp0``) of the USB printer vendor:product, if it is plugged in.

    The kernel's usblp driver gives every USB printer-class device a /dev/usb/lpN node, and
    sysfs links each node to its USB device, where idVendor and idProduct are.
    """
    class_dir = sys_root / "class" / "usbmisc"
    if not class_dir.is_dir():
        return None
    for node in sorted(class_dir.glob("lp*")):
        usb_device = (node / "device").resolve().parent
        try:
            ids = (
                int((usb_device / "idVendor").read_text(), 16),
                int((usb_device / "idProduct").read_text(), 16),
            )
        except (OSError, ValueError):
            continue
        if ids == (vendor, product):
            return node.name
    return None


class UsbLpTransport:
    """A USB printer through the kernel's usblp driver, found by vendor and product id."""

    def __init__(
        self,
        vendor: int,
        product: int,
        status: bool = True,
        sys_root: Path = Path("/sys"),
        dev_root: Path = Path("/dev"),
    ) -> None:
        self.vendor = vendor
        self.product = product
        self.status = status
        self.sys_root = sys_root
        self.dev_root = dev_root

    def _node(self) -> Path:
        # Looked up every time: unplugged and plugged back, the printer may get another lpN.
        name = find_usblp(self.vendor, self.product, self.sys_root)
        if name is None:
            raise OSError(
                errno.ENODEV,
                f"no USB printer {self.vendor:04x}:{self.product:04x} with a usblp device "
                "(unplugged, or not a printer-class device)",
            )
        return self.dev_root / "usb" / name

    def send(self, data: bytes) -> None:
        fd = os.open(self._node(), os.O_WRONLY)
        try:
            view = memoryview(data)
            deadline = time.monotonic() + WRITE_MARGIN_S + len(data) / 100_000
            while view:
                if time.monotonic() > deadline:
                    raise OSError(errno.ETIMEDOUT, "USB printer stopped taking data")
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def query(self, requests: Sequence[bytes]) -> list[int | None] | None:
        if not self.status:
            return None
        fd = os.open(self._node(), os.O_RDWR | os.O_NONBLOCK)
        replies: list[int] = []
        try:
            for request in requests:
                os.write(fd, request)
                ready, _, _ = select.select([fd], [], [], REPLY_TIMEOUT_S)
                reply = os.read(fd, 1) if ready else b""
                if not reply:
                    break
                replies.append(reply[0])
        finally:
            os.close(fd)
        return _pad(replies, len(requests))

    def close(self) -> None:
        """Nothing stays open between jobs."""
