"""The console's catalogue pages: agencies, services, counters, zones and holidays.

Plain forms posted back to the page that shows them (they work without JavaScript;
``admin.js`` only makes the hours and the counter's services easier to edit). Each
change is one command that also pushes ``config.updated``, so kiosks, boards and
counters reload what they show. The rules live in ``server.domain.admin_catalog``;
this module reads forms, picks the language and chooses the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from server.commands import run_command, run_query
from server.domain import access, announce
from server.domain import admin_bookings as booking_admin
from server.domain import admin_catalog as catalog
from server.domain import form_wording as wording
from server.domain.access import Principal
from server.domain.context import Ctx
from server.domain.errors import DomainError, not_found
from server.domain.schedule import WEEKDAYS
from server.models import Agency, Counter, CounterService, Device, Holiday, Role, Service, Zone
from server.web import bp
from server.web.console_auth import staff_page
from server.web.forms import worded
from server.web.i18n import id_en
from shared.errors import ErrorCode
from shared.opening_hours import clock_label

T = TypeVar("T")
Page = Response | str | tuple[str, int]

DAY_NAMES = {
    "mon": ("Senin", "Monday"),
    "tue": ("Selasa", "Tuesday"),
    "wed": ("Rabu", "Wednesday"),
    "thu": ("Kamis", "Thursday"),
    "fri": ("Jumat", "Friday"),
    "sat": ("Sabtu", "Saturday"),
    "sun": ("Minggu", "Sunday"),
}
# The usual hours of a Pemkab office, offered to a new service (Friday ends before prayers).
STANDARD_HOURS = {day: ["07:30", "16:00"] for day in WEEKDAYS[:4]} | {"fri": ["07:30", "11:00"]}


def _who() -> Principal:
    return g.antre_user  # type: ignore[no-any-return]


def _submitted() -> dict[str, str]:
    return {key: value for key, value in request.form.items() if key != "csrf_token"}


def _change(what: str, change: Callable[[Ctx], T]) -> T:
    """One command: the change, then ``config.updated`` for every long-lived client."""

    def command(ctx: Ctx) -> T:
        result = change(ctx)
        announce.config_changed(ctx, what)
        return result

    return run_command(_who().actor, command)


def _messages(exc: catalog.Invalid) -> dict[str, str]:
    return {name: worded(p) for name, p in exc.problems.items()}


def _agency_filter() -> int | None:
    text = request.args.get("agency", "")
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def hours_summary(hours: dict[str, list[str]] | None) -> str:
    """``Sen–Kam 07.30–16.00 · Jum 07.30–11.00``: consecutive days with the same hours
    as one range, in the page's language."""
    runs: list[tuple[str, str, tuple[str, str]]] = []
    for day in WEEKDAYS:
        span = (hours or {}).get(day)
        if not span:
            continue
        key = (span[0], span[1])
        prev = WEEKDAYS[WEEKDAYS.index(day) - 1] if day != "mon" else None
        if runs and runs[-1][2] == key and runs[-1][1] == prev:
            runs[-1] = (runs[-1][0], day, key)
        else:
            runs.append((day, day, key))
    if not runs:
        return id_en("Tutup", "Closed")

    def short(day: str) -> str:
        return id_en(*DAY_NAMES[day])[:3]

    parts = []
    for first, last, (opens, closes) in runs:
        days = short(first) if first == last else f"{short(first)}–{short(last)}"
        parts.append(f"{days} {clock_label(opens)}–{clock_label(closes)}")
    return " · ".join(parts)


@bp.app_template_global()
def day_name(day: str) -> str:
    return id_en(*DAY_NAMES[day])


bp.add_app_template_filter(hours_summary, "hours_summary")


def _form_page(
    what: str,
    template: str,
    save: Callable[[Ctx, dict[str, str]], T],
    saved: Callable[[T], Response],
    shown: Callable[[Ctx, dict[str, str] | None], dict[str, Any]],
) -> Page:
    """Every catalogue form: a GET shows it; a POST saves it as one command and goes on,
    or shows it again as typed with each field's problem (422). ``shown`` gives the
    template what it shows: the row, its values (typed ones, or None for the stored ones)."""
    errors: dict[str, str] = {}
    values: dict[str, str] | None = None
    if request.method == "POST":
        submitted = values = _submitted()
        try:
            result = _change(what, lambda ctx: save(ctx, submitted))
        except catalog.Invalid as exc:
            errors = _messages(exc)
        else:
            return saved(result)

    def page(ctx: Ctx) -> str:
        return render_template(template, errors=errors, **shown(ctx, values))

    return run_query(page), 422 if errors else 200


