"""The console's booking pages: the day's bookings (per slot, cancel with a reason, CSV),
and each service's booking settings and time bands.

Rules in ``server.domain.admin_bookings``; this module reads forms and the query string
and chooses the page. A supervisor sees and sets their agency's services only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.commands import run_command, run_query
from server.domain import admin_bookings as rules
from server.domain import admin_catalog as catalog
from server.domain.access import Principal
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.web import bp
from server.web.admin_catalog import _form_page, _saved
from server.web.console_auth import staff_page
from server.web.exports import as_text
from server.web.forms import worded
from server.web.i18n import id_en
from shared.errors import ErrorCode
from shared.states import BookingQueueRule, LateCheckIn

Page = Response | str | tuple[str, int]


def _who() -> Principal:
    return g.antre_user  # type: ignore[no-any-return]


def _agency_filter() -> int | None:
    text = request.args.get("agency", "")
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def _day(ctx: Ctx) -> dt.date:
    """The day asked for (``?day=2026-12-06``), or today; a day that cannot be read is today."""
    text = request.args.get("day", "")
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else ctx.today
    except ValueError:
        return ctx.today


# (value, Indonesian, English, explanation id, explanation en)
QUEUE_RULES = (
    (
        BookingQueueRule.SLOT_TIME.value,
        "Sesuai jam slot (bawaan)",
        "At the slot's time (default)",
        "Berdiri seolah datang tepat pada jam slotnya: yang datang lebih dulu tetap di depan.",
        "Stands as if arriving at the slot's start: walk-ins who came earlier stay ahead.",
    ),
    (
        BookingQueueRule.RESERVATION.value,
        "Hanya kuota hari itu",
        "A place in the day only",
        "Pemesanan menjamin tempat dalam kuota; saat check-in antre di belakang seperti biasa.",
        "The booking holds a place in the quota; at check-in it joins the back of the line.",
    ),
    (
        BookingQueueRule.DUE_FIRST.value,
        "Didahulukan saat jamnya tiba",
        "First once due",
        "Setelah jam slotnya tiba, dipanggil sebelum semua pengunjung langsung.",
        "Once its slot has come, called before every walk-in.",
    ),
)
LATE_POLICIES = (
    (
        LateCheckIn.WALK_IN.value,
        "Nomor biasa di belakang (bawaan)",
        "A walk-in number at the back (default)",
    ),
    (LateCheckIn.REFUSE.value, "Ditolak", "Refused"),
)


@bp.get("/admin/bookings")
@staff_page()
def admin_bookings() -> Page:
    who, chosen = _who(), _agency_filter()

    def query(ctx: Ctx) -> str:
        day = _day(ctx)
        listed = rules.day_bookings(ctx, who, day, chosen)
        return render_template(
            "admin/bookings/day.html",
            day=day,
            today=ctx.today,
            listed=listed,
            slots=rules.slot_counts(listed),
            states=rules.STATES,
            agencies=catalog.agencies_for(ctx.session, who),
            chosen=chosen,
            services=rules.summaries(ctx.session, who, chosen),
        )

    return run_query(query)


@bp.get("/admin/bookings.csv")
@staff_page()
def admin_bookings_csv() -> Response:
    who, chosen = _who(), _agency_filter()

    def query(ctx: Ctx) -> tuple[dt.date, list[tuple[str, ...]]]:
        day = _day(ctx)
        return day, rules.csv_rows(rules.day_bookings(ctx, who, day, chosen))

    day, rows = run_query(query)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rules.CSV_HEADER)
    for row in rows:
        writer.writerow([as_text(value) for value in row])
    answer = Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv")
    answer.headers["Content-Disposition"] = f'attachment; filename="bookings-{day.isoformat()}.csv"'
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.post("/admin/bookings/<int:booking_id>/cancel")
@staff_page()
def admin_booking_cancel(booking_id: int) -> Response:
    reason = request.form.get("reason", "")
    back = url_for(
        "web.admin_bookings", day=request.form.get("day") or None, agency=_agency_filter()
    )
    try:
        booking = run_command(
            _who().actor, lambda ctx: rules.cancel_by_staff(ctx, _who(), booking_id, reason)
        )
    except catalog.Invalid as exc:
        flash(
            id_en("Isi alasan pembatalan: ", "Give the reason for cancelling: ")
            + worded(exc.problems["reason"]),
            "error",
        )
        return redirect(back)
    except DomainError as exc:
        if exc.code != ErrorCode.BOOKING_NOT_ACTIVE:
            raise
        flash(
            id_en(
                "Pemesanan ini sudah tidak aktif (sudah check-in, dibatalkan atau tidak hadir).",
                "This booking is no longer active (checked in, cancelled or a no-show).",
            ),
            "error",
        )
        return redirect(back)
    flash(
        id_en(f"Pemesanan {booking.code} dibatalkan.", f"Booking {booking.code} cancelled."),
        "success",
    )
    return redirect(back)


@bp.route("/admin/bookings/services/<int:service_id>", methods=["GET", "POST"])
@staff_page()
def admin_booking_settings(service_id: int) -> Page:
    def save(ctx: Ctx, values: dict[str, str]) -> str:
        return rules.save_settings(ctx.session, _who(), service_id, values).code

    def shown(ctx: Ctx, values: dict[str, str] | None) -> dict[str, Any]:
        service = rules.service_for(ctx.session, _who(), service_id)
        return {
            "service": service,
            "values": values if values is not None else rules.settings_values(ctx.session, service),
            "derived": rules.derived_capacity(ctx.session, service),
            "bands_max": rules.BANDS_MAX,
            "queue_rules": QUEUE_RULES,
            "late_policies": LATE_POLICIES,
        }

    return _form_page(
        "booking_settings",
        "admin/bookings/settings.html",
        save,
        lambda code: _saved(
            id_en(f"Pengaturan pemesanan {code} disimpan.", f"Booking settings of {code} saved."),
            "web.admin_bookings",
        ),
        shown,
    )
