"""The console against the real hub: assignments that change the next call, counters opened,
paused and closed, a service's issuing stopped on the kiosk, a message on the boards, device
health and a hub outage on screen."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from broker.wire.device_client import RequestError
from kiosk.app import create_kiosk
from tests.manager_console.ui import (
    click,
    click_item,
    headers,
    open_tab,
    rows_by_name,
    type_text,
)
from tests.support import DEMO_PIN, ROOT, HubProcess, wait_for

HALL_TAB, CONTROL_TAB = 0, 1


def _ready(qtbot, built) -> None:
    """The console has the config and every counter's and service's state."""
    c = built.controller
    qtbot.waitUntil(lambda: c.config is not None and len(c.counters) == len(c.config.counters)
                    and len(c.services) == len(c.config.services) and c.can_command,
                    timeout=10_000)


def _counter_state(client, counter: str):
    return client.cached(client.topics.counter_state(counter))


def _tick(qtbot, view, service_name: str) -> None:
    """Select a service in the counter's list and toggle its tick with the space bar."""
    for row in range(view.count()):
        item = view.item(row)
        if item.text() == service_name:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=view.visualItemRect(item).center())
            before = item.checkState()
            qtbot.keyClick(view, Qt.Key.Key_Space)
            assert item.checkState() != before
            return
    raise AssertionError(f"no service {service_name!r}")


def test_reassigning_a_counter_changes_its_next_call(hub, devices, console, qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-1"), devices("manager-1")
    business = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]  # the older one
    land = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    counter.request("counter.open", {"officer": "nva", "pin": DEMO_PIN})
    built = console(manager)
    window = built.window
    _ready(qtbot, built)
    open_tab(qtbot, window.tabs, CONTROL_TAB)
    page = window.control
    click_item(qtbot, page.counter_list, "Quầy 1 ")
    qtbot.waitUntil(lambda: page.counter_status.text() == "Quầy 1 — Đang mở — Nguyễn Văn An")
    _tick(qtbot, page.services_list, "Đăng ký doanh nghiệp")
    _tick(qtbot, page.services_list, "Đất đai")
    click(qtbot, page.apply_button)

    # every screen sees it at once: here the officer's terminal, through the retained state
    wait_for(lambda: (s := _counter_state(counter, "1")) and s.services == ["datdai"],
             what="counter 1 serving land only")
    qtbot.waitUntil(lambda: "Đã phân công Quầy 1: Đất đai" in window.notice.text())
    open_tab(qtbot, window.tabs, HALL_TAB)
    qtbot.waitUntil(lambda: rows_by_name(window.hall.counter_table)["Quầy 1"]["Dịch vụ phụ trách"]
                    == "Đất đai")
    window.grab().save(str(artifacts / "hall_after_assign.png"))

    called = counter.request("counter.call_next")["ticket"]
    assert called["number"] == land["number"] != business["number"]


@pytest.fixture
def service_order_hub(broker, tmp_path):
    """A hub whose counters call their first service's queue first (`service_order`)."""
    source = (ROOT / "config" / "center.toml").read_text(encoding="utf-8")
    changed = source.replace('policy = "oldest_first"', 'policy = "service_order"')
    assert changed != source
    path = tmp_path / "center.toml"
    path.write_text(changed, encoding="utf-8")
    process = HubProcess(broker.url, tmp_path / "ledger.db", config=path).start()
    yield process
    process.stop()


