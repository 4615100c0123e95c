"""Barcode and QR scanners at the kiosk: each scan is one line of text handed to a callback.

    scanner = open_scanner("evdev:/dev/input/by-id/usb-...-event-kbd", on_scan).start()
    ...
    scanner.stop()

Backends, chosen by a device string (``drivers.device_string``):

- ``evdev:PATH`` a USB scanner in keyboard mode (what most are out of the box), read through
  evdev and grabbed, so a scan never types into the kiosk's screen; key presses are turned
  back into characters (Shift for capitals) and Enter ends a scan.
- ``serial:PATH?baud=9600`` a serial scanner (RS-232, or USB in its CDC/COM mode) through
  pyserial; a scan ends with CR or LF. Its twin is a pseudo-terminal (socat) a test writes to.
- ``file:PATH`` the twin for demos and tests: every line appended to the file is a scan.

Every backend reopens its device when it comes back after being unplugged, and reports
``ok`` or ``disconnected`` as health. A scan is at most ``MAX_SCAN`` characters; anything
longer is dropped whole (a stuck key, a scanner reading a page of text).
"""

from __future__ import annotations

import logging
import os
import select
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

from drivers.device_reader import DeviceReader
from drivers.device_string import parse_device

log = logging.getLogger("qms.drivers.scanner")

MAX_SCAN = 512
KINDS = ("evdev", "serial", "file")
OnScan = Callable[[str], None]


class Scanner(Protocol):
    def start(self) -> Scanner: ...

    def stop(self, timeout: float = 2.0) -> None: ...

    def health(self) -> str: ...


class LineAssembler:
    """Characters in, whole scans out: a scan ends at CR or LF; empty lines are skipped."""

    def __init__(self) -> None:
        self._buffer: list[str] = []
        self._overflow = False

    def feed(self, text: str) -> Iterator[str]:
        for ch in text:
            if ch in "\r\n":
                line, overflow = "".join(self._buffer).strip(), self._overflow
                self._buffer.clear()
                self._overflow = False
                if line and not overflow:
                    yield line
                elif overflow:
                    log.warning("a scan longer than %d characters was dropped", MAX_SCAN)
            elif len(self._buffer) >= MAX_SCAN:
                self._overflow = True
            elif ch.isprintable():
                self._buffer.append(ch)


class _Reader(DeviceReader):
    """A scanner: each scan handed to `on_scan`, whose failure is logged and skipped."""

    name = "scanner"
    log = log

    def __init__(self, path: str, on_scan: OnScan, *, retry_s: float = 1.0) -> None:
        super().__init__(path, retry_s=retry_s)
        self.on_scan = on_scan

    def _emit(self, scans: Iterable[str]) -> None:
        for scan in scans:
            try:
                self.on_scan(scan)
            except Exception:
                log.exception("handling the scan %r failed", scan)


# --- evdev: a USB scanner in keyboard mode --------------------------------------------------

def _key_chars() -> dict[int, tuple[str, str]]:
    """evdev key code -> (character, with Shift), for what scanners type."""
    from evdev import ecodes

    table: dict[int, tuple[str, str]] = {}
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ecodes.ecodes[f"KEY_{letter}"]] = (letter.lower(), letter)
    shifted_digits = ")!@#$%^&*("
    for digit in "0123456789":
        table[ecodes.ecodes[f"KEY_{digit}"]] = (digit, shifted_digits[int(digit)])
        table[ecodes.ecodes[f"KEY_KP{digit}"]] = (digit, digit)
    for name, plain, shifted in (
        ("MINUS", "-", "_"), ("EQUAL", "=", "+"), ("SLASH", "/", "?"), ("DOT", ".", ">"),
        ("COMMA", ",", "<"), ("SEMICOLON", ";", ":"), ("APOSTROPHE", "'", '"'),
        ("SPACE", " ", " "), ("LEFTBRACE", "[", "{"), ("RIGHTBRACE", "]", "}"),
        ("BACKSLASH", "\\", "|"), ("GRAVE", "`", "~"), ("KPMINUS", "-", "-"),
        ("KPDOT", ".", "."), ("KPSLASH", "/", "/"), ("KPPLUS", "+", "+"),
    ):
        table[ecodes.ecodes[f"KEY_{name}"]] = (plain, shifted)
    for name in ("ENTER", "KPENTER"):
        table[ecodes.ecodes[f"KEY_{name}"]] = ("\n", "\n")
    return table


