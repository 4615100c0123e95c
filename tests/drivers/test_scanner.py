"""Scanner: a keyboard-mode USB scanner's real evdev events become the scanned text (grabbed,
Shift for capitals, Enter ends a scan); a serial scanner is read through a real socat
pseudo-terminal; the file twin; each comes back after its device is lost."""

from __future__ import annotations

import queue
import time

import pytest
import serial
from evdev import InputEvent, ecodes

from drivers.scanner import (
    FileScanner,
    KeyboardScanner,
    LineAssembler,
    SerialScanner,
    open_scanner,
    text_from_key_events,
    write_scan,
)
from tests.drivers.test_keypad import FakeKeypad, ev, syn


def typed(text: str) -> list[InputEvent]:
    """What a keyboard-mode scanner sends for `text` then Enter (US layout)."""
    events = []
    for ch in text + "\n":
        if ch == "\n":
            key, shift = ecodes.KEY_ENTER, False
        elif ch.isalpha():
            key, shift = ecodes.ecodes[f"KEY_{ch.upper()}"], ch.isupper()
        elif ch.isdigit():
            key, shift = ecodes.ecodes[f"KEY_{ch}"], False
        else:
            key, shift = {"-": (ecodes.KEY_MINUS, False), "/": (ecodes.KEY_SLASH, False),
                          ":": (ecodes.KEY_SEMICOLON, True), ".": (ecodes.KEY_DOT, False)}[ch]
        if shift:
            events += [ev(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 1), syn()]
        events += [ev(ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70004), ev(ecodes.EV_KEY, key, 1),
                   syn(), ev(ecodes.EV_KEY, key, 0), syn()]
        if shift:
            events += [ev(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 0), syn()]
    return events


def test_key_events_become_text_with_shift():
    text = "".join(text_from_key_events(typed("http://hcc.local/dat-lich/K7MX-2QAB")))
    assert text == "http://hcc.local/dat-lich/K7MX-2QAB\n"


def test_lines_end_at_cr_or_lf_and_overlong_scans_are_dropped():
    lines = LineAssembler()
    assert list(lines.feed("ABCD")) == []
    assert list(lines.feed("EFGH\r\n\n12")) == ["ABCDEFGH"]
    assert list(lines.feed("34\n" + "X" * 600 + "\nOK\n")) == ["1234", "OK"]


def test_a_keyboard_scanner_is_grabbed_and_comes_back_after_an_unplug():
    devices: list[FakeKeypad] = []

    def open_device(path: str) -> FakeKeypad:
        devices.append(FakeKeypad())
        return devices[-1]

    scans: queue.Queue[str] = queue.Queue()
    reader = KeyboardScanner("/dev/input/scanner", scans.put, retry_s=0.05,
                             open_device=open_device).start()
    try:
        deadline = time.monotonic() + 5
        while not reader.connected.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert devices[0].grabbed and reader.health() == "ok"
        devices[0].send(typed("K7MX2QAB"))
        assert scans.get(timeout=5) == "K7MX2QAB"
        devices[0].unplug()
        while len(devices) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        while not reader.connected.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        devices[1].send(typed("abcd-2345"))
        assert scans.get(timeout=5) == "abcd-2345"
    finally:
        reader.stop()


def test_a_serial_scanner_through_a_pseudo_terminal(pty_pair):
    scans: queue.Queue[str] = queue.Queue()
    reader = SerialScanner(pty_pair.device, scans.put, baud=9600).start()
    try:
        far = serial.Serial(pty_pair.far, 9600)
        deadline = time.monotonic() + 5
        while not reader.connected.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        far.write(b"K7MX2QAB\r")
        far.write(b"\nXXXX")
        far.write(b"YYYY\r\n")
        assert scans.get(timeout=5) == "K7MX2QAB"
        assert scans.get(timeout=5) == "XXXXYYYY"
        far.close()
    finally:
        reader.stop()


def test_the_file_twin(tmp_path):
    path = tmp_path / "scans.txt"
    path.write_text("old line, not a scan\n")
    scans: queue.Queue[str] = queue.Queue()
    reader = open_scanner(f"file:{path}", scans.put).start()
    try:
        assert isinstance(reader, FileScanner)
        write_scan(path, "K7MX-2QAB")
        write_scan(path, "second")
        assert scans.get(timeout=5) == "K7MX-2QAB"
        assert scans.get(timeout=5) == "second"
        assert reader.health() == "ok"
    finally:
        reader.stop()


@pytest.mark.parametrize(("spec", "message"), [
    ("usb:/dev/x", "must start with one of"),
    ("serial:/dev/ttyACM0?baud=12", "baud must be"),
    ("evdev:/dev/input/x?speed=1", "unknown option"),
    ("file:", "name the device's path"),
])
def test_bad_device_strings(spec, message):
    with pytest.raises(ValueError, match=message):
        open_scanner(spec, lambda scan: None)
