"""The desk hardware: key presses from an evdev keypad drive the terminal, and the LED display
over the counter receives the right frames, read as bytes at the far end of a real pty."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import serial
from evdev import InputEvent, ecodes

from counter_terminal.keypad import load_key_map
from drivers.led_display import open_led
from tests.counter_terminal.conftest import eventually
from tests.support import DEMO_PIN

# struct input_event on 64-bit Linux: struct timeval, then type, code, value.
INPUT_EVENT = struct.Struct("llHHi")

# STX, address "05", command (B blink, S steady, C clear), text, checksum: two hex digits of
# the byte sum of address, command and text, ETX. Worked out by hand from the documented format.
BLINK_2001 = b"\x0205B20016A\x03"
STEADY_2001 = b"\x0205S20017B\x03"
BLINK_2002 = b"\x0205B20026B\x03"
BLANK = b"\x0205CA8\x03"


class PipeKeypad:
    """A keypad at the far end of a pipe: the kernel's input_event records go in at one end;
    the reader selects on the other and gets evdev InputEvents, as from /dev/input."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self.grabbed = threading.Event()
        self.opened: list[str] = []

    def open(self, path: str) -> PipeKeypad:
        self.opened.append(path)
        return self

    def fileno(self) -> int:
        return self.read_fd

    def read(self) -> Iterator[InputEvent]:
        data = os.read(self.read_fd, INPUT_EVENT.size * 64)
        for offset in range(0, len(data) - len(data) % INPUT_EVENT.size, INPUT_EVENT.size):
            yield InputEvent(*INPUT_EVENT.unpack_from(data, offset))

    def grab(self) -> None:
        self.grabbed.set()

    def close(self) -> None:
        pass  # the pipe lives as long as the test

    def press(self, key: str) -> None:
        """Key down, report, key up, report: one press as a keypad sends it."""
        code = ecodes.ecodes[key]
        now = time.time()
        sec, usec = int(now), int(now % 1 * 1_000_000)
        records = [(ecodes.EV_KEY, code, 1), (ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
                   (ecodes.EV_KEY, code, 0), (ecodes.EV_SYN, ecodes.SYN_REPORT, 0)]
        os.write(self.write_fd, b"".join(INPUT_EVENT.pack(sec, usec, *r) for r in records))

    def shut(self) -> None:
        os.close(self.read_fd)
        os.close(self.write_fd)


@pytest.fixture
def keypad() -> Iterator[PipeKeypad]:
    pad = PipeKeypad()
    yield pad
    pad.shut()


@pytest.fixture
def led_link() -> Iterator[tuple[str, serial.Serial]]:
    """A real socat pty pair: the terminal opens one end as its LED display, the test reads
    the other."""
    proc = subprocess.Popen(["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
                            stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    paths: list[str] = []
    line = ""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "starting data transfer loop" not in line:
        line = proc.stderr.readline()
        if match := re.search(r"PTY is (\S+)", line):
            paths.append(match.group(1))
    assert len(paths) == 2, "socat did not report two ptys"
    far = serial.Serial(paths[1], 9600, timeout=0.05)
    try:
        yield paths[0], far
    finally:
        far.close()
        proc.terminate()
        proc.wait(5)
        proc.stderr.close()


class FarEnd:
    def __init__(self, link: serial.Serial) -> None:
        self.link, self.received = link, b""

    def take(self) -> bytes:
        self.received += self.link.read(4096)
        return self.received


def test_keypad_and_led_through_a_call(hub, devices, terminal, keypad, led_link):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    kiosk.request("ticket.issue", {"service": "datdai"})
    kiosk.request("ticket.issue", {"service": "datdai"})
    port, far_link = led_link
    far = FarEnd(far_link)
    led = open_led(f"serial:{port}?baud=9600&address=5")
    screen = terminal("counter-5", led=led, keypad="/dev/input/by-id/usb-keypad-event-kbd",
                      key_map=load_key_map(None), open_keypad=keypad.open)
    assert keypad.grabbed.wait(5), "the keypad is grabbed, so its keys stay out of other apps"
    assert keypad.opened == ["/dev/input/by-id/usb-keypad-event-kbd"]

    def counter5():
        return manager.cached(manager.topics.counter_state("5"))

    def sees(frames: bytes) -> None:
        screen.wait(lambda: far.take() == frames, f"LED bytes {frames!r} (got {far.received!r})")

    # A closed counter: the display is blanked.
    screen.wait_page("signin_page")
    sees(BLANK)
    screen.terminal.window.pin_input.setText(DEMO_PIN)
    screen.tap("signin_button")
    screen.wait(lambda: screen.enabled("next_button"), "open with people waiting")

    # KP1 calls the next citizen: the number blinks over the counter.
    keypad.press("KEY_KP1")
    screen.wait_ticket("2001")
    sees(BLANK + BLINK_2001)
    eventually(lambda: counter5().ticket.number == "2001", "2001 called")
    screen.shot("17-keypad-called")

    # KP2 recalls: the display blinks again.
    keypad.press("KEY_KP2")
    screen.wait(lambda: screen.text("ticket_detail").startswith("Đã gọi 2 lần"), "recalled")
    sees(BLANK + BLINK_2001 * 2)

    # The citizen arrives (Start on the screen): steady. KPENTER finishes: blank.
    screen.tap("serve_button")
    sees(BLANK + BLINK_2001 * 2 + STEADY_2001)
    keypad.press("KEY_KPENTER")
    screen.wait(lambda: screen.text("ticket_number") == "" and screen.ready(), "done")
    eventually(lambda: counter5().ticket is None, "no ticket")
    sees(BLANK + BLINK_2001 * 2 + STEADY_2001 + BLANK)

    # KP1 then KP3: the next one did not come.
    keypad.press("KEY_KP1")
    screen.wait_ticket("2002")
    keypad.press("KEY_KP3")
    screen.wait(lambda: screen.text("missed") == "2002" and screen.ready(), "2002 missed")
    sees(BLANK + BLINK_2001 * 2 + STEADY_2001 + BLANK + BLINK_2002 + BLANK)

    # KP0 pauses and, pressed again, resumes.
    keypad.press("KEY_KP0")
    screen.wait(lambda: screen.text("status").strip() == "Tạm dừng" and screen.ready(), "paused")
    eventually(lambda: counter5().status == "paused", "paused")
    keypad.press("KEY_KP0")
    screen.wait(lambda: screen.text("status").strip() == "Đang mở" and screen.ready(), "resumed")
    eventually(lambda: counter5().status == "open", "open")
    assert far.take() == BLANK + BLINK_2001 * 2 + STEADY_2001 + BLANK + BLINK_2002 + BLANK
    health = screen.client.health
    assert health.get("led") == "ok"


def test_a_key_the_state_does_not_allow_does_nothing(hub, devices, terminal, keypad):
    manager = devices("manager-1")
    manager.request("counter.open", {"counter": "5", "officer": "hve"})
    led = open_led("virtual:?address=5")
    screen = terminal("counter-5", led=led, keypad="/dev/input/event7", open_keypad=keypad.open)
    screen.wait(lambda: screen.text("status").strip() == "Đang mở", "open")
    # Nobody waits and no ticket is held: next, recall, done and no-show are all refused here,
    # before anything reaches the hub.
    for key in ("KEY_KP1", "KEY_KP2", "KEY_KPENTER", "KEY_KP3"):
        keypad.press(key)
    keypad.press("KEY_KP0")  # the one allowed: pause
    screen.wait(lambda: screen.text("status").strip() == "Tạm dừng" and screen.ready(), "paused")
    assert not screen.text("banner")
    assert led.frames == [BLANK]
