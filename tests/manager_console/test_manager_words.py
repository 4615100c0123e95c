"""Qt's own dialogs in the console speak Vietnamese (issue 16): Qt ships no Vietnamese for
its widgets, so the Save dialog and the calendar take the console's words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLabel,
    QWidget,
)

ENGLISH = {"Save", "&Save", "Cancel", "Look in:", "File name:", "Files of type:", "Name",
           "Size", "Type", "Date Modified", "Back", "Forward", "Parent Directory",
           "Create New Folder", "List View", "Detail View", "Open", "&Open"}


def _words(widget: QWidget) -> set[str]:
    """Every word a person can read in the widget: texts, tooltips, column headers."""
    found: set[str] = set()
    for child in widget.findChildren(QWidget):
        if not child.isVisible():
            continue
        if isinstance(child, QLabel | QAbstractButton):
            found.add(child.text().replace("&", ""))
        if child.toolTip():
            found.add(child.toolTip())
        if isinstance(child, QComboBox):
            found |= {child.itemText(i) for i in range(child.count())}
        if isinstance(child, QHeaderView):
            model = child.model()
            found |= {str(model.headerData(i, child.orientation()))
                      for i in range(child.count())}
    return {word for word in found if word}


def test_the_save_dialog_speaks_vietnamese(devices, console, qtbot, artifacts):
    built = console(devices("manager-1"))
    dialog = built.window.save_dialog("bao-cao-dich-vu_2024-05-06.xlsx",
                                      "Bảng tính Excel (*.xlsx)")
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    dialog.grab().save(str(artifacts / "save_dialog.png"))
    words = _words(dialog)
    assert dialog.windowTitle() == "Lưu tệp"
    assert {"Lưu", "Hủy", "Thư mục:", "Tên tệp:", "Kiểu tệp:", "Tên", "Kích thước", "Loại",
            "Ngày sửa", "Lùi", "Tạo thư mục mới"} <= words
    assert not ({w.replace("&", "") for w in ENGLISH} & words), words

    # in English, Qt's English comes back
    built.controller.set_lang("en")
    english = built.window.save_dialog("report.xlsx", "Excel (*.xlsx)")
    qtbot.addWidget(english)
    english.show()
    QApplication.processEvents()
    assert {"Save", "Cancel", "Name"} <= _words(english)


def test_the_calendar_names_months_and_days_in_vietnamese(devices, console, qtbot):
    built = console(devices("manager-1"))
    edit = built.window.reports.period.first
    calendar = edit.calendarWidget()
    assert isinstance(calendar, QCalendarWidget)
    assert calendar.locale().language().name == "Vietnamese"
    assert calendar.locale().monthName(5) == "tháng 5"
