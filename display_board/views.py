"""The board's widgets: layout and looks only. The controller hands them ready-made text.

Designed at 1920x1080 and read from 5 m away; every font and fixed size is given in design
pixels and scaled with the window, so the same board fits a 1366x768 or a 4K screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qtkit.fonts import app_font

DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080

BACKGROUND = "#0b1f3a"
PANEL = "#13315c"
TEXT = "#ffffff"
MUTED = "#b8c7dd"
GOLD = "#ffd23f"
STATUS_COLORS = {
    "ready": "#7ee081",
    "called": GOLD,
    "serving": "#ffffff",
    "paused": "#ffb347",
    "closed": "#8a9bb4",
}


def board_font(px: float, bold: bool = False) -> QFont:
    return app_font(pixel_size=round(px), bold=bold)


@dataclass(frozen=True, slots=True)
class CounterTileText:
    id: str
    title: str
    ticket: str
    status: str
    status_key: str  # ready, called, serving, paused or closed: picks the colours


@dataclass(frozen=True, slots=True)
class ServiceChipText:
    id: str
    name: str
    value: str
    closed: bool


class _Scaled:
    """Remembers each widget's design font size so a resize can scale them all."""

    def __init__(self) -> None:
        self.scale = 1.0
        self._fonts: dict[int, tuple[QWidget, float, bool]] = {}
        self._heights: dict[int, tuple[QWidget, float]] = {}
        self._layouts: dict[int, tuple[QLayout, tuple[int, int], int]] = {}

    def font(self, widget: QWidget, px: float, bold: bool = False) -> None:
        self._fonts[id(widget)] = (widget, px, bold)
        widget.setFont(board_font(px * self.scale, bold))

    def min_height(self, widget: QWidget, px: float) -> None:
        self._heights[id(widget)] = (widget, px)
        widget.setMinimumHeight(round(px * self.scale))

    def spacing(self, layout: QLayout, margins: tuple[int, int] = (0, 0), spacing: int = 0
                ) -> None:
        """Margins (horizontal, vertical) and spacing in design pixels."""
        self._layouts[id(layout)] = (layout, margins, spacing)
        self._space(layout, margins, spacing)

    def _space(self, layout: QLayout, margins: tuple[int, int], spacing: int) -> None:
        x, y = (round(m * self.scale) for m in margins)
        layout.setContentsMargins(x, y, x, y)
        layout.setSpacing(round(spacing * self.scale))

    def forget(self, widget: QWidget) -> None:
        self._fonts.pop(id(widget), None)
        for child in widget.findChildren(QWidget):
            self._fonts.pop(id(child), None)
        for layout in widget.findChildren(QLayout):
            self._layouts.pop(id(layout), None)

    def rescale(self, scale: float) -> None:
        self.scale = scale
        for widget, px, bold in self._fonts.values():
            widget.setFont(board_font(px * scale, bold))
        for widget, px in self._heights.values():
            widget.setMinimumHeight(round(px * scale))
        for layout, margins, spacing in self._layouts.values():
            self._space(layout, margins, spacing)


def _label(name: str, text: str = "", *, color: str = TEXT,
           align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
           fit: bool = False) -> QLabel:
    label = FitLabel(text) if fit else QLabel(text)
    label.setObjectName(name)
    label.setAlignment(align)
    label.setStyleSheet(f"color: {color}; background: transparent;")
    return label


