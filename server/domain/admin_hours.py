"""Opening hours for many services at once, and special openings (*buka khusus*).

Opening a hall for a Saturday used to take six actions per service, for some 75
services. Here one week's hours table goes to every service of an agency or of the
whole hall in one command, after a preview that says which services change; and a
special opening opens an agency (or the hall) on one date, like the holiday list in
reverse. What a special opening does to a day is ``shared.opening_hours``'s rule.

Forms are read with ``admin_catalog.Fields`` (every problem at once, against its field,
in both languages, worded in ``form_wording``). An admin works on the whole hall or any
agency; a supervisor only on their own agency, whatever a hand-made request names. No
Flask here: announcing the change (``config.updated``) is the caller's command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from server.models import Agency, Booking, Holiday, Service, SpecialOpening

from . import admin_bookings, bookings
from . import form_wording as wording
from .access import Principal, forbidden, require_admin, require_agency_staff
from .admin_catalog import ID_MAX, Fields, Invalid, read_hours
from .context import Ctx
from .errors import not_found

HALL = "hall"  # the scope field's value for the whole hall


def read_scope(session: Session, who: Principal, form: Fields) -> Agency | None:
    """The agency a form's ``scope`` names, or None for the whole hall. A supervisor's is
    their own agency: naming the hall or another agency is refused, not quietly changed."""
    value = form.raw.get("scope")
    text = value.strip() if isinstance(value, str) else ""
    if not text and not who.is_admin:
        text = str(who.agency_id)
    if text == HALL:
        require_admin(who)
        return None
    agency_id = int(text) if text.isascii() and text.isdigit() and len(text) < 11 else 0
    agency = session.get(Agency, agency_id) if 0 < agency_id <= ID_MAX else None
    if agency is None:
        if not who.is_admin:
            raise forbidden("a supervisor works on their own agency only")
        form.fail("scope", wording.CHOOSE_SCOPE)
        return None
    require_agency_staff(who, agency.id)
    return agency


# --- one week's hours for many services --------------------------------------------------


@dataclass(frozen=True)
class BulkHours:
    """What applying ``hours`` to every service of ``agency`` (None: the hall) changes,
    and the bookings not checked in that the new hours would leave outside them."""

    agency: Agency | None
    hours: dict[str, list[str]]
    services: list[Service]
    changing: list[Service]
    stranded: list[Booking] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Names this very change (scope, hours, the services it changes, the bookings it
        would cancel): the preview's confirmation carries it, so "apply" never applies
        something nobody previewed, nor cancels a booking made since."""
        facts = {
            "agency": self.agency.id if self.agency is not None else None,
            "hours": self.hours,
            "changing": sorted(s.id for s in self.changing),
            "stranded": sorted(b.id for b in self.stranded),
        }
        digest = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()
        return digest[:20]


def plan_bulk_hours(
    ctx: Ctx, who: Principal, raw: Mapping[str, Any], hours: Mapping[str, Any]
) -> BulkHours:
    """Check the form (scope and hours, as the service form checks hours) and say which
    services of the scope would get new hours, and which of their bookings from today on
    would fall outside them; nothing is changed."""
    form = Fields(raw)
    agency = read_scope(ctx.session, who, form)
    clean = read_hours(form, hours)
    form.check()
    services = services_in_scope(ctx.session, agency)
    changing = [s for s in services if (s.hours or {}) != clean]
    ahead = admin_bookings.booked_ahead(ctx.session, [s.id for s in changing], ctx.today)
    new_hours = dict.fromkeys((s.id for s in changing), clean)
    stranded = admin_bookings.stranded(ctx, ahead, hours=new_hours)
    return BulkHours(agency, clean, services, changing, stranded)


