"""Published ratings: officers and counters ranked by satisfaction for a period, and the
ranking as a static web page for the center's website."""

from __future__ import annotations

from pathlib import Path

from manager_console.controller import ManagerController
from manager_console.period_page import PeriodPage, SavePathChooser
from manager_console.report_table import ranking_table
from manager_console.texts import period_text, text
from manager_console.widgets import fill_from, label, table


class RatingsPage(PeriodPage):
    def __init__(self, controller: ManagerController, choose_save_path: SavePathChooser) -> None:
        super().__init__("ratingsPage", controller, choose_save_path, period="ranking",
                         load_button="loadRankingButton", export_button="exportHtmlButton",
                         status="rankingStatus", load=controller.load_ranking)
        self.period.add_action(self.load_button)
        self.period.add_action(self.export_button)
        self.rule = label(wrap=True)
        self.officers_title, self.counters_title = label(kind="section"), label(kind="section")
        self.officers = table("officerRanking", stretch=(1,), wrap_headers=True)
        self.counters = table("counterRanking", stretch=(1,), wrap_headers=True)
        self.column.addWidget(self.rule)
        self.column.addWidget(self.officers_title)
        self.column.addWidget(self.officers, 1)
        self.column.addWidget(self.counters_title)
        self.column.addWidget(self.counters, 1)

    def retranslate(self) -> None:
        lang = self._retranslate_bar("load_ranking", "export_html")
        self.rule.setText(text("ranking_rule", lang))
        self.officers_title.setText(text("ranking_officers", lang))
        self.counters_title.setText(text("ranking_counters", lang))
        self.render()

    def render(self) -> None:
        c = self.controller
        self.status.setText(self._status())
        if c.ranking is None or c.config is None:
            return
        fill_from(self.officers, ranking_table(c.config, "officer", c.ranking.rows, c.lang))
        fill_from(self.counters, ranking_table(c.config, "counter", c.ranking.rows, c.lang))

    def _status(self) -> str:
        c = self.controller
        if c.ranking is None:
            return ""
        if not c.ranking.rows:
            return text("ranking_empty", c.lang)
        return text("ranking_for", c.lang,
                    period=period_text(c.ranking.first, c.ranking.last, c.lang))

    def _export(self) -> None:
        if self._nothing_to_export(self.controller.ranking):
            return
        chosen = self.choose_save_path(self.controller.html_file_name(), "HTML (*.html)")
        if chosen:
            self.controller.export_ranking_html(Path(chosen))
