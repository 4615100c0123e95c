"""The officer's terminal window: layout only. It renders a `Screen` and reports what the
officer pressed; every decision (what is allowed, what to send) is the controller's."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_terminal import style
from counter_terminal.model import Action, PickItem, Screen
from counter_terminal.texts import text
from qtkit.fonts import app_font

# Function keys, because the officer types in the dossier software with the letters and digits.
SHORTCUTS: dict[Action, str] = {
    Action.NEXT: "F2",
    Action.RECALL: "F3",
    Action.SERVE: "F4",
    Action.DONE: "F5",
    Action.NO_SHOW: "F6",
    Action.TRANSFER: "F7",
    Action.CALL: "F8",
    Action.PAUSE: "F9",
}

ACCENTS: dict[Action, str] = {
    Action.NEXT: "green",
    Action.DONE: "blue",
    Action.NO_SHOW: "orange",
}

STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "open": (style.GREEN, style.PAPER),
    "paused": (style.AMBER_BG, style.AMBER_INK),
    "closed": (style.GREY_BG, style.INK),
    "": (style.GREY_BG, style.INK),
}

BANNER_COLOURS: dict[str, tuple[str, str]] = {
    "offline": (style.RED, style.PAPER),
    "error": ("#FDECEA", "#7A0012"),
    "busy": ("#E8F0FE", style.BLUE),
}


class TerminalWindow(QWidget):
    action_requested = Signal(str)  # an Action
    sign_in_requested = Signal(str, str)  # an officer id, the PIN typed
    pick_requested = Signal(str)  # a PickItem key
    back_requested = Signal()
    lang_requested = Signal(str)
    undo_requested = Signal()

    def __init__(self, *, large: bool = False) -> None:
        super().__init__()
        self.setObjectName("counter_terminal")
        self.large = large
        self.px = 22 if large else 16
        self.setFont(app_font(pixel_size=self.px))
        self._lang = "vi"
        self._pause_action = Action.PAUSE
        self._pick_items: tuple[PickItem, ...] = ()
        self._officers: tuple[tuple[str, str], ...] = ()
        self.setStyleSheet(self._stylesheet())

        self.counter_label = self._label("counter_label")
        self.status_label = self._label("status")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lang_button = self._button("lang_button")
        self.lang_button.setMinimumHeight(0)
        self.lang_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.lang_button.clicked.connect(
            lambda: self.lang_requested.emit("en" if self._lang == "vi" else "vi"))
        self.officer_label = self._label("officer")
        self.banner = self._label("banner")
        self.banner.setWordWrap(True)
        # Every line that comes and goes keeps its room, so no button ever moves under a
        # finger: the banner (offline, refused, sending) holds two lines even when empty.
        # (Two lines in the narrow window; the wide one says it in one.)
        self.banner.setFixedHeight(self._lines(1 if large else 2) + 16)

        header = QHBoxLayout()
        header.addWidget(self.counter_label)
        header.addWidget(self.status_label)
        header.addStretch(1)
        header.addWidget(self.lang_button)

        self.pages = QStackedWidget(objectName="pages")
        self.signin_page = self._signin_page()
        self.main_page = self._main_page()
        self.pick_page = self._pick_page()
        for page in (self.signin_page, self.main_page, self.pick_page):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.officer_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

        self._shortcuts()
        if large:
            self.resize(1100, 720)
        else:
            self.resize(420, 800)

    # --- building ------------------------------------------------------------------------

    def _lines(self, count: int, px: int | None = None) -> int:
        """The height of `count` lines of text at the terminal's size."""
        return QFontMetrics(app_font(pixel_size=px or self.px)).lineSpacing() * count + 4

    @staticmethod
    def _label(name: str) -> QLabel:
        return QLabel(objectName=name)  # sizes and weights come from the style sheet

    def _button(self, name: str, *, tall: bool = False) -> QPushButton:
        button = QPushButton(objectName=name)
        button.setMinimumHeight((96 if tall else 72) if self.large else (64 if tall else 50))
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _signin_page(self) -> QWidget:
        page = QWidget(objectName="signin_page")
        self.signin_title = self._label("signin_title")
        self.signin_caption = self._label("signin_caption")
        self.signin_caption.setWordWrap(True)
        self.officer_list = QListWidget(objectName="officer_list")
        self.signin_button = self._button("signin_button", tall=True)
        self.signin_button.setProperty("accent", "green")
        self.signin_button.clicked.connect(self._sign_in)
        self.officer_list.itemDoubleClicked.connect(lambda _item: self._sign_in())
        self.pin_input = QLineEdit(objectName="pin_input")
        self.pin_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_input.setMaxLength(12)
        self.pin_input.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}")))
        self.pin_input.returnPressed.connect(self._sign_in)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.signin_title)
        layout.addWidget(self.signin_caption)
        layout.addWidget(self.officer_list, 1)
        layout.addWidget(self.pin_input)
        layout.addWidget(self.signin_button)
        return page

    def _main_page(self) -> QWidget:
        page = QWidget(objectName="main_page")
        self.current_caption = self._label("current_caption")
        self.ticket_number = self._label("ticket_number")
        # Keeps its place while there is no ticket, so the buttons never jump.
        self.ticket_number.setMinimumHeight(150 if self.large else 80)
        self.priority_badge = self._label("priority_badge")
        self.transferred_badge = self._label("transferred_badge")
        for badge in (self.priority_badge, self.transferred_badge):
            badge.setWordWrap(True)  # a long group name wraps, never widens the window
        self.ticket_detail = self._label("ticket_detail")
        self.ticket_detail.setFixedHeight(self._lines(1))
        self.hint = self._label("hint")
        self.hint.setWordWrap(True)
        self.notice = self._label("notice")
        self.notice.setWordWrap(True)
        self.undo_button = self._button("undo_button")
        self.undo_button.setProperty("accent", "orange")
        self.undo_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.undo_button.setMinimumHeight(self._lines(2))
        self.undo_button.clicked.connect(self.undo_requested.emit)
        retain = self.undo_button.sizePolicy()
        retain.setRetainSizeWhenHidden(True)
        self.undo_button.setSizePolicy(retain)
        # One line of fixed height for what to do next (the hint) or what was just done (a
        # notice, with its undo): the one replaces the other, nothing below moves.
        notice_row = QWidget(objectName="notice_row")
        notice_row.setFixedHeight(max(self._lines(2), self.undo_button.minimumHeight()))
        notice_layout = QHBoxLayout(notice_row)
        notice_layout.setContentsMargins(0, 0, 0, 0)
        notice_layout.addWidget(self.hint, 1)
        notice_layout.addWidget(self.notice, 1)
        notice_layout.addWidget(self.undo_button)

        badges = QVBoxLayout()
        badges.addStretch(1)
        badges.addWidget(self.priority_badge, 0, Qt.AlignmentFlag.AlignLeft)
        badges.addWidget(self.transferred_badge, 0, Qt.AlignmentFlag.AlignLeft)
        badges.addStretch(1)
        ticket_row = QHBoxLayout()
        ticket_row.addWidget(self.ticket_number)
        ticket_row.addLayout(badges)
        ticket_row.addStretch(1)

        self.buttons: dict[Action, QPushButton] = {}
        for action in Action:
            if action is Action.RESUME:
                continue  # the pause button turns into the resume button
            button = self._button(f"{action.value}_button", tall=action is Action.NEXT)
            if action in ACCENTS:
                button.setProperty("accent", ACCENTS[action])
            button.clicked.connect(lambda _=False, a=action: self._clicked(a))
            self.buttons[action] = button
        grid = QGridLayout()
        grid.setSpacing(8)
        order = [Action.RECALL, Action.SERVE, Action.NO_SHOW, Action.DONE, Action.TRANSFER,
                 Action.CALL, Action.PAUSE, Action.CLOSE]
        columns = 4 if self.large else 2
        grid.addWidget(self.buttons[Action.NEXT], 0, 0, 1, columns)
        for index, action in enumerate(order):
            grid.addWidget(self.buttons[action], 1 + index // columns, index % columns)

        self.waiting_caption = self._label("waiting_caption")
        self.waiting = self._label("waiting")
        self.waiting.setTextFormat(Qt.TextFormat.RichText)
        self.missed_caption = self._label("missed_caption")
        self.missed = self._label("missed")
        self.missed.setWordWrap(True)

        queues = QVBoxLayout()
        queues.addWidget(self.waiting_caption)
        queues.addWidget(self.waiting)
        queues.addWidget(self.missed_caption)
        queues.addWidget(self.missed)
        queues.addStretch(1)

        ticket_box = QVBoxLayout()
        ticket_box.addWidget(self.current_caption)
        ticket_box.addLayout(ticket_row)
        ticket_box.addWidget(self.ticket_detail)
        ticket_box.addWidget(notice_row)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.large:
            # The queue list beside the ticket must not push the buttons down as it grows.
            top_widget = QWidget(objectName="top_row")
            top = QHBoxLayout(top_widget)
            top.setContentsMargins(0, 0, 0, 0)
            top.addLayout(ticket_box, 3)
            top.addLayout(queues, 2)
            top_widget.setFixedHeight(ticket_box.sizeHint().height())
            layout.addWidget(top_widget)
            layout.addLayout(grid)
            layout.addStretch(1)
        else:
            layout.addLayout(ticket_box)
            layout.addLayout(grid)
            # Below the buttons, the queues scroll rather than make the window taller than
            # a laptop's screen.
            queue_box = QWidget(objectName="queue_box")
            queue_box.setLayout(queues)
            queues.setContentsMargins(0, 0, 0, 0)
            scroll = QScrollArea(objectName="queue_scroll")
            scroll.setWidget(queue_box)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setMinimumHeight(self._lines(3))
            layout.addWidget(scroll, 1)
        return page

    def _pick_page(self) -> QWidget:
        page = QWidget(objectName="pick_page")
        self.pick_title = self._label("pick_title")
        self.pick_title.setWordWrap(True)
        self.pick_list = QListWidget(objectName="pick_list")
        self.pick_list.setWordWrap(True)
        self.pick_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pick_list.itemDoubleClicked.connect(lambda _item: self._pick())
        self.pick_ok = self._button("pick_ok", tall=True)
        self.pick_ok.setProperty("accent", "green")
        self.pick_ok.clicked.connect(self._pick)
        self.pick_back = self._button("pick_back")
        self.pick_back.clicked.connect(self.back_requested.emit)
        self.pick_list.itemSelectionChanged.connect(self._sync_pick_ok)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pick_title)
        layout.addWidget(self.pick_list, 1)
        layout.addWidget(self.pick_ok)
        layout.addWidget(self.pick_back)
        return page

    def _shortcuts(self) -> None:
        for action, key in SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda a=action: self._shortcut(a))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self).activated.connect(
            self.back_requested.emit)
        QShortcut(QKeySequence("Ctrl+Z"), self).activated.connect(self._undo_shortcut)
        # In a picker, Return (or the keypad's Enter) takes the selected line. Bound to the
        # picker page only, so that no other page's typing loses its Return.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.pick_page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._return_pressed)

    def _stylesheet(self) -> str:
        radius = 10 if self.large else 8
        px, big = self.px, 120 if self.large else 64
        return f"""
            QWidget#counter_terminal {{ background: {style.PAPER}; color: {style.INK}; }}
            QLabel {{ color: {style.INK}; font-size: {px}px; }}
            QLabel#counter_label {{ font-size: {px + 10}px; font-weight: bold; }}
            QLabel#ticket_number {{ font-size: {big}px; font-weight: bold; }}
            QLabel#signin_title, QLabel#pick_title {{ font-size: {px + 6}px; font-weight: bold; }}
            QLabel#status, QLabel#banner, QLabel#priority_badge, QLabel#waiting_caption,
            QLabel#missed_caption, QLabel#officer {{ font-weight: bold; }}
            QLabel#missed {{ font-size: {px + 2}px; }}
            QLabel#ticket_detail, QLabel#hint, QLabel#signin_caption {{ color: {style.MUTED}; }}
            QLabel#priority_badge {{ background: {style.AMBER_BG}; color: {style.AMBER_INK};
                border-radius: 6px; padding: 2px 8px; }}
            QLabel#transferred_badge {{ background: #E8F0FE; color: {style.BLUE};
                border-radius: 6px; padding: 2px 8px; font-weight: bold; }}
            QLabel#notice {{ font-weight: bold; }}
            QScrollArea#queue_scroll, QWidget#queue_box {{ background: transparent; }}
            QPushButton {{ background: #2F2F2F; color: {style.PAPER}; border: none;
                border-radius: {radius}px; padding: 4px 10px; font-weight: bold;
                font-size: {px + 1}px; }}
            QPushButton[accent="green"] {{ background: {style.GREEN}; }}
            QPushButton[accent="blue"] {{ background: {style.BLUE}; }}
            QPushButton[accent="orange"] {{ background: {style.ORANGE}; }}
            QPushButton:pressed {{ background: #000000; }}
            QPushButton:disabled {{ background: {style.DISABLED_BG}; color: {style.DISABLED_INK}; }}
            QPushButton#lang_button {{ background: {style.PAPER}; color: {style.BLUE};
                border: 2px solid {style.BLUE}; padding: 4px 10px; }}
            QListWidget {{ border: 2px solid #9A9A9A; border-radius: 6px; background: {style.PAPER};
                color: {style.INK}; font-size: {self.px + 4}px; }}
            QListWidget::item {{ padding: 8px 6px; }}
            QListWidget::item:selected {{ background: {style.BLUE}; color: {style.PAPER}; }}
        """

    # --- what the officer does -----------------------------------------------------------

    def _clicked(self, action: Action) -> None:
        self.action_requested.emit(
            (self._pause_action if action is Action.PAUSE else action).value)

    def _shortcut(self, action: Action) -> None:
        if self.pages.currentWidget() is self.main_page and self.buttons[action].isEnabled():
            self._clicked(action)

    def _undo_shortcut(self) -> None:
        if self.undo_button.isVisible():
            self.undo_requested.emit()

    def _return_pressed(self) -> None:
        if self.pages.currentWidget() is self.pick_page:
            self._pick()

    def _sign_in(self) -> None:
        item = self.officer_list.currentItem()
        if item is not None and self.signin_button.isEnabled():
            pin, _ = self.pin_input.text(), self.pin_input.clear()  # never kept on screen
            self.sign_in_requested.emit(item.data(Qt.ItemDataRole.UserRole), pin)

    def _picked_key(self) -> str | None:
        # Only what the officer selected counts, never the list's default current row.
        selected = self.pick_list.selectedItems()
        return selected[0].data(Qt.ItemDataRole.UserRole) if selected else None

    def _pick(self) -> None:
        key = self._picked_key()
        if key is not None and self.pick_ok.isEnabled():
            self.pick_requested.emit(key)

    def _sync_pick_ok(self) -> None:
        self.pick_ok.setEnabled(self._picked_key() is not None)

    # --- rendering -------------------------------------------------------------------------

    def render(self, screen: Screen) -> None:
        self._lang = screen.lang
        lang = screen.lang
        self.setWindowTitle(screen.title)
        self.counter_label.setText(screen.counter_label)
        self.status_label.setText(f" {screen.status_text} " if screen.status_text else "")
        background, ink = STATUS_COLOURS.get(screen.status, STATUS_COLOURS[""])
        _restyle(self.status_label, f"background: {background}; color: {ink}; "
                                    "border-radius: 6px; padding: 2px 8px;")
        self.lang_button.setText(text("switch_lang", lang))
        self.officer_label.setText(screen.officer_text)
        self.banner.setText(screen.banner)
        background, ink = BANNER_COLOURS.get(screen.banner_kind, ("transparent", style.INK))
        _restyle(self.banner, f"background: {background}; color: {ink}; "
                              "border-radius: 6px; padding: 8px;")

        self.signin_title.setText(screen.signin_title)
        self.signin_caption.setText(text("signin.officer", lang))
        self.pin_input.setPlaceholderText(text("signin.pin", lang))
        self.signin_button.setText(text("signin.open", lang))
        self.signin_button.setEnabled(screen.can_sign_in)
        self._render_officers(screen)

        self.current_caption.setText(text("current", lang))
        self.ticket_number.setText(screen.ticket_number)
        self.priority_badge.setText(screen.priority)
        self.priority_badge.setVisible(bool(screen.priority))
        self.transferred_badge.setText(screen.transferred)
        self.transferred_badge.setVisible(bool(screen.transferred))
        self.ticket_detail.setText(screen.ticket_detail)
        self.hint.setText(screen.hint)
        self.hint.setVisible(not screen.notice)
        self.notice.setText(screen.notice)
        self.notice.setVisible(bool(screen.notice))
        self.undo_button.setText(f"{screen.undo}  (Ctrl+Z)" if screen.undo else "")
        self.undo_button.setVisible(bool(screen.undo))
        for action, button in self.buttons.items():
            label_key = f"action.{action.value}"
            enabled = screen.enabled[action]
            if action is Action.PAUSE:
                resume = screen.enabled[Action.RESUME] or screen.status == "paused"
                self._pause_action = Action.RESUME if resume else Action.PAUSE
                label_key = f"action.{self._pause_action.value}"
                enabled = screen.enabled[self._pause_action]
            key = SHORTCUTS.get(action)
            button.setText(f"{text(label_key, lang)}  ({key})" if key else text(label_key, lang))
            button.setEnabled(enabled)

        self.waiting_caption.setText(text("waiting", lang))
        rows = "".join(f"<tr><td>{escape(name)}</td><td align='right'>&nbsp;&nbsp;<b>{count}</b>"
                       "</td></tr>" for name, count in screen.waiting)
        self.waiting.setText(f"<table width='100%'>{rows}</table>")
        self.missed_caption.setText(text("missed", lang))
        self.missed.setText(", ".join(screen.missed) if screen.missed else text("none", lang))

        self.pick_title.setText(screen.pick_title)
        self.pick_ok.setText(screen.pick_ok)
        self.pick_back.setText(text("pick.back", lang))
        self._render_pick_items(screen.pick_items)
        if not screen.pick_items and screen.page == "call":
            self.pick_title.setText(text("pick.call.empty", lang))

        page = {"signin": self.signin_page, "main": self.main_page}.get(screen.page,
                                                                        self.pick_page)
        opening_picker = page is self.pick_page and self.pages.currentWidget() is not page
        self.pages.setCurrentWidget(page)
        if opening_picker:
            self.pick_list.setFocus()  # the arrow keys move through the numbers at once

    def _render_officers(self, screen: Screen) -> None:
        if screen.officers == self._officers:
            return
        self._officers = screen.officers
        self.officer_list.clear()
        for officer_id, name in screen.officers:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, officer_id)
            self.officer_list.addItem(item)
            if officer_id == screen.default_officer:
                self.officer_list.setCurrentItem(item)

    def _render_pick_items(self, items: tuple[PickItem, ...]) -> None:
        """Refill only when the choices changed, keeping the officer's selection."""
        if items == self._pick_items:
            return
        selected = self._picked_key()
        self._pick_items = items
        self.pick_list.clear()
        for entry in items:
            item = QListWidgetItem(entry.text)
            if entry.header:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setForeground(Qt.GlobalColor.black)
            else:
                item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.pick_list.addItem(item)
            if entry.key == selected:
                item.setSelected(True)
        self._sync_pick_ok()


def _restyle(widget: QWidget, sheet: str) -> None:
    # Setting a style sheet re-polishes the widget; the screen is rendered every second.
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