def apply_bulk_hours(
    ctx: Ctx, who: Principal, raw: Mapping[str, Any], hours: Mapping[str, Any]
) -> BulkHours:
    """Give every service of the scope the hours, if the form's ``confirm`` is the
    fingerprint of the preview the person saw (else ``Invalid`` on ``confirm``); the
    bookings the hours strand are cancelled only when the form also ticks
    ``cancel_bookings`` (else ``Invalid`` on it, with their count per service)."""
    plan = plan_bulk_hours(ctx, who, raw, hours)
    if raw.get("confirm") != plan.fingerprint:
        raise Invalid({"confirm": wording.STALE_PREVIEW})
    for service in plan.changing:
        service.hours = dict(plan.hours)
    ctx.session.flush()
    admin_bookings.close_stranded(
        ctx,
        plan.stranded,
        confirmed=bool(raw.get(admin_bookings.CONFIRM_FIELD)),
        reason=wording.HOURS_CANCEL_REASON,
    )
    return plan


def services_in_scope(session: Session, agency: Agency | None) -> list[Service]:
    """Every service of the agency (or of the hall), active or not, in the console's order."""
    query = (
        select(Service)
        .join(Agency, Agency.id == Service.agency_id)
        .options(joinedload(Service.agency))
        .order_by(Agency.position, Agency.code, Service.position, Service.code)
    )
    if agency is not None:
        query = query.where(Service.agency_id == agency.id)
    return list(session.scalars(query))


def common_hours(services: list[Service]) -> dict[str, list[str]] | None:
    """The hours most of ``services`` have (the first such in list order), or None."""
    counts: dict[str, tuple[int, dict[str, list[str]]]] = {}
    for service in services:
        key = json.dumps(service.hours or {}, sort_keys=True)
        seen, _ = counts.get(key, (0, {}))
        counts[key] = (seen + 1, service.hours or {})
    if not counts:
        return None
    best = max(counts.values(), key=lambda item: item[0])  # max keeps the first of a tie
    return dict(best[1])


# --- special openings ------------------------------------------------------------------


def save_special_opening(
    session: Session, who: Principal, opening_id: int | None, raw: Mapping[str, Any]
) -> SpecialOpening:
    """Add a special opening, or change one (its date, hours, scope, name). One per date
    and scope: a second would only blur which hours hold."""
    opening = _editable(session, who, opening_id) if opening_id is not None else None
    form = Fields(raw)
    day = form.day("date")
    agency = read_scope(session, who, form)
    span = form.span("hours", raw.get("opens"), raw.get("closes"))
    name = form.text("name", 100)
    if day is not None and "scope" not in form.problems:
        twin = _on_day(session, day, agency)
        if twin is not None and (opening is None or twin.id != opening.id):
            form.fail("date", wording.SPECIAL_OPENING_TAKEN)
    form.check()
    assert day is not None and span is not None
    if opening is None:
        opening = SpecialOpening()
        session.add(opening)
    opening.date, opening.opens, opening.closes = day, span[0], span[1]
    opening.agency_id = agency.id if agency is not None else None
    opening.name = name
    session.flush()
    return opening


def _on_day(session: Session, day: dt.date, agency: Agency | None) -> SpecialOpening | None:
    scope = (
        SpecialOpening.agency_id.is_(None)
        if agency is None
        else SpecialOpening.agency_id == agency.id
    )
    return session.scalars(select(SpecialOpening).where(SpecialOpening.date == day, scope)).first()


def may_edit(who: Principal, opening: SpecialOpening) -> bool:
    """A whole-hall opening is the admin's; an agency's is also its supervisor's."""
    if opening.agency_id is None:
        return who.is_admin
    return who.is_admin or who.agency_id == opening.agency_id


def _editable(session: Session, who: Principal, opening_id: int) -> SpecialOpening:
    opening = session.get(SpecialOpening, opening_id) if 0 < opening_id <= ID_MAX else None
    if opening is None or not _visible(who, opening):
        raise not_found("special opening")
    if not may_edit(who, opening):
        raise forbidden("this special opening belongs to the hall or another agency")
    return opening


def _visible(who: Principal, opening: SpecialOpening) -> bool:
    return who.is_admin or opening.agency_id in (None, who.agency_id)


def special_opening(session: Session, who: Principal, opening_id: int) -> SpecialOpening:
    """One special opening to edit (a supervisor's own agency's only)."""
    return _editable(session, who, opening_id)