def test_the_order_of_a_counters_services_decides_its_next_call(service_order_hub, devices,
                                                                console, qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-2"), devices("manager-1")
    investment = kiosk.request("ticket.issue", {"service": "dautu"})["ticket"]  # oldest
    business = [kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"] for _ in range(2)]
    counter.request("counter.open", {"officer": "ttb", "pin": DEMO_PIN})
    # counter 2 serves business registration first, so the newer ticket goes first
    assert counter.request("counter.call_next")["ticket"]["number"] == business[0]["number"]
    counter.request("ticket.done")

    built = console(manager)
    _ready(qtbot, built)
    open_tab(qtbot, built.window.tabs, CONTROL_TAB)
    page = built.window.control
    click_item(qtbot, page.counter_list, "Quầy 2 ")
    listed = [page.services_list.item(r).text() for r in range(2)]
    assert listed == ["Đăng ký doanh nghiệp", "Đầu tư và dự án"]
    click_item(qtbot, page.services_list, "Đầu tư và dự án")
    click(qtbot, page.up_button)
    assert page.services_list.item(0).text() == "Đầu tư và dự án"
    built.window.grab().save(str(artifacts / "control_reordered.png"))
    click(qtbot, page.apply_button)
    wait_for(lambda: _counter_state(counter, "2").services == ["dautu", "dkdn"],
             what="counter 2's new order")
    assert counter.request("counter.call_next")["ticket"]["number"] == investment["number"]


def test_open_pause_and_close_a_counter(hub, devices, console, qtbot, artifacts):
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-5"), devices("manager-1")
    built = console(manager)
    window, page = built.window, built.window.control
    _ready(qtbot, built)
    open_tab(qtbot, window.tabs, CONTROL_TAB)
    click_item(qtbot, page.counter_list, "Quầy 5 ")
    assert not page.pause_button.isEnabled() and not page.close_button.isEnabled()
    page.officer_combo.setCurrentIndex(page.officer_combo.findText("Bùi Thị Hạnh"))
    click(qtbot, page.open_button)
    wait_for(lambda: (s := _counter_state(counter, "5")).status == "open" and s.officer == "bth",
             what="counter 5 open with Bùi Thị Hạnh")
    qtbot.waitUntil(lambda: page.counter_status.text() == "Quầy 5 — Đang mở — Bùi Thị Hạnh")

    click(qtbot, page.pause_button)
    wait_for(lambda: _counter_state(counter, "5").status == "paused", what="counter 5 paused")
    qtbot.waitUntil(lambda: page.counter_list.currentItem().text() ==
                    "Quầy 5 · Tạm dừng · Bùi Thị Hạnh")
    # a paused counter calls no one
    kiosk.request("ticket.issue", {"service": "datdai"})
    with pytest.raises(RequestError) as refused:
        counter.request("counter.call_next")
    assert refused.value.code == "counter_not_open"

    click(qtbot, page.open_button)
    wait_for(lambda: _counter_state(counter, "5").status == "open", what="counter 5 reopened")
    counter.request("counter.call_next")
    qtbot.waitUntil(lambda: page.close_button.isEnabled())
    click(qtbot, page.close_button)  # refused: a citizen is at the desk
    qtbot.waitUntil(lambda: window.notice.isVisible() and window.notice.property("error") ==
                    "true")
    assert window.notice.text().endswith(
        "Không thực hiện được: Hãy hoàn thành hoặc báo vắng số đang phục vụ trước")
    assert _counter_state(counter, "5").status == "open"
    window.grab().save(str(artifacts / "control_refused.png"))

    counter.request("ticket.done")
    qtbot.waitUntil(lambda: _counter_state(counter, "5").ticket is None)
    click(qtbot, page.close_button)
    wait_for(lambda: _counter_state(counter, "5").status == "closed", what="counter 5 closed")
    qtbot.waitUntil(lambda: not page.close_button.isEnabled())


def _issuing_button(window, service: str) -> QPushButton:
    found = window.findChild(QPushButton, f"issuing_{service}")
    assert found is not None
    return found


def test_closing_a_service_closes_it_on_the_kiosk(hub, devices, console, qtbot, tmp_path,
                                                 artifacts):
    kiosk_client, manager = devices("kiosk-1"), devices("manager-1")
    kiosk = create_kiosk(kiosk_client, printer=f"virtual:{tmp_path / 'printer'}")
    qtbot.addWidget(kiosk.window)
    kiosk.window.resize(1080, 1920)
    kiosk.window.show()
    try:
        built = console(manager)
        built.controller.undo_s = 0  # the undo has its own test
        window = built.window
        _ready(qtbot, built)
        open_tab(qtbot, window.tabs, CONTROL_TAB)
        stop = _issuing_button(window, "datdai")
        assert stop.text() == "Ngừng cấp số"
        click(qtbot, stop)
        wait_for(lambda: (s := kiosk_client.cached(kiosk_client.topics.service_state("datdai")))
                 and not s.open and s.closed_reason == "manager", what="land closed")
        qtbot.waitUntil(lambda: _issuing_button(window, "datdai").text() == "Mở cấp số")
        issuing = rows_by_name(window.control.issuing_table)
        assert issuing["Đất đai"]["Cấp số"] == "Ngừng cấp"
        assert issuing["Môi trường"]["Cấp số"] == "Đang cấp"
        window.grab().save(str(artifacts / "control_service_closed.png"))

        # the kiosk app shows it closed and the hub refuses a number for it
        tile = kiosk.window.findChild(QPushButton, "tile-department-stnmt")
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: kiosk.window.pages.currentWidget().objectName() ==
                        "page-services")
        qtbot.waitUntil(lambda: "Tạm ngừng cấp số" in kiosk.window.findChild(
            QPushButton, "tile-service-datdai").text_lines())
        QApplication.processEvents()  # the kiosk's pending layout pass, as its loop would run
        kiosk.window.grab().save(str(artifacts / "kiosk_service_closed.png"))
        with pytest.raises(RequestError) as refused:
            kiosk_client.request("ticket.issue", {"service": "datdai"})
        assert refused.value.code == "service_closed"

        click(qtbot, _issuing_button(window, "datdai"))
        wait_for(lambda: kiosk_client.cached(kiosk_client.topics.service_state("datdai")).open,
                 what="land open again")
        assert kiosk_client.request("ticket.issue", {"service": "datdai"})["ticket"]["number"]
        qtbot.waitUntil(lambda: _issuing_button(window, "datdai").text() == "Ngừng cấp số")
    finally:
        kiosk.close()


def test_a_running_message_reaches_the_boards(hub, devices, console, qtbot, artifacts):
    board, manager = devices("board-hall"), devices("manager-1")
    built = console(manager)
    window, page = built.window, built.window.control
    _ready(qtbot, built)
    open_tab(qtbot, window.tabs, CONTROL_TAB)
    words = "Trung tâm nghỉ trưa từ 11 giờ 30 đến 13 giờ"
    type_text(page.message_edit, words)
    assert page.message_edit.text() == words
    page.message_minutes.selectAll()
    qtbot.keyClicks(page.message_minutes, "45")
    sent_at = datetime.now().astimezone()
    click(qtbot, page.send_button)

    state = wait_for(lambda: (b := board.cached(board.topics.board_state)) and b.message and b,
                     what="the message on the board's retained state")
    assert state.message.text == words
    assert abs(state.message.until - (sent_at + timedelta(minutes=45))) < timedelta(minutes=1)
    until = built.controller.local(state.message.until).strftime("%H:%M")
    qtbot.waitUntil(lambda: page.current_message.text() ==
                    f"Đang hiển thị đến {until}: {words}")
    window.grab().save(str(artifacts / "control_message.png"))

    click(qtbot, page.clear_button)
    wait_for(lambda: board.cached(board.topics.board_state).message is None,
             what="the message cleared")
    qtbot.waitUntil(lambda: page.current_message.text() == "Không có thông báo")


def test_device_health_and_a_hub_outage(hub, devices, console, qtbot, artifacts):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    tablet = devices("tablet-3")
    devices("announcer-1").set_health(audio="ok")
    built = console(manager)
    window = built.window
    _ready(qtbot, built)
    hall = window.hall
    kiosk.set_health(printer="paper_out")
    tablet.stop()
    qtbot.waitUntil(lambda: hall.devices_title.text() == "Thiết bị — 2 sự cố")
    shown = rows_by_name(hall.device_table)
    assert shown["Kiosk sảnh chính"]["Tình trạng"] == "Máy in: HẾT GIẤY"
    assert shown["Máy đánh giá quầy 3"]["Tình trạng"] == "NGOẠI TUYẾN"
    assert shown["Loa gọi số (announcer-1)"]["Tình trạng"] == "Hoạt động"
    assert shown["Kiosk cửa phụ"]["Tình trạng"] == "Chưa kết nối"
    first_two = [hall.device_table.item(r, 0).text() for r in range(2)]
    assert sorted(first_two) == ["Kiosk sảnh chính", "Máy đánh giá quầy 3"]  # problems first
    assert headers(hall.service_table)[:4] == ["Dịch vụ", "Đang chờ", "Ưu tiên", "Chờ lâu nhất"]
    window.grab().save(str(artifacts / "hall_device_problems.png"))

    kiosk.set_health(printer="ok")
    qtbot.waitUntil(lambda: hall.devices_title.text() == "Thiết bị — 1 sự cố")

    hub.kill()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert window.banner.text().startswith("Máy chủ hàng đợi đang NGỪNG HOẠT ĐỘNG")
    assert not window.control.send_button.isEnabled()
    window.grab().save(str(artifacts / "hall_hub_offline.png"))
    hub.start()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=20_000)
    assert window.control.send_button.isEnabled()


