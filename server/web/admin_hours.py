"""The console's opening-hours pages: one week's hours for many services at once (with a
preview that says which services change), and special openings (*buka khusus*).

Plain forms, as the other catalogue pages (``admin_catalog``): the rules are in
``server.domain.admin_hours``; this module reads forms, picks the language and the page.
Each change is one command that pushes ``config.updated`` once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request
from werkzeug.wrappers import Response

from server.commands import run_query
from server.domain import admin_bookings as booking_admin
from server.domain import admin_catalog as catalog
from server.domain import admin_hours
from server.domain import form_wording as wording
from server.domain.admin_hours import HALL, BulkHours, OpeningChanged
from server.domain.context import Ctx
from server.domain.schedule import WEEKDAYS
from server.models import Agency, SpecialOpening
from server.web import bp
from server.web.admin_catalog import (
    STANDARD_HOURS,
    Page,
    _agency_filter,
    _change,
    _flash_cancelled,
    _form_page,
    _messages,
    _saved,
    _submitted,
    _submitted_hours,
    _who,
    _year,
    day_name,
    hours_values,
)
from server.web.console_auth import staff_page
from server.web.forms import worded
from server.web.i18n import id_en
from shared.opening_hours import clock_label

# --- one week's hours for many services ------------------------------------------------


def _first_values(ctx: Ctx) -> dict[str, Any]:
    """A new bulk form: the agency the services list was filtered on (a supervisor's own),
    with the hours most of its services have now (the Pemkab's standard ones if none)."""
    who = _who()
    agencies = catalog.agencies_for(ctx.session, who)
    chosen = next((a for a in agencies if a.id == _agency_filter()), None)
    if not who.is_admin:
        chosen = agencies[0] if agencies else None
    services = admin_hours.services_in_scope(ctx.session, chosen)
    hours = admin_hours.common_hours(services) or STANDARD_HOURS
    scope = str(chosen.id) if chosen is not None else HALL
    return {"scope": scope, **hours_values(hours)}


def _plan(ctx: Ctx, values: dict[str, str]) -> tuple[BulkHours | None, dict[str, str]]:
    try:
        plan = admin_hours.plan_bulk_hours(ctx, _who(), values, _submitted_hours(values))
    except catalog.Invalid as exc:
        return None, _messages(exc)
    return plan, {}


def _scope_name(agency: Agency | None) -> str:
    return agency.short_name if agency is not None else id_en("seluruh mal", "the whole hall")


@bp.route("/admin/hours", methods=["GET", "POST"])
@staff_page()
def admin_bulk_hours() -> Page:
    """GET: the form. POST "preview": which services change. POST "apply": the change, if
    it is the one previewed (else the preview again, with why)."""
    values: dict[str, str] | None = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _submitted()
        if values.get("action") == "apply":
            try:
                count, scope, agency_id, cancelled = _change(
                    "services", lambda ctx: _apply(ctx, values)
                )
            except catalog.Invalid as exc:
                errors = _messages(exc)
            else:
                message = id_en(
                    f"Jam layanan {count} layanan {scope} diubah.",
                    f"Opening hours of {count} services of {scope} changed.",
                )
                _flash_cancelled(cancelled, outside_hours=True)
                return _saved(message, "web.admin_services", agency=agency_id)

    def page(ctx: Ctx) -> tuple[str, int]:
        shown, problems, plan = values, dict(errors), None
        if shown is None:
            shown = _first_values(ctx)
        else:
            plan, found = _plan(ctx, shown)
            problems.update(found)
        body = render_template(
            "admin/catalog/hours_bulk.html",
            agencies=catalog.agencies_for(ctx.session, _who()),
            values=shown,
            errors=problems,
            plan=plan,
            scope_name=_scope_name(plan.agency) if plan else "",
            stranded_warning=_stranded_warning(ctx, plan),
            weekdays=WEEKDAYS,
        )
        return body, 422 if problems else 200

    return run_query(page)


def _stranded_warning(ctx: Ctx, plan: BulkHours | None) -> str:
    """What the preview says of the bookings the new hours would cancel (none: nothing)."""
    if plan is None or not plan.stranded:
        return ""
    per_service = booking_admin.by_service(ctx.session, plan.stranded)
    return worded(wording.bookings_outside_new_hours(len(plan.stranded), per_service))


def _apply(ctx: Ctx, values: dict[str, str]) -> tuple[int, str, int | None, int]:
    """How many services changed, of which scope (its name, its agency id), and how many
    bookings the new hours cancelled."""
    plan = admin_hours.apply_bulk_hours(ctx, _who(), values, _submitted_hours(values))
    agency_id = plan.agency.id if plan.agency is not None else None
    return len(plan.changing), _scope_name(plan.agency), agency_id, len(plan.stranded)


# --- special openings --------------------------------------------------------------------


def _opening_values(opening: SpecialOpening) -> dict[str, str]:
    return {
        "date": opening.date.isoformat(),
        "scope": str(opening.agency_id) if opening.agency_id is not None else HALL,
        "opens": clock_label(opening.opens),
        "closes": clock_label(opening.closes),
        "name": opening.name,
    }


def _new_opening_values() -> dict[str, str]:
    who = _who()
    scope = HALL if who.is_admin else str(who.agency_id)
    return {"scope": scope, "opens": "08.00", "closes": "12.00"}


def _opening_saved(message: tuple[str, str], changed: OpeningChanged) -> Response:
    _flash_cancelled(changed.cancelled)
    return _saved(id_en(*message), "web.admin_special_openings", year=changed.date.year)


@bp.route("/admin/special-openings", methods=["GET", "POST"])
@staff_page()
def admin_special_openings() -> Page:
    """The year's special openings with a form to add one (the page takes the new one)."""

    def save(ctx: Ctx, values: dict[str, str]) -> OpeningChanged:
        return admin_hours.change_special_opening(ctx, _who(), None, values)

    def added(changed: OpeningChanged) -> Response:
        day = changed.date
        return _opening_saved(
            (f"Buka khusus {day:%d-%m-%Y} ditambahkan.", f"Special opening {day} added."),
            changed,
        )

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        who = _who()
        year = _year() or ctx.today.year
        openings = admin_hours.special_openings_for(ctx.session, who, year)
        return {
            "year": year,
            "years": admin_hours.special_opening_years(ctx.session, ctx.today),
            "openings": openings,
            "holidays": admin_hours.holiday_names(ctx.session, [o.date for o in openings]),
            "editable": {o.id for o in openings if admin_hours.may_edit(who, o)},
            "agencies": catalog.agencies_for(ctx.session, who),
            "values": values or _new_opening_values(),
            "weekday_name": lambda day: day_name(WEEKDAYS[day.weekday()]),
            "today": ctx.today,
        }

    return _form_page("special_openings", "admin/catalog/special_openings.html", save, added, shown)


@bp.route("/admin/special-openings/<int:opening_id>", methods=["GET", "POST"])
@staff_page()
def admin_special_opening_form(opening_id: int) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> OpeningChanged:
        return admin_hours.change_special_opening(ctx, _who(), opening_id, values)

    return _form_page(
        "special_openings",
        "admin/catalog/special_opening_form.html",
        save,
        lambda changed: _opening_saved(
            ("Buka khusus disimpan.", "Special opening saved."), changed
        ),
        _opening_form(opening_id),
    )


def _opening_form(
    opening_id: int, deleting: bool = False
) -> Callable[[Ctx, dict[str, str] | None], dict[str, Any]]:
    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        opening = admin_hours.special_opening(ctx.session, _who(), opening_id)
        return {
            "opening": opening,
            "agencies": catalog.agencies_for(ctx.session, _who()),
            "values": _opening_values(opening) if deleting or not values else values,
            "deleting": deleting,
        }

    return shown


@bp.post("/admin/special-openings/<int:opening_id>/delete")
@staff_page()
def admin_special_opening_delete(opening_id: int) -> Page:
    """Delete; when that leaves bookings outside the hours their slot needs, the opening's
    form again (422) with their count and a box to delete anyway and cancel them."""
    values = _submitted()
    try:
        changed = _change(
            "special_openings",
            lambda ctx: admin_hours.remove_special_opening(ctx, _who(), opening_id, values),
        )
    except catalog.Invalid as exc:
        errors = _messages(exc)
        shown = _opening_form(opening_id, deleting=True)

        def page(ctx: Ctx) -> str:
            return render_template(
                "admin/catalog/special_opening_form.html", errors=errors, **shown(ctx, None)
            )

        return run_query(page), 422
    return _opening_saved(("Buka khusus dihapus.", "Special opening deleted."), changed)