def delete_special_opening(session: Session, who: Principal, opening_id: int) -> dt.date:
    opening = _editable(session, who, opening_id)
    day = opening.date
    session.delete(opening)
    session.flush()
    return day


@dataclass(frozen=True)
class OpeningChanged:
    """A special opening saved or deleted: its date, and the bookings that cancelled."""

    date: dt.date
    cancelled: int


def change_special_opening(
    ctx: Ctx, who: Principal, opening_id: int | None, raw: Mapping[str, Any]
) -> OpeningChanged:
    """Save a special opening (``save_special_opening``). Moving or shortening one may
    leave bookings of its old date outside the hours their slot needs: they are cancelled
    when the form ticks ``cancel_bookings``, else the save is refused with their count per
    service (a new opening only ever opens, and strands nothing)."""
    before = _bookings_of(ctx, who, opening_id)
    opening = save_special_opening(ctx.session, who, opening_id, raw)
    cancelled = _close(ctx, before, wording.special_opening_cancel_reason(opening.name), raw)
    return OpeningChanged(opening.date, cancelled)


def remove_special_opening(
    ctx: Ctx, who: Principal, opening_id: int, raw: Mapping[str, Any]
) -> OpeningChanged:
    """Delete a special opening; the bookings it alone held open are cancelled as when
    it is changed (``change_special_opening``)."""
    before = _bookings_of(ctx, who, opening_id)
    name = _editable(ctx.session, who, opening_id).name
    day = delete_special_opening(ctx.session, who, opening_id)
    held = wording.bookings_held_by_opening
    reason = wording.special_opening_deleted_reason(name)
    return OpeningChanged(day, _close(ctx, before, reason, raw, warning=held))


def _bookings_of(ctx: Ctx, who: Principal, opening_id: int | None) -> list[Booking]:
    """The bookings not checked in that an existing opening may be holding open: those of
    its date and scope, read before it changes."""
    if opening_id is None:
        return []
    opening = _editable(ctx.session, who, opening_id)
    return bookings.bookings_on(ctx.session, opening.date, agency_id=opening.agency_id)


def _close(
    ctx: Ctx,
    candidates: list[Booking],
    reason: wording.Problem,
    raw: Mapping[str, Any],
    warning: admin_bookings.ClosureWarning = wording.bookings_outside_new_hours,
) -> int:
    return admin_bookings.close_stranded(
        ctx,
        admin_bookings.stranded(ctx, candidates),
        confirmed=bool(raw.get(admin_bookings.CONFIRM_FIELD)),
        reason=reason,
        warning=warning,
    )


def special_openings_for(session: Session, who: Principal, year: int) -> list[SpecialOpening]:
    """The year's special openings ``who`` sees: all for an admin; the hall's and their own
    agency's for a supervisor."""
    query = (
        select(SpecialOpening)
        .options(joinedload(SpecialOpening.agency))
        .where(
            SpecialOpening.date >= dt.date(year, 1, 1), SpecialOpening.date <= dt.date(year, 12, 31)
        )
        .order_by(SpecialOpening.date, SpecialOpening.agency_id.is_not(None), SpecialOpening.id)
    )
    if not who.is_admin:
        query = query.where(
            or_(SpecialOpening.agency_id.is_(None), SpecialOpening.agency_id == who.agency_id)
        )
    return list(session.scalars(query))


def special_opening_years(session: Session, today: dt.date) -> list[int]:
    """The years with special openings, plus this year and the next."""
    years = {today.year, today.year + 1}
    years.update(day.year for day in session.scalars(select(SpecialOpening.date)))
    return sorted(years)


def holiday_names(session: Session, days: list[dt.date]) -> dict[dt.date, str]:
    """The holidays among ``days``: a special opening on one of them wins, and the list
    says so."""
    if not days:
        return {}
    rows = session.execute(select(Holiday.date, Holiday.name).where(Holiday.date.in_(days)))
    return {day: name for day, name in rows}
