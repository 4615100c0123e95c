"""What the kiosk asks the printer to print: the ticket's facts, no layout and no bytes."""

from dataclasses import dataclass
from datetime import datetime

LANGS = ("vi", "en")


@dataclass(frozen=True, slots=True)
class PrintedTicket:
    center_name: str
    number: str
    service_name: str
    department_name: str
    issued_at: datetime
    ahead: int
    # The wait the hub told (`ewt_low_s`, `ewt_high_s`: whole steps, seconds); None when no
    # open counter serves the service: the ticket then says so instead of promising a wait.
    wait_range: tuple[int, int] | None
    priority_label: str | None
    qr_data: str
    footer: str
    lang: str = "vi"
    # An appointment ticket: its slot, e.g. "09:00-09:30 23/11/2026" (None: a walk-in).
    appointment_label: str | None = None

    def __post_init__(self) -> None:
        # The number prints in the printer's own font at several times its size, so it must be
        # plain ASCII; checking here turns a config mistake into an error at the kiosk, not
        # a garbled ticket.
        if not self.number or not self.number.isascii() or not self.number.isalnum():
            raise ValueError(f"ticket number must be ASCII letters and digits: {self.number!r}")
        if self.ahead < 0 or (self.wait_range is not None and not
                              0 <= self.wait_range[0] <= self.wait_range[1]):
            raise ValueError("ahead cannot be negative, nor a wait range run backwards")
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}: {self.lang!r}")
        if not self.qr_data.isascii():
            raise ValueError("qr_data must be ASCII (a URL or an id)")