def test_the_language_switches_at_once(hub, devices, console, qtbot, artifacts):
    built = console(devices("manager-1"))
    window = built.window
    _ready(qtbot, built)
    click(qtbot, window.lang_button)
    assert [window.tabs.tabText(i) for i in range(4)] == ["Hall", "Control", "Reports",
                                                          "Ratings"]
    assert headers(window.hall.service_table)[:2] == ["Service", "Waiting"]
    assert "Land" in rows_by_name(window.hall.service_table)
    assert window.lang_button.text() == "Tiếng Việt"
    window.grab().save(str(artifacts / "hall_english.png"))
    click(qtbot, window.lang_button)
    assert window.tabs.tabText(0) == "Sảnh chờ"
    assert "Đất đai" in rows_by_name(window.hall.service_table)


def test_the_console_recovers_alone_after_the_broker_restarts(broker, hub, devices, console,
                                                              qtbot, artifacts):
    kiosk, manager = devices("kiosk-1"), devices("manager-1")
    built = console(manager)
    window = built.window
    _ready(qtbot, built)
    kiosk.request("ticket.issue", {"service": "dkdn"})

    def waiting() -> str:
        return rows_by_name(window.hall.service_table)["Đăng ký doanh nghiệp"]["Đang chờ"]

    qtbot.waitUntil(lambda: waiting() == "1")
    assert window.hall.alerts.text() == (
        "⚠ Có người chờ nhưng không quầy nào mở: Đăng ký doanh nghiệp")
    broker.stop()
    # The broker may deliver the hub's will ("hub offline") before it drops the console; the
    # console's own lost link is the banner it must end on.
    qtbot.waitUntil(lambda: window.banner.isVisible()
                    and window.banner.text().startswith("MẤT KẾT NỐI tới hệ thống"),
                    timeout=10_000)
    assert not window.control.apply_button.isEnabled()
    window.grab().save(str(artifacts / "hall_disconnected.png"))

    broker.start()
    qtbot.waitUntil(lambda: not window.banner.isVisible() and built.controller.can_command,
                    timeout=20_000)
    wait_for(lambda: kiosk.hub_online, timeout=20, what="the kiosk back on the hub")
    kiosk.request("ticket.issue", {"service": "dkdn"})
    qtbot.waitUntil(lambda: waiting() == "2", timeout=10_000)