def _saved(message: str, endpoint: str, **args: Any) -> Response:
    flash(message, "success")
    return redirect(url_for(endpoint, **args))


# Why a row with history stays, by the list it is in (said instead of deleting it).
KEPT = {
    "agencies": wording.AGENCY_KEPT,
    "services": wording.SERVICE_KEPT,
    "counters": wording.COUNTER_KEPT,
    "zones": wording.ZONE_KEPT,
}


def _deleted_or_kept(
    what: str, delete: Callable[[Session, Principal, int], str], row_id: int, form: str
) -> Response:
    """Delete, or explain why it stays (its history) and go back to its form."""
    try:
        name = _change(what, lambda ctx: delete(ctx.session, _who(), row_id))
    except DomainError as exc:
        if exc.code != ErrorCode.CONFLICT:
            raise
        flash(worded(KEPT[what]), "error")
        return redirect(url_for(form, **(request.view_args or {})))
    return _saved(id_en(f"{name} dihapus.", f"{name} deleted."), f"web.admin_{what}")


# --- agencies --------------------------------------------------------------------------


@bp.get("/admin/agencies")
@staff_page(Role.ADMIN)
def admin_agencies() -> Page:
    def counts(model: type[Any]) -> Any:
        return select(model.agency_id, func.count()).group_by(model.agency_id)

    def query(ctx: Ctx) -> str:
        agencies = catalog.agencies_for(ctx.session, _who())
        services = dict(ctx.session.execute(counts(Service)).all())
        counters = dict(ctx.session.execute(counts(Counter)).all())
        return render_template(
            "admin/catalog/agencies.html",
            agencies=agencies,
            services=services,
            counters=counters,
        )

    return run_query(query)


def _agency_values(agency: Agency | None, session: Any) -> dict[str, Any]:
    if agency is None:
        return {
            "colour": "#1E5AA8",
            "position": catalog.next_position(session, Agency),
            "active": True,
        }
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "colour": agency.colour,
        "position": agency.position,
        "active": agency.active,
    }


@bp.route("/admin/agencies/new", methods=["GET", "POST"])
@bp.route("/admin/agencies/<int:agency_id>", methods=["GET", "POST"])
@staff_page(Role.ADMIN)
def admin_agency_form(agency_id: int | None = None) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> tuple[str, int]:
        agency = catalog.save_agency(ctx.session, _who(), agency_id, values)
        cancelled = 0
        if not agency.active:
            confirmed = bool(values.get(booking_admin.CONFIRM_FIELD))
            services = [service.id for service in agency.services]
            cancelled = booking_admin.close_for_deactivation(ctx, services, confirmed=confirmed)
        return agency.code, cancelled

    def saved(result: tuple[str, int]) -> Response:
        code, cancelled = result
        _flash_cancelled(cancelled, deactivated=True)
        return _saved(
            id_en(f"Instansi {code} disimpan.", f"Agency {code} saved."), "web.admin_agencies"
        )

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        agency = catalog.existing(ctx.session, Agency, agency_id, "agency")
        return {
            "agency": agency,
            "values": values if values is not None else _agency_values(agency, ctx.session),
            "deletable": agency is not None and not catalog.agency_uses(ctx.session, agency),
        }

    return _form_page("agencies", "admin/catalog/agency_form.html", save, saved, shown)


@bp.post("/admin/agencies/<int:agency_id>/delete")
@staff_page(Role.ADMIN)
def admin_agency_delete(agency_id: int) -> Response:
    return _deleted_or_kept("agencies", catalog.delete_agency, agency_id, "web.admin_agency_form")


Owned = TypeVar("Owned", Service, Counter)


