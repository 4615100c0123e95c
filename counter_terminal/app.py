"""Factories that build the terminal and the tablet inside a QApplication the caller owns
(`qms counter`, `qms tablet`, and the demo that runs every app in one process)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import DeviceClient
from counter_terminal.controller import TerminalController
from counter_terminal.keypad import key_map as default_key_map
from counter_terminal.model import Action
from counter_terminal.tablet_controller import TabletController
from counter_terminal.tablet_views import TabletWindow
from counter_terminal.views import TerminalWindow
from drivers.keypad import InputDeviceLike, KeyMap, KeypadReader
from drivers.led_display import LedDisplay
from qtkit.bridge import MqttBridge

KEYPAD_HEALTH_MS = 3_000


@dataclass
class CounterTerminal:
    window: TerminalWindow
    controller: TerminalController
    bridge: MqttBridge
    keypad: KeypadReader | None = None

    def close(self) -> None:
        """Stops the keypad reader and closes the window; the client and the LED belong to
        the caller."""
        if self.keypad is not None:
            self.keypad.stop()
        self.window.close()


def create_counter_terminal(
    client: DeviceClient, *, lang: str = "vi", large: bool = False, on_top: bool | None = None,
    led: LedDisplay | None = None, keypad: str | None = None, key_map: KeyMap | None = None,
    open_keypad: Callable[[str], InputDeviceLike] | None = None, clock: Clock = wall_clock,
) -> CounterTerminal:
    """The officer's terminal for `client`'s device (a `counter` device of the config).

    `large` lays it out for a dedicated screen instead of a narrow window at the side of the
    dossier software; the narrow one stays on top unless `on_top` is False. `led` is an open
    LED display (`drivers.led_display.open_led(...)`) kept in step with the counter. `keypad`
    is the keypad's evdev path, read with `key_map` (default: `counter_terminal.keypad`);
    `open_keypad` replaces `evdev.InputDevice` to open it (a demo's or a test's event source).
    `clock` is the hall's time (a demo's may run faster than the wall's).
    """
    bridge = MqttBridge(client)
    window = TerminalWindow(large=large)
    controller = TerminalController(bridge, client.device_id, lang=lang, led=led,
                                    clock=clock)
    bridge.setParent(window)
    controller.setParent(window)
    controller.changed.connect(lambda: window.render(controller.screen()))
    window.action_requested.connect(lambda name: controller.act(Action(name)))
    window.sign_in_requested.connect(controller.sign_in)
    window.pick_requested.connect(controller.pick)
    window.back_requested.connect(controller.back)
    window.lang_requested.connect(controller.set_lang)
    window.undo_requested.connect(controller.undo)
    if on_top if on_top is not None else not large:
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    window.render(controller.screen())
    bridge.start()

    reader = None
    if keypad is not None:
        options = {"open_device": open_keypad} if open_keypad is not None else {}
        reader = KeypadReader(keypad, key_map or default_key_map(), controller.keypad_action,
                              **options).start()
        # The reader has no callback for plugged/unplugged: look now and then.
        watch = QTimer(window, interval=KEYPAD_HEALTH_MS)
        watch.timeout.connect(lambda: bridge.set_health(keypad=reader.health()))
        watch.start()
    return CounterTerminal(window, controller, bridge, reader)


@dataclass
class RatingTablet:
    window: TabletWindow
    controller: TabletController
    bridge: MqttBridge

    def close(self) -> None:
        """Closes the window; the client belongs to the caller."""
        self.window.close()


def create_tablet(client: DeviceClient, *, lang: str = "vi", counter: str | None = None,
                  window_s: float | None = None, thanks_s: float = 5.0,
                  clock: Clock = wall_clock) -> RatingTablet:
    """The desk's rating tablet for `client`'s device (a `tablet` device of the config).

    `counter` overrides the device's binding in the config (the hub still decides what this
    device may rate); `window_s` shortens the time a rating is offered (default: the config's
    rating window, counted from the moment the ticket was finished); `thanks_s` is how long
    the thanks stay up.
    """
    bridge = MqttBridge(client)
    window = TabletWindow()
    controller = TabletController(bridge, client.device_id, lang=lang, counter=counter,
                                  window_s=window_s, thanks_s=thanks_s, clock=clock)
    bridge.setParent(window)
    controller.setParent(window)
    controller.changed.connect(lambda: window.render(controller.screen()))
    window.rate_requested.connect(controller.rate)
    window.reasons_done.connect(controller.submit_reasons)
    window.lang_requested.connect(controller.set_lang)
    window.render(controller.screen())
    bridge.start()
    return RatingTablet(window, controller, bridge)
