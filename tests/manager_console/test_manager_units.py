"""The console's plain logic: device health, hall rows, report tables, CSV and HTML."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import msgspec

from broker.wire.protocol import CounterState, DeviceStatus, ServiceState, TicketInfo, TicketRef
from manager_console.export import csv_bytes, ratings_html
from manager_console.hall import alerts, counter_rows, service_rows, summary
from manager_console.health import HealthBook, Level, part_level, problem_count
from manager_console.report_table import Table, ranking_table, report_table
from manager_console.texts import decimal, percent
from manager_console.widgets import two_lines
from qtkit.formats import duration
from tests.support import CONFIG

TZ = timezone(timedelta(hours=7))
NOW = datetime(2024, 5, 6, 9, 0, tzinfo=TZ)


def _rows_by_id(rows):
    return {row.id: row for row in rows}


# --- device health ----------------------------------------------------------------------------

def test_a_late_will_from_an_older_session_is_ignored():
    book = HealthBook()
    assert book.update("kiosk-1", DeviceStatus(online=True, session="new", health={}))
    assert not book.update("kiosk-1", DeviceStatus(online=False, session="old"))
    assert book.status("kiosk-1").online
    # the same session's own will is the truth
    assert book.update("kiosk-1", DeviceStatus(online=False, session="new"))
    assert not book.status("kiosk-1").online
    # a new session coming online after it is taken
    assert book.update("kiosk-1", DeviceStatus(online=True, session="newer"))
    assert not book.update("kiosk-1", DeviceStatus(online=True, session="newer"))  # no change
    assert book.update("kiosk-1", None)  # the retained status removed
    assert book.status("kiosk-1") is None


def test_every_configured_device_is_listed_with_problems_first():
    book = HealthBook()
    book.update("kiosk-2", DeviceStatus(online=True, session="a", health={"printer": "ok"}))
    book.update("kiosk-1", DeviceStatus(online=True, session="b",
                                        health={"printer": "paper_out"}))
    book.update("board-hall", DeviceStatus(online=False, session="c"))
    book.update("counter-4", DeviceStatus(online=True, session="d",
                                          health={"printer": "paper_low"}))
    book.update("announcer-1", DeviceStatus(online=True, session="e",
                                            health={"audio": "missing"}))
    rows = book.rows(CONFIG, "vi")
    assert len(rows) == len(CONFIG.devices)
    assert [(r.id, r.level) for r in rows[:4]] == [
        ("kiosk-1", Level.PROBLEM), ("board-hall", Level.PROBLEM),
        ("announcer-1", Level.PROBLEM), ("counter-4", Level.WARNING)]
    by_id = _rows_by_id(rows)
    assert by_id["kiosk-1"].details == ("Máy in: HẾT GIẤY",)
    assert by_id["board-hall"].state == "NGOẠI TUYẾN"
    assert by_id["counter-4"].name == "Màn hình cán bộ quầy 4"
    assert by_id["counter-4"].details == ("Máy in: sắp hết giấy",)
    assert (by_id["kiosk-2"].level, by_id["kiosk-2"].details) == (Level.OK, ())
    assert by_id["tablet-7"].level is Level.UNKNOWN
    assert by_id["tablet-7"].state == "Chưa kết nối"
    assert _rows_by_id(book.rows(CONFIG, "en"))["tablet-7"].name == "Rating tablet, counter 7"
    assert problem_count(rows) == 3


def test_what_health_values_mean():
    assert part_level("ok") is Level.OK
    assert part_level("unknown") is Level.OK  # a printer without a return line prints anyway
    assert part_level(True) is Level.OK and part_level(80) is Level.OK
    assert part_level("paper_low") is Level.WARNING
    assert part_level("cover_open") is Level.PROBLEM and part_level(False) is Level.PROBLEM


def test_a_health_part_with_nothing_to_report_is_not_a_problem():
    book = HealthBook()
    book.update("board-hall", DeviceStatus(online=True, session="s1",
                                           health={"audio": "ok", "audio_error": None}))
    [row] = [r for r in book.rows(CONFIG, "vi") if r.id == "board-hall"]
    assert row.level is Level.OK and row.details == ()
    book.update("board-hall", DeviceStatus(online=True, session="s1",
                                           health={"audio": "no_sound_device",
                                                   "audio_error": "aplay: no device"}))
    [row] = [r for r in book.rows(CONFIG, "vi") if r.id == "board-hall"]
    # the player's own English line is for the log: the audio part says it in words
    assert row.level is Level.PROBLEM and len(row.details) == 1


# --- the hall ---------------------------------------------------------------------------------

def _service(service_id: str, **fields) -> ServiceState:
    return ServiceState(id=service_id, **{"open": True, **fields})


def test_service_rows_read_the_longest_wait_and_stand_out_when_no_one_serves():
    states = {
        "dkdn": _service("dkdn", waiting=3, counters_open=2, ewt_s=900,
                         oldest_issued_at=NOW - timedelta(minutes=12, seconds=5)),
        "datdai": _service("datdai", waiting=1, counters_open=0,
                           oldest_issued_at=NOW - timedelta(minutes=3)),
        "lltp": _service("lltp", waiting=2, counters_open=1,
                         oldest_issued_at=NOW - timedelta(minutes=45)),
        "gpxd": _service("gpxd", open=False, closed_reason="manager"),
        "hotich": _service("hotich", open=False, closed_reason="daily_limit"),
    }
    rows = _rows_by_id(service_rows(CONFIG, states, NOW, "vi"))
    assert rows["dkdn"].longest_wait_s == 725 and duration(rows["dkdn"].longest_wait_s) == "12:05"
    assert rows["dkdn"].level is Level.OK and rows["dkdn"].ewt_s == 900
    assert (rows["datdai"].level, rows["datdai"].unserved) == (Level.PROBLEM, True)
    assert rows["lltp"].level is Level.WARNING and rows["lltp"].long_wait  # over half an hour
    assert alerts(list(rows.values()), "vi") == [
        "Có người chờ nhưng không quầy nào mở: Đất đai",
        "Có người đã chờ quá 30 phút: Lý lịch tư pháp"]
    assert alerts([rows["dkdn"]], "vi") == []
    assert (rows["gpxd"].issuing, rows["gpxd"].manager_closed) == ("Ngừng cấp", True)
    assert (rows["hotich"].issuing, rows["hotich"].manager_closed) == ("Hết số", False)
    assert rows["gpxd"].ewt_s is None and rows["gpxd"].level is Level.UNKNOWN
    assert rows["moitruong"].issuing == "—"  # no state yet
    assert rows["dkdn"].longest_wait_s is not None and rows["gpxd"].longest_wait_s is None


def test_counter_rows_say_who_serves_what_and_for_how_long():
    ticket = TicketInfo(id="t", number="2001", service="datdai", state="serving",
                        called_at=NOW - timedelta(minutes=9), served_at=NOW - timedelta(minutes=8))
    states = {
        "4": CounterState(id="4", status="open", officer="pthd", services=["datdai"],
                          ticket=ticket, sent_here=[TicketRef(id="v", number="2009",
                                                               service="moitruong")]),
        "5": CounterState(id="5", status="paused", officer="hve",
                          services=["moitruong", "datdai"]),
        "6": CounterState(id="6", status="open", officer="vtp", services=["gpxd"],
                          ticket=TicketInfo(id="u", number="3001", service="gpxd",
                                            state="called",
                                            called_at=NOW - timedelta(minutes=40))),
    }
    services = {"datdai": ServiceState(id="datdai", waiting=5, reserved=2)}
    rows = _rows_by_id(counter_rows(CONFIG, states, services, NOW, "vi"))
    assert (rows["4"].officer, rows["4"].ticket, rows["4"].busy_s) == (
        "Phạm Thị Hồng Diễm", "2001 (đang phục vụ)", 480)
    assert (rows["4"].waiting, rows["5"].waiting, rows["6"].waiting) == (3 + 1, 3, 0)
    assert rows["5"].services_text == "Môi trường, Đất đai" and rows["5"].level is Level.WARNING
    assert rows["6"].ticket == "3001 (đang mời)" and rows["6"].level is Level.WARNING
    assert rows["1"].status_text == "—" and rows["1"].level is Level.UNKNOWN
    totals = summary(service_rows(CONFIG, {}, NOW, "vi"),
                     counter_rows(CONFIG, states, services, NOW, "vi"))
    assert (totals.counters_open, totals.counters) == (2, 12)


# --- words and numbers ------------------------------------------------------------------------

def test_durations_and_decimals():
    assert [duration(s) for s in (None, 0, 59.6, 838, 3600, 3725)] == [
        "—", "0:00", "1:00", "13:58", "1:00:00", "1:02:05"]
    assert decimal(3.75, "vi") == "3,75" and decimal(3.75, "en") == "3.75"
    assert percent(0.935, "vi") == "93,5%"
    assert two_lines("Không hài lòng") == "Không\nhài lòng"
    assert two_lines("Đã cấp") == "Đã cấp"


# --- report tables and exports ----------------------------------------------------------------

COUNTER_ROWS = [
    {"key": "10", "name": "Quầy 10", "issued": 4, "served": 3, "no_show": 1, "waiting": 0,
     "cancelled": 0, "mean_wait_s": 125, "p90_wait_s": 300, "mean_service_s": 610,
     "ratings": {"1": 0, "2": 1, "3": 1, "4": 1}, "mean_score": 3.0},
    {"key": "2", "name": "Quầy 2", "issued": 1, "served": 0, "no_show": 0, "waiting": 1,
     "cancelled": 0, "mean_wait_s": None, "p90_wait_s": None, "mean_service_s": None,
     "ratings": {"1": 0, "2": 0, "3": 0, "4": 0}, "mean_score": None},
]


def test_report_tables_for_the_screen_and_for_export():
    shown = report_table(CONFIG, "counter", COUNTER_ROWS, "vi")
    assert shown.headers[:3] == ["Quầy", "Đã cấp", "Đã phục vụ"]
    assert shown.headers[-6:] == ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng",
                                  "Tỷ lệ hài lòng", "Điểm TB"]
    assert [r[0] for r in shown.rows] == ["Quầy 2", "Quầy 10"]  # by number, not as text
    assert shown.rows[1][6:9] == ["2:05", "5:00", "10:10"]
    assert shown.rows[1][-6:] == [1, 1, 1, 0, "66,7%", "3,00"]
    assert shown.rows[0][-2:] == ["—", "—"]
    exported = report_table(CONFIG, "counter", COUNTER_ROWS, "en", export=True)
    assert exported.headers[:2] == ["Counter", "Issued"]  # names, no internal code
    assert "Mean wait (s)" in exported.headers
    assert exported.rows[1][6:9] == [125, 300, 610]
    assert exported.rows[1][-2:] == [66.7, 3.0] and exported.rows[0][-2:] == [None, None]
    hourly = report_table(CONFIG, "hourly", [{**COUNTER_ROWS[0], "key": "07"}], "vi")
    assert hourly.rows[0][0] == "07:00–08:00"


def test_csv_has_a_bom_and_empty_cells_for_missing_figures():
    raw = csv_bytes(Table(["Dịch vụ", "Chờ (giây)", "Ghi chú"],
                          [["Đất đai", 125, None], ['Có "ngoặc", phẩy', 3.5, "x"]],
                          [False, True, False]))
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))) == [
        ["Dịch vụ", "Chờ (giây)", "Ghi chú"], ["Đất đai", "125", ""],
        ['Có "ngoặc", phẩy', "3.5", "x"]]


RANKING = [
    {"kind": "officer", "key": "ttb", "name": "Trần Thị Bình", "ratings": 2,
     "satisfied_share": 1.0, "mean_score": 3.5, "distribution": {"1": 0, "2": 0, "3": 1, "4": 1},
     "rank": 2},
    {"kind": "officer", "key": "nva", "name": "Nguyễn Văn An", "ratings": 3,
     "satisfied_share": 1.0, "mean_score": 4.0, "distribution": {"1": 0, "2": 0, "3": 0, "4": 3},
     "rank": 1},
    {"kind": "counter", "key": "1", "name": "Quầy 1", "ratings": 5, "satisfied_share": 1.0,
     "mean_score": 3.8, "distribution": {"1": 0, "2": 0, "3": 1, "4": 4}, "rank": 1},
]


def test_ranking_tables_rank_no_one_on_a_few_ratings():
    officers = ranking_table(CONFIG, "officer", RANKING, "vi")
    # 3 and 2 ratings: listed with their counts, most rated first, without a rank
    assert [r[:3] for r in officers.rows] == [["—", "Nguyễn Văn An", 3],
                                              ["—", "Trần Thị Bình", 2]]
    assert officers.rows[0][2:] == [3, 3, 0, 0, 0, "100,0%", "4,00"]
    assert [r[1] for r in ranking_table(CONFIG, "counter", RANKING, "en").rows] == ["Counter 1"]


def test_the_ratings_page_is_escaped_and_says_when_nothing_was_rated():
    config = msgspec.structs.replace(CONFIG, officers=[
        msgspec.structs.replace(CONFIG.officers[0], name="An <b>&</b> Co")])
    page = ratings_html(config, RANKING, date(2024, 5, 1), date(2024, 5, 31),
                        datetime(2024, 6, 1, 8, 5, tzinfo=TZ))
    assert "An &lt;b&gt;&amp;&lt;/b&gt; Co" in page and "<b>&</b>" not in page
    assert "Kỳ đánh giá: từ ngày 01/05/2024 đến ngày 31/05/2024" in page
    assert "Tổng số lượt đánh giá: 5. Cập nhật lúc 08:05 ngày 01/06/2024." in page
    empty = ratings_html(CONFIG, [], date(2024, 5, 1), date(2024, 5, 1),
                         datetime(2024, 5, 1, 17, 0, tzinfo=TZ))
    assert empty.count("Chưa có lượt đánh giá nào trong khoảng thời gian này") == 2


def _rated(key: str, ratings: int, satisfied: int, mean: float) -> dict:
    top = satisfied
    return {"kind": "officer", "key": key, "name": key, "ratings": ratings,
            "satisfied_share": satisfied / ratings, "mean_score": mean,
            "distribution": {"4": top, "3": 0, "2": ratings - top, "1": 0}, "rank": 0}


def test_one_rating_ranks_no_one_first_and_few_ratings_weigh_less():
    rows = [_rated("nva", 1, 1, 4.0),  # one "very satisfied": the hub put him first
            _rated("ttb", 20, 19, 3.9), _rated("hve", 5, 5, 4.0), _rated("pthd", 30, 30, 4.0)]
    rows[0]["rank"] = 1
    officers = ranking_table(CONFIG, "officer", rows, "vi")
    names = [r[1] for r in officers.rows]
    # ranked with at least 5 ratings, 30 of 30 before 5 of 5 before 19 of 20 (drawn toward
    # the center's share); the one rating listed after them with its count, without a rank
    assert names == ["Phạm Thị Hồng Diễm", "Huỳnh Văn Em", "Trần Thị Bình", "Nguyễn Văn An"]
    assert [r[0] for r in officers.rows] == [1, 2, 3, "—"]
    assert [r[2] for r in officers.rows] == [30, 5, 20, 1]  # each one's number of ratings
    assert "Chỉ xếp hạng khi có từ 5 lượt đánh giá" in ratings_html(
        CONFIG, rows, date(2024, 5, 1), date(2024, 5, 31), datetime(2024, 6, 1, tzinfo=TZ))


def test_the_ratings_page_fits_a_390_px_phone(tmp_path, artifacts):
    import re
    import shutil
    import subprocess

    import pytest

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium to render the page")
    rows = [_rated("nva", 12, 11, 3.8), _rated("ttb", 20, 19, 3.9), _rated("hve", 2, 2, 4.0),
            {**_rated("1", 34, 32, 3.9), "kind": "counter"}]
    page = ratings_html(CONFIG, rows, date(2024, 5, 1), date(2024, 5, 31),
                        datetime(2024, 6, 1, 8, 5, tzinfo=TZ))
    # The page inside a 390 px frame (a browser window cannot be made that narrow here),
    # measured once laid out.
    from html import escape

    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><title>-</title></head><body style="margin:0">'
        f'<iframe id="phone" style="width:390px;height:844px;border:0" '
        f'srcdoc="{escape(page, quote=True)}"></iframe><script>'
        "document.getElementById('phone').onload = function () {"
        " var d = this.contentDocument.documentElement;"
        " document.title = 'W=' + d.scrollWidth + ';H=' + d.scrollHeight; };"
        "</script></body></html>", encoding="utf-8")
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000"]
    dom = subprocess.run([*common, "--window-size=800,900", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    width, height = map(int, re.search(r"<title>W=(\d+);H=(\d+)</title>", dom).groups())
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    shot = tmp_path / "shot.html"
    shot.write_text(probe.read_text(encoding="utf-8").replace("height:844px",
                                                               f"height:{height}px"),
                    encoding="utf-8")
    subprocess.run([*common, f"--window-size=500,{min(height, 4000)}",
                    f"--screenshot={artifacts / 'ratings_phone.png'}", shot.as_uri()],
                   capture_output=True, timeout=60)
    assert (artifacts / "ratings_phone.png").exists()
