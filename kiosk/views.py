"""The kiosk's screens: layout and looks only.

Every frame comes from the controller as a `KioskView`; every tap goes back to it as a method
call. Sizes follow the window's short side, so the same layout reads well in portrait
(1080x1920) and landscape (1920x1080); columns follow the orientation.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import texts
from kiosk.controller import KioskController
from kiosk.model import KioskView, PrintState, Screen, Tile
from qtkit.fonts import FAMILY

DESIGN_SHORT_SIDE = 1080  # sizes below are in pixels on a 1080-pixel short side
# The strip under the choices that holds the "Ưu tiên" button, the chosen priority group or a
# notice, one at a time: always this tall, so nothing above it moves when one replaces another.
FOOTER_HEIGHT = 170
# A tap this soon after anything on screen moved, appeared or went away does nothing: the
# second tap of an elderly citizen's double tap must not land on what has just come under it.
SETTLE_S = 0.7

NAVY, INK, PAPER, PAGE = "#0B3B74", "#0B1F3A", "#FFFFFF", "#E9EEF4"
CLOSED_BG, CLOSED_INK, ALERT = "#D9D9D9", "#2B2B2B", "#9E1212"
PRIORITY, PRIORITY_BG, PRIORITY_INK = "#9A3B00", "#FFF0DB", "#4A1E00"
GOOD = "#1B6320"


def stylesheet(scale: float) -> str:
    def px(size: float) -> int:
        return max(1, round(size * scale))

    return f"""
    QWidget#kiosk {{ background: {PAGE}; font-family: "{FAMILY}"; color: {INK}; }}
    QLabel {{ color: {INK}; }}
    QFrame#header {{ background: {NAVY}; }}
    QLabel#center-name {{ color: {PAPER}; font-size: {px(30)}px; font-weight: bold; }}
    QPushButton {{ font-family: "{FAMILY}"; }}
    QPushButton#lang-button {{
        background: {PAPER}; color: {NAVY}; font-size: {px(30)}px; font-weight: bold;
        border: {px(3)}px solid {PAPER}; border-radius: {px(14)}px;
        min-height: {px(96)}px; min-width: {px(240)}px; padding: 0 {px(20)}px; }}
    QLabel#heading {{ font-size: {px(44)}px; font-weight: bold; color: {INK}; }}
    QLabel#attract {{ font-size: {px(32)}px; color: {NAVY}; }}
    QLabel#notice {{
        font-size: {px(30)}px; font-weight: bold; color: {ALERT}; background: #FDE8E8;
        border: {px(3)}px solid {ALERT}; border-radius: {px(12)}px; padding: {px(14)}px; }}
    QFrame#priority-banner {{
        background: {PRIORITY_BG}; border: {px(4)}px solid {PRIORITY};
        border-radius: {px(14)}px; }}
    QLabel#priority-chosen {{ font-size: {px(34)}px; font-weight: bold; color: {PRIORITY_INK}; }}
    QPushButton#priority-cancel, QPushButton#back-button, QPushButton#done-button {{
        background: {PAPER}; color: {INK}; font-size: {px(32)}px; font-weight: bold;
        border: {px(4)}px solid {INK}; border-radius: {px(14)}px;
        min-height: {px(100)}px; padding: 0 {px(28)}px; }}
    QPushButton#done-button {{ min-width: {px(360)}px; }}
    QPushButton#priority-button {{
        background: {PRIORITY}; border: none; border-radius: {px(18)}px;
        min-height: {px(150)}px; }}
    QLabel#priority-button-title {{ color: {PAPER}; font-size: {px(44)}px; font-weight: bold; }}
    QLabel#priority-button-groups {{ color: {PAPER}; font-size: {px(26)}px; }}
    QWidget#grid-inner {{ background: transparent; }}
    QPushButton[tone] {{
        background: {PAPER}; border: {px(4)}px solid {NAVY}; border-radius: {px(18)}px; }}
    QPushButton[tone="closed"] {{ background: {CLOSED_BG}; border-color: #7A7A7A; }}
    QPushButton[tone="priority"] {{ background: {PRIORITY_BG}; border-color: {PRIORITY}; }}
    QPushButton[tone]:pressed {{ background: #CFE0F5; }}
    QLabel#tile-title {{ font-size: {px(36)}px; font-weight: bold; color: {INK}; }}
    QLabel#tile-line {{ font-size: {px(29)}px; color: {NAVY}; }}
    QPushButton[kind="service"] QLabel#tile-title {{ font-size: {px(42)}px; }}
    QPushButton[kind="service"] QLabel#tile-line {{ font-size: {px(32)}px; }}
    QPushButton[tone="closed"] QLabel#tile-title {{ color: {CLOSED_INK}; }}
    QPushButton[tone="closed"] QLabel#tile-line {{ color: {ALERT}; font-weight: bold; }}
    QPushButton[tone="priority"] QLabel#tile-title {{ color: {PRIORITY_INK}; }}
    QLabel#big-message {{ font-size: {px(60)}px; font-weight: bold; color: {INK}; }}
    QLabel#message-detail {{ font-size: {px(38)}px; color: {INK}; }}
    QLabel#message-alert {{ font-size: {px(44)}px; font-weight: bold; color: {ALERT}; }}
    QLabel#your-number {{ font-size: {px(44)}px; color: {INK}; }}
    QLabel#ticket-number {{ font-size: {px(300)}px; font-weight: bold; color: {NAVY}; }}
    QLabel#ticket-service {{ font-size: {px(42)}px; font-weight: bold; color: {INK}; }}
    QLabel#ticket-priority {{ font-size: {px(36)}px; font-weight: bold; color: {PRIORITY}; }}
    QLabel#ticket-message[state="printed"] {{
        font-size: {px(70)}px; font-weight: bold; color: {GOOD}; }}
    QLabel#ticket-message[state="printing"] {{ font-size: {px(50)}px; color: {INK}; }}
    QLabel#ticket-message[state="failed"] {{
        font-size: {px(40)}px; font-weight: bold; color: {ALERT}; }}
    QLabel#ticket-detail {{ font-size: {px(40)}px; color: {INK}; }}
    QScrollArea {{ background: transparent; border: none; }}
    QScrollBar:vertical {{ width: {px(36)}px; background: {PAGE}; }}
    QScrollBar::handle:vertical {{ background: {NAVY}; border-radius: {px(10)}px;
        min-height: {px(80)}px; }}
    """


def text_label(name: str, *, wrap: bool = True, center: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    if center:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _button(name: str, on_click: Callable[[], None]) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(on_click)
    return button


def _restyle(widget: QWidget) -> None:
    """Dynamic properties take effect in the stylesheet only after a re-polish."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


