"""Every word the manager console shows, Vietnamese first, English available.

Names of the center, services, counters, officers and rating levels come from the config;
these are the console's own words around them.
"""

from __future__ import annotations

from datetime import date

from qtkit.texts import Texts

TEXTS = Texts({
    "window_title": ("Bảng điều hành — {center}", "Manager console — {center}"),
    "switch_language": ("English", "Tiếng Việt"),
    # connection
    "connecting": ("Đang kết nối tới hệ thống…", "Connecting to the system…"),
    "disconnected": ("MẤT KẾT NỐI tới hệ thống — số liệu đang hiển thị có thể đã cũ",
                     "NOT CONNECTED to the system — the figures shown may be out of date"),
    "hub_offline": ("Máy chủ hàng đợi đang NGỪNG HOẠT ĐỘNG — chưa thể thay đổi, số liệu có "
                    "thể đã cũ", "The queue hub is OFFLINE — no changes possible, figures "
                    "may be out of date"),
    "waiting_config": ("Đang chờ cấu hình từ máy chủ…", "Waiting for the center's config…"),
    # tabs
    "tab_hall": ("Sảnh chờ", "Hall"),
    "tab_control": ("Điều hành", "Control"),
    "tab_reports": ("Báo cáo", "Reports"),
    "tab_ratings": ("Đánh giá", "Ratings"),
    # hall
    "summary": ("Đang chờ: {waiting} người · Quầy mở: {open}/{counters} · "
                "Dịch vụ ngừng cấp số: {closed}",
                "Waiting: {waiting} · Counters open: {open}/{counters} · "
                "Services not issuing: {closed}"),
    "counters_title": ("Quầy", "Counters"),
    "devices_title": ("Thiết bị", "Devices"),
    "devices_problems": ("Thiết bị — {count} sự cố", "Devices — {count} problem(s)"),
    "col_service": ("Dịch vụ", "Service"),
    "col_waiting": ("Đang chờ", "Waiting"),
    "col_priority": ("Ưu tiên", "Priority"),
    "col_longest": ("Chờ lâu nhất", "Longest wait"),
    "col_ewt": ("Dự kiến chờ", "Est. wait"),
    "col_counters_open": ("Quầy mở", "Counters"),
    "col_issued": ("Đã cấp", "Issued"),
    "col_served": ("Đã xong", "Served"),
    "col_issuing": ("Cấp số", "Issuing"),
    "col_counter": ("Quầy", "Counter"),
    "col_status": ("Trạng thái", "Status"),
    "col_officer": ("Cán bộ", "Officer"),
    "col_services": ("Dịch vụ phụ trách", "Services"),
    "col_ticket": ("Số hiện tại", "Ticket"),
    "col_busy": ("Thời gian", "Busy for"),
    "issuing_open": ("Đang cấp", "Issuing"),
    "issuing_manager": ("Ngừng cấp", "Stopped"),
    "issuing_daily_limit": ("Hết số", "No more"),
    "issuing_hours": ("Ngoài giờ", "Closed hours"),
    "alert_unserved": ("Có người chờ nhưng không quầy nào mở: {services}",
                       "People waiting and no counter open: {services}"),
    "alert_long_wait": ("Có người đã chờ quá {minutes} phút: {services}",
                        "Someone has waited over {minutes} min: {services}"),
    "counter_open": ("Đang mở", "Open"),
    "counter_paused": ("Tạm dừng", "Paused"),
    "counter_closed": ("Đóng", "Closed"),
    "ticket_called": ("{number} (đang mời)", "{number} (called)"),
    "ticket_serving": ("{number} (đang phục vụ)", "{number} (serving)"),
    "counter_name": ("Quầy {number}", "Counter {number}"),
    "none": ("—", "—"),
    # devices
    "role_kiosk": ("Kiosk lấy số", "Ticket kiosk"),
    "role_counter": ("Màn hình cán bộ", "Officer's terminal"),
    "role_tablet": ("Máy đánh giá", "Rating tablet"),
    "role_board": ("Bảng hiển thị", "Display board"),
    "role_announcer": ("Loa gọi số", "Announcer"),
    "role_manager": ("Máy quản lý", "Manager console"),
    "role_web": ("Trang web", "Web face"),
    "device_at_counter": ("{role} quầy {number}", "{role}, counter {number}"),
    "col_device": ("Thiết bị", "Device"),
    "col_health": ("Tình trạng", "Condition"),
    "device_online": ("Hoạt động", "Online"),
    "device_offline": ("NGOẠI TUYẾN", "OFFLINE"),
    "device_unknown": ("Chưa kết nối", "Never seen"),
    # control
    "counter_editor": ("Quầy được chọn", "Selected counter"),
    "officer": ("Cán bộ", "Officer"),
    "open_counter": ("Mở quầy", "Open"),
    "pause_counter": ("Tạm dừng", "Pause"),
    "close_counter": ("Đóng quầy", "Close"),
    "counter_services": ("Dịch vụ quầy phục vụ (đánh dấu và xếp thứ tự)",
                         "Services served (tick and order them)"),
    "move_up": ("▲ Lên", "▲ Up"),
    "move_down": ("▼ Xuống", "▼ Down"),
    "apply_services": ("Áp dụng phân công", "Apply assignment"),
    "assign_hint": ("Thay đổi có hiệu lực từ lượt gọi tiếp theo.",
                    "Changes take effect at the next call."),
    "issuing_title": ("Cấp số theo dịch vụ", "Issuing per service"),
    "stop_issuing": ("Ngừng cấp số", "Stop issuing"),
    "start_issuing": ("Mở cấp số", "Resume issuing"),
    "message_title": ("Thông báo chạy trên bảng hiển thị", "Running message on the boards"),
    "message_placeholder": ("Nội dung thông báo…", "Message text…"),
    "message_minutes": ("Hiển thị trong (phút, 0 = đến khi xóa)",
                        "Show for (minutes, 0 = until cleared)"),
    "send_message": ("Gửi thông báo", "Send"),
    "clear_message": ("Xóa thông báo", "Clear"),
    "message_now": ("Đang hiển thị: {text}", "Showing now: {text}"),
    "message_until": ("Đang hiển thị đến {time}: {text}", "Showing until {time}: {text}"),
    "message_none": ("Không có thông báo", "No message"),
    # notices after a command
    "done_open": ("Đã mở {counter}", "{counter} is open"),
    "done_pause": ("Đã tạm dừng {counter}", "{counter} is paused"),
    "done_close": ("Đã đóng {counter}", "{counter} is closed"),
    "done_assign": ("Đã phân công {counter}: {services}", "{counter} now serves {services}"),
    "done_issuing_open": ("Đã mở cấp số: {service}", "Issuing resumed: {service}"),
    "done_issuing_close": ("Đã ngừng cấp số: {service}", "Issuing stopped: {service}"),
    "done_message": ("Đã gửi thông báo tới các bảng", "Message sent to the boards"),
    "done_message_clear": ("Đã xóa thông báo trên các bảng", "Message cleared"),
    "no_services_chosen": ("Hãy chọn ít nhất một dịch vụ cho quầy",
                           "Choose at least one service for the counter"),
    "failed": ("Không thực hiện được: {reason}", "Failed: {reason}"),
    # reports
    "period_from": ("Từ ngày", "From"),
    "period_to": ("Đến ngày", "To"),
    "today": ("Hôm nay", "Today"),
    "last_7_days": ("7 ngày qua", "Last 7 days"),
    "this_month": ("Tháng này", "This month"),
    "load_report": ("Xem báo cáo", "Show report"),
    "export_csv": ("Xuất CSV", "Export CSV"),
    "loading": ("Đang tải…", "Loading…"),
    "report_for": ("Báo cáo {period}", "Report {period}"),
    "report_empty": ("Chưa có số liệu cho khoảng thời gian này",
                     "No figures for this period"),
    "report_tab_service": ("Theo dịch vụ", "By service"),
    "report_tab_counter": ("Theo quầy", "By counter"),
    "report_tab_officer": ("Theo cán bộ", "By officer"),
    "report_tab_day": ("Theo ngày", "By day"),
    "report_tab_hourly": ("Theo giờ trong ngày", "By hour of day"),
    "exported": ("Đã lưu {path}", "Saved {path}"),
    "export_nothing": ("Hãy xem báo cáo trước khi xuất", "Show a report before exporting"),
    "export_failed": ("Không lưu được tệp: {reason}", "Could not save the file: {reason}"),
    "chart_counts": ("Số lượt trong mỗi giờ (theo giờ lấy số)",
                     "Tickets per hour (by hour of issue)"),
    "chart_waits": ("Thời gian chờ (phút) theo giờ lấy số",
                    "Wait (minutes) by hour of issue"),
    "legend_issued": ("Đã cấp", "Issued"),
    "legend_served": ("Đã phục vụ", "Served"),
    "legend_mean_wait": ("Chờ trung bình", "Mean wait"),
    "legend_p90_wait": ("90% chờ không quá", "90th percentile wait"),
    # report columns
    "rcol_name_service": ("Dịch vụ", "Service"),
    "rcol_name_counter": ("Quầy", "Counter"),
    "rcol_name_officer": ("Cán bộ", "Officer"),
    "rcol_name_day": ("Ngày", "Day"),
    "rcol_name_hourly": ("Giờ lấy số", "Hour of issue"),
    "rcol_issued": ("Đã cấp", "Issued"),
    "rcol_served": ("Đã phục vụ", "Served"),
    "rcol_no_show": ("Vắng mặt", "No-show"),
    "rcol_waiting": ("Còn chờ", "Still waiting"),
    "rcol_cancelled": ("Đã hủy", "Cancelled"),
    "rcol_mean_wait": ("Chờ TB", "Mean wait"),
    "rcol_p90_wait": ("Chờ P90", "P90 wait"),
    "rcol_mean_service": ("Phục vụ TB", "Mean service"),
    "rcol_mean_wait_s": ("Chờ trung bình (giây)", "Mean wait (s)"),
    "rcol_p90_wait_s": ("Chờ P90 (giây)", "P90 wait (s)"),
    "rcol_mean_service_s": ("Phục vụ trung bình (giây)", "Mean service (s)"),
    "rcol_rated": ("Lượt đánh giá", "Ratings"),
    "rcol_satisfied": ("Tỷ lệ hài lòng", "Satisfied"),
    "rcol_mean_score": ("Điểm TB", "Mean score"),
    "rcol_rank": ("Hạng", "Rank"),
    "hour_span": ("{start}:00–{end}:00", "{start}:00–{end}:00"),
    # ratings
    "load_ranking": ("Xem xếp hạng", "Show ranking"),
    "export_html": ("Xuất trang web (HTML)", "Export web page (HTML)"),
    "ranking_for": ("Kết quả đánh giá mức độ hài lòng {period}",
                    "Satisfaction results {period}"),
    "ranking_officers": ("Xếp hạng cán bộ", "Officers ranked"),
    "ranking_counters": ("Xếp hạng quầy", "Counters ranked"),
    "ranking_rule": ("Xếp hạng theo tỷ lệ hài lòng (Rất hài lòng và Hài lòng), rồi theo điểm "
                     "trung bình (thang 4 điểm), rồi theo số lượt đánh giá.",
                     "Ranked by the share satisfied (the two top levels), then the mean score "
                     "(out of 4), then the number of ratings."),
    "ranking_empty": ("Chưa có lượt đánh giá nào trong khoảng thời gian này",
                      "No ratings in this period"),
    "period_day": ("ngày {day}", "on {day}"),
    "period_range": ("từ ngày {first} đến ngày {last}", "from {first} to {last}"),
})

