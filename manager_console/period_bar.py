"""A period picker: from and to dates, with today, the last 7 days and this month at a click."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import QHBoxLayout, QWidget

from manager_console.texts import text
from manager_console.widgets import button, date_edit, from_qdate, label, to_qdate


class PeriodBar(QWidget):
    def __init__(self, prefix: str, today: Callable[[], date]) -> None:
        super().__init__()
        self.today = today
        self.from_label, self.to_label = label(), label()
        self.first = date_edit(f"{prefix}From")
        self.last = date_edit(f"{prefix}To")
        self.today_button = button(f"{prefix}Today", "quiet")
        self.week_button = button(f"{prefix}Week", "quiet")
        self.month_button = button(f"{prefix}Month", "quiet")
        self.today_button.clicked.connect(lambda: self.set_period(self.today(), self.today()))
        self.week_button.clicked.connect(
            lambda: self.set_period(self.today() - timedelta(days=6), self.today()))
        self.month_button.clicked.connect(
            lambda: self.set_period(self.today().replace(day=1), self.today()))
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.from_label, self.first, self.to_label, self.last, self.today_button,
                       self.week_button, self.month_button):
            self._row.addWidget(widget)
        self._row.addStretch(1)
        self.set_period(today(), today())

    def add_action(self, widget: QWidget) -> None:
        self._row.addWidget(widget)

    def set_period(self, first: date, last: date) -> None:
        self.first.setDate(to_qdate(first))
        self.last.setDate(to_qdate(last))

    def period(self) -> tuple[date, date]:
        first, last = from_qdate(self.first.date()), from_qdate(self.last.date())
        return min(first, last), max(first, last)

    def retranslate(self, lang: str) -> None:
        self.from_label.setText(text("period_from", lang))
        self.to_label.setText(text("period_to", lang))
        self.today_button.setText(text("today", lang))
        self.week_button.setText(text("last_7_days", lang))
        self.month_button.setText(text("this_month", lang))
