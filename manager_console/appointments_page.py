"""Appointments in the manager console: book for a citizen on the telephone (a free slot of a
service, a phone number only with the citizen's consent), cancel by code, close a day to
booking (a holiday), and the figures per day and service (booked, checked in, not come,
served, cancelled, slot to call), with a CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
)

from broker.core.bookings import shown_code
from broker.wire.device_client import RequestError
from manager_console.controller import ManagerController
from manager_console.period_page import SavePathChooser, SavingPage
from manager_console.widgets import (
    button,
    date_edit,
    fill_table,
    from_qdate,
    label,
    table,
    to_qdate,
)
from qtkit.texts import Texts, error_text

TEXTS = Texts.load(Path(__file__).with_name("appointment_texts.toml"))
text = TEXTS.t

COLUMNS = ("day", "service", "booked", "checked_in", "not_come", "to_come", "served",
           "cancelled", "slot_to_call")


def figure_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """The report's rows as the table and the CSV show them."""
    out = []
    for row in rows:
        mean = row.get("mean_slot_to_call_s")
        out.append([row["day"], row["name"], row["booked"], row["checked_in"], row["not_come"],
                    row["to_come"], row["served"], row["cancelled"],
                    "" if mean is None else round(mean / 60, 1)])
    return out


def figures_csv(rows: Sequence[dict[str, Any]], lang: str) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([text(f"col_{c}", lang) for c in COLUMNS])
    writer.writerows(figure_rows(rows))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


