"""The manager console's behaviour: what it holds of the hall, the commands it sends, the
reports it fetches and the files it writes. It creates no widgets; the view listens to its
signals and calls its methods."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from broker.wire.clock import Clock, wall_clock
from broker.wire.device_client import RequestError
from broker.wire.protocol import (
    BoardState,
    CounterState,
    DeviceStatus,
    HubStatus,
    ServiceState,
    outdated,
)
from config.schema import CenterConfig
from manager_console.export import csv_bytes, ratings_html, xlsx_bytes
from manager_console.hall import (
    CounterRow,
    ServiceRow,
    counter_name,
    counter_rows,
    service_name,
    service_rows,
)
from manager_console.health import DeviceRow, HealthBook
from manager_console.report_table import REPORT_KINDS, Table, report_table
from manager_console.texts import period_text, text
from qtkit.bridge import MqttBridge
from qtkit.texts import error_text

log = logging.getLogger("qms.manager")

# "Ngừng cấp số" acts at once on screen but reaches the hub only after this long, so that a
# slip can be taken back with "Hoàn tác" (no kiosk ever saw the service closed).
UNDO_S = 5.0
# The hall's "issued" per service follows the reports' rule (a transferred ticket counts under
# the service it was sent to): the hub's service report for today, fetched again this long
# after the services change.
HALL_FIGURES_MS = 3_000

# File names without diacritics: they travel through USB sticks and e-mail.
_FILE_SLUGS = {"service": "dich-vu", "counter": "quay", "officer": "can-bo", "day": "theo-ngay",
               "hourly": "theo-gio"}


@dataclass
class ReportSet:
    """The reports of one period, one list of hub rows per kind."""

    first: date
    last: date
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Ranking:
    first: date
    last: date
    rows: list[dict[str, Any]]


class ManagerController(QObject):
    lang_changed = Signal()
    config_changed = Signal()
    connection_changed = Signal()
    hall_changed = Signal()  # a service's or a counter's state
    board_changed = Signal()
    health_changed = Signal()
    tick = Signal()  # each second, for the live durations
    report_changed = Signal()
    report_loading = Signal(bool)
    ranking_changed = Signal()
    ranking_loading = Signal(bool)
    notice = Signal(str, bool)  # the words, whether it is an error

    def __init__(self, bridge: MqttBridge, *, lang: str = "vi", clock: Clock = wall_clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge, self.client = bridge, bridge.client
        self.lang = lang
        self.clock = clock
        self.config: CenterConfig | None = None
        self.services: dict[str, ServiceState] = {}
        self.counters: dict[str, CounterState] = {}
        self.board: BoardState | None = None
        self.health = HealthBook()
        self.connected = self.hub_online = False
        self.clock_behind_s = 0  # the hub's clock behind its ledger: it keeps the ledger's day
        self.ever_connected = False  # before the first connect it is "connecting"
        self.report: ReportSet | None = None
        self.ranking: Ranking | None = None
        self._report_generation = 0
        self._ranking_generation = 0
        self.undo_s = UNDO_S
        self.issued_today: dict[str, int] | None = None  # per service, by the reports' rule
        self._figures_timer = QTimer(self, singleShot=True, interval=HALL_FIGURES_MS)
        self._figures_timer.timeout.connect(self.load_hall_figures)
        self._today_shown = False  # the reports and ratings of today, once at the start
        self._held_stops: dict[str, tuple[float, QTimer]] = {}  # service: (deadline, timer)

        bridge.connection_changed.connect(self._on_connection)
        bridge.hub_status_changed.connect(self._on_hub_status)
        bridge.hub_status_received.connect(self._on_hub_clock)
        bridge.config_received.connect(self._on_config)
        bridge.service_state.connect(self._on_service)
        bridge.counter_state.connect(self._on_counter)
        bridge.board_state.connect(self._on_board)
        self.bridge.device_status.connect(self._on_device_status)
        self._unwatch_devices = self.bridge.watch_device_status()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick.emit)
        self._timer.start()

    def close(self) -> None:
        self._timer.stop()
        self._figures_timer.stop()
        for _, timer in self._held_stops.values():
            timer.stop()
        self._unwatch_devices()

    # --- what arrives -----------------------------------------------------------------------

    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.ever_connected = self.ever_connected or connected
        if not connected:
            self.hub_online = False
        self.connection_changed.emit()
        self._when_ready()

    def _on_hub_status(self, online: bool) -> None:
        self.hub_online = online
        self.connection_changed.emit()
        self._when_ready()

    def _on_hub_clock(self, status: HubStatus) -> None:
        behind = status.clock_behind_s if status.status == "online" else 0
        if behind != self.clock_behind_s:
            self.clock_behind_s = behind
            self.connection_changed.emit()

    def _on_config(self, config: CenterConfig) -> None:
        if config == self.config:
            return
        self.config = config
        self.config_changed.emit()
        self._when_ready()

    def _when_ready(self) -> None:
        """Once the hub answers: the hall's figures, and today's report and ranking at once,
        so that no page is blank until "Xem" is pressed."""
        if not self.can_command or self.config is None:
            return
        self.load_hall_figures()
        if not self._today_shown:
            self._today_shown = True
            today = self.today()
            if self.report is None:
                self.load_report(today, today)
            if self.ranking is None:
                self.load_ranking(today, today)

    def load_hall_figures(self) -> None:
        if not self.can_command or self.config is None:
            return
        today = self.today()
        self.bridge.request("report.get", _period_args("service", today, today),
                            self._hall_figures_done)

    def _hall_figures_done(self, result: dict[str, Any] | None,
                           error: RequestError | None) -> None:
        if error is not None or result is None:
            log.info("the hall's figures did not come: %s", error)
            return
        issued = {row["key"]: int(row.get("issued") or 0) for row in result.get("rows", [])
                  if row.get("key")}
        if issued != self.issued_today:
            self.issued_today = issued
            self.hall_changed.emit()

    def _on_service(self, state: ServiceState) -> None:
        if outdated(state, self.services.get(state.id)):
            return
        self.services[state.id] = state
        if not self._figures_timer.isActive():
            self._figures_timer.start()
        self.hall_changed.emit()

    def _on_counter(self, state: CounterState) -> None:
        if outdated(state, self.counters.get(state.id)):
            return
        self.counters[state.id] = state
        self.hall_changed.emit()

    def _on_board(self, state: BoardState) -> None:
        if outdated(state, self.board):
            return
        self.board = state
        self.board_changed.emit()

    def _on_device_status(self, device_id: str, status: DeviceStatus | None) -> None:
        if self.health.update(device_id, status):
            self.health_changed.emit()

    # --- what the view reads ----------------------------------------------------------------

    @property
    def can_command(self) -> bool:
        return self.connected and self.hub_online

    def now(self) -> datetime:
        return self.clock()

    def local(self, at: datetime) -> datetime:
        """A time as the center's wall clock shows it (as given until the config is here)."""
        if self.config is None:
            return at
        return at.astimezone(ZoneInfo(self.config.center.timezone))

    def today(self) -> date:
        return self.local(self.now()).date()

    def service_rows(self) -> list[ServiceRow]:
        if self.config is None:
            return []
        return service_rows(self.config, self.services, self.now(), self.lang,
                            issued=self.issued_today)

    def counter_rows(self) -> list[CounterRow]:
        if self.config is None:
            return []
        return counter_rows(self.config, self.counters, self.services, self.now(), self.lang)

    def device_rows(self) -> list[DeviceRow]:
        if self.config is None:
            return []
        return self.health.rows(self.config, self.lang)

    def counter_label(self, counter_id: str) -> str:
        return counter_name(self.config, counter_id, self.lang) if self.config else counter_id

    def service_label(self, service_id: str) -> str:
        return service_name(self.config, service_id, self.lang) if self.config else service_id

    def set_lang(self, lang: str) -> None:
        if lang != self.lang:
            self.lang = lang
            self.lang_changed.emit()

    # --- commands ---------------------------------------------------------------------------

    def _command(self, op: str, args: dict[str, Any], done: str) -> None:
        def finish(result: dict[str, Any] | None, error: RequestError | None) -> None:
            if error is not None:
                log.info("%s %s refused: %s", op, args, error)
                self.notice.emit(text("failed", self.lang,
                                      reason=error_text(error.code, self.lang)), True)
            else:
                self.notice.emit(done, False)

        self.bridge.request(op, args, finish)

    def open_counter(self, counter_id: str, officer: str | None) -> None:
        args: dict[str, Any] = {"counter": counter_id}
        if officer:
            args["officer"] = officer
        label = self.counter_label(counter_id)
        self._command("counter.open", args, text("done_open", self.lang, counter=label))

    def pause_counter(self, counter_id: str) -> None:
        label = self.counter_label(counter_id)
        self._command("counter.pause", {"counter": counter_id},
                      text("done_pause", self.lang, counter=label))

    def close_counter(self, counter_id: str) -> None:
        label = self.counter_label(counter_id)
        self._command("counter.close", {"counter": counter_id},
                      text("done_close", self.lang, counter=label))

    def assign(self, counter_id: str, services: list[str]) -> None:
        """The services a counter calls from, in its order; the hub applies it at the next
        call, and every screen sees it through the retained counter state."""
        if not services:
            self.notice.emit(text("no_services_chosen", self.lang), True)
            return
        names = ", ".join(self.service_label(s) for s in services)
        self._command("counter.assign", {"counter": counter_id, "services": services},
                      text("done_assign", self.lang, counter=self.counter_label(counter_id),
                           services=names))

    def set_issuing(self, service_id: str, issuing: bool) -> None:
        """Resumes at once; stops after `undo_s`, unless `undo_stop` comes first."""
        if not issuing and self.undo_s > 0:
            self._hold_stop(service_id)
            return
        self._send_issuing(service_id, issuing)

    def _send_issuing(self, service_id: str, issuing: bool) -> None:
        op, key = ("service.open", "done_issuing_open") if issuing else (
            "service.close", "done_issuing_close")
        self._command(op, {"service": service_id},
                      text(key, self.lang, service=self.service_label(service_id)))

    def _hold_stop(self, service_id: str) -> None:
        if service_id in self._held_stops:
            return
        timer = QTimer(self, singleShot=True)
        timer.timeout.connect(lambda: self._stop_now(service_id))
        timer.start(round(self.undo_s * 1000))
        self._held_stops[service_id] = (time.monotonic() + self.undo_s, timer)
        self.notice.emit(text("stop_held", self.lang, service=self.service_label(service_id),
                              seconds=math.ceil(self.undo_s)), False)
        self.hall_changed.emit()

    def _stop_now(self, service_id: str) -> None:
        if self._held_stops.pop(service_id, None) is not None:
            self._send_issuing(service_id, False)
            self.hall_changed.emit()

    def undo_stop(self, service_id: str) -> None:
        """Takes back a "Ngừng cấp số" not yet sent: the hub never hears of it."""
        held = self._held_stops.pop(service_id, None)
        if held is not None:
            held[1].stop()
            self.notice.emit(text("stop_undone", self.lang,
                                  service=self.service_label(service_id)), False)
            self.hall_changed.emit()

    def stop_held_s(self, service_id: str) -> int | None:
        """Seconds until a held-back stop of the service is sent, or None."""
        held = self._held_stops.get(service_id)
        return None if held is None else max(1, math.ceil(held[0] - time.monotonic()))

    def send_message(self, message: str, minutes: int = 0) -> None:
        """A running message on every board; for `minutes` (0: until cleared)."""
        message = message.strip()
        if not message:
            self.clear_message()
            return
        args: dict[str, Any] = {"text": message}
        if minutes > 0:
            until = self.now() + timedelta(minutes=minutes)
            args["until"] = until.isoformat(timespec="seconds")
        self._command("board.message", args, text("done_message", self.lang))

    def clear_message(self) -> None:
        self._command("board.message", {"text": ""}, text("done_message_clear", self.lang))

    # --- reports ----------------------------------------------------------------------------

    def load_report(self, first: date, last: date) -> None:
        """Every report kind for the period; `report_changed` once all have come back."""
        first, last = min(first, last), max(first, last)
        self._report_generation += 1
        generation = self._report_generation
        loading = ReportSet(first, last)
        self.report_loading.emit(True)
        for kind in REPORT_KINDS:
            self.bridge.request("report.get", _period_args(kind, first, last),
                                partial(self._report_part, generation, loading, kind))

    def _report_part(self, generation: int, loading: ReportSet, kind: str,
                     result: dict[str, Any] | None, error: RequestError | None) -> None:
        if generation != self._report_generation:
            return  # a newer request replaced this one
        if error is not None:
            self._report_generation += 1  # the other parts of this load are dropped
            self.report_loading.emit(False)
            self.notice.emit(text("failed", self.lang, reason=error_text(error.code, self.lang)),
                             True)
            return
        assert result is not None
        loading.rows[kind] = result.get("rows", [])
        if len(loading.rows) == len(REPORT_KINDS):
            self.report = loading
            self.report_loading.emit(False)
            self.report_changed.emit()

    def report_table(self, kind: str, *, export: bool = False) -> Table | None:
        if self.report is None or self.config is None:
            return None
        return report_table(self.config, kind, self.report.rows.get(kind, []), self.lang,
                            export=export)

    def load_ranking(self, first: date, last: date) -> None:
        first, last = min(first, last), max(first, last)
        self._ranking_generation += 1
        generation = self._ranking_generation
        self.ranking_loading.emit(True)
        self.bridge.request("report.get", _period_args("rating", first, last),
                            partial(self._ranking_done, generation, first, last))

    def _ranking_done(self, generation: int, first: date, last: date,
                      result: dict[str, Any] | None, error: RequestError | None) -> None:
        if generation != self._ranking_generation:
            return
        self.ranking_loading.emit(False)
        if error is not None:
            self.notice.emit(text("failed", self.lang, reason=error_text(error.code, self.lang)),
                             True)
            return
        assert result is not None
        self.ranking = Ranking(first, last, result.get("rows", []))
        self.ranking_changed.emit()

    # --- exports ----------------------------------------------------------------------------

    def csv_file_name(self, kind: str) -> str:
        return self.report_file_name(kind, "csv")

    def report_file_name(self, kind: str, extension: str) -> str:
        assert self.report is not None
        period = _period_slug(self.report.first, self.report.last)
        return f"bao-cao-{_FILE_SLUGS[kind]}_{period}.{extension}"

    def export_report_xlsx(self, kind: str, path: Path) -> bool:
        """The report as a spreadsheet: numbers that are numbers, formatted as on screen,
        the period in its title and the counting rule under it."""
        if self.report is None or self.config is None:
            self.notice.emit(text("export_nothing", self.lang), True)
            return False
        table = report_table(self.config, kind, self.report.rows.get(kind, []), self.lang,
                             typed=True)
        period = period_text(self.report.first, self.report.last, self.lang)
        sheet = text(f"report_tab_{kind}", self.lang)
        title = f"{text('report_for', self.lang, period=period)} — {sheet}"
        return self._write(path, xlsx_bytes(table, title, text("report_rule", self.lang), sheet))

    def html_file_name(self) -> str:
        assert self.ranking is not None
        return f"danh-gia-hai-long_{_period_slug(self.ranking.first, self.ranking.last)}.html"

    def export_report_csv(self, kind: str, path: Path) -> bool:
        table = self.report_table(kind, export=True)
        if table is None:
            self.notice.emit(text("export_nothing", self.lang), True)
            return False
        return self._write(path, csv_bytes(table))

    def export_ranking_html(self, path: Path) -> bool:
        if self.ranking is None or self.config is None:
            self.notice.emit(text("export_nothing", self.lang), True)
            return False
        page = ratings_html(self.config, self.ranking.rows, self.ranking.first,
                                   self.ranking.last, self.local(self.now()))
        return self._write(path, page.encode("utf-8"))

    def _write(self, path: Path, content: bytes) -> bool:
        try:
            path.write_bytes(content)
        except OSError as exc:
            self.notice.emit(text("export_failed", self.lang, reason=exc.strerror or exc), True)
            return False
        self.notice.emit(text("exported", self.lang, path=path), False)
        return True


def _period_args(kind: str, first: date, last: date) -> dict[str, Any]:
    return {"kind": kind, "from": first.isoformat(), "to": last.isoformat()}


def _period_slug(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}_{last.isoformat()}"