def _agency_row(
    ctx: Ctx, model: type[Owned], row_id: int | None, what: str
) -> tuple[Owned | None, list[Agency], Agency | None]:
    """A service or counter (only its agency's staff may see it), the agencies the form
    offers, and the one a new row starts in: the list's filter, or a supervisor's own."""
    who = _who()
    row = catalog.existing(ctx.session, model, row_id, what)
    if row is not None:
        access.require_agency_staff(who, row.agency_id)
    agencies = catalog.agencies_for(ctx.session, who)
    preset = next((a for a in agencies if a.id == _agency_filter()), None)
    if not who.is_admin:
        preset = agencies[0] if agencies else None
    return row, agencies, preset


# --- services --------------------------------------------------------------------------


@bp.get("/admin/services")
@staff_page()
def admin_services() -> Page:
    who, chosen = _who(), _agency_filter()

    def query(ctx: Ctx) -> str:
        services = catalog.services_for(ctx.session, who, chosen)
        unserved = catalog.unserved_services(ctx.session, [s.id for s in services])
        return render_template(
            "admin/catalog/services.html",
            agencies=catalog.agencies_for(ctx.session, who),
            services=services,
            unserved={s.id for s in unserved},
            chosen=chosen,
        )

    return run_query(query)


def _service_values(service: Service | None, agency: Agency | None) -> dict[str, Any]:
    if service is None:
        values: dict[str, Any] = {
            "agency_id": agency.id if agency else "",
            "prefix": agency.code if agency else "",
            "target_wait_minutes": 30,
            "typical_minutes": 10,
            "priority_offered": True,
            "active": True,
        }
        hours: dict[str, list[str]] = STANDARD_HOURS
    else:
        values = {
            "agency_id": service.agency_id,
            "code": service.code,
            "name": service.name,
            "prefix": service.series.prefix,
            "daily_quota": service.daily_quota if service.daily_quota is not None else "",
            "priority_offered": service.priority_offered,
            "target_wait_minutes": service.target_wait_minutes,
            "typical_minutes": f"{service.typical_minutes:g}",
            "position": service.position,
            "active": service.active,
            "requirements": "\n".join(service.requirements or []),
            "fee": service.fee,
            "completion": service.completion,
        }
        hours = service.hours or {}
    return values | hours_values(hours)


def hours_values(hours: dict[str, list[str]]) -> dict[str, Any]:
    """The hours table's fields (``open_mon``, ``from_mon``, ``to_mon`` ...), the times
    as the hall writes them (07.30)."""
    values: dict[str, Any] = {}
    for day in WEEKDAYS:
        span = hours.get(day)
        values[f"open_{day}"] = bool(span)
        values[f"from_{day}"] = clock_label(span[0]) if span else ""
        values[f"to_{day}"] = clock_label(span[1]) if span else ""
    return values


def _submitted_hours(values: dict[str, str]) -> dict[str, list[str]]:
    return {
        day: [values.get(f"from_{day}", ""), values.get(f"to_{day}", "")]
        for day in WEEKDAYS
        if values.get(f"open_{day}")
    }


@bp.route("/admin/services/new", methods=["GET", "POST"])
@bp.route("/admin/services/<int:service_id>", methods=["GET", "POST"])
@staff_page()
def admin_service_form(service_id: int | None = None) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> tuple[str, bool, int, bool]:
        hours = _submitted_hours(values)
        service = catalog.save_service(ctx.session, _who(), service_id, values, hours)
        confirmed = bool(values.get(booking_admin.CONFIRM_FIELD))
        offered = service.active and service.agency.active
        # Not offered, no booking ahead can be served: the visitor is told that, not hours.
        close = (
            booking_admin.close_for_new_hours if offered else booking_admin.close_for_deactivation
        )
        cancelled = close(ctx, [service.id], confirmed=confirmed)
        unserved = bool(catalog.unserved_services(ctx.session, [service.id]))
        return service.code, unserved, cancelled, offered

    def saved(result: tuple[str, bool, int, bool]) -> Response:
        code, unserved, cancelled, offered = result
        _flash_cancelled(cancelled, outside_hours=offered, deactivated=not offered)
        page = _saved(
            id_en(f"Layanan {code} disimpan.", f"Service {code} saved."), "web.admin_services"
        )
        if unserved:
            flash(
                id_en(
                    f"Belum ada loket aktif yang melayani {code}: kios memberi nomornya, tetapi "
                    "tidak ada yang memanggil. Centang layanan ini di formulir sebuah loket.",
                    f"No active counter serves {code} yet: kiosks hand out its numbers but "
                    "nobody calls them. Tick this service on a counter's form.",
                ),
                "warning",
            )
        return page

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        service, agencies, preset = _agency_row(ctx, Service, service_id, "service")
        return {
            "service": service,
            "agencies": agencies,
            "values": values if values is not None else _service_values(service, preset),
            "weekdays": WEEKDAYS,
            "deletable": service is not None and not catalog.service_uses(ctx.session, service),
        }

    return _form_page("services", "admin/catalog/service_form.html", save, saved, shown)


