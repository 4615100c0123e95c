"""`qms demo --headless`: the whole center on one machine, through a short simulated morning,
writes screenshots of every app, every printed ticket, the announcements and a summary."""

from __future__ import annotations

import json
import subprocess
import sys
import wave

from PIL import Image

from tests.support import ROOT
from web.screenshots import CHROMIUM


def test_headless_demo_morning(tmp_path):
    out = tmp_path / "demo"
    run = subprocess.run(
        [sys.executable, "-m", "qms.cli", "--log-level", "WARNING", "demo", "--headless",
         "--out", str(out), "--citizens", "25", "--minutes", "20", "--speed", "240",
         "--shots", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    tickets = summary["tickets"]
    # The simulated citizens plus the one tapped through the kiosk window, and the booked
    # citizens' appointment tickets (a tenth of the citizens booked on the web).
    appointments = summary["appointments"]
    assert appointments["booked"] >= 1
    assert appointments["booked"] == sum(appointments.get(k, 0) for k in (
        "cancelled", "not_come", "checked_in", "checkin_too_early", "checkin_too_late"))
    checked_in = appointments.get("checked_in", 0)
    assert tickets["issued"] == 26 + checked_in and tickets["called"] >= 20
    assert summary["reports"]["service"], "the hub's report came back"
    [booked] = [sum(r["booked"] for r in summary["reports"]["appointment"])]
    assert booked == appointments["booked"]
    files = summary["files"]
    assert files["ticket_pngs"] == files["ticket_bins"] == 26 + checked_in
    for app in ("kiosk", "counter-1", "counter-2", "counter-4", "tablet-1", "board", "manager"):
        shot = Image.open(out / "screens" / f"end-{app}.png")
        assert shot.width > 300 and shot.height > 300
        assert len(shot.convert("L").getcolors(256)) > 8, f"{app} screenshot is blank"
    if CHROMIUM.exists():
        # The web face ran too: its four pages, photographed in Chromium.
        for page in ("home", "ranking", "board", "ticket"):
            for width in (390, 1920):
                shot = Image.open(out / "screens" / f"web-end-{page}-{width}.png")
                assert shot.width == width
                assert len(shot.convert("L").getcolors(256)) > 8, f"{page} at {width} is blank"
    wavs = sorted((out / "voice").glob("*.wav"))
    assert wavs, "no announcement was written"
    with wave.open(str(wavs[0])) as wav:
        assert wav.getnframes() / wav.getframerate() > 2
    assert "How true the printed estimated wait was" in (out / "summary.md").read_text()
    # The wait told is a range; the summary says how often the real wait fell inside it and
    # how wide it was, beside a plain ±50% range (a short morning: the figures are loose).
    accuracy = summary["estimate_accuracy"]
    assert 0 <= accuracy["in_range"] <= 1 and 0 <= accuracy["within_50_percent"] <= 1
    assert accuracy["median_range_width_s"] >= 60
    assert "within_20_percent" not in accuracy
    told = [t for t in summary["per_ticket"] if t["low_s"] is not None]
    assert told and all(t["low_s"] < t["high_s"] for t in told)
    assert "real wait inside the printed range" in (out / "summary.md").read_text()


# --- the windowed demo on one screen (issue 16) ----------------------------------------------

def _frame(rect, scale):
    """A window's place with its title bar and border, in the screen's pixels."""
    from qms.demo import GAP, TITLE_BAR

    x, y, w, h = rect
    return ((x - GAP / 2) * scale, (y - TITLE_BAR) * scale,
            (w + GAP) * scale, (h + TITLE_BAR + GAP / 2) * scale)


def _overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw - 0.5 and bx < ax + aw - 0.5 and ay < by + bh - 0.5 and by < ay + ah - 0.5


def test_the_demo_windows_fit_a_full_hd_screen_side_by_side():
    from qms.demo import DEMO_TITLES, demo_layout

    for screen in ((0, 0, 1920, 1080), (0, 0, 1920, 1040), (0, 40, 1920, 1040)):
        scale, places = demo_layout(screen)
        assert 0.6 <= scale <= 1.0
        assert set(places) == set(DEMO_TITLES)
        frames = {name: _frame(rect, scale) for name, rect in places.items()}
        sx, sy, sw, sh = screen
        for name, (x, y, w, h) in frames.items():
            assert sx - 3 <= x and sy - 0.5 <= y, (screen, name)
            assert x + w <= sx + sw + 3 and y + h <= sy + sh + 0.5, (screen, name)
        names = list(frames)
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                assert not _overlap(frames[first], frames[second]), (screen, first, second)
    assert list(DEMO_TITLES.values()) == ["Kiosk lấy số", "Quầy 1", "Quầy 2", "Quầy 4",
                                          "Máy đánh giá quầy 1", "Bảng gọi số", "Quản lý"]


def test_each_demo_window_is_usable_at_its_place_and_keeps_its_name(hub, devices, qtbot,
                                                                     artifacts, tmp_path):
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QApplication, QPushButton

    from counter_terminal.app import create_counter_terminal, create_tablet
    from display_board.app import create_board
    from kiosk.app import create_kiosk
    from manager_console.app import create_manager_console
    from qms.demo import DEMO_TITLES, demo_layout, place_windows

    apps = {"kiosk": create_kiosk(devices("kiosk-1"), printer=f"virtual:{tmp_path}")}
    for counter in ("1", "2", "4"):
        apps[f"counter-{counter}"] = create_counter_terminal(devices(f"counter-{counter}"))
    apps["tablet-1"] = create_tablet(devices("tablet-1"))
    apps["board"] = create_board(devices("board-hall"))
    apps["manager"] = create_manager_console(devices("manager-1"))
    windows = {name: app.window for name, app in apps.items()}
    try:
        _, places = demo_layout((0, 0, 1920, 1080))
        place_windows(windows, places)
        for window in windows.values():
            qtbot.addWidget(window)
            window.show()
        qtbot.waitUntil(lambda: apps["board"].controller.model.config is not None)
        qtbot.wait(300)  # the apps render what the hub sent: titles set again
        QApplication.processEvents()
        for name, window in windows.items():
            x, y, w, h = places[name]
            assert window.windowTitle() == DEMO_TITLES[name]
            # nothing of its content makes a window grow past its place, onto its neighbour
            hint = window.minimumSizeHint()
            assert hint.width() <= w and hint.height() <= h, (name, hint.toTuple(), (w, h))
            assert window.size().toTuple() == (w, h), name
            assert abs(window.x() - x) <= 3 and abs(window.y() - y) <= 3, name
            window.grab().save(str(artifacts / f"{name}.png"))
        kiosk = apps["kiosk"].window
        # every button of the kiosk's first screen, the priority one too, is inside it
        buttons = [b for b in kiosk.findChildren(QPushButton) if b.isVisibleTo(kiosk)]
        assert any(b.objectName() == "priority-button" for b in buttons)
        for button in buttons:
            place = QRect(button.mapTo(kiosk, QPoint(0, 0)), button.size())
            assert kiosk.rect().contains(place), button.objectName()
    finally:
        for app in apps.values():
            app.close()
        apps["manager"].controller.close()


def test_the_windowed_demo_keeps_its_spoken_wavs_like_the_headless_one(tmp_path):
    from qms.demo import voice_options

    windowed = voice_options(tmp_path, headless=False)
    headless = voice_options(tmp_path, headless=True, speed=60)
    # both write every call into the output folder; with windows it is played as well
    assert windowed.wav_dir == headless.wav_dir == tmp_path / "voice"
    assert windowed.play is True and headless.play is None
    assert headless.max_age_s == 600