class AppointmentsPage(SavingPage):
    def __init__(self, controller: ManagerController, choose_save_path: SavePathChooser) -> None:
        super().__init__("appointmentsPage", controller, choose_save_path)
        self.rows: list[dict[str, Any]] = []
        self.slots: list[dict[str, Any]] = []

        self.book_box = QGroupBox()
        self.service = QComboBox()
        self.service.setObjectName("bookingService")
        self.day = date_edit("bookingDay")
        self.find_button = button("findSlotsButton", "quiet")
        self.slot = QComboBox()
        self.slot.setObjectName("bookingSlot")
        self.phone = QLineEdit()
        self.phone.setObjectName("bookingPhone")
        self.consent = QCheckBox()
        self.consent.setObjectName("bookingConsent")
        self.book_button = button("bookButton")
        self.result = label("bookingResult", "summary", wrap=True)
        self.service_label, self.day_label = label(), label()
        self.slot_label, self.phone_label = label(), label()
        grid = QGridLayout(self.book_box)
        grid.addWidget(self.service_label, 0, 0)
        grid.addWidget(self.service, 0, 1)
        grid.addWidget(self.day_label, 1, 0)
        grid.addWidget(self.day, 1, 1)
        grid.addWidget(self.find_button, 1, 2)
        grid.addWidget(self.slot_label, 2, 0)
        grid.addWidget(self.slot, 2, 1)
        grid.addWidget(self.phone_label, 3, 0)
        grid.addWidget(self.phone, 3, 1)
        grid.addWidget(self.consent, 4, 0, 1, 3)
        grid.addWidget(self.book_button, 5, 1)
        grid.addWidget(self.result, 6, 0, 1, 3)

        self.cancel_box = QGroupBox()
        self.code = QLineEdit()
        self.code.setObjectName("cancelCode")
        self.cancel_button = button("cancelBookingButton", "danger")
        self.code_label = label()
        row = QHBoxLayout(self.cancel_box)
        row.addWidget(self.code_label)
        row.addWidget(self.code, 1)
        row.addWidget(self.cancel_button)

        self.day_box = QGroupBox()
        self.closed_day = date_edit("closedDay")
        self.close_day_button = button("closeDayButton", "danger")
        self.open_day_button = button("openDayButton", "quiet")
        row = QHBoxLayout(self.day_box)
        row.addWidget(self.closed_day)
        row.addWidget(self.close_day_button)
        row.addWidget(self.open_day_button)
        row.addStretch(1)

        self.figures_box = QGroupBox()
        self.first, self.last = date_edit("figuresFrom"), date_edit("figuresTo")
        self.load_button = button("loadFiguresButton")
        self.export_button = button("exportFiguresButton", "quiet")
        self.figures = table("appointmentFigures", stretch=(1,), wrap_headers=True)
        column = QVBoxLayout(self.figures_box)
        row = QHBoxLayout()
        for widget in (self.first, self.last, self.load_button, self.export_button):
            row.addWidget(widget)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.figures, 1)

        left = QVBoxLayout()
        left.addWidget(self.book_box)
        left.addWidget(self.cancel_box)
        left.addWidget(self.day_box)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addWidget(self.figures_box, 3)

        self.find_button.clicked.connect(self.find_slots)
        self.book_button.clicked.connect(self.book)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_day_button.clicked.connect(lambda: self.set_day_closed(True))
        self.open_day_button.clicked.connect(lambda: self.set_day_closed(False))
        self.load_button.clicked.connect(self.load_figures)
        self.export_button.clicked.connect(self.export)
        controller.config_changed.connect(self.rebuild)
        controller.lang_changed.connect(self.retranslate)
        self.rebuild()

    @property
    def lang(self) -> str:
        return self.controller.lang

    def rebuild(self) -> None:
        config = self.controller.config
        chosen = self.service.currentData()
        self.service.clear()
        for service in config.services if config else ():
            if service.booking is not None:
                self.service.addItem(service.name.get(self.lang), service.id)
        if chosen is not None and (index := self.service.findData(chosen)) >= 0:
            self.service.setCurrentIndex(index)
        today = self.controller.today()
        for edit in (self.day, self.closed_day, self.first, self.last):
            edit.setDate(to_qdate(today))
        self.retranslate()

    def retranslate(self) -> None:
        lang = self.lang
        self.book_box.setTitle(text("book_title", lang))
        self.service_label.setText(text("service", lang))
        self.day_label.setText(text("day", lang))
        self.slot_label.setText(text("slot", lang))
        self.phone_label.setText(text("phone", lang))
        self.find_button.setText(text("find_slots", lang))
        self.consent.setText(text("consent", lang))
        self.book_button.setText(text("book", lang))
        self.cancel_box.setTitle(text("cancel_title", lang))
        self.code_label.setText(text("code", lang))
        self.cancel_button.setText(text("cancel", lang))
        self.day_box.setTitle(text("day_title", lang))
        self.close_day_button.setText(text("close_day", lang))
        self.open_day_button.setText(text("open_day", lang))
        self.figures_box.setTitle(text("figures_title", lang))
        self.load_button.setText(text("load", lang))
        self.export_button.setText(text("export", lang))
        self._render_figures()

    # --- the hub ------------------------------------------------------------------------------

    def _request(self, op: str, args: dict[str, Any],
                 done: Callable[[dict[str, Any]], None]) -> None:
        def finish(result: dict[str, Any] | None, error: RequestError | None) -> None:
            if error is not None or result is None:
                reason = error_text(error.code if error else "unknown", self.lang)
                self.result.setText(text("failed", self.lang, reason=reason))
                self.controller.notice.emit(text("failed", self.lang, reason=reason), True)
                return
            done(result)

        self.controller.bridge.request(op, args, finish)

    def find_slots(self) -> None:
        service = self.service.currentData()
        if service is None:
            return
        day = from_qdate(self.day.date())
        self._request("booking.slots", {"service": service, "day": day.isoformat()},
                      self._show_slots)

    def _show_slots(self, result: dict[str, Any]) -> None:
        self.slots = [s for d in result["days"] for s in d["slots"]]
        self.slot.clear()
        for slot in self.slots:
            start, end = (datetime.fromisoformat(slot[k]) for k in ("start", "end"))
            self.slot.addItem(text("free", self.lang, start=f"{start:%H:%M}", end=f"{end:%H:%M}",
                                   free=slot["free"]), slot["start"])
        if not self.slots:
            self.slot.addItem(text("no_slots", self.lang), None)

    def book(self) -> None:
        service, slot = self.service.currentData(), self.slot.currentData()
        if service is None or slot is None:
            return
        args: dict[str, Any] = {"service": service, "slot": slot}
        phone = "".join(self.phone.text().split())
        if phone:
            args |= {"phone": phone, "consent": self.consent.isChecked()}
        self._request("booking.create", args, self._booked)

    def _booked(self, result: dict[str, Any]) -> None:
        booking = result["booking"]
        start = datetime.fromisoformat(booking["slot"])
        words = text("booked", self.lang, code=booking["shown_code"],
                     slot=f"{start:%H:%M %d/%m/%Y}")
        self.result.setText(words)
        self.controller.notice.emit(words, False)
        self.phone.clear()
        self.consent.setChecked(False)
        self.find_slots()

    def cancel(self) -> None:
        code = self.code.text().strip()
        if code:
            self._request("booking.cancel", {"code": code}, lambda result: (
                self.controller.notice.emit(text("cancelled", self.lang, code=shown_code(
                    result["booking"]["code"])), False), self.code.clear()))

    def set_day_closed(self, closed: bool) -> None:
        day = from_qdate(self.closed_day.date())

        def done(result: dict[str, Any]) -> None:
            shown = f"{day:%d/%m/%Y}"
            self.controller.notice.emit(
                text("day_closed", self.lang, day=shown, booked=result["booked"]) if closed
                else text("day_opened", self.lang, day=shown), False)

        self._request("booking.close_day", {"day": day.isoformat(), "closed": closed}, done)

    def load_figures(self) -> None:
        first, last = from_qdate(self.first.date()), from_qdate(self.last.date())
        if last < first:
            first, last = last, first
        self._request("report.get", {"kind": "appointment", "from": first.isoformat(),
                                     "to": last.isoformat()}, self._show_figures)

    def _show_figures(self, result: dict[str, Any]) -> None:
        self.rows = list(result["rows"])
        self._render_figures()

    def _render_figures(self) -> None:
        headers = [text(f"col_{c}", self.lang) for c in COLUMNS]
        fill_table(self.figures, headers, figure_rows(self.rows),
                   numeric=[False, False, *[True] * (len(COLUMNS) - 2)])

    def export(self) -> None:
        first, last = from_qdate(self.first.date()), from_qdate(self.last.date())
        name = f"lich-hen-{first:%Y%m%d}-{last:%Y%m%d}.csv" if first != last else \
            f"lich-hen-{first:%Y%m%d}.csv"
        chosen = self.choose_save_path(name, "CSV (*.csv)")
        if not chosen:
            return
        Path(chosen).write_bytes(figures_csv(self.rows, self.lang))
        self.controller.notice.emit(text("exported", self.lang, path=chosen), False)
