"""The terminal's behaviour: takes the bridge's signals, keeps the snapshot of retained state,
sends the officer's commands, and drives the LED display. The view only renders `screen()`."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import RequestError
from broker.wire.protocol import CounterState, ServiceState
from config.schema import CenterConfig
from counter_terminal.led import LedMirror
from counter_terminal.model import (
    SIMPLE_OPS,
    Action,
    Page,
    Screen,
    Snapshot,
    allowed,
    build_screen,
    can_sign_in,
)
from drivers.led_display import LedDisplay
from qtkit.bridge import MqttBridge

log = logging.getLogger("qms.counter")

ERROR_SHOWN_MS = 12_000
# On a LAN the hub answers in milliseconds; say "sending" only when it is slow to, so the
# screen does not flicker at every press.
SLOW_REPLY_MS = 500
# After a command is answered, its effect arrives as a new retained counter state just
# behind the reply; actions stay disabled until then, so a second press of a key cannot act
# on the state from before the first. Some commands change nothing visible: give up waiting.
SETTLE_MS = 2_000


class TerminalController(QObject):
    changed = Signal()  # the screen changed: render `screen()`
    _keypad = Signal(str)

    def __init__(self, bridge: MqttBridge, device_id: str, *, lang: str = "vi",
                 led: LedDisplay | None = None, clock: Clock = wall_clock) -> None:
        super().__init__()
        self.bridge = bridge
        self.clock = clock
        self.lang = lang
        self.page: Page = "main"
        self.error: str | None = None
        self.snapshot = Snapshot(device_id)
        self.led = LedMirror(led) if led is not None else None
        self.slow_reply = False
        self._settle_after_rev: int | None = None
        self._slow_timer = QTimer(self, singleShot=True, interval=SLOW_REPLY_MS)
        self._slow_timer.timeout.connect(self._reply_is_slow)
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self._settled)
        self._error_timer = QTimer(self, singleShot=True, interval=ERROR_SHOWN_MS)
        self._error_timer.timeout.connect(self._clear_error)
        self._clock = QTimer(self, interval=1000)  # the served-for timer on screen
        self._clock.timeout.connect(self._tick)
        self._clock.start()

        bridge.connection_changed.connect(self._on_connection)
        bridge.hub_status_changed.connect(self._on_hub_status)
        bridge.config_received.connect(self._on_config)
        bridge.counter_state.connect(self._on_counter_state)
        bridge.service_state.connect(self._on_service_state)
        self._keypad.connect(self._on_keypad)

    # --- what the view reads --------------------------------------------------------------

    def screen(self, now: datetime | None = None) -> Screen:
        screen = build_screen(self.snapshot, page=self.page, lang=self.lang,
                              now=now or self.clock(), error=self.error,
                              sending=self.slow_reply)
        # A picker the state closed stays closed, also once the counter opens again.
        self.page = "main" if screen.page == "signin" else screen.page
        return screen

    # --- what the officer does ------------------------------------------------------------

    def act(self, action: Action) -> None:
        """A button, a shortcut or a key of the keypad; ignored when the state disallows it."""
        if not allowed(self.snapshot, action):
            log.info("%s ignored: not allowed in the current state", action)
            return
        if action in SIMPLE_OPS:
            self._send(SIMPLE_OPS[action], {})
        elif action is Action.RESUME:
            counter = self.snapshot.counter
            self._send("counter.open", {"officer": counter.officer} if counter and
                       counter.officer else {})
        elif action in (Action.CALL, Action.TRANSFER):
            self._set_page("call" if action is Action.CALL else "transfer")

    def sign_in(self, officer_id: str, pin: str = "") -> None:
        """Open the counter under the officer, who proves it with the PIN (the hub checks
        it; the terminal neither keeps nor logs it)."""
        if can_sign_in(self.snapshot):
            self._send("counter.open", {"officer": officer_id, "pin": pin} if pin
                       else {"officer": officer_id})

    def pick(self, key: str) -> None:
        """The officer chose an item of the open picker: a number to call, or where to send
        the current ticket (`service:<id>` / `counter:<id>`)."""
        if self.page == "call" and allowed(self.snapshot, Action.CALL):
            self._send("counter.call", {"number": key})
        elif self.page == "transfer" and allowed(self.snapshot, Action.TRANSFER):
            kind, _, target = key.partition(":")
            if kind in ("service", "counter") and target:
                self._send("ticket.transfer", {kind: target})
        self._set_page("main")

    def back(self) -> None:
        self._set_page("main")

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.changed.emit()

    def keypad_action(self, name: str) -> None:
        """Thread-safe: the keypad reader calls this from its own thread."""
        self._keypad.emit(name)

    def _on_keypad(self, name: str) -> None:
        try:
            action = Action(name)
        except ValueError:
            log.warning("keypad action %r is not a terminal action", name)
            return
        if action is Action.PAUSE and allowed(self.snapshot, Action.RESUME):
            action = Action.RESUME  # one key pauses and resumes
        self.act(action)

    # --- commands ---------------------------------------------------------------------------

    def _send(self, op: str, args: dict[str, Any]) -> None:
        self._clear_error()
        self._slow_timer.start()
        self._update(busy=True)  # nothing else is allowed until this one is answered
        self.bridge.request(op, args, self._on_reply)

    def _on_reply(self, result: dict[str, Any] | None, error: RequestError | None) -> None:
        self._slow_timer.stop()
        self.slow_reply = False
        if error is not None:
            log.info("refused: %s", error)
            self.error = error.code
            self._error_timer.start()
            self._update(busy=False)
            return
        counter = self.snapshot.counter
        self._settle_after_rev = counter.rev if counter else 0
        self._settle_timer.start()
        self.changed.emit()

    def _reply_is_slow(self) -> None:
        self.slow_reply = True
        self.changed.emit()

    def _settled(self) -> None:
        self._settle_after_rev = None
        self._update(busy=False)

    def _set_page(self, page: Page) -> None:
        self.page = page
        self.changed.emit()

    def _clear_error(self) -> None:
        self._error_timer.stop()
        if self.error is not None:
            self.error = None
            self.changed.emit()

    # --- the retained state -----------------------------------------------------------------

    def _update(self, **changes: Any) -> None:
        self.snapshot = replace(self.snapshot, **changes)
        self.changed.emit()

    def _on_connection(self, connected: bool) -> None:
        self._update(connected=connected,
                     hub_online=self.bridge.hub_online if connected else False)

    def _on_hub_status(self, online: bool) -> None:
        self._update(hub_online=online, connected=self.bridge.connected)

    def _on_config(self, config: CenterConfig) -> None:
        self.snapshot = replace(self.snapshot, config=config)
        # A counter state that came before the config could not be told apart as ours.
        own = self.snapshot.counters.get(self.snapshot.counter_id or "")
        if own is not None:
            self._mirror_led(own)
        self._update(counter=own)

    def _on_counter_state(self, state: CounterState) -> None:
        held = self.snapshot.counters.get(state.id)
        if held is not None and state.rev < held.rev:
            return
        counters = {**self.snapshot.counters, state.id: state}
        if state.id != self.snapshot.counter_id:
            self.snapshot = replace(self.snapshot, counters=counters)
            return
        changes: dict[str, Any] = {"counters": counters, "counter": state}
        if self._settle_after_rev is not None and state.rev > self._settle_after_rev:
            self._settle_after_rev = None
            self._settle_timer.stop()
            changes["busy"] = False
        self._mirror_led(state)
        self._update(**changes)

    def _mirror_led(self, state: CounterState) -> None:
        if self.led is not None:
            ok = self.led.update(state)
            self.bridge.set_health(led="ok" if ok else "error")

    def _on_service_state(self, state: ServiceState) -> None:
        held = self.snapshot.services.get(state.id)
        if held is not None and state.rev < held.rev:
            return
        services = {**self.snapshot.services, state.id: state}
        counter = self.snapshot.counter
        if counter is not None and state.id in counter.services:
            self._update(services=services)
        else:
            self.snapshot = replace(self.snapshot, services=services)

    def _tick(self) -> None:
        if self.snapshot.ticket is not None:
            self.changed.emit()