def test_stopping_a_service_can_be_undone_before_the_kiosks_hear_of_it(hub, devices, console,
                                                                        qtbot, artifacts):
    """No confirmation dialog: "Ngừng cấp số" acts on screen at once and can be taken back
    with "Hoàn tác" for a few seconds; only then does the hub hear of it."""
    kiosk_client, manager = devices("kiosk-1"), devices("manager-1")
    built = console(manager)
    window = built.window
    _ready(qtbot, built)
    built.controller.undo_s = 2.0
    open_tab(qtbot, window.tabs, CONTROL_TAB)

    def land():
        return kiosk_client.cached(kiosk_client.topics.service_state("datdai"))

    click(qtbot, _issuing_button(window, "datdai"))
    assert _issuing_button(window, "datdai").text() == "Hoàn tác (2)"
    assert rows_by_name(window.control.issuing_table)["Đất đai"]["Cấp số"] == "Ngừng sau 2 giây"
    assert window.notice.text().endswith(
        "Sẽ ngừng cấp số Đất đai sau 2 giây — bấm Hoàn tác để giữ lại")
    window.grab().save(str(artifacts / "stop_held.png"))
    click(qtbot, _issuing_button(window, "datdai"))
    assert window.notice.text().endswith("Đã hoàn tác: Đất đai vẫn cấp số")
    assert _issuing_button(window, "datdai").text() == "Ngừng cấp số"
    qtbot.wait(2500)
    assert land().open, "the hub never heard of the stop"

    # left alone, the stop goes when its time is up
    click(qtbot, _issuing_button(window, "datdai"))
    qtbot.waitUntil(lambda: not land().open and land().closed_reason == "manager",
                    timeout=10_000)
    qtbot.waitUntil(lambda: _issuing_button(window, "datdai").text() == "Mở cấp số")


