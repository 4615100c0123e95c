"""Fixtures for the driver tests: real pseudo-terminal pairs from socat, and an ESC/POS printer
simulator that sits at the far end of a pty or a TCP port and answers status queries."""

from __future__ import annotations

import re
import select
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import serial

from drivers.printer import PrinterHealth


@dataclass(frozen=True)
class PtyPair:
    device: str  # the end the driver opens
    far: str  # the end the test reads, standing for the printer or display


@pytest.fixture
def pty_pair() -> Iterator[PtyPair]:
    """Two linked pseudo-terminals from a real socat, stopped at teardown."""
    proc = subprocess.Popen(
        ["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    paths: list[str] = []
    deadline = time.monotonic() + 5
    while len(paths) < 2 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if match := re.search(r"PTY is (\S+)", line):
            paths.append(match.group(1))
    # socat starts relaying after it reports both ptys and its transfer loop.
    while time.monotonic() < deadline and "starting data transfer loop" not in line:
        line = proc.stderr.readline()
    assert len(paths) == 2, "socat did not report two ptys"
    try:
        yield PtyPair(paths[0], paths[1])
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stderr.close()


# Status bytes for DLE EOT 1, 2 and 4 in each simulated state (fixed bits 0x12 always set).
STATUS_BYTES: dict[PrinterHealth, tuple[int, int, int]] = {
    PrinterHealth.OK: (0x12, 0x12, 0x12),
    PrinterHealth.PAPER_LOW: (0x12, 0x12, 0x1E),
    PrinterHealth.PAPER_OUT: (0x1A, 0x32, 0x72),
    PrinterHealth.COVER_OPEN: (0x1A, 0x16, 0x12),
    # Answers, but not status bytes: what a printer at another baud rate sends back.
    PrinterHealth.UNKNOWN: (0xFF, 0xE0, 0x00),
}


class PrinterSim:
    """What a printer does with its input: keeps every byte and answers DLE EOT n at once,
    wherever the sequence appears, as real printers do. OFFLINE means it answers nothing."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.health = PrinterHealth.OK
        self.after: tuple[int, PrinterHealth] | None = None
        self.lock = threading.Lock()

    def switch_after(self, byte_count: int, health: PrinterHealth) -> None:
        """Takes ``health`` once more than ``byte_count`` bytes have arrived (mid-job trouble)."""
        self.after = (byte_count, health)

    def wait_for(self, byte_count: int, timeout: float = 5.0) -> bytes:
        """What has arrived once ``byte_count`` bytes are in (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < byte_count and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.lock:
            return bytes(self.received)

    def feed(self, data: bytes, reply: Callable[[bytes], None]) -> None:
        with self.lock:
            start = len(self.received)
            self.received += data
            if self.after and len(self.received) > self.after[0]:
                self.health = self.after[1]
                self.after = None
            # Look back two bytes so a query split across reads is still seen.
            window = bytes(self.received[max(0, start - 2) :])
            offset = max(0, start - 2)
            for match in re.finditer(rb"\x10\x04([\x01-\x04])", window):
                if match.start() + offset + 3 <= start:
                    continue
                n = match.group(1)[0]
                if self.health in STATUS_BYTES:
                    printer, cause, paper = STATUS_BYTES[self.health]
                    reply(bytes([{1: printer, 2: cause, 3: 0x12, 4: paper}[n]]))


@pytest.fixture
def serial_printer(pty_pair: PtyPair) -> Iterator[tuple[str, PrinterSim]]:
    """A simulated printer on the far end of a pty pair; yields (the driver's pty, the sim)."""
    sim = PrinterSim()
    far = serial.Serial(pty_pair.far, 115200, timeout=0.02)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            data = far.read(4096)
            if data:
                sim.feed(data, far.write)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield pty_pair.device, sim
    stop.set()
    thread.join(timeout=2)
    far.close()


@pytest.fixture
def network_printer() -> Iterator[tuple[int, PrinterSim]]:
    """A simulated printer listening on a loopback port; yields (port, the sim)."""
    sim = PrinterSim()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            while not stop.is_set():
                ready, _, _ = select.select([conn], [], [], 0.05)
                if not ready:
                    continue
                data = conn.recv(65536)
                if not data:
                    return
                sim.feed(data, conn.sendall)

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield server.getsockname()[1], sim
    stop.set()
    thread.join(timeout=2)
    server.close()
