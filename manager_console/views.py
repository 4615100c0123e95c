"""The manager console's window: a connection banner, four pages, and a line for notices."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from manager_console.appointments_page import AppointmentsPage
from manager_console.appointments_page import text as appointment_text
from manager_console.control_page import ControlPage
from manager_console.controller import ManagerController
from manager_console.hall_page import HallPage
from manager_console.qt_words import QtVietnamese
from manager_console.ratings_page import RatingsPage
from manager_console.reports_page import ReportsPage
from manager_console.texts import text
from manager_console.widgets import FONT_POINTS, STYLE, button, label, set_flag
from qtkit.fonts import app_font

WINDOW_SIZE = (1600, 960)
OFFICE_SCREEN = (1366, 768)  # the smallest screen the console is laid out for


def opening_size(available: tuple[int, int] | None) -> tuple[int, int]:
    """The console's size on a screen with this free area: its own size, or the screen's on
    an office screen smaller than that (a window larger than its screen hides its edges).
    A screen smaller still (a test's virtual one) gets the console's own size."""
    if available is None or available[0] < OFFICE_SCREEN[0] - 100:
        return WINDOW_SIZE
    return min(WINDOW_SIZE[0], available[0]), min(WINDOW_SIZE[1], available[1])


class ManagerWindow(QMainWindow):
    def __init__(self, controller: ManagerController) -> None:
        super().__init__()
        self.setObjectName("managerWindow")
        self.controller = controller
        self.setFont(app_font(point_size=FONT_POINTS))
        self.setStyleSheet(STYLE)
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        self.resize(*opening_size((free.width(), free.height()) if free is not None else None))
        self.qt_words = QtVietnamese()  # Qt's own dialogs speak the console's language

        self.title = label("title", "title")
        self.clock = label("clock", "clock")
        self.lang_button = button("langButton", "quiet")
        self.lang_button.setMinimumWidth(170)  # fits both "English" and "Tiếng Việt"
        self.lang_button.clicked.connect(
            lambda: controller.set_lang("en" if controller.lang == "vi" else "vi"))
        self.banner = label("connectionBanner", "banner", wrap=True)
        self.notice = label("noticeLabel", "notice", wrap=True)
        self.notice.hide()

        self.hall = HallPage(controller)
        self.control = ControlPage(controller)
        self.reports = ReportsPage(controller, self._choose)
        self.ratings = RatingsPage(controller, self._choose)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        for page in (self.hall, self.control, self.reports, self.ratings):
            self.tabs.addTab(page, "")
        self.appointments = AppointmentsPage(controller, self._choose)
        self.tabs.addTab(self.appointments, "")

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.clock)
        top.addWidget(self.lang_button)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.notice)
        self.setCentralWidget(central)

        controller.lang_changed.connect(self.retranslate)
        controller.config_changed.connect(self._on_config)
        controller.connection_changed.connect(self._render_connection)
        controller.hall_changed.connect(self._on_hall)
        controller.board_changed.connect(self.control.render)
        controller.health_changed.connect(self.hall.render_devices)
        controller.tick.connect(self._on_tick)
        controller.report_changed.connect(self.reports.render)
        controller.report_loading.connect(self.reports.set_loading)
        controller.ranking_changed.connect(self.ratings.render)
        controller.ranking_loading.connect(self.ratings.set_loading)
        controller.notice.connect(self._show_notice)
        self._on_config()

    def choose_save_path(self, suggested: str, file_filter: str) -> str | None:
        """Ask where to save; replaceable (tests, kiosks without a file dialog)."""
        dialog = self.save_dialog(suggested, file_filter)
        chosen = dialog.selectedFiles() if dialog.exec() else []
        return chosen[0] if chosen else None

    def save_dialog(self, suggested: str, file_filter: str) -> QFileDialog:
        """Qt's own Save dialog (not the desktop's, whose words the console cannot set), in
        the console's language."""
        lang = self.controller.lang
        dialog = QFileDialog(self, text("save_title", lang), str(Path.home() / suggested),
                             file_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setLocale(self.locale())
        for which, key in ((QFileDialog.DialogLabel.LookIn, "save_look_in"),
                           (QFileDialog.DialogLabel.FileName, "save_file_name"),
                           (QFileDialog.DialogLabel.FileType, "save_file_type"),
                           (QFileDialog.DialogLabel.Accept, "save_accept"),
                           (QFileDialog.DialogLabel.Reject, "save_reject")):
            dialog.setLabelText(which, text(key, lang))
        dialog.resize(900, 560)  # the columns' names whole
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        self.qt_words.set_lang("en")  # Qt's own words are the process's: give them back
        super().closeEvent(event)

    def _choose(self, suggested: str, file_filter: str) -> str | None:
        return self.choose_save_path(suggested, file_filter)

    # --- rendering --------------------------------------------------------------------------

    def _on_config(self) -> None:
        self.control.rebuild()
        self.retranslate()

    def retranslate(self) -> None:
        c, lang = self.controller, self.controller.lang
        self.qt_words.set_lang(lang)
        # Dates (the calendar's months and weekdays) as the language writes them.
        self.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
                       if lang == "en" else
                       QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
        center = c.config.center.name.get(lang) if c.config else ""
        self.setWindowTitle(text("window_title", lang, center=center))
        self.title.setText(center or text("waiting_config", lang))
        self.lang_button.setText(text("switch_language", lang))
        for index, key in enumerate(("tab_hall", "tab_control", "tab_reports", "tab_ratings")):
            self.tabs.setTabText(index, text(key, lang))
        self.tabs.setTabText(self.tabs.indexOf(self.appointments), appointment_text("tab", lang))
        self.control.retranslate()
        self.reports.retranslate()
        self.ratings.retranslate()
        self._on_hall()
        self.hall.render_devices()
        self._render_connection()
        self._on_tick()

    def _on_hall(self) -> None:
        self.hall.render_hall()
        self.control.render()

    def _on_tick(self) -> None:
        self.clock.setText(self.controller.local(self.controller.now()).strftime("%H:%M:%S"))
        self.hall.render_hall()
        self.control.render_issuing()  # a held-back stop counts down

    def _render_connection(self) -> None:
        c, lang = self.controller, self.controller.lang
        if not c.connected and not c.ever_connected:
            self.banner.setText(text("connecting", lang))
            set_flag(self.banner, "level", "warning")
            self.banner.show()
        elif not c.connected:
            self.banner.setText(text("disconnected", lang))
            set_flag(self.banner, "level", "problem")
            self.banner.show()
        elif not c.hub_online:
            self.banner.setText(text("hub_offline", lang))
            set_flag(self.banner, "level", "warning")
            self.banner.show()
        elif c.clock_behind_s > 0:
            self.banner.setText(text("clock_behind", lang,
                                     minutes=max(1, round(c.clock_behind_s / 60))))
            set_flag(self.banner, "level", "warning")
            self.banner.show()
        else:
            self.banner.hide()
        self.control.set_enabled(c.can_command)
        self.reports.set_enabled(c.can_command)
        self.ratings.set_enabled(c.can_command)
        self.appointments.setEnabled(c.can_command)

    def _show_notice(self, words: str, error: bool) -> None:
        stamp = self.controller.local(self.controller.now()).strftime("%H:%M:%S")
        self.notice.setText(f"{stamp}  {words}")
        set_flag(self.notice, "error", error)
        self.notice.show()