def test_a_hub_clock_behind_its_ledger_is_shown_to_the_manager(broker, devices, console, qtbot,
                                                               tmp_path, artifacts):
    """The hub keeps the ledger's day when its clock is behind (issue 15); the manager sees it
    at once and what to do, and the notice goes when the clock is set right."""
    db = tmp_path / "ledger.db"
    hub = HubProcess(broker.url, db, args=("--clock-start", "2026-12-07T10:00:00")).start()
    kiosk = devices("kiosk-1")
    kiosk.request("ticket.issue", {"service": "dkdn"})
    hub.stop()
    hub = HubProcess(broker.url, db, args=("--clock-start", "2026-12-07T09:00:00")).start()
    try:
        built = console(devices("manager-1"))
        window = built.window
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=20_000)
        assert window.banner.text().startswith("ĐỒNG HỒ máy chủ chậm 60 phút so với sổ ghi")
        assert "chỉnh lại giờ máy chủ" in window.banner.text()
        assert window.control.send_button.isEnabled()  # the hub serves on the ledger's day
        window.grab().save(str(artifacts / "manager_clock_behind.png"))
        hub.stop()
        hub = HubProcess(broker.url, db, args=("--clock-start", "2026-12-07T11:00:00")).start()
        qtbot.waitUntil(lambda: built.controller.hub_online and not window.banner.isVisible(),
                        timeout=20_000)
    finally:
        hub.stop()


def test_the_hall_shows_the_range_a_ticket_is_told(hub, devices, console, qtbot, artifacts):
    """The wait column says the range the kiosk and the paper say ("50-90 phút"), and that no
    counter serves a service instead of a wait (before: a point, "12:00", in both cases)."""
    kiosk, counter, manager = devices("kiosk-1"), devices("counter-4"), devices("manager-1")
    counter.request("counter.open", {"officer": "pthd", "pin": DEMO_PIN})
    for _ in range(6):
        kiosk.request("ticket.issue", {"service": "datdai"})
    kiosk.request("ticket.issue", {"service": "moitruong"})
    wait_for(lambda: (s := manager.cached(manager.topics.service_state("datdai"))) is not None
             and s.waiting == 6, what="six waiting for land")
    land = manager.cached(manager.topics.service_state("datdai"))
    low, high = land.wait_range()
    built = console(manager)
    window = built.window
    _ready(qtbot, built)
    hall = window.hall
    qtbot.waitUntil(lambda: rows_by_name(hall.service_table)["Đất đai"]["Đang chờ"] == "6")
    shown = rows_by_name(hall.service_table)
    assert shown["Đất đai"]["Dự kiến chờ"] == f"{low // 60}-{high // 60} phút"
    assert shown["Môi trường"]["Dự kiến chờ"] == "chưa có quầy"
    window.grab().save(str(artifacts / "hall_wait_ranges.png"))
