"""The console's look: font, colours by level, and the table and button helpers every page uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from manager_console.health import Level
from manager_console.report_table import Cell, Table
from qtkit.fonts import FAMILY

FONT_POINTS = 12

# Background and text per level: white on deep red for problems, black on amber for warnings.
LEVEL_COLORS: dict[Level, tuple[str, str]] = {
    Level.PROBLEM: ("#b71c1c", "#ffffff"),
    Level.WARNING: ("#ffd54f", "#000000"),
    Level.UNKNOWN: ("#dcdcdc", "#222222"),
    Level.OK: ("#ffffff", "#000000"),
}

# The font lives in the stylesheet: under a stylesheet Qt does not pass a window's setFont on
# to its children.
_BASE = f'QWidget {{ color: #000000; font-family: "{FAMILY}"; font-size: {FONT_POINTS}pt; }}'
STYLE = _BASE + """
QMainWindow { background: #f4f6f8; }
QTabWidget::pane { border: 2px solid #0b3d91; background: #f4f6f8; }
QTabBar::tab { padding: 10px 22px; font-size: 13pt; font-weight: bold; background: #dfe5ee;
               border: 1px solid #9aa7b8; margin-right: 2px; }
QTabBar::tab:selected { background: #0b3d91; color: #ffffff; }
QHeaderView::section { background: #0b3d91; color: #ffffff; font-weight: bold; padding: 6px;
                       border: 1px solid #08306b; }
QTableWidget { background: #ffffff; gridline-color: #b8c2cf; font-size: 12pt; }
QListWidget { background: #ffffff; font-size: 12pt; }
QListWidget::item { padding: 6px; }
QListWidget::item:selected { background: #0b3d91; color: #ffffff; }
QPushButton { background: #0b3d91; color: #ffffff; font-weight: bold; padding: 8px 18px;
              border-radius: 4px; min-height: 28px; }
QPushButton:hover { background: #1565c0; }
QPushButton[role="danger"] { background: #b71c1c; }
QPushButton[role="quiet"] { background: #ffffff; color: #0b3d91; border: 2px solid #0b3d91; }
QPushButton:disabled, QPushButton[role="danger"]:disabled, QPushButton[role="quiet"]:disabled {
    background: #c4ccd6; color: #5a6472; border: 2px solid #c4ccd6; }
QTableWidget QPushButton { padding: 2px 10px; min-height: 22px; margin: 2px; }
QGroupBox { font-weight: bold; font-size: 13pt; border: 2px solid #9aa7b8; border-radius: 6px;
            margin-top: 14px; padding: 12px 8px 8px 8px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #0b3d91; }
QLineEdit, QSpinBox, QDateEdit, QComboBox { background: #ffffff; border: 2px solid #6b7a90;
              border-radius: 4px; padding: 4px 6px; min-height: 26px; }
QLabel[kind="title"] { font-size: 18pt; font-weight: bold; color: #0b3d91; }
QLabel[kind="clock"] { font-size: 16pt; font-weight: bold; }
QLabel[kind="section"] { font-size: 14pt; font-weight: bold; color: #0b3d91; }
QLabel[kind="section"][alarm="true"] { color: #b71c1c; }
QLabel[kind="summary"] { font-size: 15pt; font-weight: bold; }
QLabel[kind="alert"] { font-size: 13pt; font-weight: bold; color: #ffffff; background: #b71c1c;
                       padding: 4px 8px; }
QLabel[kind="banner"] { font-size: 15pt; font-weight: bold; padding: 10px; color: #ffffff;
                        background: #b71c1c; }
QLabel[kind="banner"][level="warning"] { background: #ffd54f; color: #000000; }
QLabel[kind="notice"] { font-size: 13pt; padding: 6px 10px; background: #e8f5e9;
                        border: 2px solid #2e7d32; }
QLabel[kind="notice"][error="true"] { background: #ffebee; border: 2px solid #b71c1c;
                                      color: #b71c1c; font-weight: bold; }
"""


def button(name: str, role: str = "") -> QPushButton:
    made = QPushButton()
    made.setObjectName(name)
    if role:
        made.setProperty("role", role)
    made.setCursor(Qt.CursorShape.PointingHandCursor)
    return made


def label(name: str = "", kind: str = "", *, wrap: bool = False) -> QLabel:
    """`kind` picks a style: title, clock, section, summary, banner, notice."""
    made = QLabel()
    if name:
        made.setObjectName(name)
    if kind:
        made.setProperty("kind", kind)
    made.setWordWrap(wrap)
    return made


def table(name: str, *, stretch: Sequence[int] = (0,), wrap_headers: bool = False
          ) -> QTableWidget:
    """A read-only table; `stretch` columns take the spare width; `wrap_headers` puts long
    headers on two lines, for tables of many figures."""
    made = QTableWidget()
    made.setObjectName(name)
    made.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    made.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    made.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    made.verticalHeader().setVisible(False)
    made.verticalHeader().setDefaultSectionSize(30)
    made.setWordWrap(False)
    made.setProperty("stretch", list(stretch))
    made.setProperty("wrapHeaders", wrap_headers)
    return made


def fill_table(target: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
               numeric: Sequence[bool] | None = None,
               levels: Sequence[Level] | None = None) -> None:
    """Write a whole table in place (items are reused, so a once-a-second refresh is cheap)."""
    if target.columnCount() != len(headers):
        target.setColumnCount(len(headers))
    wrap = bool(target.property("wrapHeaders"))
    target.setHorizontalHeaderLabels([two_lines(h) if wrap else h for h in headers])
    target.setRowCount(len(rows))
    numeric = numeric or [False] * len(headers)
    for r, row in enumerate(rows):
        level = levels[r] if levels else Level.OK
        background, foreground = LEVEL_COLORS[level]
        for c, cell in enumerate(row):
            item = target.item(r, c)
            if item is None:
                item = QTableWidgetItem()
                target.setItem(r, c, item)
            item.setText("" if cell is None else str(cell))
            align = Qt.AlignmentFlag.AlignRight if numeric[c] else Qt.AlignmentFlag.AlignLeft
            item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            item.setBackground(QBrush(QColor(background)))
            item.setForeground(QBrush(QColor(foreground)))
            font = item.font()
            font.setBold(level in (Level.PROBLEM, Level.WARNING) or c == 0)
            item.setFont(font)
    _size_columns(target)


def two_lines(header: str, longest: int = 8) -> str:
    """A long header on two lines, broken at the space nearest its middle, so that a table of
    many figures fits the screen."""
    spaces = [i for i, ch in enumerate(header) if ch == " "]
    if len(header) <= longest or not spaces:
        return header
    cut = min(spaces, key=lambda i: abs(i - len(header) / 2))
    return f"{header[:cut]}\n{header[cut + 1:]}"


def fill_from(target: QTableWidget, source: Table | None) -> None:
    if source is None:
        fill_table(target, [], [])
    else:
        fill_table(target, source.headers, source.rows, source.numeric)


def _size_columns(target: QTableWidget) -> None:
    header = target.horizontalHeader()
    stretch = set(target.property("stretch") or [])
    for column in range(target.columnCount()):
        mode = (QHeaderView.ResizeMode.Stretch if column in stretch
                else QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(column, mode)


def set_flag(widget: QWidget, name: str, value: str | bool) -> None:
    """Set a style property and make the stylesheet look at it again (only on a change:
    re-polishing is the costly part)."""
    value = str(value).lower() if isinstance(value, bool) else value
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def date_edit(name: str) -> QDateEdit:
    made = QDateEdit()
    made.setObjectName(name)
    made.setCalendarPopup(True)
    made.setDisplayFormat("dd/MM/yyyy")
    return made


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
