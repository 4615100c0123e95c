"""The demo ticket, and a test print for whoever sets up a printer:

    python -m drivers.printer.demo serial:/dev/ttyUSB0?baud=115200 --profile raster
    python -m drivers.printer.demo virtual:/tmp/tickets --lang en

It prints the printer's health before and after; exit status 1 if the ticket was refused.
"""

import argparse
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from drivers.printer import PROFILES, PrintedTicket, PrinterError, open_printer

_TEXTS = {
    "vi": {
        "center_name": "Trung tâm Phục vụ hành chính công tỉnh Long An",
        "service_name": "Đăng ký doanh nghiệp",
        "department_name": "Sở Kế hoạch và Đầu tư",
        "priority_label": "Người cao tuổi",
        "footer": "Vui lòng chờ đến lượt. Xin cảm ơn!",
    },
    "en": {
        "center_name": "Long An Public Administrative Service Center",
        "service_name": "Business registration",
        "department_name": "Department of Planning and Investment",
        "priority_label": "Elderly",
        "footer": "Please wait for your turn. Thank you!",
    },
}


def demo_ticket(lang: str = "vi", priority: bool = True) -> PrintedTicket:
    texts = _TEXTS[lang]
    return PrintedTicket(
        center_name=texts["center_name"],
        number="1023",
        service_name=texts["service_name"],
        department_name=texts["department_name"],
        issued_at=datetime(2025, 11, 21, 8, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        ahead=12,
        wait_range=(1200, 2100),
        priority_label=texts["priority_label"] if priority else None,
        qr_data="http://hcc.longan.local/ticket/20251121-1023",
        footer=texts["footer"],
        lang=lang,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the demo ticket on a printer.")
    parser.add_argument("device", help="e.g. serial:/dev/ttyUSB0?baud=115200, virtual:/tmp/t")
    parser.add_argument("--profile", default="raster", choices=sorted(PROFILES))
    parser.add_argument("--lang", default="vi", choices=sorted(_TEXTS))
    parser.add_argument("--no-priority", action="store_true")
    args = parser.parse_args(argv)
    printer = open_printer(args.device, args.profile)
    print(f"health before: {printer.health()}")
    try:
        printer.print_ticket(demo_ticket(args.lang, not args.no_priority))
    except PrinterError as e:
        print(f"not printed: {e}", file=sys.stderr)
        return 1
    print(f"printed; health after: {printer.health()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