class LayoutWatch(QObject):
    """When anything a finger could land on last moved, resized, appeared or went away: an
    event filter on the tap targets and everything that holds them."""

    WATCHED = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                         QEvent.Type.Hide})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changed_at = time.monotonic()

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in self.WATCHED and isinstance(watched, QWidget):
            # Only what a person sees: a hidden page laid out (for a screenshot, say) moves
            # nothing on screen; a widget going away does, if what held it is on screen.
            holder = watched.parentWidget() if kind is QEvent.Type.Hide else watched
            if holder is not None and holder.isVisible():
                self.changed_at = time.monotonic()
        return False

    def settled(self) -> bool:
        return time.monotonic() - self.changed_at >= SETTLE_S


class TapArea(QWidget):
    """A page or strip that does something when tapped anywhere (its labels let taps through
    to it)."""

    def __init__(self, name: str, on_tap: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.on_tap = on_tap

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.on_tap()
        super().mouseReleaseEvent(event)


class LabeledButton(QPushButton):
    """A button with wrapped lines of different sizes; the lines let taps through to it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 16, 24, 16)
        self._layout.setSpacing(6)
        # The lines sit together in the middle however tall the button grows.
        self._layout.addStretch(1)
        self._layout.addStretch(1)
        self._labels: list[QLabel] = []

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        """(objectName, text) per line, top to bottom."""
        while len(self._labels) < len(lines):
            label = QLabel()
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._layout.insertWidget(self._layout.count() - 1, label)
            self._labels.append(label)
        for index, label in enumerate(self._labels):
            shown = index < len(lines)
            label.setVisible(shown)
            if shown:
                name, line = lines[index]
                if label.objectName() != name:
                    label.setObjectName(name)
                    _restyle(label)
                label.setText(line)
        self.updateGeometry()

    def text_lines(self) -> list[str]:
        return [label.text() for label in self._labels if not label.isHidden()]

    def sizeHint(self) -> QSize:
        return self._layout.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._layout.minimumSize()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout.totalHeightForWidth(width)


class TileButton(LabeledButton):
    def __init__(self, kind: str, tile_id: str) -> None:
        super().__init__(f"tile-{kind}-{tile_id}")
        self.setProperty("kind", kind)
        self.tone = ""

    def show_tile(self, tile: Tile) -> None:
        self.set_lines([("tile-title", tile.title), *(("tile-line", line) for line in tile.lines)])
        if tile.tone != self.tone:
            self.tone = tile.tone
            self.setProperty("tone", tile.tone)
            _restyle(self)


class TileGrid(QScrollArea):
    """Tiles in columns, kept across updates: a tile is never rebuilt under a finger.

    Tiles share the height there is, between a floor that keeps them easy to hit and a ceiling
    that keeps a short list from turning into a few giant slabs; past the floor, it scrolls.
    """

    def __init__(self, kind: str, on_tap: Callable[[str], None], *, min_height: int,
                 max_height: int) -> None:
        super().__init__()
        self.setObjectName(f"grid-{kind}")
        self.kind, self.on_tap = kind, on_tap
        self.min_height, self.max_height = min_height, max_height
        self.scale = 1.0
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("grid-inner")
        self._grid = QGridLayout()
        self._grid.setSpacing(24)
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._grid)
        column.addStretch(1)  # rows packed at the top
        self.setWidget(inner)
        self.tiles: dict[str, TileButton] = {}
        self._order: list[str] = []
        self._columns = 1
        self.watch: LayoutWatch | None = None  # told of every tile's moves

    def set_tiles(self, tiles: tuple[Tile, ...]) -> None:
        order = [t.id for t in tiles]
        for tile in tiles:
            button = self.tiles.get(tile.id)
            if button is None:
                button = self.tiles[tile.id] = TileButton(self.kind, tile.id)
                button.clicked.connect(lambda _=False, tile_id=tile.id: self.on_tap(tile_id))
                if self.watch is not None:
                    self.watch.watch(button)
            button.show_tile(tile)
        for gone in set(self.tiles) - set(order):
            self.tiles.pop(gone).deleteLater()
        if order != self._order:
            self._order = order
            self._arrange()
        else:
            self._fit()  # a line more or less can change the height the tiles need

    def set_layout(self, columns: int, scale: float) -> None:
        if (columns, scale) != (self._columns, self.scale):
            self._columns, self.scale = columns, scale
            self._grid.setSpacing(round(24 * scale))
            self._arrange()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self._order:
            return
        columns, spacing = self._columns, self._grid.spacing()
        rows = -(-len(self._order) // columns)
        share = (self.viewport().height() - spacing * (rows - 1)) // rows
        height = max(round(self.min_height * self.scale),
                     min(round(self.max_height * self.scale), share))
        # The width as if the scroll bar were shown: a scroll bar that comes and goes must not
        # change the heights, or the two could chase each other.
        usable = self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()
        width = (usable - spacing * (columns - 1)) // columns
        # One height for all, even where a long name needs more: rows stay lined up.
        height = max(height, *(button.heightForWidth(width) for button in self.tiles.values()))
        for button in self.tiles.values():
            if button.height() != height or button.minimumHeight() != height:
                button.setFixedHeight(height)

    def _arrange(self) -> None:
        for button in self.tiles.values():
            self._grid.removeWidget(button)
        for index, tile_id in enumerate(self._order):
            button = self.tiles[tile_id]
            self._grid.addWidget(button, index // self._columns, index % self._columns)
            button.show()  # at once, not at the layout's next queued pass
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)
        self._fit()


class KioskWindow(QWidget):
    def __init__(self, controller: KioskController) -> None:
        super().__init__()
        self.controller = controller
        self.setObjectName("kiosk")
        self.setWindowTitle("Kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._scale = 1.0
        # Pages added from outside (check-in) that scale with the window, as its own do.
        self.rescaled: list[Callable[[float], None]] = []
        self.setStyleSheet(stylesheet(self._scale))
        self._spacings: list[tuple[QBoxLayout, int, tuple[int, int, int, int]]] = []
        self.layout_watch = LayoutWatch(self)

        self.center_name = text_label("center-name")
        self.lang_button = _button("lang-button", self._settled(controller.toggle_language))
        keep = self.lang_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # the header keeps its height on every screen
        self.lang_button.setSizePolicy(keep)
        header = QFrame()
        header.setObjectName("header")
        header_row = QHBoxLayout(header)
        self._space(header_row, 24, (28, 16, 28, 16))
        header_row.addWidget(self.center_name, 1)
        header_row.addWidget(self.lang_button)

        # The footer strip: one of the "Ưu tiên" button, the chosen group or a notice (a tap on
        # the notice only dismisses it), in the same space, so the choices never move.
        self.notice = text_label("notice", center=True)
        self.notice_area = TapArea("notice-area", self._settled(controller.dismiss_notice))
        notice_row = QVBoxLayout(self.notice_area)
        notice_row.setContentsMargins(0, 0, 0, 0)
        notice_row.addWidget(self.notice)
        self.priority_chosen = text_label("priority-chosen")
        self.priority_cancel = _button("priority-cancel",
                                       self._settled(controller.cancel_priority))
        self.priority_banner = QFrame()
        self.priority_banner.setObjectName("priority-banner")
        banner_row = QHBoxLayout(self.priority_banner)
        self._space(banner_row, 24, (24, 12, 12, 12))
        banner_row.addWidget(self.priority_chosen, 1)
        banner_row.addWidget(self.priority_cancel)

        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self._pages: dict[Screen, QWidget] = {}
        self._build_start()
        self._build_services()
        self._build_priority()
        self._build_issuing()
        self._build_ticket()
        self._build_out_of_service()
        self._build_offline()

        self.footer = QStackedWidget()
        self.footer.setObjectName("footer")
        self.footer_empty = QWidget()
        for widget in (self.footer_empty, self.priority_button, self.priority_banner,
                       self.notice_area):
            self.footer.addWidget(widget)
        self.footer.setFixedHeight(FOOTER_HEIGHT)

        body = QVBoxLayout()
        self._space(body, 20, (36, 28, 36, 36))
        body.addWidget(self.pages, 1)
        body.addWidget(self.footer)
        self.layout_watch.watch(
            self.pages, *self._pages.values(), self.footer, self.footer_empty,
            self.priority_button, self.priority_banner, self.notice_area, self.priority_cancel,
            self.departments, self.departments.widget(), self.services, self.services.widget(),
            self.priority_groups, self.priority_groups.widget(), self.services_back,
            self.priority_back, self.done_button)
        for grid in (self.departments, self.services, self.priority_groups):
            grid.watch = self.layout_watch
        column = QVBoxLayout(self)
        # The window takes the screen's size; sizes then follow it (see resizeEvent), instead
        # of the window growing to fit sizes meant for a bigger screen.
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addLayout(body, 1)

        controller.changed.connect(self.render)
        self.render(controller.view())

    def _settled(self, action: Callable[[], None]) -> Callable[..., None]:
        """`action`, done only if nothing on screen has just moved (`SETTLE_S`)."""
        def tapped(*_: object) -> None:
            if self.layout_watch.settled():
                action()
        return tapped

    def _settled_tile(self, action: Callable[[str], None]) -> Callable[[str], None]:
        def tapped(tile_id: str) -> None:
            if self.layout_watch.settled():
                action(tile_id)
        return tapped

    def _space(self, layout: QBoxLayout, spacing: int,
               margins: tuple[int, int, int, int] = (0, 0, 0, 0)) -> None:
        """Spacing and margins in design pixels, scaled with everything else."""
        self._spacings.append((layout, spacing, margins))
        layout.setSpacing(round(spacing * self._scale))
        layout.setContentsMargins(*(round(m * self._scale) for m in margins))

    # --- pages ------------------------------------------------------------------------------

    def _page(self, screen: Screen, on_tap: Callable[[], None] | None = None) -> QVBoxLayout:
        page = (TapArea("", self._settled(on_tap)) if on_tap is not None else QWidget())
        page.setObjectName(f"page-{screen.value.replace('_', '-')}")
        self._pages[screen] = page
        self.pages.addWidget(page)
        layout = QVBoxLayout(page)
        self._space(layout, 24)
        return layout

    def _build_start(self) -> None:
        layout = self._page(Screen.START)
        self.start_heading = text_label("heading", center=True)
        self.attract = text_label("attract", center=True)
        self.departments = TileGrid("department",
                                    self._settled_tile(self.controller.choose_department),
                                    min_height=190, max_height=420)
        # Shown in the footer strip (see __init__).
        self.priority_button = LabeledButton("priority-button")
        self.priority_button.clicked.connect(self._settled(self.controller.open_priority))
        layout.addWidget(self.start_heading)
        layout.addWidget(self.attract)
        layout.addWidget(self.departments, 1)

    def _back_row(self) -> tuple[QPushButton, QLabel, QHBoxLayout]:
        """The top of a page one step into the choice: a back button, then its heading."""
        back = _button("back-button", self._settled(self.controller.back))
        heading = text_label("heading")
        top = QHBoxLayout()
        self._space(top, 24)
        top.addWidget(back, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(heading, 1)
        return back, heading, top

    def _build_services(self) -> None:
        layout = self._page(Screen.SERVICES)
        self.services_back, self.department_name, top = self._back_row()
        self.services_heading = text_label("attract", center=True)
        self.services = TileGrid("service", self._settled_tile(self.controller.choose_service),
                                 min_height=190, max_height=300)
        layout.addLayout(top)
        layout.addWidget(self.services_heading)
        layout.addWidget(self.services, 1)

    def _build_priority(self) -> None:
        layout = self._page(Screen.PRIORITY)
        self.priority_back, self.priority_heading, top = self._back_row()
        self.priority_groups = TileGrid("priority",
                                        self._settled_tile(self.controller.choose_priority),
                                        min_height=150, max_height=240)
        layout.addLayout(top)
        layout.addWidget(self.priority_groups, 1)

    def _build_issuing(self) -> None:
        layout = self._page(Screen.ISSUING)
        self.issuing_message = text_label("big-message", center=True)
        layout.addStretch(1)
        layout.addWidget(self.issuing_message)
        layout.addStretch(1)

    def _build_ticket(self) -> None:
        # A tap anywhere on it, not only on "Xong", ends it for the next citizen.
        layout = self._page(Screen.TICKET, self.controller.finish_ticket)
        self.your_number = text_label("your-number", center=True)
        self.ticket_number = text_label("ticket-number", wrap=False, center=True)
        self.ticket_priority = text_label("ticket-priority", center=True)
        self.ticket_service = text_label("ticket-service", center=True)
        self.ticket_message = text_label("ticket-message", center=True)
        self.ticket_ahead = text_label("ticket-detail", center=True)
        self.ticket_wait = text_label("ticket-detail", center=True)
        self.done_button = _button("done-button", self._settled(self.controller.finish_ticket))
        layout.addStretch(1)
        for widget in (self.your_number, self.ticket_number, self.ticket_priority,
                       self.ticket_service, self.ticket_message, self.ticket_ahead,
                       self.ticket_wait):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def _build_out_of_service(self) -> None:
        layout = self._page(Screen.OUT_OF_SERVICE)
        self.out_of_service_title = text_label("big-message", center=True)
        self.printer_problem = text_label("message-alert", center=True)
        self.out_of_service_help = text_label("message-detail", center=True)
        self.out_of_service_resumes = text_label("message-detail", center=True)
        layout.addStretch(1)
        for widget in (self.out_of_service_title, self.printer_problem,
                       self.out_of_service_help, self.out_of_service_resumes):
            layout.addWidget(widget)
        layout.addStretch(2)

    def _build_offline(self) -> None:
        layout = self._page(Screen.OFFLINE)
        self.offline_title = text_label("big-message", center=True)
        self.offline_help = text_label("message-detail", center=True)
        layout.addStretch(1)
        layout.addWidget(self.offline_title)
        layout.addWidget(self.offline_help)
        layout.addStretch(2)

    # --- one frame ----------------------------------------------------------------------------

    def render(self, view: KioskView) -> None:
        lang = view.lang
        choosing = view.screen in (Screen.START, Screen.SERVICES, Screen.PRIORITY)
        self.pages.setCurrentWidget(self._pages[view.screen])
        self.center_name.setText(view.center_name)
        self.lang_button.setText(texts.text("switch_language", lang))
        self.lang_button.setVisible(choosing)
        self.notice.setText(view.notice)
        self.footer.setVisible(choosing)
        if view.notice:
            shown: QWidget = self.notice_area
        elif view.priority_label:
            shown = self.priority_banner
        elif view.priority_groups and view.screen is Screen.START:
            shown = self.priority_button
        else:
            shown = self.footer_empty
        self.footer.setCurrentWidget(shown)
        self.priority_chosen.setText(texts.text("priority_chosen", lang,
                                                group=view.priority_label or ""))
        self.priority_cancel.setText(texts.text("priority_cancel", lang))

        self.start_heading.setText(texts.text("choose_department", lang))
        self.attract.setText(view.attract)
        self.attract.setVisible(bool(view.attract))
        self.departments.set_tiles(view.departments)
        self.priority_button.set_lines([
            ("priority-button-title", texts.text("priority", lang)),
            ("priority-button-groups", ", ".join(t.title for t in view.priority_groups)),
        ])

        for back in (self.services_back, self.priority_back):
            back.setText(texts.text("back", lang))
        self.department_name.setText(view.department_name)
        self.services_heading.setText(texts.text("choose_service", lang))
        self.services.set_tiles(view.services)
        self.priority_heading.setText(texts.text("choose_priority", lang))
        self.priority_groups.set_tiles(view.priority_groups)

        self.issuing_message.setText(texts.text("issuing", lang))
        self._render_ticket(view)
        self.out_of_service_title.setText(texts.text("out_of_service", lang))
        self.printer_problem.setText(texts.printer_problem(view.printer_health, lang))
        self.out_of_service_help.setText(texts.text("out_of_service_help", lang))
        self.out_of_service_resumes.setText(texts.text("resumes_by_itself", lang))
        self.offline_title.setText(texts.text("offline", lang))
        self.offline_help.setText(texts.text("offline_help", lang))

    def _render_ticket(self, view: KioskView) -> None:
        ticket, lang = view.ticket, view.lang
        if ticket is None:
            return
        self.your_number.setText(texts.text("your_number", lang))
        self.ticket_number.setText(ticket.number)
        self.ticket_priority.setText(texts.text("priority_chosen", lang,
                                                group=ticket.priority_label or ""))
        self.ticket_priority.setVisible(bool(ticket.priority_label))
        self.ticket_service.setText(ticket.service_name)
        if ticket.print_state is PrintState.PRINTED:
            message = texts.text("take_ticket", lang)
        elif ticket.print_state is PrintState.PRINTING:
            message = texts.text("printing", lang)
        else:
            message = (texts.text("print_failed", lang) + "\n"
                       + texts.text("note_number", lang, number=ticket.number))
        self.ticket_message.setText(message)
        if self.ticket_message.property("state") != ticket.print_state.value:
            self.ticket_message.setProperty("state", ticket.print_state.value)
            _restyle(self.ticket_message)
        self.ticket_ahead.setText(texts.ahead(ticket.ahead, lang))
        self.ticket_wait.setText(texts.wait_time(ticket.wait_range, lang))
        self.done_button.setText(texts.text("done", lang))
        self.done_button.setVisible(ticket.print_state is not PrintState.PRINTING)

    # --- size and orientation -------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        scale = max(0.35, min(size.width(), size.height()) / DESIGN_SHORT_SIDE)
        if abs(scale - self._scale) > 0.02:
            self._scale = scale
            self.setStyleSheet(stylesheet(scale))
            for restyle in self.rescaled:
                restyle(scale)
            for layout, spacing, margins in self._spacings:
                layout.setSpacing(round(spacing * scale))
                layout.setContentsMargins(*(round(m * scale) for m in margins))
            self.footer.setFixedHeight(round(FOOTER_HEIGHT * scale))
        # A square window gets the portrait columns: three would squeeze the names.
        wide = size.width() >= 1.2 * size.height()
        self.departments.set_layout(3 if wide else 2, self._scale)
        self.services.set_layout(2 if wide else 1, self._scale)
        self.priority_groups.set_layout(2 if wide else 1, self._scale)
        super().resizeEvent(event)
