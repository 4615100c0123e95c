"""The ESC/POS job of a ticket: byte-exact golden jobs per profile, size, and layout data.

Golden files are rewritten with QMS_UPDATE_GOLDEN=1; look at the PNG previews before
committing new ones (a Pillow or FreeType upgrade can move raster pixels).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from drivers.printer import build_job, load_layout, render_escpos
from drivers.printer.demo import demo_ticket

GOLDEN = Path(__file__).parent / "golden"
RASTER_LIMIT = 12 * 1024
CASES = [
    ("raster", "vi"),
    ("raster", "en"),
    ("cp1258", "vi"),
    ("tcvn3", "vi"),
]


def raster_images(job: bytes) -> list[tuple[int, int]]:
    """(width, height) in dots of every GS v 0 image in a job."""
    found = []
    pos = 0
    while (pos := job.find(b"\x1dv0", pos)) >= 0:
        width_bytes = job[pos + 4] + 256 * job[pos + 5]
        height = job[pos + 6] + 256 * job[pos + 7]
        found.append((width_bytes * 8, height))
        pos += 8 + width_bytes * height
    return found


@pytest.mark.parametrize(("profile", "lang"), CASES)
def test_job_matches_golden_bytes(profile: str, lang: str) -> None:
    job = build_job(demo_ticket(lang), profile)
    golden = GOLDEN / f"ticket-{profile}-{lang}.bin"
    if os.environ.get("QMS_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(job)
        render_escpos(job).save(golden.with_suffix(".png"))
    assert job == golden.read_bytes()


@pytest.mark.parametrize(("profile", "lang"), CASES)
def test_job_is_one_ticket_from_init_to_cut(profile: str, lang: str) -> None:
    job = build_job(demo_ticket(lang), profile)
    assert job.startswith(b"\x1b@")
    assert job.endswith(b"\x1dVB\x00")
    assert job.count(b"\x1dVB\x00") == 1
    # The number in the printer's own font at 5 x 5, and the QR code by the native command.
    assert b"\x1d!\x441023\n" in job
    assert b"http://hcc.longan.local/ticket/20251121-1023" in job
    assert b"\x1d(k\x03\x001Q0" in job


def test_raster_ticket_is_small_and_draws_only_vietnamese_lines() -> None:
    job = build_job(demo_ticket("vi"), "raster")
    assert len(job) <= RASTER_LIMIT, f"raster ticket is {len(job)} bytes"
    images = raster_images(job)
    # Center name (2 lines), "SỐ THỨ TỰ", priority, service, department, 3 info lines,
    # the QR caption and the footer; the number, rules and QR are native.
    assert len(images) == 11
    assert all(width <= 576 for width, _ in images)
    assert b"-" * 48 + b"\n" in job


def test_english_ticket_needs_no_raster_at_all() -> None:
    job = build_job(demo_ticket("en"), "raster")
    assert raster_images(job) == []
    assert b"Estimated wait: about 20-35 min\n" in job
    assert len(job) < 1024


def test_code_page_profiles_send_no_raster() -> None:
    for profile in ("cp1258", "tcvn3"):
        job = build_job(demo_ticket("vi"), profile)
        assert raster_images(job) == []
        assert len(job) < 1024


def test_long_names_wrap_and_stay_on_the_paper() -> None:
    ticket = replace(
        demo_ticket("vi"),
        service_name="Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác",
        department_name="Sở Tài nguyên và Môi trường tỉnh Long An",
    )
    job = build_job(ticket, "raster")
    assert all(width <= 576 for width, _ in raster_images(job))
    assert len(raster_images(job)) > len(raster_images(build_job(demo_ticket("vi"), "raster")))
    narrow = build_job(ticket, "cp1258")
    # Large text on 80 mm paper: 24 columns, so the service name wraps by words.
    service = re.search(rb"\x1d!\x11([^\x1b\x1d]*)", narrow)
    assert service is not None
    lines = [line.decode("cp1258") for line in service.group(1).split(b"\n") if line]
    assert len(lines) >= 3
    assert all(len(unicodedata.normalize("NFC", line)) <= 24 for line in lines)


def test_ticket_without_priority_has_no_priority_line() -> None:
    with_priority = build_job(demo_ticket("en"), "raster")
    without = build_job(demo_ticket("en", priority=False), "raster")
    assert b"PRIORITY: Elderly" in with_priority
    assert b"PRIORITY" not in without


def test_paper_58mm_narrows_rules_and_raster() -> None:
    from drivers.printer.profiles import get_profile

    job = build_job(demo_ticket("vi"), get_profile("raster", paper_mm=58))
    assert b"-" * 32 + b"\n" in job
    assert b"-" * 33 not in job
    assert all(width <= 384 for width, _ in raster_images(job))


def test_layout_mistakes_name_the_block(tmp_path: Path) -> None:
    default = (Path(__file__).parents[2] / "drivers/printer/ticket_layout.toml").read_text()
    bad = tmp_path / "layout.toml"
    bad.write_text(default.replace('text = "{footer}"', 'text = "{fotter}"'))
    with pytest.raises(ValueError, match=r"blocks\[15\]\.text: unknown field \{fotter\}"):
        load_layout(bad)
    bad.write_text(default.replace("number_scale = 5", "number_scale = 9"))
    with pytest.raises(ValueError, match="number_scale"):
        load_layout(bad)


def test_a_center_can_change_its_layout(tmp_path: Path) -> None:
    default = (Path(__file__).parents[2] / "drivers/printer/ticket_layout.toml").read_text()
    custom = tmp_path / "layout.toml"
    custom.write_text(default.replace('ewt = "Estimated wait"', 'ewt = "Expected wait"'))
    job = build_job(demo_ticket("en"), "raster", load_layout(custom))
    assert b"Expected wait: about 20-35 min" in job