text = TEXTS.t


def day_text(day: date, lang: str) -> str:
    return day.strftime("%Y-%m-%d") if lang == "en" else day.strftime("%d/%m/%Y")


def period_text(first: date, last: date, lang: str) -> str:
    if first == last:
        return text("period_day", lang, day=day_text(first, lang))
    return text("period_range", lang, first=day_text(first, lang), last=day_text(last, lang))


def decimal(value: float, lang: str, places: int = 2) -> str:
    """Vietnamese writes a decimal comma."""
    written = f"{value:.{places}f}"
    return written if lang == "en" else written.replace(".", ",")


def percent(share: float, lang: str) -> str:
    return f"{decimal(share * 100, lang, 1)}%"


# What a device reports as health (its `health` dict), in plain words.
HEALTH_PARTS = Texts({
    "printer": ("Máy in", "Printer"),
    "audio": ("Âm thanh", "Audio"),
    "speech": ("Giọng đọc", "Voice"),
    "display": ("Bảng LED", "LED display"),
    "led": ("Bảng LED", "LED display"),
    "keypad": ("Bàn phím gọi số", "Keypad"),
    "screen": ("Màn hình", "Screen"),
})

HEALTH_VALUES = Texts({
    "ok": ("bình thường", "ok"),
    "paper_low": ("sắp hết giấy", "paper low"),
    "paper_out": ("HẾT GIẤY", "OUT OF PAPER"),
    "cover_open": ("NẮP ĐANG MỞ", "COVER OPEN"),
    "offline": ("MẤT KẾT NỐI", "OFFLINE"),
    "unknown": ("không đọc được trạng thái", "status unreadable"),
    "missing": ("KHÔNG CÓ", "MISSING"),
    "error": ("LỖI", "ERROR"),
})


def health_part(part: str, lang: str) -> str:
    """A part the console has no words for is shown as the device names it."""
    return HEALTH_PARTS.t(part, lang) if part in HEALTH_PARTS else part


def health_value(value: object, lang: str) -> str:
    key = str(value)
    return HEALTH_VALUES.t(key, lang) if key in HEALTH_VALUES else key
