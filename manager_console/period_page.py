"""What the pages that save files share: the controller and the save-path chooser; and, for
the pages of figures over a period (reports, ratings), the period bar with its load and export
buttons and the status line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QVBoxLayout, QWidget

from manager_console.controller import ManagerController
from manager_console.period_bar import PeriodBar
from manager_console.texts import text
from manager_console.widgets import button, label

# (suggested file name, filter) -> the chosen path, or None: the window's dialog, a test's stub.
SavePathChooser = Callable[[str, str], str | None]


class SavingPage(QWidget):
    def __init__(self, name: str, controller: ManagerController,
                 choose_save_path: SavePathChooser) -> None:
        super().__init__()
        self.setObjectName(name)
        self.controller = controller
        self.choose_save_path = choose_save_path


class PeriodPage(SavingPage):
    """A page adds the buttons to `self.period` in its own order; it says what its status line
    shows (`_status`) and what its export button writes (`_export`)."""

    def __init__(self, name: str, controller: ManagerController,
                 choose_save_path: SavePathChooser, *, period: str, load_button: str,
                 export_button: str, status: str, load: Callable[[date, date], None]) -> None:
        super().__init__(name, controller, choose_save_path)
        self.period = PeriodBar(period, controller.today)
        self.load_button = button(load_button)
        self.export_button = button(export_button, "quiet")
        self.load_button.clicked.connect(lambda: load(*self.period.period()))
        self.export_button.clicked.connect(self._export)
        self.status = label(status, "section")
        # The page's column: the period bar and the status line, then what the page adds.
        self.column = QVBoxLayout(self)
        self.column.addWidget(self.period)
        self.column.addWidget(self.status)

    def _retranslate_bar(self, load: str, export: str) -> str:
        """The period bar and its two buttons (their words' keys) in the console's language,
        which is returned for the rest of the page."""
        lang = self.controller.lang
        self.period.retranslate(lang)
        self.load_button.setText(text(load, lang))
        self.export_button.setText(text(export, lang))
        return lang

    def set_loading(self, loading: bool) -> None:
        self.load_button.setEnabled(not loading and self.controller.can_command)
        self.status.setText(text("loading", self.controller.lang) if loading else self._status())

    def set_enabled(self, enabled: bool) -> None:
        self.load_button.setEnabled(enabled)

    def _nothing_to_export(self, figures: object | None) -> bool:
        """No figures loaded yet: the manager is told so, and there is nothing to write."""
        if figures is None:
            self.controller.notice.emit(text("export_nothing", self.controller.lang), True)
        return figures is None

    def _status(self) -> str:
        raise NotImplementedError

    def _export(self) -> None:
        raise NotImplementedError
