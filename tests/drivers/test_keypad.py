"""Keypad: key maps from config, real evdev event sequences, and a reader that survives the
keypad being unplugged. /dev/input does not exist here, so the device itself is a fake that
hands out real ``evdev.InputEvent`` objects through a pipe the reader selects on."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from evdev import InputEvent, ecodes

from drivers.keypad import DEFAULT_KEY_MAP, KeyMap, KeypadReader, actions_from_events

KEYMAP = KeyMap.from_config(DEFAULT_KEY_MAP)
_clock = iter(range(10**6))


def ev(type_: int, code: int, value: int) -> InputEvent:
    t = next(_clock)
    return InputEvent(t // 1000, t % 1000, type_, code, value)


def syn() -> InputEvent:
    return ev(ecodes.EV_SYN, ecodes.SYN_REPORT, 0)


def press(key: int) -> list[InputEvent]:
    """What a USB keypad sends for one press: scan code, key down, sync, scan, key up, sync."""
    return [
        ev(ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70059),
        ev(ecodes.EV_KEY, key, 1),
        syn(),
        ev(ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70059),
        ev(ecodes.EV_KEY, key, 0),
        syn(),
    ]


def held(key: int, repeats: int) -> list[InputEvent]:
    down = [ev(ecodes.EV_KEY, key, 1), syn()]
    repeat = [e for _ in range(repeats) for e in (ev(ecodes.EV_KEY, key, 2), syn())]
    return [*down, *repeat, ev(ecodes.EV_KEY, key, 0), syn()]


@pytest.mark.parametrize(
    ("events", "actions"),
    [
        (press(ecodes.KEY_KP1), ["next"]),
        (press(ecodes.KEY_KP2), ["recall"]),
        (press(ecodes.KEY_KP3), ["no_show"]),
        (press(ecodes.KEY_KPENTER), ["done"]),
        (press(ecodes.KEY_KP0), ["pause"]),
        (press(ecodes.KEY_KP1) + press(ecodes.KEY_KPENTER), ["next", "done"]),
        (held(ecodes.KEY_KP1, repeats=25), ["next"]),  # auto-repeat is not twenty calls
        (press(ecodes.KEY_A) + press(ecodes.KEY_KP9), []),  # unmapped keys
        ([ev(ecodes.EV_KEY, ecodes.KEY_KP1, 0), syn()], []),  # a lone key-up
        ([ev(ecodes.EV_LED, ecodes.LED_NUML, 1), syn()], []),
    ],
)
def test_key_presses_become_actions(events: list[InputEvent], actions: list[str]) -> None:
    assert list(actions_from_events(events, KEYMAP)) == actions


def test_events_after_a_dropped_buffer_are_ignored_until_the_next_report() -> None:
    events = [
        ev(ecodes.EV_KEY, ecodes.KEY_KP1, 1),
        ev(ecodes.EV_SYN, ecodes.SYN_DROPPED, 0),
        ev(ecodes.EV_KEY, ecodes.KEY_KP2, 1),  # part of a report that was cut: dropped
        syn(),
        *press(ecodes.KEY_KP3),
    ]
    assert list(actions_from_events(events, KEYMAP)) == ["next", "no_show"]


def test_key_names_with_or_without_prefix_any_case() -> None:
    keymap = KeyMap.from_config({"kp1": "next", "KEY_KPENTER": "done", "BTN_0": "recall"})
    assert keymap.actions == {
        ecodes.KEY_KP1: "next",
        ecodes.KEY_KPENTER: "done",
        ecodes.BTN_0: "recall",
    }


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"KP11": "next"}, "no key named 'KP11'"),
        ({"KP1": "next", "KEY_KP1": "recall"}, "mapped twice"),
        ({"KP1": ""}, "has no action"),
    ],
)
def test_bad_key_maps_are_refused(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KeyMap.from_config(mapping)


class FakeKeypad:
    """Stands for /dev/input/eventN: a pipe to select on, a queue of real InputEvents, and
    the ENODEV a vanished device gives."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        self.pending: list[InputEvent] = []
        self.grabbed = False
        self.closed = False
        self.gone = False
        self.lock = threading.Lock()

    def send(self, events: list[InputEvent]) -> None:
        with self.lock:
            self.pending += events
        os.write(self.write_fd, b"x")

    def unplug(self) -> None:
        self.gone = True
        os.write(self.write_fd, b"x")

    def fileno(self) -> int:
        return self.read_fd

    def read(self) -> Iterator[InputEvent]:
        with contextlib.suppress(BlockingIOError):
            os.read(self.read_fd, 4096)
        if self.gone:
            raise OSError(errno.ENODEV, "No such device")
        with self.lock:
            events, self.pending = self.pending, []
        if not events:
            raise BlockingIOError
        yield from events

    def grab(self) -> None:
        self.grabbed = True

    def close(self) -> None:
        self.closed = True
        os.close(self.read_fd)
        os.close(self.write_fd)


