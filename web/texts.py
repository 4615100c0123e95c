"""Every string the web face shows, Vietnamese first, English by the toggle.

Names of the center, departments, services, counters' officers and rating levels come from
the config; these are the pages' own words around them.
"""

from __future__ import annotations

from datetime import datetime

from config.bilingual import LANGS, WEEKDAYS, Lang, Texts
from drivers.printer.layout import wait_text

__all__ = ["LANGS", "WEEKDAYS", "Lang", "clock", "text", "wait_time"]

TEXTS = Texts({
    "other_lang": ("English", "Tiếng Việt"),
    "home": ("Trang chủ", "Home"),
    "booking": ("Đặt lịch hẹn", "Book an appointment"),
    "now_title": ("Tình hình hiện tại", "The center now"),
    "ranking": ("Đánh giá", "Ratings"),
    "board": ("Bảng gọi số", "Call board"),
    "api": ("Dữ liệu mở (API)", "Open data (API)"),
    "offline": ("Đang mất kết nối với hệ thống xếp hàng; thông tin có thể chưa mới.",
                "The queue system cannot be reached; what you see may be out of date."),
    "no_script": ("Trang tự cập nhật khi bật JavaScript; nếu không, hãy tải lại trang.",
                  "This page updates itself with JavaScript on; otherwise reload it."),
    # the center now
    "hours": ("Giờ làm việc", "Opening hours"),
    "hours_today": ("Hôm nay", "Today"),
    "closed_today": ("Hôm nay không làm việc", "Closed today"),
    "waiting_col": ("Đang chờ", "Waiting"),
    "wait_col": ("Chờ dự kiến", "Expected wait"),
    "service_col": ("Dịch vụ", "Service"),
    "open": ("Đang cấp số", "Issuing numbers"),
    "closed_manager": ("Tạm dừng cấp số", "Not issuing now"),
    "closed_daily_limit": ("Hết số hôm nay", "No numbers left today"),
    "closed_hours": ("Ngoài giờ cấp số", "Outside issuing hours"),
    "opens_at": ("Mở lại lúc {time}", "Opens at {time}"),
    "no_counter": ("Chưa có quầy mở", "No counter open"),
    "people": ("{count} người", "{count}"),
    # waits
    "wait_soon": ("dưới {minutes} phút", "under {minutes} min"),
    "wait_minutes": ("khoảng {low}-{high} phút", "about {low}-{high} min"),
    "wait_hours": ("khoảng {low}-{high} giờ", "about {low}-{high} h"),
    # the ticket
    "your_number": ("Số thứ tự của ông/bà", "Your number"),
    "state_waiting": ("Đang chờ gọi số", "Waiting to be called"),
    "state_called": ("Mời đến quầy {counter}", "Please go to counter {counter}"),
    "state_serving": ("Đang được phục vụ tại quầy {counter}", "Being served at counter {counter}"),
    "state_done": ("Đã hoàn thành", "Finished"),
    "state_no_show": ("Đã gọi nhưng ông/bà chưa có mặt",
                      "You were called but were not there"),
    "no_show_help": ("Xin đến quầy {counter} để được gọi lại.",
                     "Please go to counter {counter} to be called again."),
    "state_cancelled": ("Phiếu đã bị hủy", "This ticket was cancelled"),
    "ahead": ("Số người chờ trước", "People ahead"),
    "ahead_about": ("khoảng {count}", "about {count}"),
    "ahead_none": ("Không có ai", "Nobody"),
    "expected_wait": ("Thời gian chờ dự kiến", "Expected wait"),
    "no_estimate": ("Chưa ước tính được (chưa có quầy mở)", "Not known yet (no counter open)"),
    "sound_on": ("Bật chuông báo khi được gọi", "Ring when I am called"),
    "called_help": ("Xin mang theo phiếu và hồ sơ.", "Please bring your ticket and papers."),
    "rate_question_hint": ("Mỗi phiếu được đánh giá một lần.", "Each ticket is rated once."),
    "rate_reasons": ("Lý do (nếu có)", "Reasons (optional)"),
    "rate_send": ("Gửi đánh giá", "Send rating"),
    "rated": ("Cảm ơn ông/bà đã đánh giá.", "Thank you for your rating."),
    "rate_closed": ("Đã hết thời gian đánh giá cho phiếu này.",
                    "The time to rate this ticket has passed."),
    "rate_until": ("Đánh giá trước {time}", "Rate before {time}"),
    "rate_error": ("Chưa gửi được đánh giá: {reason}", "The rating was not sent: {reason}"),
    "rate_pick": ("Xin chọn một mức đánh giá.", "Please choose a level."),
    "busy": ("Hệ thống đang bận, xin thử lại sau ít giây.",
             "The system is busy, please try again in a few seconds."),
    "no_ticket_title": ("Không tìm thấy phiếu", "Ticket not found"),
    "no_ticket": ("Mã này không đúng hoặc phiếu đã hết hạn. Phiếu chỉ xem được trong ngày "
                  "được cấp.", "This code is wrong or the ticket has expired. A ticket can be "
                  "followed only on the day it was issued."),
    "not_found": ("Không có trang này.", "There is no such page."),
    # the ranking
    "ranking_title": ("Kết quả đánh giá mức độ hài lòng",
                      "How satisfied citizens were"),
    "ranking_note": ("Xếp hạng theo tỷ lệ hài lòng, rồi điểm trung bình (1 đến 4). Chỉ xếp hạng "
                     "khi có từ {min} đánh giá. Không công bố thông tin người đánh giá.",
                     "Ranked by the share satisfied, then the mean score (1 to 4). Ranked only "
                     "from {min} ratings. Nothing that identifies a rater is published."),
    "period_today": ("Hôm nay", "Today"),
    "period_month": ("Tháng này", "This month"),
    "period_quarter": ("Quý này", "This quarter"),
    "by_officer": ("Theo cán bộ", "By officer"),
    "by_counter": ("Theo quầy", "By counter"),
    "by_department": ("Theo sở, ngành", "By department"),
    "rank_col": ("Hạng", "Rank"),
    "name_col": ("Tên", "Name"),
    "count_col": ("Lượt", "Ratings"),
    "mean_col": ("Điểm", "Mean"),
    "satisfied_col": ("Hài lòng", "Satisfied"),
    "too_few": ("chưa đủ", "too few"),
    "no_ratings": ("Chưa có đánh giá.", "No ratings yet."),
    "counter_name": ("Quầy {number}", "Counter {number}"),
    "range": ("Từ {first} đến {last}", "From {first} to {last}"),
    # the board
    "board_called": ("Mời số", "Now serving"),
    "board_to_counter": ("đến quầy", "to counter"),
    "board_recent": ("Các số vừa gọi", "Recent calls"),
    "board_counters": ("Các quầy", "Counters"),
    "board_waiting": ("Đang chờ", "Waiting"),
    "board_none": ("Chưa gọi số nào", "No calls yet"),
    "counter_ready": ("Sẵn sàng", "Ready"),
    "counter_paused": ("Tạm nghỉ", "Paused"),
    "counter_closed": ("Đóng", "Closed"),
})

text = TEXTS.t


def wait_time(low_s: int | None, high_s: int | None, lang: Lang) -> str:
    """The range a wait falls in, written as the kiosk's screen and the paper write it (one
    rounding: `drivers.printer.layout.wait_text`); no range: no wait is promised."""
    told = (low_s, high_s) if low_s is not None and high_s is not None else None
    return wait_text(told, soon=text("wait_soon", lang), minutes=text("wait_minutes", lang),
                     hours=text("wait_hours", lang), no_counter=text("no_counter", lang))


def clock(at: datetime) -> str:
    return f"{at:%H:%M}"
