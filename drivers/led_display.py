"""Counter LED number displays on RS-232 / RS-485, and a virtual twin that records frames.

    led = open_led("serial:/dev/ttyUSB0?baud=9600&address=5&vendor=stx")
    led.show("1023", blink=True)   # the call: blinks until the next command
    led.show("1023")               # steady while the citizen is served
    led.blank()                    # counter paused or closed

A vendor's protocol is one framing class (``StxAsciiFraming``, ``Aa55BinaryFraming``); a new
display model is one more class in ``FRAMINGS``. Displays sharing an RS-485 bus share one open
port, and a frame is always written whole, so frames to different addresses never interleave.
Write failures raise ``OSError`` (pyserial's ``SerialException`` is one).
"""

import argparse
import sys
import threading
import weakref
from abc import ABC, abstractmethod
from typing import ClassVar, Protocol

import serial

from drivers.device_string import parse_device

_DISPLAYABLE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ- ")


class LedDisplay(Protocol):
    def show(self, number: str, blink: bool = False) -> None: ...

    def blank(self) -> None: ...


class LedFraming(Protocol):
    name: ClassVar[str]
    max_address: ClassVar[int]

    def show(self, address: int, text: str, blink: bool) -> bytes: ...

    def blank(self, address: int) -> bytes: ...


class StxAsciiFraming:
    """Printable ASCII frames, easy to read on a serial monitor.

    ``STX | address: 2 ASCII digits | command: 'S' steady, 'B' blink, 'C' clear | text |
    checksum: 2 upper-case hex digits of the byte sum of address, command and text, mod 256 |
    ETX``. Show 1023 on display 5: ``02 30 35 53 31 30 32 33 37 45 03`` (STX "05S1023" "7E" ETX).
    """

    name: ClassVar[str] = "stx"
    max_address: ClassVar[int] = 99

    def _frame(self, address: int, command: str, text: str) -> bytes:
        body = f"{address:02d}{command}{text}".encode("ascii")
        return b"\x02" + body + f"{sum(body) % 256:02X}".encode("ascii") + b"\x03"

    def show(self, address: int, text: str, blink: bool) -> bytes:
        return self._frame(address, "B" if blink else "S", text)

    def blank(self, address: int) -> bytes:
        return self._frame(address, "C", "")


class Aa55BinaryFraming:
    """Binary frames with a length byte, as many RS-485 display boards use.

    ``AA 55 | address (0-254) | command: 01 steady, 02 blink, 03 blank | length | text |
    XOR of address, command, length and text``. Show 1023 on display 5:
    ``AA 55 05 01 04 31 30 32 33 00``.
    """

    name: ClassVar[str] = "aa55"
    max_address: ClassVar[int] = 254

    def _frame(self, address: int, command: int, text: str) -> bytes:
        body = bytes([address, command, len(text)]) + text.encode("ascii")
        check = 0
        for b in body:
            check ^= b
        return b"\xaa\x55" + body + bytes([check])

    def show(self, address: int, text: str, blink: bool) -> bytes:
        return self._frame(address, 0x02 if blink else 0x01, text)

    def blank(self, address: int) -> bytes:
        return self._frame(address, 0x03, "")


FRAMINGS: dict[str, type[LedFraming]] = {
    StxAsciiFraming.name: StxAsciiFraming,
    Aa55BinaryFraming.name: Aa55BinaryFraming,
}


def display_text(number: str, digits: int) -> str:
    """``number`` right-aligned in the display's ``digits`` positions."""
    text = number.strip().upper()
    if len(text) > digits or not set(text) <= _DISPLAYABLE:
        raise ValueError(f"{number!r} cannot be shown on a {digits}-digit display")
    return text.rjust(digits)


class _FramedDisplay(ABC):
    def __init__(self, framing: LedFraming, address: int, digits: int) -> None:
        if not 0 <= address <= framing.max_address:
            raise ValueError(f"{framing.name} display address must be 0-{framing.max_address}")
        self.framing = framing
        self.address = address
        self.digits = digits

    @abstractmethod
    def _send(self, frame: bytes) -> None: ...

    def show_frame(self, number: str, blink: bool = False) -> bytes:
        return self.framing.show(self.address, display_text(number, self.digits), blink)

    def blank_frame(self) -> bytes:
        return self.framing.blank(self.address)

    def show(self, number: str, blink: bool = False) -> None:
        self._send(self.show_frame(number, blink))

    def blank(self) -> None:
        self._send(self.blank_frame())


