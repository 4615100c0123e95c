"""Every word the board shows, Vietnamese first, English available."""

from __future__ import annotations

from qtkit.texts import Texts

TEXTS = Texts({
    "title": ("Bảng hiển thị số thứ tự", "Queue display board"),
    "connecting": ("Đang kết nối…", "Connecting…"),
    "hero_label": ("Xin mời công dân có số", "Now calling number"),
    "no_calls": ("Chưa có số nào được gọi", "No numbers called yet"),
    "counters_title": ("Các quầy", "Counters"),
    "counter": ("Quầy {counter}", "Counter {counter}"),
    "status_ready": ("Sẵn sàng", "Ready"),
    "status_called": ("Đang mời", "Calling"),
    "status_serving": ("Đang phục vụ", "Serving"),
    "status_paused": ("Tạm dừng", "Paused"),
    "status_closed": ("Đóng", "Closed"),
    "calls_title": ("Số vừa gọi", "Recent calls"),
    "waiting_title": ("Số người đang chờ", "People waiting"),
    "service_closed": ("Tạm ngừng", "Paused"),
    "service_daily_limit": ("Hết số", "No more"),
    "service_hours": ("Ngoài giờ", "Closed"),
    "offline": ("Mất kết nối · thông tin lúc {time}", "Offline · as of {time}"),
    "voice_silent": ("Loa gọi số đang không phát — xin theo dõi số trên bảng",
                     "The speakers are silent — please watch the board"),
    "hub_offline": ("Máy chủ tạm ngừng · thông tin lúc {time}", "Hub offline · as of {time}"),
})

text = TEXTS.t
