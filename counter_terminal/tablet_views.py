"""The rating tablet's window: layout only. Renders a `TabletScreen`, reports the citizen's
taps. Large type and large targets: many citizens are elderly."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from counter_terminal import style
from counter_terminal.faces import face_colour, face_pixmap
from counter_terminal.tablet_model import LevelChoice, TabletScreen
from counter_terminal.texts import text
from qtkit.fonts import app_font

FACE_PX = 150
MESSAGE_COLOURS = {"thanks": style.GREEN, "refused": style.RED, "sending": style.BLUE,
                   "offline": style.MUTED, "": style.INK}


class TabletWindow(QWidget):
    rate_requested = Signal(int)  # a score
    reasons_done = Signal(list)  # the reason ids chosen (empty: skipped)
    lang_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("rating_tablet")
        self.setFont(app_font(pixel_size=26))
        self._lang = "vi"
        self._page = ""
        self._levels: tuple[LevelChoice, ...] = ()
        self._reasons: tuple[tuple[str, str], ...] = ()
        self.level_buttons: dict[int, QToolButton] = {}
        self.reason_buttons: dict[str, QPushButton] = {}
        self.setStyleSheet(f"""
            QWidget#rating_tablet {{ background: {style.PAPER}; }}
            QLabel {{ color: {style.INK}; }}
            QPushButton {{ background: #2F2F2F; color: {style.PAPER}; border: none;
                border-radius: 12px; padding: 10px 20px; font-weight: bold; }}
            QPushButton#send_button {{ background: {style.GREEN}; }}
            QPushButton#skip_button {{ background: {style.PAPER}; color: {style.INK};
                border: 3px solid #6B6B6B; }}
            QPushButton[reason="true"] {{ background: {style.PAPER}; color: {style.INK};
                border: 3px solid #6B6B6B; text-align: left; padding-left: 24px; }}
            QPushButton[reason="true"]:checked {{ background: {style.BLUE}; color: {style.PAPER};
                border-color: {style.BLUE}; }}
            QPushButton#lang_button {{ background: {style.PAPER}; color: {style.BLUE};
                border: 2px solid {style.BLUE}; padding: 6px 14px; font-size: 20px; }}
        """)

        self.lang_button = QPushButton(objectName="lang_button")
        self.lang_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lang_button.clicked.connect(
            lambda: self.lang_requested.emit("en" if self._lang == "vi" else "vi"))
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.lang_button)

        self.pages = QStackedWidget(objectName="pages")
        self.idle_page = self._idle_page()
        self.ask_page = self._ask_page()
        self.reasons_page = self._reasons_page()
        self.message_page = self._message_page()
        for page in (self.idle_page, self.ask_page, self.reasons_page, self.message_page):
            self.pages.addWidget(page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self.resize(1280, 800)

    # --- building ------------------------------------------------------------------------

    @staticmethod
    def _label(name: str, px: int, *, bold: bool = False, colour: str = style.INK) -> QLabel:
        label = QLabel(objectName=name)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        font = label.font()
        font.setPixelSize(px)
        font.setBold(bold)
        label.setFont(font)
        label.setStyleSheet(f"color: {colour};")
        return label

    def _idle_page(self) -> QWidget:
        page = QWidget(objectName="idle_page")
        self.counter_text = self._label("counter_text", 110, bold=True, colour=style.BLUE)
        self.officer_text = self._label("officer_text", 44, bold=True)
        self.status_text = self._label("status_text", 40, colour=style.MUTED)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.counter_text)
        layout.addSpacing(24)
        layout.addWidget(self.officer_text)
        layout.addSpacing(24)
        layout.addWidget(self.status_text)
        layout.addStretch(2)
        return page

    def _ask_page(self) -> QWidget:
        page = QWidget(objectName="ask_page")
        self.question = self._label("question", 36, bold=True)
        self.ask_detail = self._label("ask_detail", 30, colour=style.MUTED)
        self.ask_error = self._label("ask_error", 28, bold=True, colour=style.RED)
        self.levels_row = QHBoxLayout()
        self.levels_row.setSpacing(20)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.question)
        layout.addWidget(self.ask_detail)
        layout.addSpacing(24)
        layout.addLayout(self.levels_row)
        layout.addWidget(self.ask_error)
        layout.addStretch(1)
        return page

    def _reasons_page(self) -> QWidget:
        page = QWidget(objectName="reasons_page")
        self.reasons_title = self._label("reasons_title", 36, bold=True)
        self.reasons_grid = QGridLayout()
        self.reasons_grid.setSpacing(16)
        self.send_button = QPushButton(objectName="send_button")
        self.skip_button = QPushButton(objectName="skip_button")
        for button in (self.send_button, self.skip_button):
            button.setMinimumHeight(96)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.send_button.clicked.connect(lambda: self.reasons_done.emit(
            [rid for rid, b in self.reason_buttons.items() if b.isChecked()]))
        self.skip_button.clicked.connect(lambda: self.reasons_done.emit([]))
        buttons = QHBoxLayout()
        buttons.setSpacing(20)
        buttons.addWidget(self.skip_button, 1)
        buttons.addWidget(self.send_button, 2)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.reasons_title)
        layout.addSpacing(16)
        layout.addLayout(self.reasons_grid)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _message_page(self) -> QWidget:
        page = QWidget(objectName="message_page")
        self.message_face = QLabel(objectName="message_face")
        self.message_face.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = self._label("message", 56, bold=True)
        self.message_detail = self._label("message_detail", 32, colour=style.MUTED)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.message_face)
        layout.addSpacing(16)
        layout.addWidget(self.message)
        layout.addWidget(self.message_detail)
        layout.addStretch(1)
        return page

    def _level_button(self, level: LevelChoice) -> QToolButton:
        button = QToolButton(objectName=f"rate_{level.score}")
        button.setIcon(QIcon(face_pixmap(level.face, FACE_PX * 2)))
        button.setIconSize(QSize(FACE_PX, FACE_PX))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumSize(240, 280)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        colour = face_colour(level.face)
        button.setStyleSheet(f"QToolButton {{ background: {style.PAPER}; color: {style.INK}; "
                             # 26 px keeps "Không hài lòng" whole on a 1280 px tablet.
                             f"border: 4px solid {colour}; border-radius: 20px; padding: 8px; "
                             f"font-size: 26px; font-weight: bold; }} "
                             f"QToolButton:pressed {{ background: {colour}; }}")
        button.clicked.connect(lambda _=False, score=level.score: self.rate_requested.emit(score))
        return button

    # --- rendering -------------------------------------------------------------------------

    def render(self, screen: TabletScreen) -> None:
        lang = self._lang = screen.lang
        self.lang_button.setText(text("switch_lang", lang))
        self.counter_text.setText(screen.counter_text)
        self.officer_text.setText(screen.officer_text)
        self.status_text.setText(screen.status_text)

        self.question.setText(screen.question)
        self.ask_detail.setText("  ·  ".join(t for t in (screen.ticket_text, screen.officer_text)
                                             if t))
        self.ask_error.setText(screen.error if screen.page == "ask" else "")
        self._render_levels(screen.levels)

        self.reasons_title.setText(text("tablet.reasons", lang))
        self.send_button.setText(text("tablet.send", lang))
        self.skip_button.setText(text("tablet.skip", lang))
        self._render_reasons(screen.reasons)
        if screen.page == "reasons" and self._page != "reasons":
            for button in self.reason_buttons.values():
                button.setChecked(False)

        self.message.setText(screen.message)
        self.message.setStyleSheet(f"color: {MESSAGE_COLOURS[screen.message_kind]};")
        self.message_detail.setText(screen.error if screen.message_kind == "refused" else "")
        thanks = screen.message_kind == "thanks"
        if thanks and self.message_face.pixmap().isNull():
            self.message_face.setPixmap(face_pixmap("laugh", 200))
        self.message_face.setVisible(thanks)

        self._page = screen.page
        self.pages.setCurrentWidget({"idle": self.idle_page, "ask": self.ask_page,
                                     "reasons": self.reasons_page}.get(screen.page,
                                                                       self.message_page))

    def _render_levels(self, levels: tuple[LevelChoice, ...]) -> None:
        if levels == self._levels:
            return
        self._levels = levels
        for button in self.level_buttons.values():
            button.deleteLater()
        self.level_buttons = {}
        for level in levels:
            button = self._level_button(level)
            button.setText(level.name)
            self.levels_row.addWidget(button, 1)
            self.level_buttons[level.score] = button

    def _render_reasons(self, reasons: tuple[tuple[str, str], ...]) -> None:
        if reasons == self._reasons:
            return
        self._reasons = reasons
        for button in self.reason_buttons.values():
            button.deleteLater()
        self.reason_buttons = {}
        for index, (reason_id, name) in enumerate(reasons):
            button = QPushButton(name, objectName=f"reason_{reason_id}")
            button.setProperty("reason", True)
            button.setCheckable(True)
            # A tick as well as the colour, for those who do not tell colours apart.
            button.toggled.connect(
                lambda on, b=button, text=name: b.setText(f"✓  {text}" if on else text))
            button.setMinimumHeight(88)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.reasons_grid.addWidget(button, index // 2, index % 2)
            self.reason_buttons[reason_id] = button
