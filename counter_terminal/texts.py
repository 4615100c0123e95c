"""Every word the terminal and the tablet show, Vietnamese first, English available.

Names from the config (services, officers, rating levels and reasons) come from the config's
own `Text` values; only the app's fixed words live here.
"""

from __future__ import annotations

from qtkit.texts import Texts

TEXTS = Texts({
    # --- the officer's terminal --------------------------------------------------------
    "terminal.title": ("Quầy {number} — Điều khiển", "Counter {number} — terminal"),
    "counter": ("Quầy {number}", "Counter {number}"),
    "status.open": ("Đang mở", "Open"),
    "status.paused": ("Tạm dừng", "Paused"),
    "status.closed": ("Đã đóng", "Closed"),
    "officer": ("Cán bộ: {name}", "Officer: {name}"),
    "no_officer": ("Chưa có cán bộ", "No officer"),
    "current": ("Số đang phục vụ", "Current ticket"),
    "no_ticket": ("Chưa gọi số", "No ticket"),
    "ticket.called": ("Đã gọi {calls} lần · chờ công dân {elapsed}",
                      "Called {calls}× · waiting for the citizen {elapsed}"),
    "ticket.serving": ("Đang phục vụ {elapsed}", "Serving for {elapsed}"),
    "priority": ("Ưu tiên", "Priority"),
    "action.next": ("Gọi tiếp", "Next"),
    "action.recall": ("Gọi lại", "Recall"),
    "action.serve": ("Bắt đầu", "Start"),
    "action.no_show": ("Vắng mặt", "No-show"),
    "action.done": ("Hoàn thành", "Done"),
    "action.transfer": ("Chuyển", "Transfer"),
    "action.call": ("Gọi số", "Call number"),
    "action.pause": ("Tạm dừng", "Pause"),
    "action.resume": ("Mở lại", "Resume"),
    "action.close": ("Đóng quầy", "Close counter"),
    "waiting": ("Đang chờ", "Waiting"),
    "sent_here": ("Chuyển đến quầy này", "Sent to this counter"),
    "missed": ("Số vắng mặt", "Missed"),
    "none": ("Không có", "None"),
    "hint.queue_empty": ("Không còn ai đang chờ", "No one is waiting"),
    "hint.paused": ("Quầy đang tạm dừng — bấm Mở lại để tiếp tục",
                    "The counter is paused — press Resume to go on"),
    "hint.called": ("Khi công dân đến, bấm Bắt đầu", "When the citizen arrives, press Start"),
    "signin.title": ("Mở quầy {number}", "Open counter {number}"),
    "signin.officer": ("Chọn cán bộ làm việc tại quầy", "Choose the officer at this counter"),
    "signin.open": ("Mở quầy", "Open counter"),
    "signin.pin": ("Mã PIN của cán bộ", "The officer's PIN"),
    "signin.busy": ("{name} — đang ở quầy {number}", "{name} — at counter {number}"),
    "pick.call.title": ("Chọn số để gọi", "Choose a number to call"),
    "pick.call.ok": ("Gọi số này", "Call this number"),
    "pick.call.empty": ("Không có số nào để gọi", "No number to call"),
    "pick.transfer.title": ("Chuyển số {number} đến", "Transfer {number} to"),
    "pick.transfer.ok": ("Chuyển", "Transfer"),
    "pick.services": ("Dịch vụ khác", "Another service"),
    "pick.counters": ("Quầy khác", "Another counter"),
    "pick.back": ("Quay lại", "Back"),
    "pick.counter_item": ("Quầy {number} · {status}\n{services}",
                          "Counter {number} · {status}\n{services}"),
    "blocked.not_connected": ("Mất kết nối tới hệ thống — đang kết nối lại…",
                              "Not connected to the system — reconnecting…"),
    "blocked.hub_offline": ("Máy chủ xếp hàng đang ngừng — đang chờ kết nối lại…",
                            "The queue server is offline — waiting for it…"),
    "blocked.loading": ("Đang tải dữ liệu quầy…", "Loading the counter…"),
    "blocked.not_bound": ("Thiết bị {device} chưa được gán quầy trong cấu hình",
                          "Device {device} is not bound to a counter in the config"),
    "busy": ("Đang gửi…", "Sending…"),
    "switch_lang": ("English", "Tiếng Việt"),
    # --- the rating tablet ------------------------------------------------------------
    "tablet.counter": ("Quầy số {number}", "Counter {number}"),
    "tablet.officer": ("Cán bộ {name}", "Officer {name}"),
    "tablet.serving": ("Đang phục vụ số {number}", "Now serving {number}"),
    "tablet.welcome": ("Xin kính chào quý ông/bà", "Welcome"),
    "tablet.paused": ("Quầy tạm dừng, xin vui lòng chờ", "The counter is paused, please wait"),
    "tablet.closed": ("Quầy đang đóng", "The counter is closed"),
    "tablet.ticket": ("Số {number}", "Ticket {number}"),
    "tablet.reasons": ("Ông/bà chưa hài lòng về điều gì? (không bắt buộc)",
                       "What could we do better? (optional)"),
    "tablet.send": ("Gửi đánh giá", "Send"),
    "tablet.skip": ("Bỏ qua", "Skip"),
    "tablet.sending": ("Đang gửi đánh giá…", "Sending your rating…"),
    "tablet.thanks": ("Cảm ơn ông/bà đã đánh giá!", "Thank you for your rating!"),
    "tablet.not_recorded": ("Đánh giá chưa được ghi nhận", "The rating was not recorded"),
    "tablet.offline": ("Tạm thời chưa thể đánh giá", "Rating is not available right now"),
})

text = TEXTS.t