def text_from_key_events(events: Iterable[object], chars: dict[int, tuple[str, str]] | None = None
                         ) -> Iterator[str]:
    """The characters a keyboard-mode scanner typed: key-downs with the Shift state; after
    SYN_DROPPED everything up to the next SYN_REPORT is discarded."""
    from evdev import ecodes

    chars = chars or _key_chars()
    shift = {ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT}
    shifted = set()
    dropping = False
    for event in events:
        kind, code, value = event.type, event.code, event.value  # type: ignore[attr-defined]
        if kind == ecodes.EV_SYN:
            if code == ecodes.SYN_DROPPED:
                dropping = True
            elif code == ecodes.SYN_REPORT:
                dropping = False
            continue
        if dropping or kind != ecodes.EV_KEY:
            continue
        if code in shift:
            if value == 0:
                shifted.discard(code)
            else:
                shifted.add(code)
            continue
        if value != 1:  # key-up, auto-repeat
            continue
        pair = chars.get(code)
        if pair is not None:
            yield pair[1] if shifted else pair[0]


class KeyboardScanner(_Reader):
    """A USB scanner in keyboard mode, grabbed so that its keys never reach the screen."""

    name = "scanner (evdev)"

    def __init__(self, path: str, on_scan: OnScan, *, grab: bool = True, retry_s: float = 1.0,
                 open_device: Callable[[str], object] | None = None) -> None:
        super().__init__(path, on_scan, retry_s=retry_s)
        self.grab = grab
        self.open_device = open_device

    def _session(self) -> None:
        if self.open_device is None:
            from evdev import InputDevice

            self.open_device = InputDevice
        device = self.open_device(self.path)
        try:
            if self.grab:
                device.grab()  # type: ignore[attr-defined]
            self.connected.set()
            log.info("scanner %s open%s", self.path, " and grabbed" if self.grab else "")
            lines = LineAssembler()
            chars = _key_chars()
            while not self._stop.is_set():
                ready, _, _ = select.select([device.fileno()], [], [], 0.2)  # type: ignore[attr-defined]
                if not ready:
                    continue
                try:
                    events = list(device.read())  # type: ignore[attr-defined]
                except BlockingIOError:
                    continue
                self._emit(lines.feed("".join(text_from_key_events(events, chars))))
        finally:
            device.close()  # type: ignore[attr-defined]


# --- serial: pyserial (a pseudo-terminal is its twin) ---------------------------------------

class SerialScanner(_Reader):
    name = "scanner (serial)"

    def __init__(self, path: str, on_scan: OnScan, *, baud: int = 9600, retry_s: float = 1.0
                 ) -> None:
        super().__init__(path, on_scan, retry_s=retry_s)
        self.baud = baud

    def _session(self) -> None:
        import serial

        try:
            port = serial.Serial(self.path, self.baud, timeout=0.2)
        except serial.SerialException as exc:
            raise OSError(str(exc)) from exc
        try:
            self.connected.set()
            log.info("scanner %s open at %d baud", self.path, self.baud)
            lines = LineAssembler()
            while not self._stop.is_set():
                try:
                    data = port.read(256)
                except serial.SerialException as exc:
                    raise OSError(str(exc)) from exc
                if data:
                    self._emit(lines.feed(data.decode("utf-8", "replace")))
        finally:
            port.close()


# --- file: the twin for demos and tests -----------------------------------------------------

class FileScanner(_Reader):
    """Every line appended to the file is a scan (the file is made if missing; what it held
    before the scanner started is not a scan)."""

    name = "scanner (file)"

    def __init__(self, path: str, on_scan: OnScan, *, poll_s: float = 0.05,
                 retry_s: float = 0.2) -> None:
        super().__init__(path, on_scan, retry_s=retry_s)
        self.poll_s = poll_s
        Path(path).touch(exist_ok=True)
        self._offset = os.path.getsize(path)

    def _session(self) -> None:
        lines = LineAssembler()
        with open(self.path, "rb") as file:
            self.connected.set()
            file.seek(min(self._offset, os.path.getsize(self.path)))
            while not self._stop.is_set():
                data = file.read()
                if data:
                    self._offset = file.tell()
                    self._emit(lines.feed(data.decode("utf-8", "replace")))
                else:
                    self._stop.wait(self.poll_s)


def write_scan(path: str | Path, text: str) -> None:
    """What a test or a demo does to 'scan' with a file twin."""
    with open(path, "a", encoding="utf-8") as file:
        file.write(text + "\r\n")


def open_scanner(spec: str, on_scan: OnScan) -> Scanner:
    """A scanner from a device string: ``evdev:PATH``, ``serial:PATH?baud=9600``, ``file:PATH``."""
    device = parse_device(spec, KINDS)
    if not device.target:
        raise ValueError(f"scanner {spec!r}: name the device's path")
    scanner: Scanner
    if device.kind == "evdev":
        grab = device.take_choice("grab", "yes", ("yes", "no")) == "yes"
        scanner = KeyboardScanner(device.target, on_scan, grab=grab)
    elif device.kind == "serial":
        scanner = SerialScanner(device.target, on_scan,
                                baud=device.take_int("baud", 9600, 1200, 921600))
    else:
        scanner = FileScanner(device.target, on_scan)
    device.done()
    return scanner