class FakeInputDir:
    """The device path: present (a FakeKeypad opens) or absent (FileNotFoundError)."""

    def __init__(self) -> None:
        self.current: FakeKeypad | None = None
        self.opened: list[FakeKeypad] = []

    def plug(self) -> FakeKeypad:
        self.current = FakeKeypad()
        return self.current

    def open(self, path: str) -> FakeKeypad:
        if self.current is None or self.current.gone:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        self.opened.append(self.current)
        return self.current


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_reader_grabs_reads_and_survives_unplugging() -> None:
    inputs = FakeInputDir()
    first = inputs.plug()
    actions: list[str] = []
    reader = KeypadReader(
        "/dev/input/by-id/usb-keypad-event-kbd",
        KEYMAP,
        actions.append,
        retry_s=0.05,
        open_device=inputs.open,
    ).start()
    try:
        assert wait_until(reader.connected.is_set)
        assert first.grabbed
        first.send(press(ecodes.KEY_KP1) + held(ecodes.KEY_KP2, repeats=3))
        assert wait_until(lambda: actions == ["next", "recall"])

        first.unplug()
        assert wait_until(lambda: not reader.connected.is_set())
        assert reader.health() == "disconnected"
        assert reader.last_error is not None and "No such" in reader.last_error
        assert first.closed

        second = inputs.plug()
        assert wait_until(reader.connected.is_set)
        assert second.grabbed and reader.health() == "ok"
        second.send(press(ecodes.KEY_KPENTER))
        assert wait_until(lambda: actions == ["next", "recall", "done"])
    finally:
        reader.stop()
    assert not reader._thread.is_alive()


def test_a_failing_action_does_not_stop_the_reader() -> None:
    inputs = FakeInputDir()
    keypad = inputs.plug()
    seen: list[str] = []

    def on_action(action: str) -> None:
        seen.append(action)
        if action == "next":
            raise RuntimeError("the app choked")

    reader = KeypadReader("/dev/input/event3", KEYMAP, on_action, open_device=inputs.open)
    reader.start()
    try:
        assert wait_until(reader.connected.is_set)
        keypad.send(press(ecodes.KEY_KP1) + press(ecodes.KEY_KP3))
        assert wait_until(lambda: seen == ["next", "no_show"])
        assert reader.connected.is_set()
    finally:
        reader.stop()


def test_reader_waits_for_a_keypad_that_is_not_there_yet() -> None:
    inputs = FakeInputDir()
    actions: list[str] = []
    reader = KeypadReader(
        "/dev/input/event9", KEYMAP, actions.append, retry_s=0.05, open_device=inputs.open
    ).start()
    try:
        assert wait_until(lambda: reader.last_error is not None)
        assert reader.health() == "disconnected"
        keypad = inputs.plug()
        assert wait_until(reader.connected.is_set)
        keypad.send(press(ecodes.KEY_KP2))
        assert wait_until(lambda: actions == ["recall"])
    finally:
        reader.stop()
