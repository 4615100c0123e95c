"""The tablet's behaviour: learns from the hub's `ticket.done` event that this desk finished a
ticket, offers it for rating until the window closes, sends `rating.submit`, and thanks the
citizen only once the hub has stored the rating."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import RequestError
from broker.wire.protocol import CounterState, Event, outdated
from config.schema import CenterConfig
from counter_terminal.tablet_model import (
    TRANSIENT_ERRORS,
    PendingRating,
    Phase,
    TabletScreen,
    build_tablet_screen,
    offer_for,
    seconds_left,
)
from qtkit.bridge import MqttBridge

log = logging.getLogger("qms.tablet")


class TabletController(QObject):
    changed = Signal()

    def __init__(self, bridge: MqttBridge, device_id: str, *, lang: str = "vi",
                 counter: str | None = None, window_s: float | None = None,
                 thanks_s: float = 5.0, clock: Clock = wall_clock) -> None:
        super().__init__()
        self.bridge = bridge
        self.clock = clock
        self.device_id = device_id
        self.lang = self.default_lang = lang
        self._counter_override = counter
        self._window_override = window_s
        self.config: CenterConfig | None = None
        self.counter: CounterState | None = None
        self.connected = self.hub_online = False
        self.phase: Phase = "idle"
        self.pending: PendingRating | None = None
        self.score: int | None = None
        self.error: str | None = None
        self._offered: set[str] = set()  # one offer per ticket, even if an event comes twice
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self._expired)
        self._linger = QTimer(self, singleShot=True, interval=round(thanks_s * 1000))
        self._linger.timeout.connect(self._back_to_idle)

        bridge.connection_changed.connect(self._on_connection)
        bridge.hub_status_changed.connect(self._on_hub_status)
        bridge.config_received.connect(self._on_config)
        bridge.counter_state.connect(self._on_counter_state)
        bridge.event_received.connect(self._on_event)

    @property
    def counter_id(self) -> str | None:
        if self._counter_override is not None:
            return self._counter_override
        device = self.config.device(self.device_id) if self.config else None
        return device.counter if device and device.role == "tablet" else None

    @property
    def online(self) -> bool:
        return self.connected and self.hub_online

    def screen(self) -> TabletScreen:
        return build_tablet_screen(lang=self.lang, online=self.online, config=self.config,
                                   counter_id=self.counter_id, counter=self.counter,
                                   phase=self.phase, pending=self.pending, error=self.error)

    # --- what the citizen does ----------------------------------------------------------------

    def rate(self, score: int) -> None:
        if self.phase != "ask" or self.pending is None or self.config is None or not self.online:
            return
        level = next((lv for lv in self.config.rating.levels if lv.score == score), None)
        if level is None:
            return
        self.score, self.error = score, None
        if level.ask_reasons and self.config.rating.reasons:
            self._set_phase("reasons")
        else:
            self._submit([])

    def submit_reasons(self, reasons: list[str]) -> None:
        if self.phase == "reasons" and self.online:
            self._submit(reasons)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.changed.emit()

    # --- the rating -------------------------------------------------------------------------

    def _submit(self, reasons: list[str]) -> None:
        assert self.pending is not None and self.score is not None
        self._set_phase("sending")
        ticket = self.pending.ticket
        self.bridge.request("rating.submit",
                            {"ticket": ticket, "score": self.score, "reasons": reasons},
                            lambda result, error: self._on_reply(ticket, error),
                            command_id=self.pending.command_id)

    def _on_reply(self, ticket: str, error: RequestError | None) -> None:
        if self.pending is None or self.pending.ticket != ticket:
            return  # a newer ticket took the screen while this one was being sent
        if error is None:
            log.info("rating of %s stored", self.pending.number)
            self._finish("thanks")
        elif error.code in TRANSIENT_ERRORS and self._expiry.isActive():
            self.error = error.code
            self._set_phase("ask")
        else:
            log.info("rating of %s refused: %s", self.pending.number, error)
            self.error = error.code
            self._finish("refused")

    def _finish(self, phase: Phase) -> None:
        self.pending, self.score = None, None
        self._expiry.stop()
        self._linger.start()
        self._set_phase(phase)

    def _expired(self) -> None:
        if self.phase == "sending":
            return  # the hub's answer decides
        self.pending, self.score = None, None
        self._idle()

    def _back_to_idle(self) -> None:
        if self.phase in ("thanks", "refused"):
            self._idle()

    def _idle(self) -> None:
        # The next citizen starts in the desk's own language.
        self.error, self.lang = None, self.default_lang
        self._set_phase("idle")

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.changed.emit()

    # --- from the hub -----------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        offer = offer_for(event, self.counter_id)
        if offer is None or offer.ticket in self._offered or self.config is None:
            return
        window = (self._window_override if self._window_override is not None
                  else self.config.rating.window_s)
        left = seconds_left(event.at, window, self.clock())
        if left <= 0:
            return
        self._offered.add(offer.ticket)
        self.pending, self.score, self.error = offer, None, None
        self._linger.stop()
        self._expiry.start(round(left * 1000))
        self._set_phase("ask")

    def _on_config(self, config: CenterConfig) -> None:
        self.config = config
        # A counter state that came before the config could not be told apart as ours.
        client = self.bridge.client
        counter_id = self.counter_id
        cached = client.cached(client.topics.counter_state(counter_id)) if counter_id else None
        if cached is not None:
            self._on_counter_state(cached)
        self.changed.emit()

    def _on_counter_state(self, state: CounterState) -> None:
        if state.id != self.counter_id:
            return
        if outdated(state, self.counter):
            return
        self.counter = state
        self.changed.emit()

    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.hub_online = self.bridge.hub_online if connected else False
        self.changed.emit()

    def _on_hub_status(self, online: bool) -> None:
        self.hub_online = online
        self.connected = self.bridge.connected
        self.changed.emit()
