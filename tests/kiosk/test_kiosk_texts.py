"""What the tiles say, from the config and the hub's service state, without a screen."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from broker.wire.protocol import ServiceState
from kiosk import model, texts
from tests.support import CONFIG

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY_NOON = datetime(2025, 11, 22, 12, 30, tzinfo=TZ)
DATDAI = CONFIG.service("datdai")


@pytest.mark.parametrize(("told", "vi", "en"), [
    ((0, 60), "Chờ dưới 1 phút", "Under 1 min wait"),
    ((0, 300), "Chờ dưới 5 phút", "Under 5 min wait"),
    ((120, 420), "Chờ khoảng 2-7 phút", "About 2-7 min wait"),
    ((600, 1200), "Chờ khoảng 10-20 phút", "About 10-20 min wait"),
    ((7200, 14400), "Chờ khoảng 2-4 giờ", "About 2-4 h wait"),
    (None, "Chưa có quầy phục vụ", "No counter open yet"),
])
def test_the_wait_is_a_range_or_says_no_counter_serves(told, vi, en):
    assert texts.wait_time(told, "vi") == vi
    assert texts.wait_time(told, "en") == en


def closed(reason: str, opens_at: datetime | None = None) -> ServiceState:
    return ServiceState(id="datdai", open=False, closed_reason=reason, opens_at=opens_at)


def test_why_closed_and_when_it_opens():
    lines = model.closed_lines(DATDAI, closed("hours", datetime(2025, 11, 22, 6, 0,
                                                                  tzinfo=ZoneInfo("UTC"))),
                               CONFIG, "vi", SATURDAY_NOON)
    assert lines == ("Ngoài giờ cấp số", "Mở lại lúc 13:00")  # the hub's time, shown locally
    monday = datetime(2025, 11, 24, 7, 0, tzinfo=TZ)
    assert model.closed_lines(DATDAI, closed("hours", monday), CONFIG, "en", SATURDAY_NOON) == (
        "Outside issuing hours", "Opens Monday 24/11 at 07:00")
    # No time from the hub for a used-up range: the next open day, from the config's hours.
    assert model.closed_lines(DATDAI, closed("daily_limit"), CONFIG, "vi", SATURDAY_NOON) == (
        "Đã hết số hôm nay", "Mở lại lúc 07:00, Thứ Hai 24/11")
    assert model.closed_lines(DATDAI, closed("manager"), CONFIG, "vi", SATURDAY_NOON) == (
        "Tạm ngừng cấp số", "Xin hỏi bàn hướng dẫn")


def test_department_tiles():
    states = {
        "datdai": ServiceState(id="datdai", open=True, waiting=3, ewt_s=900, ewt_low_s=600,
                               ewt_high_s=1200),
        "moitruong": closed("manager"),
        "khcn": ServiceState(id="khcn", open=True, waiting=0, ewt_s=0, ewt_low_s=0,
                             ewt_high_s=60),
    }
    tiles = {t.id: t for t in model.department_tiles(CONFIG, states, "vi", SATURDAY_NOON)}
    assert tiles["stnmt"] == model.Tile("stnmt", "Sở Tài nguyên và Môi trường",
                                        ("Đất đai · Môi trường", "3 người đang chờ"))
    # One service: the tile is that service, waiting and estimate included.
    assert tiles["skhcn"].lines == ("Không có người chờ", "Chờ dưới 1 phút")
    # Not heard from the hub yet: not offered.
    assert tiles["skhdt"].lines[-1] == "Đang cập nhật" and tiles["skhdt"].tone == "closed"


def test_a_priority_citizen_sees_the_priority_queues_range():
    states = {"khcn": ServiceState(id="khcn", open=True, waiting=4, ewt_s=2400, ewt_low_s=1800,
                                   ewt_high_s=3000, ewt_priority_low_s=0,
                                   ewt_priority_high_s=300)}
    ordinary = {t.id: t for t in model.department_tiles(CONFIG, states, "vi", SATURDAY_NOON)}
    priority = {t.id: t for t in model.department_tiles(CONFIG, states, "vi", SATURDAY_NOON,
                                                        priority=True)}
    assert ordinary["skhcn"].lines[-1] == "Chờ khoảng 30-50 phút"
    assert priority["skhcn"].lines[-1] == "Chờ dưới 5 phút"
    # No open counter: no promise, whoever asks.
    none = {"khcn": ServiceState(id="khcn", open=True, waiting=4, ewt_s=2400, no_counter=True)}
    for asked in (False, True):
        tiles = {t.id: t for t in model.department_tiles(CONFIG, none, "vi", SATURDAY_NOON,
                                                         priority=asked)}
        assert tiles["skhcn"].lines[-1] == "Chưa có quầy phục vụ"
