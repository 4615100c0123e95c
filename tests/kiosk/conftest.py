"""A real kiosk window on a real broker and hub, with a virtual printer in a temp folder."""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from broker.wire.device_client import DeviceClient
from broker.wire.protocol import DeviceStatus, ServiceState, decode
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

    def until(self, predicate: Callable[[], object], timeout: int = 10_000) -> None:
        """Waits while the kiosk's event loop runs (a bare sleep would freeze the kiosk)."""
        self.qtbot.waitUntil(lambda: bool(predicate()), timeout=timeout)

    def wait_ready(self) -> None:
        """The start screen, with every department's figures in from the hub."""
        self.wait_page("page-start")
        tiles = self.window.departments.tiles
        self.qtbot.waitUntil(lambda: bool(tiles) and all(
            "Đang cập nhật" not in button.text_lines() for button in tiles.values()))

    def find(self, name: str, kind: type[QWidget] = QWidget) -> QWidget:
        widget = self.window.findChild(kind, name)
        assert widget is not None, f"no widget named {name!r}"
        return widget

    def tile(self, kind: str, tile_id: str) -> TileButton:
        return self.find(f"tile-{kind}-{tile_id}", TileButton)  # type: ignore[return-value]

    def tile_text(self, kind: str, tile_id: str) -> list[str]:
        return self.tile(kind, tile_id).text_lines()

    def settle(self) -> None:
        """Waits, as a person does, until nothing on screen has moved for a moment: a tap
        sooner does nothing (`kiosk.views.SETTLE_S`)."""
        self.qtbot.waitUntil(self.window.layout_watch.settled, timeout=5_000)

    def tap(self, widget: QWidget) -> None:
        """A tap once the screen has settled."""
        assert widget.isVisible(), f"{widget.objectName()} is not on screen"
        self.settle()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def open_department(self, department: str) -> None:
        """Tap a department of several services and wait for its services' page."""
        self.tap(self.tile("department", department))
        self.wait_page("page-services")

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
        QApplication.processEvents()  # pending layout passes, as the event loop would run them
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
             device: str = "kiosk-1", client_options: dict[str, Any] | None = None,
             **options: Any) -> KioskDriver:
        client = devices(device, **(client_options or {}))
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
        kiosk.close()


class StatusWatch:
    """The retained `status` a device publishes, as the manager console reads it."""

    def __init__(self, client: DeviceClient, device_id: str) -> None:
        self.status: DeviceStatus | None = None
        client.subscribe(client.topics.device_status(device_id), self._on_message)

    def _on_message(self, message: Any) -> None:
        if message.payload:
            self.status = decode(message.payload, DeviceStatus)

    def health(self) -> dict[str, Any]:
        return self.status.health if self.status else {}


def service_state(client: DeviceClient, service: str) -> ServiceState | None:
    return client.cached(client.topics.service_state(service))


def escpos_text(job: bytes) -> list[str]:
    """The text lines of an ESC/POS job in a CP1258 code page, read with this test's own small
    parser (not the driver's decoder): commands skipped by their known lengths, images and QR
    payloads skipped whole, tone marks composed as a Vietnamese printer shows them."""
    lines: list[str] = []
    line = bytearray()
    i = 0
    fixed = {b"\x1b@": 0, b"\x1bt": 1, b"\x1ba": 1, b"\x1bE": 1, b"\x1bJ": 1, b"\x1bd": 1,
             b"\x1b!": 1, b"\x1bM": 1, b"\x1b-": 1, b"\x1bG": 1, b"\x1d!": 1, b"\x1dB": 1}
    while i < len(job):
        two = job[i:i + 2]
        if two in fixed:
            i += 2 + fixed[two]
        elif job[i:i + 3] == b"\x1dv0":  # raster image: m xL xH yL yH, then the dots
            width, height = job[i + 4] + 256 * job[i + 5], job[i + 6] + 256 * job[i + 7]
            i += 8 + width * height
        elif job[i:i + 3] == b"\x1d(k":  # QR: pL pH, then that many bytes
            size = job[i + 3] + 256 * job[i + 4]
            payload = job[i + 5:i + 5 + size]
            if payload[:3] == b"1P0":
                lines.append("QR:" + payload[3:].decode("ascii"))
            i += 5 + size
        elif two == b"\x1dV":  # cut: GS V m [n]
            i += 4 if job[i + 2] in (65, 66, 97, 98, 103, 104) else 3
        elif job[i] == 0x0A:
            lines.append(unicodedata.normalize("NFC", line.decode("cp1258")).strip())
            line.clear()
            i += 1
        elif job[i] < 0x20:
            raise AssertionError(f"unexpected control byte {job[i]:#x} at {i}: {job[i:i + 8]!r}")
        else:
            line.append(job[i])
            i += 1
    return [text for text in lines if text]


def ocr(png: Path) -> str:
    """What tesseract reads on a picture, in Vietnamese."""
    done = subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True,
                          text=True, check=True, timeout=60)
    return unicodedata.normalize("NFC", done.stdout)
