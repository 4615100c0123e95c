"""The board's behaviour: takes the bridge's signals into the model and shows the model.

It sends no commands: a board only listens. The retained state is the truth; call events only
make the newest call appear a moment sooner and blink, and only when they are fresh.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from broker.wire.clock import Clock, wall_clock
from broker.wire.protocol import Event
from config.schema import CenterConfig
from display_board.model import CALL_KINDS, BoardModel, CallRow, ServiceRow, is_fresh
from display_board.texts import text
from display_board.views import BoardWindow, CounterTileText, ServiceChipText
from display_board.zone import unknown_counters
from qtkit.bridge import MqttBridge
from qtkit.formats import weekday

log = logging.getLogger("qms.board")

BLINK_STEP_MS = 500


class BoardController(QObject):
    # Why the hall's voice is silent (None: it speaks); emitted from the announcer's thread.
    voice_silence = Signal(object)

    def __init__(self, bridge: MqttBridge, view: BoardWindow, model: BoardModel, *,
                 lang: str = "vi", clock: Clock = wall_clock, blink_s: float = 8.0,
                 fresh_s: float = 10.0) -> None:
        super().__init__(view)
        self.bridge, self.view, self.model = bridge, view, model
        self.lang, self.clock = lang, clock
        self.blink_s, self.fresh_s = blink_s, fresh_s
        self.blinking_number = ""
        self._blink_until = 0.0
        self._highlight = False
        self._render_pending = False
        self._last_live: datetime | None = None
        self.voice_silent: str | None = None

        bridge.config_received.connect(self._on_config)
        for signal in (bridge.service_state, bridge.counter_state, bridge.board_state):
            signal.connect(self._on_state)
        bridge.event_received.connect(self._on_event)
        bridge.connection_changed.connect(self._on_connection)
        bridge.hub_status_changed.connect(self._on_connection)
        self.voice_silence.connect(self._on_voice_silence)
        view.key_handlers[Qt.Key.Key_L] = self.toggle_lang

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._blink = QTimer(self)
        self._blink.setInterval(BLINK_STEP_MS)
        self._blink.timeout.connect(self._on_blink)

    # --- state in ---------------------------------------------------------------------------

    def _on_config(self, config: CenterConfig) -> None:
        if self._take_config(config):
            self._schedule_render()

    def _take_config(self, config: CenterConfig) -> bool:
        if not self.model.set_config(config):
            return False
        unknown = unknown_counters(config, self.model.zone)
        if unknown:
            log.warning("the zone names counters the center does not have: %s", unknown)
        return True

    def _on_state(self, message: Any) -> None:
        if self.model.apply(message):
            self._schedule_render()

    def _on_event(self, event: Event) -> None:
        if event.kind not in CALL_KINDS or not is_fresh(event.at, self.clock(), self.fresh_s):
            return
        call = self.model.note_call(event)
        if call is not None:
            self._start_blink(call)
            self._schedule_render()

    def _on_connection(self, _up: bool) -> None:
        self._show_connection()

    def _on_voice_silence(self, reason: str | None) -> None:
        self.voice_silent = reason
        self._show_connection()

    # --- blinking ---------------------------------------------------------------------------

    @property
    def blinking(self) -> bool:
        return self._blink.isActive()

    def _start_blink(self, call: CallRow) -> None:
        self.blinking_number = call.number
        self._blink_until = time.monotonic() + self.blink_s
        self._highlight = True
        self.view.set_hero_highlight(True)
        self._blink.start()

    def _on_blink(self) -> None:
        if time.monotonic() >= self._blink_until:
            self._blink.stop()
            self._highlight = False
            self.blinking_number = ""
        else:
            self._highlight = not self._highlight
        self.view.set_hero_highlight(self._highlight)

    # --- showing ----------------------------------------------------------------------------

    def set_lang(self, lang: str) -> None:
        self.lang = "en" if lang == "en" else "vi"
        self.render()

    def toggle_lang(self) -> None:
        self.set_lang("vi" if self.lang == "en" else "en")

    def _schedule_render(self) -> None:
        # A connect replays dozens of retained topics at once: draw once for the whole burst.
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self.render)

    def render(self) -> None:
        self._render_pending = False
        lang, model, view = self.lang, self.model, self.view
        view.setWindowTitle(text("title", lang))
        view.set_center_name(model.center_name(lang))
        view.set_titles(text("counters_title", lang), text("waiting_title", lang),
                        text("calls_title", lang))
        self._show_hero()
        view.set_counters([
            CounterTileText(row.id, text("counter", lang, counter=row.number), row.ticket,
                            text(f"status_{row.status}", lang), row.status)
            for row in model.counters()])
        view.set_calls([(call.number, text("counter", lang, counter=call.counter_number))
                        for call in model.calls()])
        view.set_services([self._chip(row) for row in model.services()])
        self._on_tick()

    def _show_hero(self) -> None:
        lang = self.lang
        if self.model.config is None:
            self.view.set_hero(text("connecting", lang), "", "")
            return
        call = self.model.newest_call()
        if call is None:
            self.view.set_hero(text("no_calls", lang), "", "")
        else:
            self.view.set_hero(text("hero_label", lang), call.number,
                               text("counter", lang, counter=call.counter_number))

    def _chip(self, row: ServiceRow) -> ServiceChipText:
        name = row.name.get(self.lang)
        if row.closed_reason is not None:
            why = row.closed_reason if row.closed_reason in ("daily_limit", "hours") else "closed"
            name = f"{name} · {text(f'service_{why}', self.lang)}"
        return ServiceChipText(row.id, name, str(row.waiting), row.closed_reason is not None)

    def _local(self, moment: datetime) -> datetime:
        config = self.model.config
        return moment.astimezone(ZoneInfo(config.center.timezone)) if config else moment

    def _on_tick(self) -> None:
        now = self._local(self.clock())
        self.view.set_clock(now.strftime("%H:%M"),
                            f"{weekday(now, self.lang)}, {now:%d/%m/%Y}")
        self.view.set_message(self.model.message(now))
        self._show_connection()

    def _show_connection(self) -> None:
        """The small line under the center's name: the link to the hub, and a silent voice
        (citizens then watch the board: the line says so)."""
        lines = [self._connection_text()]
        if self.voice_silent is not None:
            lines.append(text("voice_silent", self.lang))
        self.view.set_connection(" · ".join(line for line in lines if line))

    def _connection_text(self) -> str:
        now = self._local(self.clock())
        live = self.bridge.connected and self.bridge.hub_online
        if live:
            self._last_live = now
            return ""
        if self._last_live is None:
            return text("connecting", self.lang)
        key = "hub_offline" if self.bridge.connected else "offline"
        return text(key, self.lang, time=f"{self._last_live:%H:%M}")
