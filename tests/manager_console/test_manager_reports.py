"""Reports, the rating ranking and their exports, over a day lived through the real hub."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from qtkit.formats import duration
from tests.manager_console.simulated_day import DAY, LivedDay, TicketRecord, expected_rows
from tests.manager_console.ui import click, headers, open_tab, rows, rows_by_name
from tests.support import CONFIG, device

REPORT_TAB, RATINGS_TAB = 2, 3
LEVELS = {4: "Rất hài lòng", 3: "Hài lòng", 2: "Bình thường", 1: "Không hài lòng"}


@pytest.fixture
def manager(simulated_day):
    client = device(simulated_day.broker_url, "manager-1")
    yield client
    client.stop()


def _names(kind: str, key: str) -> str:
    if kind == "service":
        return CONFIG.service(key).name.vi
    if kind == "counter":
        return f"Quầy {CONFIG.counter(key).number}"
    return CONFIG.officer(key).name


def _check_report_table(table, kind: str, tickets: list[TicketRecord]) -> None:
    expected = {_names(kind, key): row for key, row in expected_rows(tickets, kind).items()}
    shown = rows_by_name(table)
    assert set(shown) == set(expected)
    for name, want in expected.items():
        row = shown[name]
        for column, field in (("Đã cấp", "issued"), ("Đã phục vụ", "served"),
                              ("Vắng mặt", "no_show"), ("Còn chờ", "waiting"),
                              ("Đã hủy", "cancelled")):
            assert row[column] == str(want[field]), (name, column)
        assert row["Chờ TB"] == duration(want["mean_wait_s"]), name
        assert row["Chờ P90"] == duration(want["p90_wait_s"]), name
        assert row["Phục vụ TB"] == duration(want["mean_service_s"]), name
        for score, level in LEVELS.items():
            assert row[level] == str(want["ratings"][str(score)]), (name, level)


def _load_report(qtbot, window) -> None:
    open_tab(qtbot, window.tabs, REPORT_TAB)
    page = window.reports
    qtbot.waitUntil(lambda: page.load_button.isEnabled(), timeout=10_000)
    click(qtbot, page.findChild(type(page.load_button), "reportToday"))
    click(qtbot, page.load_button)
    qtbot.waitUntil(lambda: "06/05/2024" in page.status.text(), timeout=10_000)


def _report_saving_to(qtbot, window, folder: Path) -> list[tuple[str, str]]:
    """The day's report loaded and its first tab open; each save the page then asks for is
    recorded (suggested name, file filter) and written into `folder`."""
    asked: list[tuple[str, str]] = []

    def choose(suggested: str, file_filter: str) -> str:
        asked.append((suggested, file_filter))
        return str(folder / suggested)

    window.choose_save_path = choose
    _load_report(qtbot, window)
    open_tab(qtbot, window.reports.tabs, 0)
    return asked


def test_report_over_a_simulated_day_matches_the_tickets(simulated_day, manager, console, qtbot,
                                                         artifacts):
    day: LivedDay = simulated_day.day
    tickets = list(day.tickets.values())
    window = console(manager, clock=simulated_day.clock).window
    # the hall at the end of the day, by the hub's clock: two land tickets still waiting
    hall = window.hall
    qtbot.waitUntil(lambda: "Đất đai" in rows_by_name(hall.service_table)
                    and rows_by_name(hall.service_table)["Đất đai"]["Đang chờ"] == "2")
    land_now = rows_by_name(hall.service_table)["Đất đai"]
    assert land_now["Chờ lâu nhất"] == "6:40:00"  # since 09:20
    assert hall.alerts.text() == "⚠ Có người đã chờ quá 30 phút: Đất đai"
    # each counter's retained state is its own message: it may land after the services'
    qtbot.waitUntil(lambda: rows_by_name(hall.counter_table).get("Quầy 4", {}).get("Cán bộ")
                    == "Phạm Thị Hồng Diễm")
    window.grab().save(str(artifacts / "hall_end_of_day.png"))

    _load_report(qtbot, window)
    page = window.reports
    assert page.status.text() == "Báo cáo ngày 06/05/2024"

    for index, kind in enumerate(("service", "counter", "officer")):
        open_tab(qtbot, page.tabs, index)
        _check_report_table(page.tables[kind], kind, tickets)
        window.grab().save(str(artifacts / f"report_{kind}.png"))
    # the figures worked out by hand for the scenario, as a check on the check
    land = rows_by_name(page.tables["service"])["Đất đai"]
    assert (land["Đã cấp"], land["Đã phục vụ"], land["Còn chờ"]) == ("4", "2", "2")
    assert (land["Chờ TB"], land["Chờ P90"], land["Phục vụ TB"]) == ("18:30", "20:00", "12:00")
    assert rows_by_name(page.tables["officer"])["Nguyễn Văn An"]["Vắng mặt"] == "1"

    open_tab(qtbot, page.tabs, 3)
    (whole_day,) = rows(page.tables["day"])
    assert whole_day[:6] == ["06/05/2024", "12", "8", "1", "2", "1"]

    open_tab(qtbot, page.tabs, 4)
    by_hour = expected_rows(tickets, "hour")
    assert page.chart.series["hour"] == [float(h) for h in sorted(map(int, by_hour))]
    assert page.chart.series["issued"] == [float(by_hour[f"{h:02d}"]["issued"])
                                           for h in sorted(map(int, by_hour))]
    assert page.chart.series["served"] == [float(by_hour[f"{h:02d}"]["served"])
                                           for h in sorted(map(int, by_hour))]
    assert page.chart.series["mean_wait_min"][0] == by_hour["07"]["mean_wait_s"] / 60
    assert [r[0] for r in rows(page.tables["hourly"])][:2] == ["07:00–08:00", "08:00–09:00"]
    window.grab().save(str(artifacts / "report_hourly.png"))


def test_a_range_of_days_adds_up_the_same(simulated_day, manager, console, qtbot):
    window = console(manager, clock=simulated_day.clock).window
    open_tab(qtbot, window.tabs, REPORT_TAB)
    page = window.reports
    qtbot.waitUntil(lambda: page.load_button.isEnabled(), timeout=10_000)
    click(qtbot, page.findChild(type(page.load_button), "reportWeek"))
    click(qtbot, page.load_button)
    first = (DAY - timedelta(days=6)).strftime("%d/%m/%Y")
    qtbot.waitUntil(lambda: first in page.status.text(), timeout=10_000)
    assert page.status.text() == f"Báo cáo từ ngày {first} đến ngày 06/05/2024"
    _check_report_table(page.tables["service"], "service", list(simulated_day.day.tickets.values()))
    assert [r[0] for r in rows(page.tables["day"])] == ["06/05/2024"]


def test_csv_export_opens_in_excel_with_vietnamese(simulated_day, manager, console, qtbot,
                                                   tmp_path):
    window = console(manager, clock=simulated_day.clock).window
    asked = _report_saving_to(qtbot, window, tmp_path)
    page = window.reports
    click(qtbot, page.export_button)
    assert asked == [("bao-cao-dich-vu_2024-05-06.csv", "CSV (*.csv)")]
    raw = (tmp_path / asked[0][0]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    # names, not the config's internal codes, in the first column
    assert table[0][:3] == ["Dịch vụ", "Đã cấp", "Đã phục vụ"]
    assert "Chờ trung bình (giây)" in table[0]
    by_name = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    expected = expected_rows(list(simulated_day.day.tickets.values()), "service")
    assert set(by_name) == {CONFIG.service(key).name.vi for key in expected}
    for key, want in expected.items():
        row = by_name[CONFIG.service(key).name.vi]
        assert int(row["Đã cấp"]) == want["issued"]
        assert int(row["Vắng mặt"]) == want["no_show"]
        assert int(row["Chờ trung bình (giây)"]) == want["mean_wait_s"]
        assert int(row["Chờ P90 (giây)"]) == want["p90_wait_s"]
        assert int(row["Phục vụ trung bình (giây)"]) == want["mean_service_s"]
    assert window.notice.text().endswith(f"Đã lưu {tmp_path / asked[0][0]}")

    open_tab(qtbot, page.tabs, 2)
    click(qtbot, page.export_button)
    assert asked[-1][0] == "bao-cao-can-bo_2024-05-06.csv"
    officers = (tmp_path / asked[-1][0]).read_bytes().decode("utf-8-sig")
    assert "Phạm Thị Hồng Diễm" in officers


def test_xlsx_export_has_numbers_formatted_as_on_screen(simulated_day, manager, console, qtbot,
                                                        tmp_path):
    from openpyxl import load_workbook

    window = console(manager, clock=simulated_day.clock).window
    asked = _report_saving_to(qtbot, window, tmp_path)
    page = window.reports
    click(qtbot, page.xlsx_button)
    assert asked == [("bao-cao-dich-vu_2024-05-06.xlsx", "Bảng tính Excel (*.xlsx)")]
    book = load_workbook(tmp_path / asked[0][0])
    sheet = book.active
    assert sheet.title == "Theo dịch vụ"
    assert sheet["A1"].value == "Báo cáo ngày 06/05/2024 — Theo dịch vụ"
    assert book.properties.title == sheet["A1"].value
    assert sheet["A2"].value.startswith("Mỗi số được tính ở dịch vụ cuối cùng")
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Dịch vụ")
    names = [sheet.cell(header_row, c).value for c in range(1, sheet.max_column + 1)]
    assert names == headers(page.tables["service"])
    screen = rows_by_name(page.tables["service"])
    for r in range(header_row + 1, sheet.max_row + 1):
        row = {name: sheet.cell(r, c + 1) for c, name in enumerate(names)}
        shown = screen[row["Dịch vụ"].value]
        issued = row["Đã cấp"]
        assert isinstance(issued.value, int) and str(issued.value) == shown["Đã cấp"]
        wait = row["Chờ TB"]
        if shown["Chờ TB"] != "—":
            # a time in Excel (a share of a day, read back as a time) shown as the screen's m:ss
            assert isinstance(wait.value, time) and "m:ss" in wait.number_format
            seconds = wait.value.hour * 3600 + wait.value.minute * 60 + wait.value.second
            assert duration(seconds) == shown["Chờ TB"]
        share = row["Tỷ lệ hài lòng"]
        if shown["Tỷ lệ hài lòng"] != "—":
            assert isinstance(share.value, int | float) and share.number_format == "0.0%"
            assert f"{share.value * 100:.1f}".replace(".", ",") + "%" == shown["Tỷ lệ hài lòng"]
            assert row["Điểm TB"].number_format == "0.00"


def _expected_ranking(tickets: list[TicketRecord], kind: str) -> list[str]:
    """The keys in order: in one day nobody has the 5 ratings a rank needs, so all are
    listed unranked, the most rated first."""
    scores: dict[str, list[int]] = {}
    for t in tickets:
        if t.rating:
            scores.setdefault(getattr(t, kind), []).append(t.rating)
    assert all(len(s) < 5 for s in scores.values())
    return sorted(scores, key=lambda k: (-len(scores[k]), k))


class _Tables(HTMLParser):
    """The text of every table row of a page, by section id; and what else it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self.section, self.cell, self.row = "", None, None
        self.title, self.in_title = "", False
        self.lang, self.charset, self.loads = "", "", []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        elif tag == "meta" and "charset" in attrs:
            self.charset = attrs["charset"]
        elif tag == "section":
            self.section = attrs.get("id", "")
            self.sections[self.section] = []
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "title":
            self.in_title = True
        elif tag in ("link", "script", "img", "iframe"):
            self.loads.append(tag)

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.sections[self.section].append(self.row)
            self.row = None
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell += data
        if self.in_title:
            self.title += data


