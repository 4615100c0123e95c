"""The hub's stable error codes in plain words for officers, citizens and managers."""

from __future__ import annotations

ERROR_TEXT: dict[str, tuple[str, str]] = {
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
}


def error_text(code: str, lang: str = "vi") -> str:
    vi, en = ERROR_TEXT.get(code, ("Có lỗi xảy ra", "Something went wrong"))
    return en if lang == "en" else vi
