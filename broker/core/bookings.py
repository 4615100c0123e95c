"""Appointments: booked slots of a service, held by the hub like tickets (pure, no clock).

A booking is made for a slot of a service's opening hours, today up to the service's horizon;
it gets a short code a person can read out (no 0/O, 1/I) that its QR carries too. At the
kiosk the code checks it in: an appointment ticket (its own number range) joins its service's
queue and is called at its slot before the walk-ins (`call_policy.appointment_turn`).

The book spans days (a booking is made days ahead), so it is carried from one day's state to
the next; a day's bookings are dropped once the day is over, and with them the phone numbers
(the ledger erases its copy too: Decree 13/2023/NĐ-CP).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from broker.core.opening_hours import hours_of
from config.load import span_minutes
from config.schema import WEEKDAYS, CenterConfig, Service
from config.schema import Booking as BookingRules

# 32 characters a person reads out without doubt: no 0/O, no 1/I.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_PER_DAY = 32**3  # bookings made in one day: the code's three counting characters


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"


@dataclass(frozen=True, slots=True)
class Booking:
    id: str
    code: str
    service: str
    slot: datetime  # the slot's start, in the center's time
    slot_min: int
    created_at: datetime
    by: str  # the device that booked (web-1, manager-1)
    lang: str = "vi"
    phone: str | None = None  # kept until the day is over, never published
    status: BookingStatus = BookingStatus.BOOKED
    ticket: str | None = None
    checked_in_at: datetime | None = None

    @property
    def day(self) -> date:
        return self.slot.date()


@dataclass(frozen=True, slots=True)
class BookingBook:
    """Every booking whose day is not over, by code; the days closed to booking."""

    by_code: Mapping[str, Booking] = field(default_factory=dict)
    closed_days: frozenset[date] = frozenset()
    # bookings made on `made_on` so far: numbers the next booking's id and code
    made_on: date | None = None
    made: int = 0

    def from_day(self, day: date) -> BookingBook:
        """The book as a new day starts: the bookings of days over are dropped."""
        kept = {c: b for c, b in self.by_code.items() if b.day >= day}
        return replace(self, by_code=kept if len(kept) != len(self.by_code) else self.by_code,
                       closed_days=frozenset(d for d in self.closed_days if d >= day))

    def active(self) -> Iterable[Booking]:
        return (b for b in self.by_code.values() if b.status is not BookingStatus.CANCELLED)

    def taken(self, service: str, day: date) -> Counter[datetime]:
        return Counter(b.slot for b in self.active() if b.service == service and b.day == day)

    def of_phone(self, phone: str, day: date) -> int:
        return sum(1 for b in self.active() if b.phone == phone and b.day == day)

    def checked_in_on(self, day: date) -> int:
        return sum(1 for b in self.by_code.values()
                   if b.status is BookingStatus.CHECKED_IN and b.day == day)


def normalize_code(text: str) -> str:
    """What a person typed or a scanner read, as a code: upper case, only the code's
    characters, the last 8 of them (a QR may carry an address ending in the code)."""
    kept = "".join(ch for ch in text.upper() if ch in ALPHABET)
    return kept[-CODE_LENGTH:]


def shown_code(code: str) -> str:
    """The code as printed and shown: two groups of four."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def make_code(made_on: date, made: int, nonce: int) -> str:
    """Unique among the bookings alive at once by construction (the day it was made, mod 32,
    and its number that day), with 20 random bits from `nonce` (the hub's randomness, kept in
    the command's arguments so that the ledger's replay gives the same code)."""
    assert 0 <= made < MAX_PER_DAY
    digest = hashlib.blake2b(nonce.to_bytes(16, "big", signed=False), digest_size=4).digest()
    random = int.from_bytes(digest, "big")
    r = [ALPHABET[(random >> (5 * i)) & 31] for i in range(4)]
    d = ALPHABET[made_on.toordinal() % 32]
    n = [ALPHABET[(made >> (5 * i)) & 31] for i in range(3)]
    return "".join((r[0], d, r[1], n[0], r[2], n[1], r[3], n[2]))


def rules_of(config: CenterConfig, service_id: str) -> BookingRules | None:
    service = config.service(service_id)
    return service.booking if service is not None else None