@bp.post("/admin/services/<int:service_id>/delete")
@staff_page()
def admin_service_delete(service_id: int) -> Response:
    return _deleted_or_kept(
        "services", catalog.delete_service, service_id, "web.admin_service_form"
    )


# --- counters --------------------------------------------------------------------------


@bp.get("/admin/counters")
@staff_page()
def admin_counters() -> Page:
    who, chosen = _who(), _agency_filter()

    def query(ctx: Ctx) -> str:
        counters = catalog.counters_for(ctx.session, who, chosen)
        links = ctx.session.execute(
            select(CounterService.counter_id, Service.code)
            .join(Service, Service.id == CounterService.service_id)
            .where(CounterService.counter_id.in_([c.id for c in counters]))
            .order_by(CounterService.counter_id, CounterService.position)
        ).all()
        serves: dict[int, list[str]] = {}
        for counter_id, code in links:
            serves.setdefault(counter_id, []).append(code)
        return render_template(
            "admin/catalog/counters.html",
            agencies=catalog.agencies_for(ctx.session, who),
            counters=counters,
            serves=serves,
            chosen=chosen,
        )

    return run_query(query)


def _counter_values(counter: Counter | None, agency: Agency | None, session: Any) -> dict[str, Any]:
    if counter is None:
        where = [Counter.agency_id == agency.id] if agency else []
        return {
            "agency_id": agency.id if agency else "",
            "position": catalog.next_position(session, Counter, *where),
            "active": True,
        }
    values: dict[str, Any] = {
        "agency_id": counter.agency_id,
        "zone_id": counter.zone_id,
        "label": counter.label,
        "position": counter.position,
        "active": counter.active,
    }
    for order, link in enumerate(counter.service_links, start=1):
        values[f"serves_{link.service_id}"] = True
        values[f"order_{link.service_id}"] = order
    return values


def _submitted_services(values: dict[str, str]) -> list[str]:
    """The ticked services in the order their order fields give (ties: as listed)."""
    ticked = []
    for index, key in enumerate(values):
        found = re.fullmatch(r"serves_(.{1,20})", key)
        if found is None or not values[key]:
            continue
        order = values.get(f"order_{found.group(1)}", "")
        rank = int(order) if re.fullmatch(r"\d{1,6}", order.strip()) else 10**6
        ticked.append((rank, index, found.group(1)))
    return [service_id for _, _, service_id in sorted(ticked)]


@bp.route("/admin/counters/new", methods=["GET", "POST"])
@bp.route("/admin/counters/<int:counter_id>", methods=["GET", "POST"])
@staff_page()
def admin_counter_form(counter_id: int | None = None) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> tuple[str, list[str]]:
        services = _submitted_services(values)
        before = catalog.counter_service_ids(ctx.session, counter_id)
        counter = catalog.save_counter(ctx.session, _who(), counter_id, values, services)
        announce.counter_updated(ctx, counter)
        left = catalog.unserved_services(ctx.session, before)
        return counter.label, [f"{s.code} ({s.name})" for s in left]

    def saved(result: tuple[str, list[str]]) -> Response:
        label, left = result
        page = _saved(id_en(f"{label} disimpan.", f"{label} saved."), "web.admin_counters")
        if left:
            names = ", ".join(left)
            flash(
                id_en(
                    f"Kini tidak ada loket aktif yang melayani {names}: nomornya tidak akan "
                    "dipanggil. Tambahkan ke loket lain.",
                    f"No active counter serves {names} now: its numbers will not be called. "
                    "Add it to another counter.",
                ),
                "warning",
            )
        return page

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        counter, agencies, preset = _agency_row(ctx, Counter, counter_id, "counter")
        if values is None:
            values = _counter_values(counter, preset, ctx.session)
        agency_id = counter.agency_id if counter is not None else None
        services = catalog.services_for(ctx.session, _who(), agency_id)
        zones = ctx.session.scalars(select(Zone).order_by(Zone.code))
        return {
            "counter": counter,
            "agencies": agencies,
            "zones": [(zone.id, zone.name) for zone in zones],
            "services": _in_counter_order(services, values),
            "values": values,
            "deletable": counter is not None and not catalog.counter_uses(ctx.session, counter),
        }

    return _form_page("counters", "admin/catalog/counter_form.html", save, saved, shown)


