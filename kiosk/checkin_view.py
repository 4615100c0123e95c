"""The check-in screen: layout only. A button on the start screen opens it; it shows the code
typed so far on a large on-screen keypad (only the code's characters: no 0/O, 1/I), then the
appointment number, or why not and what to do."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from broker.core.bookings import ALPHABET, CODE_LENGTH
from kiosk import texts
from kiosk.checkin import CheckinController, CheckinView, Step
from kiosk.checkin_texts import text
from kiosk.model import PrintState, Screen
from kiosk.views import ALERT, GOOD, INK, NAVY, PAPER, KioskWindow, LabeledButton, text_label

STYLE = f"""
QPushButton#checkin-key {{ background: {PAPER}; color: {INK}; font-size: 44px;
    font-weight: bold; border: 3px solid {NAVY}; border-radius: 12px; min-height: 110px; }}
QPushButton#checkin-key:pressed {{ background: #CFE0F5; }}
QPushButton#checkin-erase, QPushButton#checkin-again, QPushButton#checkin-home {{
    background: {PAPER}; color: {INK}; font-size: 32px; font-weight: bold;
    border: 4px solid {INK}; border-radius: 14px; min-height: 100px; padding: 0 24px; }}
QPushButton#checkin-confirm, QPushButton#checkin-ordinary {{
    background: {NAVY}; color: {PAPER}; font-size: 36px; font-weight: bold; border: none;
    border-radius: 14px; min-height: 110px; padding: 0 24px; }}
QPushButton#checkin-confirm:disabled {{ background: #9AA8B8; }}
QLabel#checkin-code {{ font-size: 80px; font-weight: bold; color: {NAVY}; background: {PAPER};
    border: 4px solid {NAVY}; border-radius: 14px; padding: 12px; }}
QLabel#checkin-why {{ font-size: 44px; font-weight: bold; color: {ALERT}; }}
QLabel#checkin-line {{ font-size: 38px; color: {INK}; }}
QLabel#checkin-number {{ font-size: 260px; font-weight: bold; color: {NAVY}; }}
QLabel#checkin-printed[state="printed"] {{ font-size: 60px; font-weight: bold; color: {GOOD}; }}
QLabel#checkin-printed[state="printing"] {{ font-size: 48px; color: {INK}; }}
QLabel#checkin-printed[state="failed"] {{ font-size: 40px; font-weight: bold; color: {ALERT}; }}
QPushButton#checkin-button {{ background: {NAVY}; border: none; border-radius: 18px;
    min-height: 140px; }}