def per_slot(config: CenterConfig, service: Service) -> int:
    """Appointments per slot: configured, or a share of its counters' time in a slot."""
    rules = service.booking
    assert rules is not None
    if rules.per_slot is not None:
        return rules.per_slot
    counters = sum(1 for k in config.counters if service.id in k.services)
    return max(1, int(rules.share * counters * rules.slot_min * 60 / service.mean_service_s))


def slot_starts(config: CenterConfig, service: Service, day: date, tz: Any) -> list[datetime]:
    """Every slot of the day within the service's opening hours (a slot ends by the close)."""
    rules = service.booking
    if rules is None:
        return []
    starts = []
    for start, end in map(span_minutes, hours_of(config, service).spans(WEEKDAYS[day.weekday()])):
        minute = start
        while minute + rules.slot_min <= end:
            starts.append(datetime.combine(day, time(minute // 60, minute % 60), tz))
            minute += rules.slot_min
    return starts


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    free: int


def free_slots(config: CenterConfig, book: BookingBook, service_id: str, day: date,
               now: datetime, *, all_slots: bool = False) -> list[Slot]:
    """The slots one may book now: in the service's hours, later than now, within the
    horizon, on a day not closed, with room (`all_slots`: the full ones too)."""
    service = config.service(service_id)
    if service is None or service.booking is None:
        return []
    rules = service.booking
    today = now.date()
    if day < today or (day - today).days > rules.horizon_days or day in book.closed_days:
        return []
    capacity = per_slot(config, service)
    taken = book.taken(service_id, day)
    slots = []
    for start in slot_starts(config, service, day, now.tzinfo):
        if start <= now:
            continue
        free = max(0, capacity - taken[start])
        if free or all_slots:
            slots.append(Slot(start, start + timedelta(minutes=rules.slot_min), capacity, free))
    return slots


def checkin_window(rules: BookingRules, booking: Booking) -> tuple[datetime, datetime]:
    return (booking.slot - timedelta(minutes=rules.early_min),
            booking.slot + timedelta(minutes=rules.late_min))


def booking_info(booking: Booking, rules: BookingRules | None) -> dict[str, Any]:
    """A booking as a device sees it: never the phone number, only whether one is kept."""
    opens, closes = checkin_window(rules, booking) if rules else (booking.slot, booking.slot)
    return {
        "id": booking.id, "code": booking.code, "shown_code": shown_code(booking.code),
        "service": booking.service, "day": booking.day.isoformat(),
        "slot": booking.slot.isoformat(timespec="seconds"),
        "slot_end": (booking.slot + timedelta(minutes=booking.slot_min)).isoformat(
            timespec="seconds"),
        "status": booking.status.value, "ticket": booking.ticket,
        "checkin_from": opens.isoformat(timespec="seconds"),
        "checkin_until": closes.isoformat(timespec="seconds"),
        "has_phone": booking.phone is not None, "lang": booking.lang,
    }


def slots_info(config: CenterConfig, book: BookingBook, service_ids: Iterable[str],
               first: date, days: int, now: datetime) -> list[dict[str, Any]]:
    """Per service and day, the slots with room (what `/dat-lich` offers)."""
    out = []
    for service_id in service_ids:
        rules = rules_of(config, service_id)
        if rules is None:
            continue
        for offset in range(days):
            day = first + timedelta(days=offset)
            slots = free_slots(config, book, service_id, day, now)
            out.append({
                "service": service_id, "day": day.isoformat(),
                "closed": day in book.closed_days,
                "slots": [{"start": s.start.isoformat(timespec="seconds"),
                           "end": s.end.isoformat(timespec="seconds"),
                           "capacity": s.capacity, "free": s.free} for s in slots],
            })
    return out


def booked_ahead(book: BookingBook, service_id: str, now: datetime, until: datetime,
                 late_min: int) -> int:
    """Bookings of the service not yet checked in whose slot comes before `until` and may
    still check in: the appointments that will go ahead of a walk-in issued now."""
    late = timedelta(minutes=late_min)
    return sum(1 for b in book.by_code.values()
               if b.status is BookingStatus.BOOKED and b.service == service_id
               and b.slot <= until and b.slot + late >= now)


def bookable_services(config: CenterConfig) -> list[str]:
    return [s.id for s in config.services if s.booking is not None]


def as_of(book: BookingBook, by_code: Mapping[str, Booking]) -> BookingBook:
    return replace(book, by_code=by_code)
