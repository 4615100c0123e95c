"""The terminal's behaviour: takes the bridge's signals, keeps the snapshot of retained state,
sends the officer's commands, and drives the LED display. The view only renders `screen()`."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import RequestError
from broker.wire.protocol import CounterState, ServiceState, outdated
from config.schema import CenterConfig
from counter_terminal.led import LedMirror
from counter_terminal.model import (
    SIMPLE_OPS,
    Action,
    Page,
    Pending,
    Screen,
    Snapshot,
    allowed,
    build_screen,
    can_sign_in,
    enabled_actions,
)
from counter_terminal.texts import text
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
# A no-show acts at once on screen but is sent only after this long, so that a slip of F6
# (next to F5 "done") can be taken back with "Hoàn tác" before the hub hears of it.
UNDO_S = 5.0
# How long "sent 2002 to counter 7" stays on the screen after a transfer.
NOTICE_SHOWN_MS = 10_000
# The actions held back for undo.
UNDOABLE = frozenset({Action.NO_SHOW})


class TerminalController(QObject):
    changed = Signal()  # the screen changed: render `screen()`
    _keypad = Signal(str)

    def __init__(self, bridge: MqttBridge, device_id: str, *, lang: str = "vi",
                 led: LedDisplay | None = None, clock: Clock = wall_clock,
                 undo_s: float = UNDO_S) -> None:
        super().__init__()
        self.bridge = bridge
        self.clock = clock
        self.lang = lang
        self.page: Page = "main"
        self.error: str | None = None
        self.undo_s = undo_s
        self.pending: Pending | None = None
        self._pending_until = 0.0
        self._then: Action | None = None  # sent once the held-back command is answered
        self.notice = ""
        self._sent_notice = ""  # the notice a transfer shows once the hub took it
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
        self._pending_timer = QTimer(self, singleShot=True)
        self._pending_timer.timeout.connect(self.send_pending)
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_SHOWN_MS)
        self._notice_timer.timeout.connect(self._clear_notice)
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
        pending = self.pending
        if pending is not None:
            left = max(1, math.ceil(self._pending_until - time.monotonic()))
            pending = replace(pending, seconds_left=left)
        screen = build_screen(self.snapshot, page=self.page, lang=self.lang,
                              now=now or self.clock(), error=self.error,
                              sending=self.slow_reply, pending=pending, notice=self.notice)
        # A picker the state closed stays closed, also once the counter opens again.
        self.page = "main" if screen.page == "signin" else screen.page
        return screen

    # --- what the officer does ------------------------------------------------------------

    def act(self, action: Action) -> None:
        """A button, a shortcut or a key of the keypad; ignored when the state disallows it."""
        if self.pending is not None:
            # Only "Next" is on: the held-back command goes now, then the next citizen.
            if action is Action.NEXT and enabled_actions(self.snapshot, self.pending)[action]:
                self.send_pending(then=Action.NEXT)
            return
        if not allowed(self.snapshot, action):
            log.info("%s ignored: not allowed in the current state", action)
            return
        if action in UNDOABLE and self.undo_s > 0 and self.snapshot.ticket is not None:
            self._hold(action)
        elif action in SIMPLE_OPS:
            self._send(SIMPLE_OPS[action], {})
        elif action is Action.RESUME:
            counter = self.snapshot.counter
            self._send("counter.open", {"officer": counter.officer} if counter and
                       counter.officer else {})
        elif action in (Action.CALL, Action.TRANSFER):
            self._set_page("call" if action is Action.CALL else "transfer")

    def undo(self) -> None:
        """Takes back the held-back command: the hub never hears of it."""
        if self.pending is not None:
            log.info("%s of %s undone", self.pending.action, self.pending.number)
            self._pending_timer.stop()
            self.pending = None
            self.changed.emit()

    def send_pending(self, then: Action | None = None) -> None:
        """Sends the held-back command now (its time is up, or "Next" was pressed)."""
        pending, self.pending = self.pending, None
        self._pending_timer.stop()
        if pending is None:
            return
        self._then = then
        self._send(SIMPLE_OPS[pending.action], {})

    def _hold(self, action: Action) -> None:
        ticket = self.snapshot.ticket
        assert ticket is not None
        self._clear_notice()
        self.pending = Pending(action, ticket.id, ticket.number, math.ceil(self.undo_s))
        self._pending_until = time.monotonic() + self.undo_s
        self._pending_timer.start(round(self.undo_s * 1000))
        self.changed.emit()

    def _drop_stale_pending(self) -> None:
        """A held-back command about a ticket the counter no longer has waiting is void."""
        ticket = self.snapshot.ticket
        if self.pending is not None and (ticket is None or ticket.id != self.pending.ticket
                                         or ticket.state != "called"):
            log.info("%s of %s dropped: the ticket moved on", self.pending.action,
                     self.pending.number)
            self._pending_timer.stop()
            self.pending = None

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
                ticket = self.snapshot.ticket
                self._send("ticket.transfer", {kind: target})
                self._sent_notice = text(f"sent.{kind}", self.lang,
                                         number=ticket.number if ticket else "",
                                         target=self._target_name(kind, target))
        self._set_page("main")

    def _target_name(self, kind: str, target: str) -> str:
        config = self.snapshot.config
        if config is None:
            return target
        if kind == "service":
            service = config.service(target)
            return service.name.get(self.lang) if service else target
        counter = config.counter(target)
        return text("counter", self.lang, number=counter.number if counter else target)

    def back(self) -> None:
        self._set_page("main")

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.changed.emit()

    def keypad_action(self, name: str) -> None:
        """Thread-safe: the keypad reader calls this from its own thread."""
        self._keypad.emit(name)

    def _on_keypad(self, name: str) -> None:
        if name == "undo":
            self.undo()
            return
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
        self._sent_notice = ""
        if self._then is None:
            self._clear_notice()
        self._slow_timer.start()
        self._update(busy=True)  # nothing else is allowed until this one is answered
        self.bridge.request(op, args, self._on_reply)

    def _on_reply(self, result: dict[str, Any] | None, error: RequestError | None) -> None:
        self._slow_timer.stop()
        self.slow_reply = False
        if error is not None:
            log.info("refused: %s", error)
            self._then = None
            self._sent_notice = ""
            self.error = error.code
            self._error_timer.start()
            self._update(busy=False)
            return
        if self._sent_notice:
            self.notice, self._sent_notice = self._sent_notice, ""
            self._notice_timer.start()
        if self._then is not None:
            # The hub answers in order: the next command meets the state this one left.
            then, self._then = self._then, None
            self._send(SIMPLE_OPS[then], {})
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

    def _clear_notice(self) -> None:
        self._notice_timer.stop()
        if self.notice:
            self.notice = ""
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
        self._update(counter=own, call_base=_call_base(self.snapshot, own))

    def _on_counter_state(self, state: CounterState) -> None:
        if outdated(state, self.snapshot.counters.get(state.id)):
            return
        counters = {**self.snapshot.counters, state.id: state}
        if state.id != self.snapshot.counter_id:
            self.snapshot = replace(self.snapshot, counters=counters)
            return
        changes: dict[str, Any] = {"counters": counters, "counter": state,
                                   "call_base": _call_base(self.snapshot, state)}
        if self._settle_after_rev is not None and state.rev > self._settle_after_rev:
            self._settle_after_rev = None
            self._settle_timer.stop()
            changes["busy"] = False
        self._mirror_led(state)
        self.snapshot = replace(self.snapshot, **changes)
        self._drop_stale_pending()
        self.changed.emit()

    def _mirror_led(self, state: CounterState) -> None:
        if self.led is not None:
            ok = self.led.update(state)
            self.bridge.set_health(led="ok" if ok else "error")

    def _on_service_state(self, state: ServiceState) -> None:
        if outdated(state, self.snapshot.services.get(state.id)):
            return
        services = {**self.snapshot.services, state.id: state}
        counter = self.snapshot.counter
        if counter is not None and state.id in counter.services:
            self._update(services=services)
        else:
            self.snapshot = replace(self.snapshot, services=services)

    def _tick(self) -> None:
        if self.snapshot.ticket is not None or self.pending is not None:
            self.changed.emit()


def _call_base(held: Snapshot, state: CounterState | None) -> tuple[str, int] | None:
    """The calls a ticket had before this counter's visit began (see `Snapshot.call_base`).

    Seen arriving (the counter's earlier state was known), the visit began with the call that
    brought it: every call before was another visit's. Met at start-up, a ticket never
    transferred is taken as called here only (a missed ticket called back from another
    counter would count that counter's calls too: the hub's state does not tell)."""
    ticket = state.ticket if state else None
    if ticket is None:
        return None
    if held.call_base is not None and held.call_base[0] == ticket.id:
        return held.call_base
    seen_arriving = held.counter is not None and held.counter.id == state.id
    if seen_arriving or ticket.transfers:
        return ticket.id, max(0, ticket.calls - 1)
    return ticket.id, 0
