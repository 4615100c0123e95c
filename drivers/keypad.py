"""USB keypads and call-button boxes, read through evdev and turned into counter actions.

    keymap = KeyMap.from_config({"KP1": "next", "KP2": "recall", "KP3": "no_show",
                                 "KPENTER": "done"})
    reader = KeypadReader("/dev/input/by-id/usb-...-event-kbd", keymap, on_action).start()
    ...
    reader.stop()

The device is grabbed, so its keys never reach the focused window (a "1" typed into the
officer's dossier software). Only key-down counts: key-up and auto-repeat are ignored, so a
held key calls one citizen, not twenty. A keypad that is unplugged is opened again when it
comes back. evdev reports physical keys, so NumLock does not change what a key means.
"""

import argparse
import logging
import select
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from evdev import InputDevice, InputEvent, ecodes, list_devices

from drivers.device_reader import DeviceReader

log = logging.getLogger("qms.drivers.keypad")

DEFAULT_KEY_MAP: Mapping[str, str] = {
    "KP1": "next",
    "KP2": "recall",
    "KP3": "no_show",
    "KPENTER": "done",
    "KP0": "pause",
}
_KEY_DOWN = 1


@dataclass(frozen=True, slots=True)
class KeyMap:
    actions: Mapping[int, str]  # evdev key code -> action name

    @classmethod
    def from_config(cls, mapping: Mapping[str, str]) -> "KeyMap":
        """Key names as evdev spells them, with or without ``KEY_`` (``KP1``, ``KEY_KPENTER``,
        ``BTN_0``), case-insensitive. An unknown key name raises ValueError."""
        actions: dict[int, str] = {}
        for name, action in mapping.items():
            key = name.strip().upper()
            code = ecodes.ecodes.get(key if key.startswith(("KEY_", "BTN_")) else f"KEY_{key}")
            if code is None:
                raise ValueError(f"keypad key map: no key named {name!r} (see evdev's ecodes)")
            if code in actions:
                raise ValueError(f"keypad key map: {name!r} is mapped twice")
            if not action:
                raise ValueError(f"keypad key map: {name!r} has no action")
            actions[code] = action
        return cls(actions)


def actions_from_events(events: Iterable[InputEvent], keymap: KeyMap) -> Iterator[str]:
    """The action of every mapped key press in ``events``.

    After SYN_DROPPED (the kernel's buffer overflowed) everything up to the next SYN_REPORT is
    discarded, as the evdev protocol asks: half a report may be a key-down without its up.
    """
    dropping = False
    for event in events:
        if event.type == ecodes.EV_SYN:
            if event.code == ecodes.SYN_DROPPED:
                dropping = True
            elif event.code == ecodes.SYN_REPORT:
                dropping = False
            continue
        if dropping or event.type != ecodes.EV_KEY or event.value != _KEY_DOWN:
            continue
        action = keymap.actions.get(event.code)
        if action is not None:
            yield action


class InputDeviceLike(Protocol):
    """The part of ``evdev.InputDevice`` the reader uses."""

    def fileno(self) -> int: ...

    def read(self) -> Iterator[InputEvent]: ...

    def grab(self) -> None: ...

    def close(self) -> None: ...


class KeypadReader(DeviceReader):
    """Reads a keypad on a background thread and calls ``on_action`` (on that thread) for
    each mapped key press. ``on_action`` failing is logged and does not stop the reader."""

    name = "keypad"
    log = log

    def __init__(
        self,
        path: str,
        keymap: KeyMap,
        on_action: Callable[[str], None],
        *,
        grab: bool = True,
        retry_s: float = 1.0,
        open_device: Callable[[str], InputDeviceLike] = InputDevice,
    ) -> None:
        super().__init__(path, retry_s=retry_s)
        self.keymap = keymap
        self.on_action = on_action
        self.grab = grab
        self.open_device = open_device

    def _session(self) -> None:
        device = self.open_device(self.path)
        try:
            self._read(device)
        finally:
            device.close()

    def _read(self, device: InputDeviceLike) -> None:
        if self.grab:
            device.grab()
        self.connected.set()
        log.info("keypad %s open%s", self.path, " and grabbed" if self.grab else "")
        for action in actions_from_events(self._events(device), self.keymap):
            try:
                self.on_action(action)
            except Exception:
                log.exception("keypad action %r failed", action)

    def _events(self, device: InputDeviceLike) -> Iterator[InputEvent]:
        while not self._stop.is_set():
            # A timeout, so stop() is noticed without a key press.
            ready, _, _ = select.select([device.fileno()], [], [], 0.2)
            if not ready:
                continue
            try:
                yield from device.read()
            except BlockingIOError:
                continue


def main(argv: list[str] | None = None) -> int:
    """Setting up a keypad: without a path, lists input devices; with one, prints every key
    pressed, its evdev name (for the key map) and the action the default map gives it."""
    parser = argparse.ArgumentParser(description="List keypads or show their keys.")
    parser.add_argument("path", nargs="?", help="e.g. /dev/input/by-id/usb-...-event-kbd")
    args = parser.parse_args(argv)
    if args.path is None:
        for path in list_devices():
            print(f"{path}\t{InputDevice(path).name}")
        by_id = Path("/dev/input/by-id")
        for link in sorted(by_id.glob("*-event-*")) if by_id.is_dir() else []:
            print(f"{link} -> {link.resolve()}")
        return 0
    keymap = KeyMap.from_config(DEFAULT_KEY_MAP)
    print("press keys (Ctrl-C to end); not grabbed, so they also reach the focused window")
    for event in InputDevice(args.path).read_loop():
        if event.type == ecodes.EV_KEY and event.value == _KEY_DOWN:
            name = ecodes.KEY.get(event.code, ecodes.BTN.get(event.code, event.code))
            print(f"{name}\t{keymap.actions.get(event.code, '-')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