QLabel#checkin-button-title {{ color: {PAPER}; font-size: 44px; font-weight: bold; }}
QLabel#checkin-button-detail {{ color: {PAPER}; font-size: 26px; }}
"""


def _button(name: str, on_click) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.clicked.connect(on_click)
    return button


class CheckinPage(QWidget):
    """The check-in page inside the kiosk window, and its button on the start screen."""

    def __init__(self, window: KioskWindow, controller: CheckinController) -> None:
        super().__init__()
        self.setObjectName("page-checkin")
        self.controller = controller
        self.setStyleSheet(STYLE)
        window.rescaled.append(self.rescale)
        self.steps = QStackedWidget()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.heading = text_label("heading", center=True)
        column.addWidget(self.heading)
        column.addWidget(self.steps, 1)
        self._build_enter()
        self._build_checking()
        self._build_refused()
        self._build_ticket()

        # On the start screen, under the departments: "Tôi đã đặt lịch".
        self.open_button = LabeledButton("checkin-button")
        self.open_button.setStyleSheet(STYLE)
        self.open_button.clicked.connect(controller.open)
        start = window._pages[Screen.START].layout()
        start.addWidget(self.open_button)
        window.pages.addWidget(self)
        window._pages[Screen.CHECKIN] = self
        controller.changed.connect(self.render)
        self.render(controller.view())

    def _step_page(self) -> QVBoxLayout:
        page = QWidget()
        self.steps.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setSpacing(20)
        return layout

    def _build_enter(self) -> None:
        layout = self._step_page()
        self.enter_page = layout.parentWidget()
        self.instructions = text_label("attract", center=True)
        self.code = text_label("checkin-code", center=True)
        keys = QGridLayout()
        keys.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        for index, char in enumerate(ALPHABET):
            key = _button("checkin-key", lambda _=False, c=char: self.controller.press(c))
            key.setText(char)
            key.setProperty("char", char)
            self.keys[char] = key
            keys.addWidget(key, index // 8, index % 8)
        self.erase = _button("checkin-erase", self.controller.erase)
        self.confirm = _button("checkin-confirm", self.controller.confirm)
        self.enter_home = _button("checkin-home", self.controller.leave)
        row = QHBoxLayout()
        row.addWidget(self.enter_home)
        row.addWidget(self.erase)
        row.addWidget(self.confirm, 1)
        layout.addWidget(self.instructions)
        layout.addWidget(self.code)
        layout.addLayout(keys)
        layout.addStretch(1)
        layout.addLayout(row)

    def _build_checking(self) -> None:
        layout = self._step_page()
        self.checking_page = layout.parentWidget()
        self.checking = text_label("big-message", center=True)
        layout.addStretch(1)
        layout.addWidget(self.checking)
        layout.addStretch(1)

    def _build_refused(self) -> None:
        layout = self._step_page()
        self.refused_page = layout.parentWidget()
        self.why = text_label("checkin-why", center=True)
        self.details = [text_label("checkin-line", center=True) for _ in range(3)]
        self.ordinary = _button("checkin-ordinary", self.controller.take_ordinary)
        self.again = _button("checkin-again", self.controller.again)
        self.refused_home = _button("checkin-home", self.controller.leave)
        layout.addStretch(1)
        layout.addWidget(self.why)
        for line in self.details:
            layout.addWidget(line)
        layout.addStretch(1)
        layout.addWidget(self.ordinary)
        row = QHBoxLayout()
        row.addWidget(self.refused_home)
        row.addWidget(self.again)
        layout.addLayout(row)

    def _build_ticket(self) -> None:
        layout = self._step_page()
        self.ticket_page = layout.parentWidget()
        self.your_number = text_label("your-number", center=True)
        self.number = text_label("checkin-number", center=True)
        self.service = text_label("ticket-service", center=True)
        self.slot = text_label("ticket-detail", center=True)
        self.called_at = text_label("ticket-detail", center=True)
        self.printed = text_label("checkin-printed", center=True)
        self.ticket_home = _button("checkin-home", self.controller.leave)
        layout.addStretch(1)
        for widget in (self.your_number, self.number, self.service, self.slot, self.printed,
                       self.called_at):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.ticket_home, 0, Qt.AlignmentFlag.AlignHCenter)

    def rescale(self, scale: float) -> None:
        """The page's sizes are design pixels on a 1080-pixel short side, as the window's."""
        style = re.sub(r"(\d+)px", lambda m: f"{max(1, round(int(m.group(1)) * scale))}px",
                       STYLE)
        self.setStyleSheet(style)
        self.open_button.setStyleSheet(style)
        for layout in self.findChildren(QLayout):  # they keep the old sizes until told
            layout.invalidate()

    def render(self, view: CheckinView) -> None:
        lang = view.lang
        config = self.controller.kiosk.config
        self.open_button.setVisible(config is not None and any(
            s.booking is not None for s in config.services))
        self.open_button.set_lines([
            ("checkin-button-title", text("open_button", lang)),
            ("checkin-button-detail", text("open_button_detail", lang)),
        ])
        self.heading.setText(text("heading", lang))
        self.instructions.setText(text("instructions", lang))
        typed = view.code + "_" * (CODE_LENGTH - len(view.code))
        self.code.setText(f"{typed[:4]} - {typed[4:]}")
        self.erase.setText(text("erase", lang))
        self.confirm.setText(text("confirm", lang))
        self.confirm.setEnabled(len(view.code) == CODE_LENGTH)
        for button in (self.enter_home, self.refused_home, self.ticket_home):
            button.setText(text("home", lang))
        self.checking.setText(text("checking", lang))
        self.again.setText(text("again", lang))
        lines = list(view.lines)
        self.why.setText(lines[0] if lines else "")
        for label, line in zip(self.details, [*lines[1:], "", "", ""], strict=False):
            label.setText(line)
            label.setVisible(bool(line))
        self.ordinary.setText(view.walk_in_label)
        self.ordinary.setVisible(view.walk_in_service is not None)
        ticket = view.ticket
        if ticket is not None:
            self.your_number.setText(text("your_number", lang))
            self.number.setText(ticket.number)
            self.service.setText(ticket.service_name)
            self.slot.setText(text("slot", lang, slot=ticket.slot))
            self.called_at.setText(text("called_at_slot", lang))
            key = {PrintState.PRINTED: "take_ticket", PrintState.PRINTING: "printing",
                   PrintState.FAILED: "print_failed"}[ticket.print_state]
            self.printed.setText(texts.text(key, lang))
            if self.printed.property("state") != ticket.print_state.value:
                self.printed.setProperty("state", ticket.print_state.value)
                self.printed.style().unpolish(self.printed)
                self.printed.style().polish(self.printed)
            self.ticket_home.setText(texts.text("done", lang))
            self.ticket_home.setVisible(ticket.print_state is not PrintState.PRINTING)
        page = {Step.ENTER: self.enter_page, Step.CHECKING: self.checking_page,
                Step.REFUSED: self.refused_page, Step.TICKET: self.ticket_page}[view.step]
        self.steps.setCurrentWidget(page)