class FitLabel(QLabel):
    """A label whose type shrinks, never grows, so its text fits its width ("Counter 12" is
    wider than "Quầy 12"); the font it is given is the largest it may use."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self._full = QFont(self.font())
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setFont(self, font: QFont) -> None:
        self._full = QFont(font)
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        font = QFont(self._full)
        available = self.contentsRect().width()
        needed = QFontMetrics(font).horizontalAdvance(self.text())
        if needed > available > 0:
            font.setPixelSize(max(8, int(font.pixelSize() * available / needed)))
        if font != self.font():
            super().setFont(font)


class MarqueeLabel(QWidget):
    """The manager's running message: scrolls right to left when it is wider than the screen,
    stands still otherwise."""

    STEP_MS = 40

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._text = ""
        self._offset = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(self.STEP_MS)
        self._timer.timeout.connect(self._advance)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def text(self) -> str:
        return self._text

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self._text), round(metrics.height() * 1.3))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    # Named like QLabel's, so a test reads the message and the other labels alike.
    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self._offset = 0.0
        self.updateGeometry()
        self._update_timer()
        self.update()

    def _overflows(self) -> bool:
        return QFontMetrics(self.font()).horizontalAdvance(self._text) > self.width()

    def _update_timer(self) -> None:
        if self._text and self._overflows():
            self._timer.start()
        else:
            self._timer.stop()
            self._offset = 0.0

    def _advance(self) -> None:
        width = QFontMetrics(self.font()).horizontalAdvance(self._text)
        gap = self.width() // 3
        self._offset = (self._offset + max(1.0, self.font().pixelSize() / 12)) % (width + gap)
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._update_timer()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_timer()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(QColor(GOLD))
        painter.setFont(self.font())
        rect = self.rect()
        if not self._timer.isActive():
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._text)
            return
        width = QFontMetrics(self.font()).horizontalAdvance(self._text)
        gap = self.width() // 3
        x = -self._offset
        while x < rect.width():
            painter.drawText(rect.translated(round(x), 0),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             self._text)
            x += width + gap


class CounterTile(QFrame):
    """A counter, top to bottom: its name, the number it serves (large), what it is doing."""

    def __init__(self, counter_id: str, scaled: _Scaled, density: float) -> None:
        super().__init__()
        self.setObjectName(f"counterTile_{counter_id}")
        center = Qt.AlignmentFlag.AlignCenter
        self.title = _label(f"counter_{counter_id}_title", color=MUTED, align=center, fit=True)
        self.ticket = _label(f"counter_{counter_id}_ticket", color=GOLD, align=center, fit=True)
        self.status = _label(f"counter_{counter_id}_status", align=center, fit=True)
        scaled.font(self.title, 32 * density, bold=True)
        scaled.font(self.ticket, 64 * density, bold=True)
        scaled.font(self.status, 26 * density)
        layout = QVBoxLayout(self)
        scaled.spacing(layout, (8, 4))
        layout.addWidget(self.title)
        layout.addWidget(self.ticket, 1)
        layout.addWidget(self.status)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_text(self, tile: CounterTileText) -> None:
        color = STATUS_COLORS.get(tile.status_key, TEXT)
        self.title.setText(tile.title)
        self.ticket.setText(tile.ticket)
        self.status.setText(tile.status)
        self.status.setStyleSheet(f"color: {color}; background: transparent;")
        border = GOLD if tile.status_key == "called" else PANEL
        background = "#0e2645" if tile.status_key == "closed" else PANEL
        self.setStyleSheet(f"#{self.objectName()} {{ background: {background}; "
                           f"border: 3px solid {border}; border-radius: 10px; }}")


class ServiceChip(QFrame):
    def __init__(self, service_id: str, scaled: _Scaled, density: float) -> None:
        super().__init__()
        self.setObjectName(f"serviceChip_{service_id}")
        self.name = _label(f"service_{service_id}_name")
        self.name.setWordWrap(True)
        self.value = _label(f"service_{service_id}_waiting", color=GOLD,
                            align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        scaled.font(self.name, 24 * density)
        scaled.font(self.value, 40 * density, bold=True)
        layout = QHBoxLayout(self)
        scaled.spacing(layout, (14, 2), 8)
        layout.addWidget(self.name, 1)
        layout.addWidget(self.value)
        self.setStyleSheet(f"#{self.objectName()} {{ background: {PANEL}; border-radius: 8px; }}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_text(self, chip: ServiceChipText) -> None:
        self.name.setText(chip.name)
        self.value.setText(chip.value)
        color = STATUS_COLORS["paused"] if chip.closed else GOLD
        self.value.setStyleSheet(f"color: {color}; background: transparent;")


def _density(count: int, columns: int, rows_at_full_size: int, most: float) -> float:
    """Type size factor: a crowded grid gets smaller type so that all fits, a sparse one (a
    small zone) larger type, up to `most` times the design size."""
    rows = math.ceil(count / columns) if count else 1
    return min(most, rows_at_full_size / rows, 6 / columns)


def _stretch_evenly(grid: QGridLayout, count: int, columns: int) -> None:
    rows = math.ceil(count / columns) if count else 0
    for row in range(max(rows, grid.rowCount())):
        grid.setRowStretch(row, 1 if row < rows else 0)
    for column in range(max(columns, grid.columnCount())):
        grid.setColumnStretch(column, 1 if column < columns else 0)


def grid_columns(count: int, shape: float) -> int:
    """Columns for `count` tiles: few empty cells, about `shape` columns for each row."""
    if count <= 3:
        return max(count, 1)
    ideal = math.sqrt(count * shape)

    def cost(columns: int) -> tuple[int, float]:
        empty = math.ceil(count / columns) * columns - count
        return empty, abs(columns - ideal)

    return min(range(2, 9), key=cost)


# The widgets of one grid: all counter tiles or all service chips.
_Tile = TypeVar("_Tile", CounterTile, ServiceChip)


class BoardWindow(QWidget):
    def __init__(self, call_rows: int = 8) -> None:
        super().__init__()
        self.setObjectName("boardWindow")
        self.setStyleSheet(f"#boardWindow {{ background: {BACKGROUND}; }}")
        self.setAutoFillBackground(True)
        self.scaled = _Scaled()
        self.key_handlers: dict[int, Callable[[], None]] = {}
        self._counter_tiles: dict[str, CounterTile] = {}
        self._service_chips: dict[str, ServiceChip] = {}

        root = QVBoxLayout(self)
        self.scaled.spacing(root, (24, 16), 14)
        root.addWidget(self._build_header())
        body = QHBoxLayout()
        self.scaled.spacing(body, spacing=18)
        left = QVBoxLayout()
        self.scaled.spacing(left, spacing=10)
        left.addWidget(self._build_hero(), 5)
        self.counters_title, self.counters_grid = self._titled_grid(left, "countersTitle", 10, 6)
        self.waiting_title, self.services_grid = self._titled_grid(left, "waitingTitle", 8, 4)
        body.addLayout(left, 3)
        body.addWidget(self._build_calls(call_rows), 1)
        root.addLayout(body, 1)
        self.message = MarqueeLabel("message")
        self.scaled.font(self.message, 40, bold=True)
        self.message_bar = QFrame()
        self.message_bar.setObjectName("messageBar")
        self.message_bar.setStyleSheet("#messageBar { background: #7a1f1f; border-radius: 8px; }")
        bar = QHBoxLayout(self.message_bar)
        self.scaled.spacing(bar, (16, 4))
        bar.addWidget(self.message)
        self.message_bar.hide()
        root.addWidget(self.message_bar)
        # Smaller than the layout's comfortable minimum: the type scales down to fit instead.
        self.setMinimumSize(DESIGN_WIDTH // 4, DESIGN_HEIGHT // 4)
        self.resize(DESIGN_WIDTH, DESIGN_HEIGHT)

    # --- building -------------------------------------------------------------------------

    def _titled_grid(self, column: QVBoxLayout, title: str, spacing: int,
                     stretch: int) -> tuple[QLabel, QGridLayout]:
        """A section of the board's left column: its title, and the grid its tiles fill."""
        label = _label(title, color=MUTED)
        self.scaled.font(label, 24, bold=True)
        column.addWidget(label)
        grid = QGridLayout()
        self.scaled.spacing(grid, spacing=spacing)
        column.addLayout(grid, stretch)
        return label, grid

    def _build_header(self) -> QFrame:
        self.header = QFrame()
        self.header.setObjectName("header")
        self.header.setStyleSheet(f"#header {{ background: {PANEL}; border-radius: 10px; }}")
        layout = QHBoxLayout(self.header)
        self.scaled.spacing(layout, (24, 6), 12)
        left = QVBoxLayout()
        self.scaled.spacing(left)
        self.center_name = _label("centerName", fit=True)
        self.scaled.font(self.center_name, 42, bold=True)
        self.connection = _label("connectionStatus", color="#ffb347")
        self.scaled.font(self.connection, 22)
        # Keeps its room while hidden, so going offline does not shift the whole board.
        policy = self.connection.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.connection.setSizePolicy(policy)
        self.connection.hide()
        left.addWidget(self.center_name)
        left.addWidget(self.connection)
        layout.addLayout(left, 1)
        right = QVBoxLayout()
        self.scaled.spacing(right)
        self.clock = _label("clock", align=Qt.AlignmentFlag.AlignRight)
        self.scaled.font(self.clock, 56, bold=True)
        self.date = _label("date", color=MUTED, align=Qt.AlignmentFlag.AlignRight)
        self.scaled.font(self.date, 24)
        right.addWidget(self.clock)
        right.addWidget(self.date)
        layout.addLayout(right)
        return self.header

    def _build_hero(self) -> QFrame:
        self.hero = QFrame()
        self.hero.setObjectName("heroPanel")
        # As tall with no call as with one, so the first call does not move the board.
        self.scaled.min_height(self.hero, 250)
        layout = QVBoxLayout(self.hero)
        self.scaled.spacing(layout, (28, 8))
        self.hero_label = _label("heroLabel", align=Qt.AlignmentFlag.AlignCenter)
        self.scaled.font(self.hero_label, 36, bold=True)
        self.hero_line = QWidget()
        line = QHBoxLayout(self.hero_line)
        self.scaled.spacing(line, spacing=40)
        self.hero_number = _label("heroNumber", fit=True,
                                  align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.hero_arrow = _label("heroArrow", "→", align=Qt.AlignmentFlag.AlignCenter)
        self.hero_counter = _label("heroCounter", fit=True,
                                   align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.scaled.font(self.hero_number, 180, bold=True)
        self.scaled.font(self.hero_arrow, 120, bold=True)
        self.scaled.font(self.hero_counter, 120, bold=True)
        line.addWidget(self.hero_number, 5)
        line.addWidget(self.hero_arrow, 0)
        line.addWidget(self.hero_counter, 5)
        layout.addWidget(self.hero_label)
        layout.addWidget(self.hero_line, 1)
        self.set_hero_highlight(False)
        return self.hero

    def _build_calls(self, rows: int) -> QFrame:
        panel = QFrame()
        panel.setObjectName("callsPanel")
        panel.setStyleSheet(f"#callsPanel {{ background: {PANEL}; border-radius: 10px; }}")
        layout = QVBoxLayout(panel)
        self.scaled.spacing(layout, (20, 12), 4)
        self.calls_title = _label("callsTitle", color=MUTED, align=Qt.AlignmentFlag.AlignCenter)
        self.scaled.font(self.calls_title, 32, bold=True)
        layout.addWidget(self.calls_title)
        self.call_labels: list[tuple[QLabel, QLabel]] = []
        grid = QGridLayout()
        self.scaled.spacing(grid, spacing=4)
        for i in range(rows):
            number = _label(f"call_{i}_number", color=GOLD, fit=True)
            counter = _label(f"call_{i}_counter", fit=True,
                             align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.scaled.font(number, 58 if i == 0 else 50, bold=True)
            self.scaled.font(counter, 40 if i == 0 else 36, bold=i == 0)
            grid.addWidget(number, i, 0)
            grid.addWidget(counter, i, 1)
            self.call_labels.append((number, counter))
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        return panel

    # --- what the controller shows -----------------------------------------------------------

    def set_center_name(self, name: str) -> None:
        self.center_name.setText(name)

    def set_clock(self, time_text: str, date_text: str) -> None:
        self.clock.setText(time_text)
        self.date.setText(date_text)

    def set_connection(self, text: str) -> None:
        self.connection.setText(text)
        self.connection.setVisible(bool(text))

    def set_titles(self, counters: str, waiting: str, calls: str) -> None:
        self.counters_title.setText(counters)
        self.waiting_title.setText(waiting)
        self.calls_title.setText(calls)

    def set_hero(self, label: str, number: str, counter: str) -> None:
        self.hero_label.setText(label)
        self.hero_number.setText(number)
        self.hero_counter.setText(counter)
        # With no call yet, the words alone fill the panel.
        self.hero_line.setVisible(bool(number))

    @staticmethod
    def hero_style(highlighted: bool) -> str:
        background = GOLD if highlighted else PANEL
        return f"#heroPanel {{ background: {background}; border-radius: 14px; }}"

    def set_hero_highlight(self, on: bool) -> None:
        foreground = BACKGROUND if on else GOLD
        self.hero.setStyleSheet(self.hero_style(on))
        for label in (self.hero_number, self.hero_arrow, self.hero_counter):
            label.setStyleSheet(f"color: {foreground}; background: transparent;")
        self.hero_label.setStyleSheet(
            f"color: {BACKGROUND if on else TEXT}; background: transparent;")

    def set_counters(self, tiles: list[CounterTileText]) -> None:
        if [t.id for t in tiles] != list(self._counter_tiles):
            self._rebuild_counters([t.id for t in tiles])
        for tile in tiles:
            self._counter_tiles[tile.id].show_text(tile)

    def set_services(self, chips: list[ServiceChipText]) -> None:
        if [c.id for c in chips] != list(self._service_chips):
            self._rebuild_services([c.id for c in chips])
        for chip in chips:
            self._service_chips[chip.id].show_text(chip)

    def set_calls(self, rows: list[tuple[str, str]]) -> None:
        for i, (number, counter) in enumerate(self.call_labels):
            shown = rows[i] if i < len(rows) else ("", "")
            number.setText(shown[0])
            counter.setText(shown[1])

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message_bar.setVisible(bool(text))

    def counter_tile(self, counter_id: str) -> CounterTile | None:
        return self._counter_tiles.get(counter_id)

    def service_chip(self, service_id: str) -> ServiceChip | None:
        return self._service_chips.get(service_id)

    # --- grids ------------------------------------------------------------------------------

    def _rebuild_counters(self, ids: list[str]) -> None:
        # Tall tiles: twelve counters make two rows of six.
        columns = grid_columns(len(ids), shape=3.0)
        density = _density(len(ids), columns, rows_at_full_size=2, most=1.5)
        self._refill_grid(self.counters_grid, self._counter_tiles, ids, columns,
                          lambda counter_id: CounterTile(counter_id, self.scaled, density))

    def _rebuild_services(self, ids: list[str]) -> None:
        columns = max(3, grid_columns(len(ids), shape=1.4))
        density = _density(len(ids), columns, rows_at_full_size=3, most=1.2)
        self._refill_grid(self.services_grid, self._service_chips, ids, columns,
                          lambda service_id: ServiceChip(service_id, self.scaled, density))

    def _refill_grid(self, grid: QGridLayout, items: dict[str, _Tile], ids: list[str],
                     columns: int, make: Callable[[str], _Tile]) -> None:
        """One widget an id, row by row in `columns`, in place of the grid's old ones."""
        self._clear_grid(grid, items)
        for i, item_id in enumerate(ids):
            widget = make(item_id)
            grid.addWidget(widget, i // columns, i % columns)
            items[item_id] = widget
        _stretch_evenly(grid, len(ids), columns)

    def _clear_grid(self, grid: QGridLayout, items: dict[str, _Tile]) -> None:
        for widget in items.values():
            self.scaled.forget(widget)
            grid.removeWidget(widget)
            widget.setParent(None)  # type: ignore[call-overload]
            widget.deleteLater()
        items.clear()

    # --- Qt events --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = event.size()
        self.scaled.rescale(min(size.width() / DESIGN_WIDTH, size.height() / DESIGN_HEIGHT))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        handler = self.key_handlers.get(event.key())
        if handler is not None:
            handler()
        else:
            super().keyPressEvent(event)
