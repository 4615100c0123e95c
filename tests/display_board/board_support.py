"""Helpers shared by the board's tests: build a board on a real device client, read it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from display_board.app import Board, create_board


def start_board(qtbot, client, **options) -> Board:
    board = create_board(client, **options)
    qtbot.addWidget(board.window)
    board.window.resize(1920, 1080)
    board.window.show()
    qtbot.waitUntil(lambda: board.controller.model.config is not None, timeout=10_000)
    return board


def label(board: Board, name: str) -> str:
    widget = board.window.findChild(QLabel, name)
    assert widget is not None, f"no label {name!r} on the board"
    return widget.text()


def hero(board: Board) -> tuple[str, str]:
    return label(board, "heroNumber"), label(board, "heroCounter")


def calls(board: Board) -> list[tuple[str, str]]:
    rows = []
    for i in range(len(board.window.call_labels)):
        number = label(board, f"call_{i}_number")
        if number:
            rows.append((number, label(board, f"call_{i}_counter")))
    return rows


def tile(board: Board, counter_id: str) -> tuple[str, str]:
    return (label(board, f"counter_{counter_id}_ticket"),
            label(board, f"counter_{counter_id}_status"))


def shown_counters(board: Board) -> list[str]:
    return [row.id for row in board.controller.model.counters()
            if board.window.counter_tile(row.id) is not None]


def screenshot(board: Board, path) -> None:
    """Saves the board as shown once pending layout changes (a switch of language) are done."""
    QApplication.processEvents()
    QApplication.processEvents()
    assert board.window.grab().save(str(path))
