"""Control: open, pause and close counters, choose and order their services, stop or resume a
service's issuing, and put a running message on the boards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from manager_console.controller import ManagerController
from manager_console.hall import CounterRow
from manager_console.texts import text
from manager_console.widgets import LEVEL_COLORS, button, fill_table, label, set_flag, table

ID = Qt.ItemDataRole.UserRole


class ControlPage(QWidget):
    def __init__(self, controller: ManagerController) -> None:
        super().__init__()
        self.setObjectName("controlPage")
        self.controller = controller
        self.selected: str | None = None
        self._services_edited = False  # the list differs from the hub's and is the manager's
        self._filling = False

        self.counters_title = label(kind="section")
        self.counter_list = QListWidget()
        self.counter_list.setObjectName("counterList")
        self.counter_list.currentItemChanged.connect(self._on_counter_chosen)

        self.editor = QGroupBox()
        self.editor.setObjectName("counterEditor")
        self.counter_status = label("counterStatus", "section", wrap=True)
        self.counter_status.setMinimumHeight(60)
        self.officer_label = label()
        self.officer_combo = QComboBox()
        self.officer_combo.setObjectName("officerCombo")
        self.open_button = button("openCounterButton")
        self.pause_button = button("pauseCounterButton", "quiet")
        self.close_button = button("closeCounterButton", "danger")
        self.open_button.clicked.connect(self._open)
        self.pause_button.clicked.connect(self._pause)
        self.close_button.clicked.connect(self._close)
        self.services_label = label(wrap=True)
        self.services_list = QListWidget()
        self.services_list.setObjectName("servicesList")
        self.services_list.itemChanged.connect(self._on_service_ticked)
        self.up_button = button("moveUpButton", "quiet")
        self.down_button = button("moveDownButton", "quiet")
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.apply_button = button("applyServicesButton")
        self.apply_button.clicked.connect(self._apply)
        self.hint = label(wrap=True)

        buttons = QHBoxLayout()
        for widget in (self.open_button, self.pause_button, self.close_button):
            buttons.addWidget(widget)
        moves = QHBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        moves.addWidget(self.apply_button)
        editor = QVBoxLayout(self.editor)
        editor.addWidget(self.counter_status)
        officer = QHBoxLayout()
        officer.addWidget(self.officer_label)
        officer.addWidget(self.officer_combo, 1)
        editor.addLayout(officer)
        editor.addLayout(buttons)
        editor.addWidget(self.services_label)
        editor.addWidget(self.services_list, 1)
        editor.addLayout(moves)
        editor.addWidget(self.hint)

        self.issuing_box = QGroupBox()
        self.issuing_table = table("issuingTable")
        self.issuing_table.verticalHeader().setDefaultSectionSize(36)
        QVBoxLayout(self.issuing_box).addWidget(self.issuing_table)
        self._issuing_buttons: dict[str, QPushButton] = {}

        self.message_box = QGroupBox()
        self.current_message = label("currentMessage", wrap=True)
        # room for two lines: a wrapped label's height is not always asked for in time
        self.current_message.setMinimumHeight(56)
        self.message_edit = QLineEdit()
        self.message_edit.setObjectName("messageEdit")
        self.message_edit.setMaxLength(300)
        self.minutes_label = label(wrap=True)
        self.message_minutes = QSpinBox()
        self.message_minutes.setObjectName("messageMinutes")
        self.message_minutes.setRange(0, 24 * 60)
        self.message_minutes.setMinimumWidth(110)
        self.send_button = button("sendMessageButton")
        self.clear_button = button("clearMessageButton", "quiet")
        self.send_button.clicked.connect(self._send_message)
        self.message_edit.returnPressed.connect(self._send_message)
        self.clear_button.clicked.connect(self.controller.clear_message)
        message = QVBoxLayout(self.message_box)
        message.addWidget(self.current_message)
        message.addWidget(self.message_edit)
        minutes = QHBoxLayout()
        minutes.addWidget(self.minutes_label, 1)
        minutes.addWidget(self.message_minutes)
        message.addLayout(minutes)
        send = QHBoxLayout()
        send.addStretch(1)
        send.addWidget(self.send_button)
        send.addWidget(self.clear_button)
        message.addLayout(send)

        left = QVBoxLayout()
        left.addWidget(self.counters_title)
        left.addWidget(self.counter_list, 1)
        right = QVBoxLayout()
        right.addWidget(self.issuing_box, 1)
        right.addWidget(self.message_box)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addWidget(self.editor, 3)
        layout.addLayout(right, 3)

    # --- rendering --------------------------------------------------------------------------

    def retranslate(self) -> None:
        lang = self.controller.lang
        self.counters_title.setText(text("counters_title", lang))
        self.editor.setTitle(text("counter_editor", lang))
        self.officer_label.setText(text("officer", lang))
        self.open_button.setText(text("open_counter", lang))
        self.pause_button.setText(text("pause_counter", lang))
        self.close_button.setText(text("close_counter", lang))
        self.services_label.setText(text("counter_services", lang))
        self.up_button.setText(text("move_up", lang))
        self.down_button.setText(text("move_down", lang))
        self.apply_button.setText(text("apply_services", lang))
        self.hint.setText(text("assign_hint", lang))
        self.issuing_box.setTitle(text("issuing_title", lang))
        self.message_box.setTitle(text("message_title", lang))
        self.message_edit.setPlaceholderText(text("message_placeholder", lang))
        self.minutes_label.setText(text("message_minutes", lang))
        self.send_button.setText(text("send_message", lang))
        self.clear_button.setText(text("clear_message", lang))
        for row in range(self.services_list.count()):
            item = self.services_list.item(row)
            item.setText(self.controller.service_label(item.data(ID)))

    def rebuild(self) -> None:
        """After a new config: every list from scratch."""
        config = self.controller.config
        self.counter_list.clear()
        self.officer_combo.clear()
        self._issuing_buttons.clear()
        self.issuing_table.setRowCount(0)
        if config is None:
            return
        for counter in config.counters:
            item = QListWidgetItem()
            item.setData(ID, counter.id)
            self.counter_list.addItem(item)
        for officer in config.officers:
            self.officer_combo.addItem(officer.name, officer.id)
        self.render()
        if self.counter_list.count():
            self.counter_list.setCurrentRow(0)

    def render(self) -> None:
        rows = {row.id: row for row in self.controller.counter_rows()}
        for index in range(self.counter_list.count()):
            item = self.counter_list.item(index)
            row = rows.get(item.data(ID))
            if row is None:
                continue
            words = [row.name, row.status_text] + ([row.officer] if row.officer else [])
            item.setText(" · ".join(words))
            background, foreground = LEVEL_COLORS[row.level]
            item.setBackground(QBrush(QColor(background)))
            item.setForeground(QBrush(QColor(foreground)))
        self._render_editor(rows.get(self.selected) if self.selected else None)
        self.render_issuing()
        self._render_message()
        self.set_enabled(self.controller.can_command)

    def set_enabled(self, enabled: bool) -> None:
        row = next((r for r in self.controller.counter_rows() if r.id == self.selected), None)
        status = row.status if row else "closed"
        self.open_button.setEnabled(enabled and row is not None)
        self.pause_button.setEnabled(enabled and status == "open")
        self.close_button.setEnabled(enabled and status != "closed")
        self.apply_button.setEnabled(enabled and row is not None)
        self.send_button.setEnabled(enabled)
        self.clear_button.setEnabled(enabled)
        for issuing in self._issuing_buttons.values():
            issuing.setEnabled(enabled)

    def _render_editor(self, row: CounterRow | None) -> None:
        if row is None:
            self.counter_status.setText("")
            return
        words = [row.name, row.status_text, row.officer, row.ticket]
        self.counter_status.setText(" — ".join(w for w in words if w))
        if not self._services_edited and self._listed_services() != list(row.services):
            self._fill_services(row.services)
        elif self._listed_services() == list(row.services):
            self._services_edited = False  # the hub has what the manager set

    def _fill_services(self, chosen: tuple[str, ...]) -> None:
        config = self.controller.config
        assert config is not None
        others = [s.id for s in config.services if s.id not in chosen]
        self._filling = True
        self.services_list.clear()
        for service_id in (*chosen, *others):
            item = QListWidgetItem(self.controller.service_label(service_id))
            item.setData(ID, service_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if service_id in chosen
                               else Qt.CheckState.Unchecked)
            self.services_list.addItem(item)
        self._filling = False
        self._services_edited = False

    def _listed_services(self) -> list[str]:
        items = (self.services_list.item(i) for i in range(self.services_list.count()))
        return [item.data(ID) for item in items if item.checkState() == Qt.CheckState.Checked]

    def render_issuing(self) -> None:
        lang = self.controller.lang
        rows = self.controller.service_rows()
        held = {row.id: self.controller.stop_held_s(row.id) for row in rows}
        fill_table(self.issuing_table, [text("col_service", lang), text("col_issuing", lang), ""],
                   [[row.name, row.issuing if held[row.id] is None else
                     text("issuing_held", lang, seconds=held[row.id]), ""] for row in rows],
                   levels=[row.level for row in rows])
        for index, row in enumerate(rows):
            action = self._issuing_buttons.get(row.id)
            if action is None:
                action = button(f"issuing_{row.id}")
                action.clicked.connect(lambda _=False, s=row.id: self._toggle_issuing(s))
                self.issuing_table.setCellWidget(index, 2, action)
                self._issuing_buttons[row.id] = action
            resume = row.manager_closed
            if held[row.id] is not None:
                action.setText(text("undo_stop", lang, seconds=held[row.id]))
                set_flag(action, "role", "quiet")
                continue
            action.setText(text("start_issuing" if resume else "stop_issuing", lang))
            set_flag(action, "role", "" if resume else "danger")

    def _render_message(self) -> None:
        lang = self.controller.lang
        board = self.controller.board
        notice = board.message if board else None
        if notice is None:
            self.current_message.setText(text("message_none", lang))
        elif notice.until is not None:
            until = self.controller.local(notice.until).strftime("%H:%M")
            self.current_message.setText(text("message_until", lang, time=until,
                                              text=notice.text))
        else:
            self.current_message.setText(text("message_now", lang, text=notice.text))

    # --- actions ----------------------------------------------------------------------------

    def _on_counter_chosen(self, current: QListWidgetItem | None, _: object) -> None:
        self.selected = current.data(ID) if current else None
        self._services_edited = False
        row = next((r for r in self.controller.counter_rows() if r.id == self.selected), None)
        if row is None:
            return
        self._fill_services(row.services)
        config = self.controller.config
        configured = config.counter(row.id) if config else None
        state = self.controller.counters.get(row.id)
        officer = (state.officer if state else None) or (configured.officer if configured
                                                         else None)
        index = self.officer_combo.findData(officer)
        if index >= 0:
            self.officer_combo.setCurrentIndex(index)
        self.render()

    def _on_service_ticked(self, _: QListWidgetItem) -> None:
        if not self._filling:
            self._services_edited = True

    def _move(self, step: int) -> None:
        row = self.services_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.services_list.count():
            return
        self._filling = True
        item = self.services_list.takeItem(row)
        self.services_list.insertItem(target, item)
        self._filling = False
        self.services_list.setCurrentRow(target)
        self._services_edited = True

    def _apply(self) -> None:
        if self.selected is not None:
            self.controller.assign(self.selected, self._listed_services())

    def _open(self) -> None:
        if self.selected is not None:
            self.controller.open_counter(self.selected, self.officer_combo.currentData())

    def _pause(self) -> None:
        if self.selected is not None:
            self.controller.pause_counter(self.selected)

    def _close(self) -> None:
        if self.selected is not None:
            self.controller.close_counter(self.selected)

    def _toggle_issuing(self, service_id: str) -> None:
        if self.controller.stop_held_s(service_id) is not None:
            self.controller.undo_stop(service_id)
            return
        row = next((r for r in self.controller.service_rows() if r.id == service_id), None)
        if row is not None:
            self.controller.set_issuing(service_id, issuing=row.manager_closed)

    def _send_message(self) -> None:
        self.controller.send_message(self.message_edit.text(), self.message_minutes.value())
