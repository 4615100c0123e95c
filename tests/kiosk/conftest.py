"""A real kiosk window on a real broker and hub, with a virtual printer in a temp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from drivers.printer import TicketPrinter, open_printer
from kiosk.app import Kiosk, create_kiosk
from kiosk.views import TileButton

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


class KioskDriver:
    """Drives a kiosk window the way a citizen does: taps on what is shown."""

    def __init__(self, kiosk: Kiosk, qtbot: Any, printer_dir: Path, artifacts: Path) -> None:
        self.kiosk, self.qtbot = kiosk, qtbot
        self.window = kiosk.window
        self.printer_dir, self.artifacts = printer_dir, artifacts

    @property
    def page(self) -> str:
        return self.window.pages.currentWidget().objectName()

    def wait_page(self, name: str, timeout: int = 10_000) -> None:
        self.qtbot.waitUntil(lambda: self.page == name, timeout=timeout)

    def find(self, name: str, kind: type[QWidget] = QWidget) -> QWidget:
        widget = self.window.findChild(kind, name)
        assert widget is not None, f"no widget named {name!r}"
        return widget

    def tile(self, kind: str, tile_id: str) -> TileButton:
        return self.find(f"tile-{kind}-{tile_id}", TileButton)  # type: ignore[return-value]

    def tile_text(self, kind: str, tile_id: str) -> list[str]:
        return self.tile(kind, tile_id).text_lines()

    def tap(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget.objectName()} is not on screen"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def tap_named(self, name: str) -> None:
        """The visible widget of that name (back buttons exist once per page)."""
        shown = [w for w in self.window.findChildren(QWidget, name) if w.isVisible()]
        assert len(shown) == 1, f"{len(shown)} visible widgets named {name!r}"
        self.tap(shown[0])

    def visible_texts(self) -> list[str]:
        """Every text on screen now, labels and buttons, top to bottom as laid out."""
        return [w.text() for w in self.window.findChildren(QWidget)
                if isinstance(w, QLabel | QPushButton) and w.isVisible() and w.text()]

    def screen_text(self) -> str:
        return "\n".join(self.visible_texts())

    def shot(self, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        self.window.grab().save(str(path))
        return path

    def printed(self) -> list[Path]:
        return sorted(self.printer_dir.glob("ticket-*.bin"))


@pytest.fixture
def printer_dir(tmp_path: Path) -> Path:
    return tmp_path / "printer"


@pytest.fixture
def make_kiosk(devices, qtbot, printer_dir, artifacts) -> Callable[..., KioskDriver]:
    """make_kiosk(size=PORTRAIT, printer=None, **create_kiosk options) -> a shown kiosk."""
    made: list[Kiosk] = []

    def make(*, size: tuple[int, int] = PORTRAIT, printer: TicketPrinter | None = None,
             device: str = "kiosk-1", **options: Any) -> KioskDriver:
        client = devices(device)
        options.setdefault("printer_poll_s", 0.2)
        kiosk = create_kiosk(client, printer=printer or open_printer(f"virtual:{printer_dir}"),
                             **options)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(*size)
        kiosk.window.show()
        driver = KioskDriver(kiosk, qtbot, printer_dir, artifacts)
        return driver

    yield make
    for kiosk in made:
        kiosk.stop()
