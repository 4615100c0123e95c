"""The apps' words: each table is a `config.bilingual.Texts` (a key to its (Vietnamese,
English) pair, with the one lookup `Texts.t`), which the web face uses too.

The hub's stable error codes in plain words, for officers, citizens and managers, live here
too (`error_text`), since every app shows them.
"""

from __future__ import annotations

from config.bilingual import LANGS, Lang, Texts

__all__ = ["ERRORS", "LANGS", "Lang", "Texts", "error_text"]


ERRORS = Texts({
    # what a code the apps do not know says
    "unknown": ("Có lỗi xảy ra", "Something went wrong"),
    "not_connected": ("Mất kết nối tới hệ thống", "Not connected to the system"),
    "timeout": ("Hệ thống không phản hồi, vui lòng thử lại",
                "The system did not answer; try again"),
    "unavailable": ("Hệ thống tạm thời không lưu được, vui lòng thử lại",
                    "The system could not store that; try again"),
    "forbidden": ("Thiết bị này không được phép làm thao tác đó",
                  "This device may not do that"),
    "unknown_op": ("Thao tác không được hỗ trợ", "Operation not supported"),
    "bad_request": ("Yêu cầu không hợp lệ", "Invalid request"),
    "unknown_service": ("Dịch vụ không tồn tại", "Unknown service"),
    "unknown_counter": ("Quầy không tồn tại", "Unknown counter"),
    "unknown_officer": ("Cán bộ không có trong danh sách", "Unknown officer"),
    "unknown_ticket": ("Không có số này trong ngày", "No such ticket today"),
    "service_closed": ("Dịch vụ đang tạm ngừng cấp số", "This service is not issuing now"),
    "daily_limit_reached": ("Đã hết số trong ngày", "No more numbers today"),
    "queue_empty": ("Không còn ai đang chờ", "No one is waiting"),
    "no_current_ticket": ("Quầy chưa gọi số nào", "No current ticket"),
    "ticket_in_progress": ("Hãy hoàn thành hoặc báo vắng số đang phục vụ trước",
                           "Finish or mark the current ticket first"),
    "counter_not_open": ("Quầy đang không mở", "The counter is not open"),
    "invalid_transition": ("Số này không thể thực hiện thao tác đó lúc này",
                           "That is not possible for this ticket now"),
    "already_rated": ("Số này đã được đánh giá", "Already rated"),
    "rating_window_closed": ("Đã hết thời gian đánh giá", "The time to rate has passed"),
    "officer_busy": ("Cán bộ này đang làm việc tại quầy khác",
                     "This officer is signed in at another counter"),
    "pin_required": ("Vui lòng nhập mã PIN", "Enter the PIN"),
    "wrong_pin": ("Mã PIN không đúng", "Wrong PIN"),
    "pin_locked": ("Nhập sai mã PIN nhiều lần, vui lòng thử lại sau ít phút",
                   "Too many wrong PINs; try again in a few minutes"),
    "pin_not_set": ("Cán bộ chưa có mã PIN, vui lòng liên hệ bộ phận kỹ thuật",
                    "This officer has no PIN yet; ask the IT person"),
    "rate_limited": ("Thao tác quá nhanh, vui lòng chờ giây lát",
                     "Too many requests; wait a moment"),
    # appointments
    "not_bookable": ("Dịch vụ này không nhận đặt lịch", "This service takes no appointments"),
    "slot_unavailable": ("Không đặt được giờ này", "That time cannot be booked"),
    "slot_full": ("Giờ này đã kín lịch", "That slot is full"),
    "booking_day_closed": ("Ngày này trung tâm không nhận đặt lịch",
                           "The center takes no bookings that day"),
    "consent_required": ("Cần công dân đồng ý trước khi lưu số điện thoại",
                         "The citizen must agree before a phone number is kept"),
    "phone_limit_reached": ("Số điện thoại này đã đặt đủ số lịch trong ngày",
                            "This phone number holds the most bookings for that day"),
    "unknown_booking": ("Không tìm thấy lịch hẹn có mã này", "No booking has this code"),
    "booking_cancelled": ("Lịch hẹn đã bị hủy", "The booking was cancelled"),
    "booking_used": ("Lịch hẹn đã được dùng để lấy số", "The booking has been used"),
    "checkin_too_early": ("Chưa đến giờ nhận số theo lịch hẹn", "Too early to check in"),
    "checkin_too_late": ("Đã quá giờ nhận số theo lịch hẹn", "Too late to check in"),
})


def error_text(code: str, lang: str = "vi") -> str:
    return ERRORS.t(code if code in ERRORS else "unknown", lang)