class _SerialBus:
    """One serial port shared by every display on it, reopened after an error."""

    def __init__(self, port: str, baud: int) -> None:
        self.port = port
        self.baud = baud
        self._serial: serial.Serial | None = None
        self._lock = threading.Lock()

    def write(self, frame: bytes) -> None:
        with self._lock:
            try:
                self._write(frame)
            except OSError:
                # A USB-serial adapter that was unplugged and plugged back in leaves a dead
                # handle behind: one fresh open before giving up.
                self._close()
                self._write(frame)

    def _write(self, frame: bytes) -> None:
        if self._serial is None:
            self._serial = serial.Serial(self.port, self.baud, write_timeout=2.0)
        try:
            self._serial.write(frame)
            self._serial.flush()
        except OSError:
            self._close()
            raise

    def _close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None

    def __del__(self) -> None:
        self._close()


# Held weakly: a bus closes when the last display on it is gone.
_buses: weakref.WeakValueDictionary[str, _SerialBus] = weakref.WeakValueDictionary()
_buses_lock = threading.Lock()


def _bus(port: str, baud: int) -> _SerialBus:
    with _buses_lock:
        bus = _buses.get(port)
        if bus is None:
            bus = _buses[port] = _SerialBus(port, baud)
    if bus.baud != baud:
        raise ValueError(f"{port} is already open at {bus.baud} baud, not {baud}")
    return bus


class SerialLed(_FramedDisplay):
    def __init__(self, bus: _SerialBus, framing: LedFraming, address: int, digits: int) -> None:
        super().__init__(framing, address, digits)
        self.bus = bus

    def _send(self, frame: bytes) -> None:
        self.bus.write(frame)


class VirtualLed(_FramedDisplay):
    """Records the frames it would send; ``shown`` is what the display would show now."""

    def __init__(self, framing: LedFraming, address: int, digits: int) -> None:
        super().__init__(framing, address, digits)
        self.frames: list[bytes] = []
        self.shown = ""
        self.blinking = False

    def _send(self, frame: bytes) -> None:
        self.frames.append(frame)

    def show(self, number: str, blink: bool = False) -> None:
        super().show(number, blink)
        self.shown, self.blinking = number.strip().upper(), blink

    def blank(self) -> None:
        super().blank()
        self.shown, self.blinking = "", False


# Named virtual displays, so a demo or a test can look at the one an app opened.
virtual_displays: dict[str, VirtualLed] = {}


def open_led(device: str) -> SerialLed | VirtualLed:
    """``serial:PORT?baud=9600&address=1&vendor=stx&digits=4`` or ``virtual[:name]`` (same
    options but baud). A malformed string raises ValueError at once."""
    spec = parse_device(device, ("serial", "virtual"))
    framing = FRAMINGS[spec.take_choice("vendor", "stx", tuple(FRAMINGS))]()
    address = spec.take_int("address", 1, 0, 254)
    digits = spec.take_int("digits", 4, 1, 8)
    if spec.kind == "virtual":
        spec.done()
        display = VirtualLed(framing, address, digits)
        if spec.target:
            display = virtual_displays.setdefault(spec.target, display)
        return display
    if not spec.target:
        raise ValueError(f"{device}: expected serial:/dev/ttyUSB0")
    baud = spec.take_int("baud", 9600, 1200, 921600)
    spec.done()
    return SerialLed(_bus(spec.target, baud), framing, address, digits)


def main(argv: list[str] | None = None) -> int:
    """Setting up a display: ``python -m drivers.led_display DEVICE 1023 [--blink]``, or
    ``--blank``; prints the frame it sent, in hex."""
    parser = argparse.ArgumentParser(description="Show a number on a counter LED display.")
    parser.add_argument("device", help="e.g. serial:/dev/ttyUSB0?baud=9600&address=5")
    parser.add_argument("number", nargs="?", default="8888")
    parser.add_argument("--blink", action="store_true")
    parser.add_argument("--blank", action="store_true")
    args = parser.parse_args(argv)
    display = open_led(args.device)
    if args.blank:
        frame = display.blank_frame()
        display.blank()
    else:
        frame = display.show_frame(args.number, args.blink)
        display.show(args.number, blink=args.blink)
    print(f"sent {frame.hex(' ')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
