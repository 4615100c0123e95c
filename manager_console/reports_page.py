"""Reports for a day or a period from the hub's ledger: tables per service, counter, officer,
day and hour, the day's waiting as a chart, and the shown table as CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTableWidget, QTabWidget

from manager_console.chart import HourlyChart
from manager_console.controller import ManagerController
from manager_console.period_page import PeriodPage, SavePathChooser
from manager_console.report_table import REPORT_KINDS
from manager_console.texts import period_text, text
from manager_console.widgets import button, fill_from, label, table


class ReportsPage(PeriodPage):
    def __init__(self, controller: ManagerController, choose_save_path: SavePathChooser) -> None:
        super().__init__("reportsPage", controller, choose_save_path, period="report",
                         load_button="loadReportButton", export_button="exportCsvButton",
                         status="reportStatus", load=controller.load_report)
        self.xlsx_button = button("exportXlsxButton", "quiet")
        self.period.add_action(self.load_button)
        self.period.add_action(self.xlsx_button)
        self.period.add_action(self.export_button)
        self.xlsx_button.clicked.connect(self._export_xlsx)
        # The one rule by which both this page and the hall count a transferred ticket.
        self.rule = label("reportRule", wrap=True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        self.tables: dict[str, QTableWidget] = {}
        self.chart = HourlyChart()
        for kind in REPORT_KINDS:
            self.tables[kind] = table(f"reportTable_{kind}", stretch=(), wrap_headers=True)
            if kind == "hourly":
                split = QSplitter(Qt.Orientation.Vertical)
                split.addWidget(self.chart)
                split.addWidget(self.tables[kind])
                split.setSizes([520, 260])
                self.tabs.addTab(split, "")
            else:
                self.tabs.addTab(self.tables[kind], "")
        self.column.addWidget(self.rule)
        self.column.addWidget(self.tabs, 1)

    def retranslate(self) -> None:
        lang = self._retranslate_bar("load_report", "export_csv")
        self.xlsx_button.setText(text("export_xlsx", lang))
        self.rule.setText(text("report_rule", lang))
        for index, kind in enumerate(REPORT_KINDS):
            self.tabs.setTabText(index, text(f"report_tab_{kind}", lang))
        self.chart.retranslate(lang)
        self.render()

    def render(self) -> None:
        report = self.controller.report
        self.status.setText(self._status())
        if report is None:
            return
        for kind, widget in self.tables.items():
            fill_from(widget, self.controller.report_table(kind))
        self.chart.show_rows(report.rows.get("hourly", []), self.controller.lang)

    def _status(self) -> str:
        lang, report = self.controller.lang, self.controller.report
        if report is None:
            return ""
        if not any(report.rows.values()):
            return text("report_empty", lang)
        return text("report_for", lang, period=period_text(report.first, report.last, lang))

    def _export(self) -> None:
        if self._nothing_to_export(self.controller.report):
            return
        kind = REPORT_KINDS[self.tabs.currentIndex()]
        chosen = self.choose_save_path(self.controller.csv_file_name(kind), "CSV (*.csv)")
        if chosen:
            self.controller.export_report_csv(kind, Path(chosen))

    def _export_xlsx(self) -> None:
        if self._nothing_to_export(self.controller.report):
            return
        kind = REPORT_KINDS[self.tabs.currentIndex()]
        chosen = self.choose_save_path(self.controller.report_file_name(kind, "xlsx"),
                                       text("xlsx_filter", self.controller.lang))
        if chosen:
            self.controller.export_report_xlsx(kind, Path(chosen))