def _in_counter_order(services: list[Service], values: dict[str, Any]) -> list[Service]:
    """The ticked services first, in the counter's order, then the others as listed."""

    def rank(item: tuple[int, Service]) -> tuple[int, int, int]:
        index, service = item
        if not values.get(f"serves_{service.id}"):
            return (1, 0, index)
        order = str(values.get(f"order_{service.id}", ""))
        return (
            0,
            int(order) if order.isascii() and order.isdigit() and len(order) < 7 else 10**6,
            index,
        )

    return [service for _, service in sorted(enumerate(services), key=rank)]


@bp.post("/admin/counters/<int:counter_id>/delete")
@staff_page()
def admin_counter_delete(counter_id: int) -> Response:
    return _deleted_or_kept(
        "counters", catalog.delete_counter, counter_id, "web.admin_counter_form"
    )


# --- zones -----------------------------------------------------------------------------


@bp.get("/admin/zones")
@staff_page(Role.ADMIN)
def admin_zones() -> Page:
    def query(ctx: Ctx) -> str:
        counters = dict(
            ctx.session.execute(
                select(Counter.zone_id, func.count()).group_by(Counter.zone_id)
            ).all()
        )
        boards = dict(
            ctx.session.execute(
                select(Device.zone_id, func.count())
                .where(Device.zone_id.is_not(None))
                .group_by(Device.zone_id)
            ).all()
        )
        zones = ctx.session.scalars(select(Zone).order_by(Zone.code)).all()
        return render_template(
            "admin/catalog/zones.html", zones=zones, counters=counters, boards=boards
        )

    return run_query(query)


@bp.route("/admin/zones/new", methods=["GET", "POST"])
@bp.route("/admin/zones/<int:zone_id>", methods=["GET", "POST"])
@staff_page(Role.ADMIN)
def admin_zone_form(zone_id: int | None = None) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> str:
        return catalog.save_zone(ctx.session, _who(), zone_id, values).code

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        zone = catalog.existing(ctx.session, Zone, zone_id, "zone")
        if values is None:
            values = {"code": zone.code, "name": zone.name} if zone is not None else {}
        return {
            "zone": zone,
            "values": values,
            "deletable": zone is not None and not catalog.zone_uses(ctx.session, zone),
        }

    return _form_page(
        "zones",
        "admin/catalog/zone_form.html",
        save,
        lambda code: _saved(
            id_en(f"Zona {code} disimpan.", f"Zone {code} saved."), "web.admin_zones"
        ),
        shown,
    )


@bp.post("/admin/zones/<int:zone_id>/delete")
@staff_page(Role.ADMIN)
def admin_zone_delete(zone_id: int) -> Response:
    return _deleted_or_kept("zones", catalog.delete_zone, zone_id, "web.admin_zone_form")


# --- holidays --------------------------------------------------------------------------


def _year() -> int | None:
    text = request.args.get("year", "")
    return int(text) if re.fullmatch(r"(19|20|21)\d\d", text) else None


def _close_for_holiday(ctx: Ctx, holiday: Holiday, values: dict[str, str]) -> int:
    """The bookings a new holiday leaves without a hall: refused with their count until
    the form's box is ticked, then cancelled with the holiday's name as the reason."""
    confirmed = bool(values.get(booking_admin.CONFIRM_FIELD))
    return booking_admin.close_for_holiday(ctx, holiday.date, holiday.name, confirmed=confirmed)


