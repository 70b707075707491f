"""Bookings in the demo hall: a handful of services take them, and today has a few, one
of them ready to check in at once, so a newcomer can try the kiosk's check-in without
booking first (docs/booking.md).

Settings are written only for a demo service that has none (what the console changed
stays). Each ``seed-demo`` run makes sure one booking of today can be checked in now
(its window open: the demo hall is open around the clock unless ``--real-hours``), and
books two later ones if today has no others; the codes are printed with the logins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.demo.notices import seed_booking_consent
from server.domain import bookings
from server.domain.booking_rules import check_in_window
from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.models import Booking, BookingBand, BookingSettings, BookingState, Service

# code -> settings; SM-PKB with a morning band, as Dukcapil and Samsat halls publish them.
DEMO_SETTINGS: dict[str, dict[str, object]] = {
    "DK-KTP": {"slot_minutes": 30, "online_share": 0.3},
    "DK-KK": {"slot_minutes": 30, "online_share": 0.5},
    "IM-PASPOR": {"slot_minutes": 60, "online_share": 0.5, "nik_required": True},
    "SM-PKB": {"slot_minutes": 30, "online_share": 0.3},
}
DEMO_BANDS = {"SM-PKB": [("07:30", "11:00", 40)]}
READY_SERVICE = "DK-KTP"
LATER_SERVICES = ("DK-KK", "SM-PKB")
NAMES = ("Siti Rahmawati", "Budi Santoso", "Wayan Sudarsana", "Dewi Lestari", "Agus Salim")


@dataclass(frozen=True)
class DemoBooking:
    """A booking the demo prints: its code, service, slot and when check-in opens."""

    code: str
    service: str
    slot: dt.datetime
    check_in_from: dt.datetime
    ready: bool  # its check-in window is open now


def enable_demo_bookings(session: Session) -> None:
    """Booking settings (and bands) for the demo services that have none yet."""
    for code, settings in DEMO_SETTINGS.items():
        service = session.scalar(select(Service).where(Service.code == code))
        if service is None or session.get(BookingSettings, service.id) is not None:
            continue
        session.add(BookingSettings(service_id=service.id, enabled=True, **settings))
        for starts, ends, quota in DEMO_BANDS.get(code, []):
            session.add(BookingBand(service_id=service.id, starts=starts, ends=ends, quota=quota))
    session.flush()


def seed_todays_bookings(
    session: Session, now: dt.datetime, key: PersonalDataKey
) -> list[DemoBooking]:
    """Make sure today has a booking ready to check in (and a few later ones); return
    the bookings still to come."""
    ctx = Ctx(session, now, load_settings(session), SYSTEM)
    if not any(b.ready for b in upcoming(ctx)):
        _book_first(ctx, key, READY_SERVICE, ready=True)
    if len(upcoming(ctx)) < 2:
        for code in LATER_SERVICES:
            _book_first(ctx, key, code, ready=False)
    seed_booking_consent(session, now)
    return upcoming(ctx)


def upcoming(ctx: Ctx) -> list[DemoBooking]:
    """Bookings of today and later not checked in yet and still open to a check-in (one
    whose window closed earlier today is a no-show, not one to try), the first ten."""
    found = []
    query = (
        select(Booking, Service)
        .join(Service, Service.id == Booking.service_id)
        .where(Booking.service_date >= ctx.today, Booking.state == BookingState.BOOKED)
        .order_by(Booking.slot_start)
    )
    # Filtered here, so a morning of bookings gone by does not hide the later ones; a
    # demo hall holds a few dozen bookings ahead at the most.
    for booking, service in ctx.session.execute(query):
        rules, _ = bookings.rules_of(ctx.session, service.id)
        opens, closes = check_in_window(booking.slot_start, rules)
        if closes < ctx.now:
            continue
        found.append(
            DemoBooking(
                booking.code,
                service.code,
                booking.slot_start.astimezone(ctx.tz),
                opens.astimezone(ctx.tz),
                opens <= ctx.now <= closes,
            )
        )
        if len(found) == 10:
            break
    return found


def _book_first(ctx: Ctx, key: PersonalDataKey, code: str, *, ready: bool) -> None:
    """Book the first slot of today (from tomorrow on when today has none) that can be
    taken; ``ready``: only one whose check-in window is open now."""
    service = ctx.session.scalar(select(Service).where(Service.code == code))
    if service is None:
        return
    rules, _ = bookings.rules_of(ctx.session, service.id)
    for day in range(rules.days_ahead + 1):
        offered = bookings.offer(ctx, service, ctx.today + dt.timedelta(days=day))
        for slot in (o.slot for o in offered.slots if o.open):
            opens, closes = check_in_window(slot.start, rules)
            if ready and not opens <= ctx.now <= closes:
                continue
            if not ready and opens <= ctx.now:
                continue
            if _booked(ctx, key, service, slot.start):
                return
        if ready:
            return  # none open now (the real hours, closed): nothing to check in today


def _booked(ctx: Ctx, key: PersonalDataKey, service: Service, start: dt.datetime) -> bool:
    number = int(ctx.session.scalar(select(func.count()).select_from(Booking)) or 0) + 1
    rules, _ = bookings.rules_of(ctx.session, service.id)
    request = bookings.BookingRequest(
        service_id=service.id,
        slot_start=start,
        name=NAMES[number % len(NAMES)],
        phone=f"0812{9000_0000 + number:08d}",
        nik=f"36031212058{number % 100000:05d}" if rules.nik_required else None,
    )
    try:
        bookings.book(ctx, request, key)
    except DomainError:
        return False  # full, or another rule: try the next slot
    return True


def render(found: list[DemoBooking]) -> list[str]:
    """The lines the demo prints about today's bookings."""
    if not found:
        return ["Bookings: none to come (no demo service takes bookings now)."]
    lines = ["Bookings (check in at a kiosk: type or scan the code):"]
    for b in found:
        code = f"{b.code[:4]}-{b.code[4:]}"
        when = "check-in open now" if b.ready else f"check-in from {b.check_in_from:%Y-%m-%d %H.%M}"
        lines.append(f"  {code}  {b.service:<10} {b.slot:%Y-%m-%d %H.%M}  {when}")
    lines.append("  (console: Pemesanan / Bookings lists them; the phone numbers are made up)")
    return lines
