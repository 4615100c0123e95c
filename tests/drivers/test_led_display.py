"""Counter LED displays: vendor frames byte by byte, through a real pty pair (socat), several
displays on one bus, and the virtual twin."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from drivers.led_display import SerialLed, VirtualLed, display_text, open_led, virtual_displays

from .conftest import PtyPair


def read_exactly(link: serial.Serial, count: int, timeout: float = 5.0) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < count and time.monotonic() < deadline:
        data += link.read(count - len(data))
    return data


@pytest.fixture
def far_end(pty_pair: PtyPair) -> Iterator[serial.Serial]:
    link = serial.Serial(pty_pair.far, 9600, timeout=0.1)
    yield link
    link.close()


# Frames written out by hand from the documented formats, not by the code under test.
STX_SHOW_1023_AT_5 = b"\x0205S10237E\x03"
STX_BLINK_A023_AT_12 = b"\x0212BA0237B\x03"
STX_BLANK_AT_5 = b"\x0205CA8\x03"
AA55_SHOW_1023_AT_5 = b"\xaa\x55\x05\x01\x04" + b"1023" + b"\x00"
AA55_BLINK_7_AT_200 = b"\xaa\x55\xc8\x02\x04" + b"   7" + b"\xd9"
AA55_BLANK_AT_5 = b"\xaa\x55\x05\x03\x00\x06"


@pytest.mark.parametrize(("options", "show_1023", "blank"), [
    ("baud=9600&address=5", STX_SHOW_1023_AT_5, STX_BLANK_AT_5),
    ("address=5&vendor=aa55", AA55_SHOW_1023_AT_5, AA55_BLANK_AT_5),
], ids=["stx", "aa55"])
def test_show_and_blank_frames_reach_the_display_byte_for_byte(
    pty_pair: PtyPair, far_end: serial.Serial, options: str, show_1023: bytes, blank: bytes
) -> None:
    led = open_led(f"serial:{pty_pair.device}?{options}")
    led.show("1023")
    led.blank()
    expected = show_1023 + blank
    assert read_exactly(far_end, len(expected)) == expected


@pytest.mark.parametrize(("options", "number", "frame"), [
    ("address=12&vendor=stx", "a023", STX_BLINK_A023_AT_12),
    ("address=200&vendor=aa55", "7", AA55_BLINK_7_AT_200),
], ids=["stx-two-digit-address", "aa55-three-digit-address"])
def test_blink_and_a_longer_address(pty_pair: PtyPair, far_end: serial.Serial, options: str,
                                    number: str, frame: bytes) -> None:
    led = open_led(f"serial:{pty_pair.device}?{options}")
    led.show(number, blink=True)
    assert read_exactly(far_end, len(frame)) == frame


def test_displays_on_one_bus_never_interleave_frames(
    pty_pair: PtyPair, far_end: serial.Serial
) -> None:
    displays = [open_led(f"serial:{pty_pair.device}?address={a}") for a in (1, 2, 3)]

    def call_many(led: SerialLed | VirtualLed, start: int) -> None:
        for n in range(start, start + 30):
            led.show(str(n), blink=n % 2 == 0)

    threads = [
        threading.Thread(target=call_many, args=(led, 1000 * (i + 1)))
        for i, led in enumerate(displays)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stream = read_exactly(far_end, 90 * len(STX_SHOW_1023_AT_5))
    frames = re.findall(rb"\x02(\d\d)([SB])(\d{4})([0-9A-F]{2})\x03", stream)
    assert len(frames) == 90
    assert b"".join(b"\x02" + b"".join(f) + b"\x03" for f in frames) == stream
    for address in (b"01", b"02", b"03"):
        numbers = [int(f[2]) for f in frames if f[0] == address]
        assert numbers == sorted(numbers) and len(numbers) == 30


def test_a_bus_cannot_be_opened_at_two_speeds(pty_pair: PtyPair) -> None:
    first = open_led(f"serial:{pty_pair.device}?baud=9600&address=1")
    with pytest.raises(ValueError, match="already open at 9600"):
        open_led(f"serial:{pty_pair.device}?baud=19200&address=2")
    del first  # the last display on the bus gone, the port is free for another speed
    open_led(f"serial:{pty_pair.device}?baud=19200&address=2")


def test_unplugged_display_raises_oserror(tmp_path: Path) -> None:
    led = open_led(f"serial:{tmp_path}/ttyUSB7?address=1")
    with pytest.raises(OSError):
        led.show("1")


@pytest.mark.parametrize(
    ("number", "digits", "text"),
    [("1023", 4, "1023"), ("7", 4, "   7"), ("a023", 4, "A023"), ("A1023", 5, "A1023")],
)
def test_numbers_are_right_aligned(number: str, digits: int, text: str) -> None:
    assert display_text(number, digits) == text


@pytest.mark.parametrize(("number", "digits"), [("12345", 4), ("Ờ12", 4), ("1.5", 4)])
def test_numbers_the_display_cannot_show_are_refused(number: str, digits: int) -> None:
    with pytest.raises(ValueError, match="cannot be shown"):
        display_text(number, digits)


def test_virtual_display_records_frames_and_what_it_shows() -> None:
    led = open_led("virtual:test-counter-5?address=5")
    assert isinstance(led, VirtualLed)
    led.show("1023", blink=True)
    assert (led.shown, led.blinking) == ("1023", True)
    led.show("1023")
    assert (led.shown, led.blinking) == ("1023", False)
    led.blank()
    assert led.shown == ""
    assert led.frames == [
        b"\x0205B10236D\x03",
        STX_SHOW_1023_AT_5,
        STX_BLANK_AT_5,
    ]
    # Opening the same name again gives the same display, as the app that opened it sees it.
    assert open_led("virtual:test-counter-5") is led
    assert virtual_displays["test-counter-5"] is led


def test_unnamed_virtual_displays_are_separate() -> None:
    assert open_led("virtual") is not open_led("virtual")


@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("serial:/dev/ttyS0?vendor=acme", "vendor must be one of"),
        ("serial:/dev/ttyS0?address=100", "address must be 0-99"),
        ("serial:/dev/ttyS0?address=300&vendor=aa55", "address must be 0-254"),
        ("serial:?address=1", "expected serial:/dev/ttyUSB0"),
        ("virtual:x?baud=9600", "unknown option"),
        ("rs485:/dev/ttyS0", "must start with one of"),
    ],
)
def test_bad_device_strings_fail_at_once(device: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        open_led(device)
