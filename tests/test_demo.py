"""`qms demo --headless`: the whole center on one machine, through a short simulated morning,
writes screenshots of every app, every printed ticket, the announcements and a summary."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

from PIL import Image

from tests.support import ROOT


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
    if Path("/usr/bin/chromium").exists():
        # The web face ran too: its four pages, photographed in Chromium.
        for page in ("home", "ranking", "board", "ticket"):
            for width in (390, 1920):
                shot = Image.open(out / "screens" / f"web-end-{page}-{width}.png")
                assert shot.width == width
    wavs = sorted((out / "voice").glob("*.wav"))
    assert wavs, "no announcement was written"
    with wave.open(str(wavs[0])) as wav:
        assert wav.getnframes() / wav.getframerate() > 2
    assert "How true the printed estimated wait was" in (out / "summary.md").read_text()
