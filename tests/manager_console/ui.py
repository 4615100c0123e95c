"""Driving the console through its widgets, and reading what its tables show."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QListWidget,
    QTableWidget,
    QTabWidget,
    QWidget,
)


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_tab(qtbot, tabs: QTabWidget, index: int) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def click_item(qtbot, view: QListWidget, text: str) -> None:
    """Click the list row whose text starts with `text`."""
    for row in range(view.count()):
        item = view.item(row)
        if item.text().startswith(text):
            view.scrollToItem(item)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=view.visualItemRect(item).center())
            assert view.currentItem() is item
            return
    raise AssertionError(f"no row {text!r} in {view.objectName()}")


def headers(table: QTableWidget) -> list[str]:
    return [table.horizontalHeaderItem(c).text().replace("\n", " ")
            for c in range(table.columnCount())]


def rows(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else ""
             for c in range(table.columnCount())] for r in range(table.rowCount())]


def rows_by_name(table: QTableWidget) -> dict[str, dict[str, str]]:
    """Each row as {header: cell}, keyed by its first cell."""
    names = headers(table)
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows(table)}


def type_text(widget: QWidget, text: str) -> None:
    """Type Vietnamese as an input method (Unikey, IBus) commits it: QTest's key clicks know
    ASCII only."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
