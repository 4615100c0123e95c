"""The words of the kiosk's check-in screen, Vietnamese first, English available."""

from __future__ import annotations

from qtkit.texts import Texts

TEXTS = Texts({
    "open_button": ("Tôi đã đặt lịch", "I have booked"),
    "open_button_detail": ("Quét mã QR hoặc nhập mã đặt lịch",
                           "Scan the QR code or type the booking code"),
    "heading": ("Tôi đã đặt lịch", "I have booked"),
    "instructions": ("Đưa mã QR trên phiếu hẹn (giấy hoặc điện thoại) vào máy quét, "
                     "hoặc nhập mã đặt lịch 8 ký tự:",
                     "Hold the QR code of your booking (paper or phone) to the scanner, "
                     "or type the 8-character booking code:"),
    "erase": ("⌫ Xóa", "⌫ Erase"),
    "confirm": ("Xác nhận", "Confirm"),
    "checking": ("Đang kiểm tra lịch hẹn…", "Checking your booking…"),
    "checkin_too_early": ("Chưa đến giờ nhận số cho lịch hẹn {code}.",
                          "It is too early to check in booking {code}."),
    "checkin_too_late": ("Đã quá giờ nhận số cho lịch hẹn {code}.",
                         "It is too late to check in booking {code}."),
    "booking_used": ("Lịch hẹn {code} đã được dùng để lấy số.",
                     "Booking {code} has already been used for a number."),
    "booking_cancelled": ("Lịch hẹn {code} đã bị hủy.", "Booking {code} was cancelled."),
    "unknown_booking": ("Không tìm thấy lịch hẹn có mã {code}. Xin kiểm tra lại mã.",
                        "No booking has the code {code}. Please check the code."),
    "printer": ("Máy in chưa sẵn sàng. Xin dùng máy lấy số khác.",
                "The printer is not ready. Please use another kiosk."),
    "your_slot": ("Giờ hẹn của ông/bà: {when}.", "Your appointment: {when}."),
    "come_back": ("Xin mời quay lại nhận số từ {time} đến {until}.",
                  "Please come back to check in between {time} and {until}."),
    "come_back_on": ("Xin mời quay lại nhận số từ {time} ngày {date}.",
                     "Please come back to check in from {time} on {date}."),
    "checkin_closed_at": ("Nhận số theo lịch hẹn chỉ đến {time}. Ông/bà có thể lấy số thường.",
                          "Check-in closed at {time}. You can take an ordinary number."),
    "take_ordinary": ("Lấy số thường: {service}", "Take an ordinary number: {service}"),
    "again": ("Nhập lại mã", "Try again"),
    "home": ("Về màn hình chính", "Back to the start"),
    "your_number": ("Số thứ tự theo lịch hẹn", "Your appointment number"),
    "slot": ("Giờ hẹn: {slot}", "Appointment: {slot}"),
    "called_at_slot": ("Ông/bà sẽ được gọi theo giờ hẹn.", "You will be called at your time."),
})

text = TEXTS.t
