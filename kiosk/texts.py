"""Every string the kiosk shows, Vietnamese first, English available.

Names of the center, departments, services and priority groups come from the config; these
are the kiosk's own words around them.
"""

from __future__ import annotations

from datetime import datetime

from qtkit.formats import wait_text, weekday
from qtkit.texts import Lang, Texts

TEXTS = Texts({
    # the other language's name, on the switch
    "switch_language": ("English", "Tiếng Việt"),
    "choose_department": ("Xin mời chọn cơ quan giải quyết hồ sơ",
                          "Please choose a department"),
    "choose_service": ("Xin mời chọn dịch vụ", "Please choose a service"),
    "choose_priority": ("Ông/bà thuộc đối tượng ưu tiên nào?",
                        "Which priority group are you in?"),
    "priority": ("Ưu tiên", "Priority"),
    "priority_chosen": ("Ưu tiên: {group}", "Priority: {group}"),
    "priority_cancel": ("Bỏ ưu tiên", "Cancel priority"),
    "back": ("◀  Quay lại", "◀  Back"),
    "waiting_none": ("Không có người chờ", "No one waiting"),
    "waiting": ("{count} người đang chờ", "{count} waiting"),
    "wait_soon": ("Chờ dưới {minutes} phút", "Under {minutes} min wait"),
    "wait_minutes": ("Chờ khoảng {low}-{high} phút", "About {low}-{high} min wait"),
    "wait_hours": ("Chờ khoảng {low}-{high} giờ", "About {low}-{high} h wait"),
    "wait_no_counter": ("Chưa có quầy phục vụ", "No counter open yet"),
    "all_closed": ("Tạm ngừng cấp số", "Not issuing numbers now"),
    "closed_manager": ("Tạm ngừng cấp số", "Not issuing numbers now"),
    "closed_daily_limit": ("Đã hết số hôm nay", "No more numbers today"),
    "closed_hours": ("Ngoài giờ cấp số", "Outside issuing hours"),
    "closed_unknown": ("Đang cập nhật", "Updating"),
    "ask_help_desk": ("Xin hỏi bàn hướng dẫn", "Please ask at the help desk"),
    "opens_today": ("Mở lại lúc {time}", "Opens at {time}"),
    "opens_on": ("Mở lại lúc {time}, {weekday} {date}", "Opens {weekday} {date} at {time}"),
    "issuing": ("Đang lấy số, xin chờ trong giây lát…", "Getting your number, please wait…"),
    "your_number": ("Số thứ tự của ông/bà", "Your number"),
    "take_ticket": ("Mời nhận phiếu", "Please take your ticket"),
    "printing": ("Đang in phiếu…", "Printing your ticket…"),
    "print_failed": ("Máy in gặp sự cố, chưa in được phiếu.",
                     "The printer failed; no ticket was printed."),
    "note_number": ("Xin ông/bà ghi nhớ số {number} và chờ gọi số.",
                    "Please note your number {number} and wait to be called."),
    "ahead_none": ("Không có ai chờ trước ông/bà", "No one is ahead of you"),
    "ahead": ("Trước ông/bà còn {count} người", "{count} people ahead of you"),
    "done": ("Xong", "Done"),
    "out_of_service": ("Máy lấy số tạm ngừng phục vụ", "This kiosk is out of service"),
    "printer_paper_out": ("Máy in đã hết giấy.", "The printer is out of paper."),
    "printer_cover_open": ("Nắp máy in đang mở.", "The printer cover is open."),
    "printer_offline": ("Máy in chưa sẵn sàng.", "The printer is not ready."),
    "out_of_service_help": ("Xin ông/bà vui lòng đến bàn hướng dẫn hoặc dùng máy lấy số khác.",
                            "Please go to the help desk or use another kiosk."),
    "resumes_by_itself": ("Máy sẽ tự hoạt động lại khi được khắc phục.",
                          "The kiosk will resume by itself once fixed."),
    "offline": ("Hệ thống đang tạm gián đoạn", "The system is temporarily unavailable"),
    "offline_help": ("Xin ông/bà vui lòng chờ trong giây lát.\nMáy sẽ tự hoạt động lại.",
                     "Please wait a moment.\nThe kiosk will resume by itself."),
})

text = TEXTS.t


def waiting(count: int, lang: Lang) -> str:
    return text("waiting", lang, count=count) if count else text("waiting_none", lang)


def wait_time(wait_range: tuple[int, int] | None, lang: Lang) -> str:
    """The hub's range of the wait (None: no open counter serves the service), written by
    `qtkit.formats.wait_text` as the printed ticket writes it (`drivers/printer/layout.py`):
    screen and paper must say the same."""
    return wait_text(wait_range, soon=text("wait_soon", lang), minutes=text("wait_minutes", lang),
                     hours=text("wait_hours", lang), no_counter=text("wait_no_counter", lang))


def ahead(count: int, lang: Lang) -> str:
    return text("ahead", lang, count=count) if count else text("ahead_none", lang)


def opens(at: datetime, now: datetime, lang: Lang) -> str:
    clock = f"{at:%H:%M}"
    if at.date() == now.date():
        return text("opens_today", lang, time=clock)
    return text("opens_on", lang, time=clock, weekday=weekday(at, lang), date=f"{at:%d/%m}")


def printer_problem(health: str, lang: Lang) -> str:
    key = f"printer_{health}"
    return text(key if key in TEXTS else "printer_offline", lang)
