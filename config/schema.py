"""The center as data: typed, frozen structs shared by the hub and every device.

The hub loads them from TOML; devices receive the same structs as JSON on the retained
`config` topic, so both sides read one definition.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

import msgspec

Id = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=40)]
SiteId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9-]+$", max_length=40)]
# "07:00-11:30"; checked again semantically (start < end, real clock times).
Span = Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Role = Literal["kiosk", "counter", "tablet", "board", "manager", "announcer", "web"]
CallPolicyName = Literal["oldest_first", "service_order"]


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class Text(Struct, kw_only=True):
    """A text in Vietnamese, with English available."""

    vi: str
    en: str = ""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


class Hours(Struct, kw_only=True):
    mon: list[Span] = []
    tue: list[Span] = []
    wed: list[Span] = []
    thu: list[Span] = []
    fri: list[Span] = []
    sat: list[Span] = []
    sun: list[Span] = []

    def spans(self, weekday: Weekday) -> list[str]:
        return getattr(self, weekday)


class Center(Struct, kw_only=True):
    site: SiteId
    name: Text
    short_name: Text | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    # The QR on the ticket: status_url + the ticket's token (the web face's /t/{token}).
    status_url: str = ""


class Queue(Struct, kw_only=True):
    policy: CallPolicyName = "oldest_first"
    # One priority call per this many ordinary calls while both queues wait.
    ordinary_per_priority: Annotated[int, msgspec.Meta(ge=0, le=20)] = 2
    recent_service_samples: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    board_last_calls: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class PriorityGroup(Struct, kw_only=True):
    id: Id
    name: Text


class RatingLevel(Struct, kw_only=True):
    score: Annotated[int, msgspec.Meta(ge=1, le=4)]
    name: Text
    face: str = ""
    ask_reasons: bool = False


class RatingReason(Struct, kw_only=True):
    id: Id
    name: Text


class Rating(Struct, kw_only=True):
    window_s: Annotated[int, msgspec.Meta(ge=10, le=3600)] = 120
    question: Text = Text(vi="Ông/bà đánh giá thế nào về thái độ phục vụ của cán bộ?",
                          en="How satisfied are you with the service?")
    levels: list[RatingLevel] = []
    reasons: list[RatingReason] = []


class Department(Struct, kw_only=True):
    id: Id
    name: Text


class Service(Struct, kw_only=True):
    id: Id
    department: Id
    name: Text
    range: tuple[int, int]
    prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]?$")] = ""
    daily_limit: Annotated[int, msgspec.Meta(ge=1)] | None = None
    # Used for the estimated wait until the day has its own samples.
    mean_service_s: Annotated[int, msgspec.Meta(ge=10, le=7200)] = 600
    hours: Hours | None = None  # overrides the center's hours
    booking: Booking | None = None  # takes appointments (None: walk-ins only)


class Booking(Struct, kw_only=True):
    """How a service takes appointments (booked on the web or by the manager, checked in at
    the kiosk). A service without it takes none."""

    slot_min: Annotated[int, msgspec.Meta(ge=5, le=240)] = 30
    # Appointments per slot: set it, or let it be this share of the counter time that the
    # service's counters have in a slot (at its configured mean time per citizen).
    per_slot: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    share: Annotated[float, msgspec.Meta(gt=0, le=1)] = 0.25
    horizon_days: Annotated[int, msgspec.Meta(ge=0, le=30)] = 6  # today up to this many ahead
    early_min: Annotated[int, msgspec.Meta(ge=0, le=240)] = 30  # check-in opens before the slot
    late_min: Annotated[int, msgspec.Meta(ge=0, le=240)] = 15  # and closes after its start
    per_phone_per_day: Annotated[int, msgspec.Meta(ge=1, le=20)] = 2


class Counter(Struct, kw_only=True):
    id: Id
    number: Annotated[int, msgspec.Meta(ge=1, le=999)]
    services: list[Id]
    officer: Id | None = None


class Officer(Struct, kw_only=True):
    id: Id
    name: str
    title: Text | None = None
    # An argon2 hash of the officer's PIN (`qms officer set-pin`), never the PIN. The hub
    # checks it when a counter terminal opens a counter under this officer; the config the
    # hub publishes to the devices leaves it out.
    pin_hash: str | None = None


class RateLimit(Struct, kw_only=True):
    """A token bucket per device: `burst` commands at once, refilled at `per_minute`."""

    burst: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    per_minute: Annotated[float, msgspec.Meta(gt=0, le=1_000_000)]


# Far above what a real device sends: a kiosk serves one citizen at a time (a few tickets a
# minute at most), an officer presses a few keys per citizen, a tablet rates once per citizen.
DEFAULT_RATE_LIMITS: dict[str, RateLimit] = {
    "kiosk": RateLimit(burst=10, per_minute=12),
    "counter": RateLimit(burst=30, per_minute=60),
    "tablet": RateLimit(burst=10, per_minute=20),
    "manager": RateLimit(burst=60, per_minute=240),
    # The web face is one device for every citizen's phone (live pages, ratings); it paces
    # its own lookups to the hub at 50 a second (web/live.py), so the hub's limit is that.
    "web": RateLimit(burst=200, per_minute=3000),
}
FALLBACK_RATE_LIMIT = RateLimit(burst=10, per_minute=30)


class Privacy(Struct, kw_only=True):
    # How long an officer's note on a finished ticket is kept in the ledger; then erased.
    note_retention_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 30
    # How long a priority ticket keeps its reason (elderly, disability, pregnancy: a
    # personal category); then only that it was a priority ticket is kept.
    priority_reason_retention_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 30


class Device(Struct, kw_only=True):
    id: Id
    role: Role
    counter: Id | None = None
    counters: list[Id] = []  # a board's zone; empty means all
    name: str = ""


class CenterTexts(Struct, kw_only=True):
    """The center's own words, set in its config's `[texts]`: what the voice says, the ticket's
    footer, the kiosk's idle line. (The devices' fixed words are in their catalogs.)"""

    announcement: Text = Text(
        vi="Xin mời công dân có số thứ tự {number} đến quầy số {counter}",
        en="Ticket number {number}, please come to counter {counter}",
    )
    ticket_footer: Text = Text(vi="Vui lòng chờ gọi số. Xin cảm ơn!",
                               en="Please wait for your number. Thank you!")
    attract: Text = Text(vi="", en="")


class Appointments(Struct, kw_only=True):
    """Appointment tickets: their own numbers, and how they are called among walk-ins."""

    prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]$")] = "H"
    range: tuple[int, int] = (1, 999)
    # After an appointment call, a counter calls this many walk-ins (while any wait) before
    # the next appointment whose slot has come: walk-ins never starve.
    walk_ins_per_appointment: Annotated[int, msgspec.Meta(ge=0, le=20)] = 1
    # An appointment whose slot is this long past is called before anyone else.
    grace_min: Annotated[int, msgspec.Meta(ge=0, le=120)] = 10


class CenterConfig(Struct, kw_only=True, dict=True):
    center: Center
    hours: Hours
    queue: Queue = Queue()
    priority_groups: list[PriorityGroup] = []
    rating: Rating = Rating()
    departments: list[Department]
    services: list[Service]
    counters: list[Counter]
    officers: list[Officer] = []
    devices: list[Device] = []
    texts: CenterTexts = CenterTexts()
    # Per role (`[rate_limits.kiosk]`); a role not named keeps DEFAULT_RATE_LIMITS.
    rate_limits: dict[Role, RateLimit] = {}
    privacy: Privacy = Privacy()

    def rate_limit(self, role: str) -> RateLimit:
        return (self.rate_limits.get(role) or DEFAULT_RATE_LIMITS.get(role)
                or FALLBACK_RATE_LIMIT)

    def public(self) -> CenterConfig:
        """The config as every device receives it: no PIN hashes (a 4-digit PIN's hash is
        guessed in seconds by whoever holds it)."""
        if not any(o.pin_hash for o in self.officers):
            return self
        return msgspec.structs.replace(self, officers=[
            msgspec.structs.replace(o, pin_hash=None) for o in self.officers])
    appointments: Appointments = Appointments()

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        # The struct is frozen, so the index never goes stale.
        return {field: {item.id: item for item in getattr(self, field)}
                for field in ("services", "counters", "devices", "officers", "departments")}

    def service(self, service_id: str) -> Service | None:
        return self._by_id["services"].get(service_id)

    def counter(self, counter_id: str) -> Counter | None:
        return self._by_id["counters"].get(counter_id)

    def device(self, device_id: str) -> Device | None:
        return self._by_id["devices"].get(device_id)

    def officer(self, officer_id: str) -> Officer | None:
        return self._by_id["officers"].get(officer_id)

    def department(self, department_id: str) -> Department | None:
        return self._by_id["departments"].get(department_id)
