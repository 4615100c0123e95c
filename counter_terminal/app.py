"""Factories that build the terminal and the tablet inside a QApplication the caller owns
(`qms counter`, `qms tablet`, and the demo that runs every app in one process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from broker.device_client import DeviceClient
from counter_terminal.controller import TerminalController
from counter_terminal.led import NumberDisplay
from counter_terminal.model import Action
from counter_terminal.tablet_controller import TabletController
from counter_terminal.tablet_views import TabletWindow
from counter_terminal.views import TerminalWindow
from qms.qt_bridge import MqttBridge


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class CounterTerminal:
    window: TerminalWindow
    controller: TerminalController
    bridge: MqttBridge
    keypad: Stoppable | None = None
    stoppables: list[Stoppable] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the keypad reader; the client belongs to the caller."""
        for stoppable in self.stoppables:
            stoppable.stop()


def create_counter_terminal(client: DeviceClient, *, lang: str = "vi", large: bool = False,
                            on_top: bool | None = None, led: NumberDisplay | None = None,
                            ) -> CounterTerminal:
    """The officer's terminal for `client`'s device (a `counter` device of the config).

    `large` lays it out for a dedicated screen instead of a narrow window at the side of the
    dossier software; the narrow one stays on top unless `on_top` is False. `led` is an open
    LED display (`drivers.led_display.open_led(...)`) kept in step with the counter. Feed a
    keypad with `terminal.controller.keypad_action` (thread-safe), see `counter_terminal.keypad`.
    """
    from PySide6.QtCore import Qt

    bridge = MqttBridge(client)
    window = TerminalWindow(large=large)
    controller = TerminalController(bridge, client.device_id, lang=lang, led=led)
    bridge.setParent(window)
    controller.setParent(window)
    controller.changed.connect(lambda: window.render(controller.screen()))
    window.action_requested.connect(lambda name: controller.act(Action(name)))
    window.sign_in_requested.connect(controller.sign_in)
    window.pick_requested.connect(controller.pick)
    window.back_requested.connect(controller.back)
    window.lang_requested.connect(controller.set_lang)
    if on_top if on_top is not None else not large:
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    window.render(controller.screen())
    return CounterTerminal(window, controller, bridge)


@dataclass
class RatingTablet:
    window: TabletWindow
    controller: TabletController
    bridge: MqttBridge


def create_tablet(client: DeviceClient, *, lang: str = "vi", counter: str | None = None,
                  window_s: float | None = None, thanks_s: float = 5.0) -> RatingTablet:
    """The desk's rating tablet for `client`'s device (a `tablet` device of the config).

    `counter` overrides the device's binding in the config (the hub still decides what this
    device may rate); `window_s` shortens the time a rating is offered (default: the config's
    rating window, counted from the moment the ticket was finished); `thanks_s` is how long
    the thanks stay up.
    """
    bridge = MqttBridge(client)
    window = TabletWindow()
    controller = TabletController(bridge, client.device_id, lang=lang, counter=counter,
                                  window_s=window_s, thanks_s=thanks_s)
    bridge.setParent(window)
    controller.setParent(window)
    controller.changed.connect(lambda: window.render(controller.screen()))
    window.rate_requested.connect(controller.rate)
    window.reasons_done.connect(controller.submit_reasons)
    window.lang_requested.connect(controller.set_lang)
    window.render(controller.screen())
    return RatingTablet(window, controller, bridge)
