"""The terminal and the tablet as real windows on a real broker and hub, driven through their
widgets the way an officer and a citizen use them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QToolButton, QWidget

from broker.wire.device_client import DeviceClient
from counter_terminal.app import (
    CounterTerminal,
    RatingTablet,
    create_counter_terminal,
    create_tablet,
)
from tests.support import DEMO_PIN, wait_for


def eventually(check: Callable[[], object], what: str) -> None:
    """What the hub recorded reaches an observer a moment after the app's own reply and state:
    wait for it (a check may meet a ticket not there yet: that is "not yet")."""

    def holds() -> bool:
        try:
            return bool(check())
        except (AttributeError, TypeError):
            return False

    wait_for(holds, timeout=10, what=what)


class Screen:
    """What a person sees and taps: named widgets, their text, their state."""

    def __init__(self, window: QWidget, qtbot: Any, artifacts: Path) -> None:
        self.window, self.qtbot, self.artifacts = window, qtbot, artifacts

    def find(self, name: str) -> QWidget:
        widget = self.window.findChild(QWidget, name)
        assert widget is not None, f"no widget named {name!r}"
        return widget

    def text(self, name: str) -> str:
        widget = self.find(name)
        assert isinstance(widget, QLabel | QPushButton | QToolButton)
        return widget.text()

    def enabled(self, name: str) -> bool:
        return self.find(name).isEnabled()

    @property
    def page(self) -> str:
        return self.window.pages.currentWidget().objectName()  # type: ignore[attr-defined]

    def wait(self, predicate: Callable[[], object], what: str = "the screen",
             timeout: int = 10_000) -> None:
        try:
            self.qtbot.waitUntil(lambda: bool(predicate()), timeout=timeout)
        except AssertionError:
            raise AssertionError(f"timed out waiting for {what}; screen:\n"
                                 f"{self.visible_text()}") from None

    def wait_page(self, name: str, timeout: int = 10_000) -> None:
        self.wait(lambda: self.page == name, f"page {name}", timeout)

    def tap(self, name: str) -> None:
        widget = self.find(name)
        assert widget.isVisible(), f"{name} is not on screen"
        assert widget.isEnabled(), f"{name} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def visible_text(self) -> str:
        return "\n".join(w.text() for w in self.window.findChildren(QWidget)
                         if isinstance(w, QLabel | QPushButton | QToolButton)
                         and w.isVisible() and w.text())

    def shot(self, name: str) -> Path:
        # A text change lays the window out again only once the posted events run.
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        path = self.artifacts / f"{name}.png"
        self.window.grab().save(str(path))
        return path


class TerminalScreen(Screen):
    def __init__(self, terminal: CounterTerminal, client: DeviceClient, qtbot: Any,
                 artifacts: Path) -> None:
        super().__init__(terminal.window, qtbot, artifacts)
        self.terminal, self.client = terminal, client

    def ready(self) -> bool:
        """Nothing in flight: the last command answered and its state arrived."""
        return not self.terminal.controller.snapshot.busy

    def sign_in(self, *, then_enabled: str | None = None) -> None:
        """The officer the sign-in page offers first signs in with the demo PIN; then, if
        named, wait for that button to come on (the counter's state has arrived)."""
        self.wait_page("signin_page")
        self.terminal.window.pin_input.setText(DEMO_PIN)
        self.tap("signin_button")
        if then_enabled is not None:
            self.wait(lambda: self.enabled(then_enabled), f"{then_enabled} enabled")

    def wait_ticket(self, number: str) -> None:
        self.wait(lambda: self.text("ticket_number") == number and self.ready(),
                  f"ticket {number} on screen")

    def pick(self, text: str) -> None:
        """Choose the picker's line that starts with `text`, then confirm."""
        picker = self.terminal.window.pick_list
        self.wait(lambda: any(picker.item(i).text().startswith(text)
                              for i in range(picker.count())), f"{text!r} in the picker")
        row = next(i for i in range(picker.count()) if picker.item(i).text().startswith(text))
        rect = picker.visualItemRect(picker.item(row))
        self.qtbot.mouseClick(picker.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert picker.selectedItems()[0].text().startswith(text)
        self.tap("pick_ok")


@pytest.fixture
def terminal(devices, qtbot, artifacts) -> Iterator[Callable[..., TerminalScreen]]:
    made: list[CounterTerminal] = []

    def make(device_id: str = "counter-5", **options: Any) -> TerminalScreen:
        client = devices(device_id)
        wait_for(lambda: client.config is not None, what="the retained config")
        built = create_counter_terminal(client, **options)
        made.append(built)
        qtbot.addWidget(built.window)
        built.window.show()
        return TerminalScreen(built, client, qtbot, artifacts)

    yield make
    for built in made:
        built.close()


class TabletScreen(Screen):
    def __init__(self, tablet: RatingTablet, qtbot: Any, artifacts: Path) -> None:
        super().__init__(tablet.window, qtbot, artifacts)
        self.tablet = tablet

    def levels_shown(self) -> bool:
        return any(b.isVisible() for b in self.tablet.window.level_buttons.values())


@pytest.fixture
def tablet(devices, qtbot, artifacts) -> Callable[..., TabletScreen]:
    def make(device_id: str = "tablet-5", **options: Any) -> TabletScreen:
        client = devices(device_id)
        built = create_tablet(client, **options)
        qtbot.addWidget(built.window)
        built.window.show()
        return TabletScreen(built, qtbot, artifacts)

    return make
