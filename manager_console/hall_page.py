"""The live hall: services, counters and devices, refreshed each second."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QVBoxLayout, QWidget

from manager_console.controller import ManagerController
from manager_console.hall import alerts, summary
from manager_console.health import problem_count
from manager_console.texts import text
from manager_console.widgets import fill_table, label, set_flag, table
from qtkit.formats import duration, told_wait


class HallPage(QWidget):
    def __init__(self, controller: ManagerController) -> None:
        super().__init__()
        self.setObjectName("hallPage")
        self.controller = controller
        self.summary = label("hallSummary", "summary")
        self.alerts = label("hallAlerts", "alert", wrap=True)
        self.alerts.hide()
        # Two-line headers keep the figures' columns narrow, so that the names fit a
        # 1366x768 office screen; long texts wrap rather than being cut off.
        self.service_table = table("serviceTable", wrap_headers=True)
        self.counter_table = table("counterTable", stretch=(3,), wrap_headers=True)
        for wrapping in (self.service_table, self.counter_table):
            wrapping.setWordWrap(True)
            wrapping.verticalHeader().setSectionResizeMode(
                QHeaderView.ResizeMode.ResizeToContents)
        self.devices_title = label("devicesTitle", "section")
        self.device_table = table("deviceTable", stretch=(1,))
        self.device_table.setWordWrap(True)
        self.device_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)

        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addWidget(self.alerts)
        left.addWidget(self.service_table, 1)
        left.addWidget(self.counter_table, 1)
        right = QVBoxLayout()
        right.addWidget(self.devices_title)
        right.addWidget(self.device_table, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 5)
        layout.addLayout(right, 2)

    def render(self) -> None:
        self.render_hall()
        self.render_devices()

    def render_hall(self) -> None:
        c, lang = self.controller, self.controller.lang
        services, counters = c.service_rows(), c.counter_rows()
        totals = summary(services, counters)
        self.summary.setText(text("summary", lang, waiting=totals.waiting,
                                  open=totals.counters_open, counters=totals.counters,
                                  closed=totals.services_closed))
        warnings = alerts(services, lang)
        self.alerts.setText("\n".join(f"⚠ {words}" for words in warnings))
        self.alerts.setVisible(bool(warnings))
        none = text("none", lang)
        fill_table(
            self.service_table,
            [text(k, lang) for k in ("col_service", "col_waiting", "col_priority", "col_longest",
                                     "col_ewt", "col_counters_open", "col_issued", "col_served",
                                     "col_issuing")],
            [[row.name, row.waiting, row.waiting_priority,
              duration(row.longest_wait_s) if row.longest_wait_s is not None else none,
              told_wait(row.wait_range, lang) if row.ewt_s is not None else none,
              row.counters_open, row.issued, row.served, row.issuing]
             for row in services],
            [False, True, True, True, True, True, True, True, False],
            [row.level for row in services])
        issued_header = self.service_table.horizontalHeaderItem(6)
        if issued_header is not None:  # the same rule as the reports
            issued_header.setToolTip(text("report_rule", lang))
        fill_table(
            self.counter_table,
            [text(k, lang) for k in ("col_counter", "col_status", "col_officer", "col_services",
                                     "col_ticket", "col_busy", "col_waiting")],
            [[row.name, row.status_text, row.officer or none, row.services_text,
              row.ticket or none, duration(row.busy_s) if row.busy_s is not None else none,
              row.waiting]
             for row in counters],
            [False, False, False, False, False, True, True],
            [row.level for row in counters])

    def render_devices(self) -> None:
        lang = self.controller.lang
        rows = self.controller.device_rows()
        problems = problem_count(rows)
        self.devices_title.setText(text("devices_problems", lang, count=problems) if problems
                                   else text("devices_title", lang))
        set_flag(self.devices_title, "alarm", problems > 0)
        fill_table(self.device_table, [text("col_device", lang), text("col_health", lang)],
                   [[row.name, "; ".join(row.details) or row.state] for row in rows],
                   levels=[row.level for row in rows])
