"""The console for real people (issue 16): the hall and the report count a transferred ticket
by one rule, stated on the report; the hall fits a 1366x768 office screen with nothing cut
off; today's report and ranking are there without pressing anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QTableWidget

from tests.manager_console.test_manager_control import _ready
from tests.manager_console.ui import open_tab, rows_by_name
from tests.support import DEMO_PIN

REPORT_TAB, RATINGS_TAB = 2, 3
PADDING = 8  # the cell's own margins and grid line


def _cut_cells(table: QTableWidget) -> list[str]:
    """Every cell or header whose words do not fit where the table shows them."""
    cut = []
    wraps = table.wordWrap()
    for column in range(table.columnCount()):
        width = table.columnWidth(column)
        header = table.horizontalHeaderItem(column)
        if header is not None:
            font = table.horizontalHeader().font()
            font.setBold(True)
            metrics = QFontMetrics(font)
            for line in header.text().split("\n"):
                if metrics.horizontalAdvance(line) > width - 2:
                    cut.append(f"header {line!r} in {width}px")
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is None or not item.text():
                continue
            metrics = QFontMetrics(item.font())
            room = width - PADDING
            if wraps:
                needed = metrics.boundingRect(0, 0, room, 10_000,
                                              int(Qt.TextFlag.TextWordWrap), item.text())
                if needed.width() > room or needed.height() > table.rowHeight(row):
                    cut.append(f"{item.text()!r} in {width}x{table.rowHeight(row)}")
            elif metrics.horizontalAdvance(item.text()) > room:
                cut.append(f"{item.text()!r} in {width}px")
    return cut


def test_the_hall_fits_a_1366x768_screen_with_nothing_cut_off(hub, devices, console, qtbot,
                                                             artifacts):
    kiosk, counter, board = devices("kiosk-1"), devices("counter-6"), devices("board-hall")
    for service in ("dkdn", "gpxd", "nhao", "thuongmai"):
        kiosk.request("ticket.issue", {"service": service})
    counter.request("counter.open", {"officer": "vtp", "pin": DEMO_PIN})
    board.set_health(audio="no_sound_device", audio_error="aplay: no soundcards found")
    kiosk.set_health(printer="paper_low")
    built = console(devices("manager-1"))
    window = built.window
    window.resize(1366, 768)
    _ready(qtbot, built)
    hall = window.hall
    qtbot.waitUntil(lambda: any("LOA KHÔNG PHÁT" in row[1] for row in
                                ([hall.device_table.item(r, c).text() for c in range(2)]
                                 for r in range(hall.device_table.rowCount()))),
                    timeout=10_000)
    QApplication.processEvents()
    window.grab().save(str(artifacts / "hall_1366x768.png"))
    assert window.size().toTuple() == (1366, 768)
    for table in (hall.service_table, hall.counter_table, hall.device_table):
        assert _cut_cells(table) == [], table.objectName()
        assert not table.horizontalScrollBar().isVisible(), table.objectName()
    # no page asks for more than the screen (a wider page would push the window off it)
    for index, name in enumerate(("hall", "control", "reports", "ratings")):
        open_tab(qtbot, window.tabs, index)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        # 728: 1366x768 less a taskbar
        assert hint.width() <= 1366 and hint.height() <= 728, (name, hint.toTuple())
        assert window.size().toTuple() == (1366, 768), name
        window.grab().save(str(artifacts / f"{name}_1366x768.png"))


def test_the_hall_and_the_report_count_a_transferred_ticket_alike(hub, devices, console,
                                                                  qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    for _ in range(3):
        kiosk.request("ticket.issue", {"service": "datdai"})
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    counter.request("counter.call_next")
    counter.request("ticket.transfer", {"service": "moitruong"})
    built = console(manager)
    window = built.window
    _ready(qtbot, built)

    def hall_issued() -> tuple[str, str]:
        shown = rows_by_name(window.hall.service_table)
        return shown["Đất đai"]["Đã cấp"], shown["Môi trường"]["Đã cấp"]

    qtbot.waitUntil(lambda: hall_issued() == ("2", "1"), timeout=10_000)

    # the report, there without pressing "Xem", says the same and says by which rule
    open_tab(qtbot, window.tabs, REPORT_TAB)
    page = window.reports
    qtbot.waitUntil(lambda: page.status.text().startswith("Báo cáo ngày"), timeout=10_000)
    shown = rows_by_name(page.tables["service"])
    assert (shown["Đất đai"]["Đã cấp"], shown["Môi trường"]["Đã cấp"]) == ("2", "1")
    assert page.rule.text() == ("Mỗi số được tính ở dịch vụ cuối cùng của số đó: số đã chuyển "
                                "sang dịch vụ khác được tính ở dịch vụ nhận (như ở Sảnh chờ).")
    assert page.rule.isVisible()
    window.grab().save(str(artifacts / "report_rule.png"))

    # a new ticket: the hall follows
    kiosk.request("ticket.issue", {"service": "datdai"})
    qtbot.waitUntil(lambda: hall_issued() == ("3", "1"), timeout=10_000)


def test_the_ratings_page_shows_today_without_pressing_anything(hub, devices, console, qtbot):
    built = console(devices("manager-1"))
    window = built.window
    _ready(qtbot, built)
    open_tab(qtbot, window.tabs, RATINGS_TAB)
    qtbot.waitUntil(lambda: built.controller.ranking is not None, timeout=10_000)
    assert window.ratings.status.text() == "Chưa có lượt đánh giá nào trong khoảng thời gian này"


def test_the_console_opens_within_an_office_screen():
    from manager_console.views import opening_size

    assert opening_size((1366, 728)) == (1366, 728)  # 1366x768 less the taskbar
    assert opening_size((1920, 1040)) == (1600, 960)
    assert opening_size(None) == (1600, 960)