def test_rating_ranking_and_its_web_page(simulated_day, manager, console, qtbot, tmp_path,
                                         artifacts):
    tickets = list(simulated_day.day.tickets.values())
    window = console(manager, clock=simulated_day.clock).window
    open_tab(qtbot, window.tabs, RATINGS_TAB)
    page = window.ratings
    qtbot.waitUntil(lambda: page.load_button.isEnabled(), timeout=10_000)
    click(qtbot, page.load_button)
    qtbot.waitUntil(lambda: page.officers.rowCount() > 0, timeout=10_000)
    officers = [CONFIG.officer(k).name for k in _expected_ranking(tickets, "officer")]
    counters = [f"Quầy {CONFIG.counter(k).number}" for k in _expected_ranking(tickets, "counter")]
    # a day's few ratings rank no one: all listed with their counts, the most rated first
    assert [r[1] for r in rows(page.officers)] == officers
    assert [r[0] for r in rows(page.officers)] == ["—"] * len(officers)
    assert [r[1] for r in rows(page.counters)] == counters
    first = dict(zip(headers(page.officers), rows(page.officers)[0], strict=True))
    assert first["Cán bộ"] == officers[0]
    assert int(first["Lượt đánh giá"]) >= max(int(r[2]) for r in rows(page.officers))
    assert headers(page.officers)[-2:] == ["Tỷ lệ hài lòng", "Điểm TB"]
    assert page.status.text() == "Kết quả đánh giá mức độ hài lòng ngày 06/05/2024"
    window.grab().save(str(artifacts / "ratings.png"))

    window.choose_save_path = lambda suggested, _filter: str(tmp_path / suggested)
    click(qtbot, page.export_button)
    saved = tmp_path / "danh-gia-hai-long_2024-05-06.html"
    html = saved.read_text(encoding="utf-8")
    parsed = _Tables()
    parsed.feed(html)
    assert (parsed.lang, parsed.charset.lower(), parsed.loads) == ("vi", "utf-8", [])
    assert parsed.title.startswith("Kết quả đánh giá mức độ hài lòng")
    assert CONFIG.center.name.vi in html and "Kỳ đánh giá: ngày 06/05/2024" in html
    officer_rows = parsed.sections["officers"]
    assert officer_rows[0][:3] == ["Hạng", "Cán bộ", "Lượt đánh giá"]
    assert [r[1] for r in officer_rows[1:]] == officers
    assert [r[0] for r in officer_rows[1:]] == ["—"] * len(officers)
    assert [r[1] for r in parsed.sections["counters"][1:]] == counters
    _render_page(html, artifacts / "ratings_page.png")


def _render_page(html: str, target) -> None:
    """How the page looks, as near as Qt's rich text gets without a browser."""
    from PySide6.QtGui import QImage, QPainter, QTextDocument

    document = QTextDocument()
    document.setHtml(html)
    document.setTextWidth(1100)
    image = QImage(1100, int(document.size().height()) + 20, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    image.save(str(target))
