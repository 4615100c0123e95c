"""Waiting through the day: per hour of issue, the tickets issued and served, and how long
their holders waited (mean and 90th percentile)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from manager_console.texts import text
from qtkit.fonts import app_font

_BLUE, _GREEN, _RED, _AMBER = "#0b3d91", "#2e7d32", "#b71c1c", "#e68a00"
_BAR = 0.38


def _plot(name: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(name)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(x=False, y=True, alpha=0.25)
    font = app_font(point_size=11)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen("#000000"))
        axis.setTextPen(pg.mkPen("#000000"))
        axis.setStyle(tickFont=font)
    return plot


class HourlyChart(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("hourlyChart")
        self.counts = _plot("hourlyCounts")
        self.waits = _plot("hourlyWaits")
        self.issued = pg.BarGraphItem(x=[], height=[], width=_BAR, brush=_BLUE, pen=None)
        self.served = pg.BarGraphItem(x=[], height=[], width=_BAR, brush=_GREEN, pen=None)
        self.counts.addItem(self.issued)
        self.counts.addItem(self.served)
        self.mean_wait = self.waits.plot([], [], pen=pg.mkPen(_AMBER, width=3), symbol="o",
                                         symbolBrush=_AMBER, symbolSize=9)
        self.p90_wait = self.waits.plot([], [], pen=pg.mkPen(_RED, width=3), symbol="s",
                                        symbolBrush=_RED, symbolSize=9)
        self.counts_legend, self.waits_legend = (
            plot.addLegend(offset=(-10, 5), labelTextSize="11pt", labelTextColor="#000000",
                           brush=pg.mkBrush(255, 255, 255, 230), pen=pg.mkPen("#9aa7b8"))
            for plot in (self.counts, self.waits))
        # what is drawn, by series, for whoever needs the figures rather than the pixels
        self.series: dict[str, list[float]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts, 1)
        layout.addWidget(self.waits, 1)

    def show_rows(self, rows: Sequence[dict[str, Any]], lang: str) -> None:
        ordered = sorted(rows, key=lambda r: int(r["key"]))
        hours = [int(r["key"]) for r in ordered]
        issued = [float(r.get("issued") or 0) for r in ordered]
        served = [float(r.get("served") or 0) for r in ordered]
        mean = [_minutes(r.get("mean_wait_s")) for r in ordered]
        p90 = [_minutes(r.get("p90_wait_s")) for r in ordered]
        self.series = {"hour": [float(h) for h in hours], "issued": issued, "served": served,
                       "mean_wait_min": mean, "p90_wait_min": p90}
        self.issued.setOpts(x=[h - _BAR / 2 for h in hours], height=issued)
        self.served.setOpts(x=[h + _BAR / 2 for h in hours], height=served)
        self.mean_wait.setData(hours, mean, connect="finite")
        self.p90_wait.setData(hours, p90, connect="finite")
        ticks = [[(h, f"{h}h") for h in range(min(hours, default=7), max(hours, default=17) + 1)]]
        for plot in (self.counts, self.waits):
            plot.getAxis("bottom").setTicks(ticks)
            plot.setXRange(min(hours, default=7) - 0.6, max(hours, default=17) + 0.6,
                           padding=0)
        self.counts.setYRange(0, max([*issued, 1.0]) * 1.25, padding=0)
        self.waits.setYRange(0, max([*(v for v in p90 if not math.isnan(v)), 1.0]) * 1.25,
                             padding=0)
        self.retranslate(lang)

    def retranslate(self, lang: str) -> None:
        self.counts.setTitle(text("chart_counts", lang), color="#000000", size="12pt")
        self.waits.setTitle(text("chart_waits", lang), color="#000000", size="12pt")
        self.counts_legend.clear()
        self.counts_legend.addItem(self.issued, text("legend_issued", lang))
        self.counts_legend.addItem(self.served, text("legend_served", lang))
        self.waits_legend.clear()
        self.waits_legend.addItem(self.mean_wait, text("legend_mean_wait", lang))
        self.waits_legend.addItem(self.p90_wait, text("legend_p90_wait", lang))


def _minutes(seconds: float | None) -> float:
    return math.nan if seconds is None else seconds / 60