def _flash_cancelled(count: int, *, outside_hours: bool = False, deactivated: bool = False) -> None:
    """Say how many bookings a closure cancelled: of the day (a holiday, a special
    opening), outside new weekly hours (on any day ahead), or of a service or agency
    deactivated."""
    if not count:
        return
    if deactivated:
        text = id_en(
            f"{count} pemesanan yang tidak dapat dilayani lagi dibatalkan.",
            f"{count} bookings that can no longer be served were cancelled.",
        )
    elif outside_hours:
        text = id_en(
            f"{count} pemesanan di luar jam layanan yang baru dibatalkan.",
            f"{count} bookings outside the new opening hours were cancelled.",
        )
    else:
        text = id_en(
            f"{count} pemesanan pada hari itu dibatalkan.",
            f"{count} bookings on that day were cancelled.",
        )
    flash(text, "warning")


def _holiday_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _no_holiday()
    except ValueError:
        return _no_holiday()


def _no_holiday() -> dt.date:
    raise not_found("holiday")


@bp.route("/admin/holidays", methods=["GET", "POST"])
@staff_page(Role.ADMIN)
def admin_holidays() -> Page:
    """The year's holidays with a form to add one (the page itself takes the new one)."""

    def save(ctx: Ctx, values: dict[str, str]) -> tuple[dt.date, int]:
        holiday = catalog.save_holiday(ctx.session, _who(), None, values)
        return holiday.date, _close_for_holiday(ctx, holiday, values)

    def added(result: tuple[dt.date, int]) -> Response:
        day, cancelled = result
        message = id_en(f"Hari libur {day:%d-%m-%Y} ditambahkan.", f"Holiday {day} added.")
        _flash_cancelled(cancelled)
        return _saved(message, "web.admin_holidays", year=day.year)

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        year = _year() or ctx.today.year
        holidays = ctx.session.scalars(
            select(Holiday)
            .where(Holiday.date >= dt.date(year, 1, 1), Holiday.date <= dt.date(year, 12, 31))
            .order_by(Holiday.date)
        ).all()
        return {
            "year": year,
            "years": catalog.holiday_years(ctx.session, ctx.today),
            "holidays": holidays,
            "values": values or {},
            "weekday_name": lambda day: day_name(WEEKDAYS[day.weekday()]),
            "today": ctx.today,
        }

    return _form_page("holidays", "admin/catalog/holidays.html", save, added, shown)


@bp.route("/admin/holidays/<day>", methods=["GET", "POST"])
@staff_page(Role.ADMIN)
def admin_holiday_form(day: str) -> Page:
    original = _holiday_day(day)

    def save(ctx: Ctx, values: dict[str, str]) -> tuple[dt.date, int]:
        holiday = catalog.save_holiday(ctx.session, _who(), original, values)
        moved = holiday.date != original
        return holiday.date, _close_for_holiday(ctx, holiday, values) if moved else 0

    def saved(result: tuple[dt.date, int]) -> Response:
        day, cancelled = result
        _flash_cancelled(cancelled)
        return _saved(
            id_en("Hari libur disimpan.", "Holiday saved."), "web.admin_holidays", year=day.year
        )

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        holiday = ctx.session.get(Holiday, original)
        if holiday is None:
            raise not_found("holiday")
        return {
            "holiday": holiday,
            "values": values or {"date": holiday.date.isoformat(), "name": holiday.name},
        }

    return _form_page(
        "holidays",
        "admin/catalog/holiday_form.html",
        save,
        saved,
        shown,
    )


@bp.post("/admin/holidays/<day>/delete")
@staff_page(Role.ADMIN)
def admin_holiday_delete(day: str) -> Response:
    original = _holiday_day(day)

    def delete(ctx: Ctx) -> str:
        catalog.delete_holiday(ctx.session, _who(), original)
        return original.isoformat()

    _change("holidays", delete)
    flash(id_en("Hari libur dihapus.", "Holiday deleted."), "success")
    return redirect(url_for("web.admin_holidays", year=original.year))
