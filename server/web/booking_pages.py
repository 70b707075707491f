"""The visitor's booking pages (*antrean online*): ``/booking`` to book a slot from a
phone, ``/b/<code>`` for the booking's status, ``/b/<code>/manage?s=<secret>`` to cancel
or move it.

No login and no CDN; plain server-rendered pages and forms, one step per page (agency,
service, day, slot, who you are), so a cheap phone on a slow link loads a few kilobytes
per step and the back button works. They call the domain directly (the same rules and
views as ``/api/v1``'s booking endpoints, ``server.domain.booking_views``). Every page
counts against the address's rate limit (``server/public_limit.py``). An unknown code,
a malformed one and a wrong secret get the same "not found" page. The secret travels in
the query string, which the request log never writes (it logs the path alone).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import qrcode
import qrcode.image.svg
from flask import Response, g, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from server.commands import run_command, run_query
from server.domain import booking_views, bookings
from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.identity import nik_problem, normalise_phone
from server.domain.notices import booking_opt_in
from server.state import app_state
from server.web import booking_notices, bp
from server.web.booking_ics import CalendarEvent, calendar_file
from server.web.i18n import MONTH_NAMES, id_en
from server.web.visitor_view import visitor_view
from shared import wire
from shared.booking_code import read_code, shown
from shared.errors import ErrorCode

DAY_NAMES = (
    ("Senin", "Monday"),
    ("Selasa", "Tuesday"),
    ("Rabu", "Wednesday"),
    ("Kamis", "Thursday"),
    ("Jumat", "Friday"),
    ("Sabtu", "Saturday"),
    ("Minggu", "Sunday"),
)
SECRET_MAX = 64


# --- what every page shares ------------------------------------------------------------


def long_date(day: dt.date) -> str:
    """``Selasa, 1 Desember 2026`` / ``Tuesday, 1 December 2026``."""
    weekday = id_en(*DAY_NAMES[day.weekday()])
    return f"{weekday}, {day.day} {id_en(*MONTH_NAMES[day.month - 1])} {day.year}"


@bp.app_context_processor
def _booking_helpers() -> dict[str, Any]:
    return {"long_date": long_date, "shown_code": shown}


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    # Codes and secrets are in these addresses: never cached by a proxy, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def not_found_page() -> Response:
    return _page("booking/not_found.html", 404)


def refusal_text(exc: DomainError) -> str:
    """A domain refusal as the visitor reads it, in the page's language."""
    code, details = exc.code, exc.details
    if code == ErrorCode.SLOT_FULL:
        return id_en(
            "Slot ini sudah penuh. Silakan pilih jam lain.",
            "This slot is full. Please choose another time.",
        )
    if code == ErrorCode.BOOKING_CLOSED:
        return id_en(
            "Slot ini tidak bisa dibooking lagi (terlalu dekat, atau layanan tutup hari itu).",
            "This slot can no longer be booked (too soon, or the service is closed that day).",
        )
    if code == ErrorCode.DUPLICATE_BOOKING:
        return id_en(
            "Nomor HP (atau NIK) ini sudah punya booking aktif untuk layanan ini pada hari itu.",
            "This phone number (or NIK) already has an active booking for this service that day.",
        )
    if code == ErrorCode.BOOKING_BLOCKED:
        until = str(details.get("until", ""))
        return id_en(
            f"Booking untuk nomor ini ditutup sementara karena beberapa booking tidak "
            f"didatangi. Bisa booking lagi mulai {until}.",
            f"Booking is blocked for this number after bookings that were not kept. "
            f"It opens again on {until}.",
        )
    if code == ErrorCode.BOOKING_NOT_ACTIVE:
        return id_en("Booking ini sudah tidak aktif.", "This booking is no longer active.")
    if code == ErrorCode.TOO_MANY_ATTEMPTS:
        return id_en(
            "Terlalu banyak permintaan dari jaringan Anda. Tunggu satu menit lalu coba lagi.",
            "Too many requests from your network. Wait a minute and try again.",
        )
    return exc.message


def field_text(exc: DomainError) -> tuple[str, str]:
    """(field, message) for a refusal about one field of the booking form."""
    field = str(exc.details.get("field", ""))
    texts = {
        "name": id_en(
            "Tulis nama Anda (paling banyak 100 huruf).", "Write your name (up to 100 letters)."
        ),
        "phone": id_en(
            "Nomor HP Indonesia, misalnya 0812 3456 7890.",
            "An Indonesian mobile number, e.g. 0812 3456 7890.",
        ),
        "nik": id_en(
            "NIK terdiri dari 16 angka, sesuai KTP/KK.",
            "A NIK is the 16 digits on the KTP or family card.",
        ),
    }
    return field, texts.get(field, exc.message)


def refusal_page(exc: DomainError) -> Response:
    """A refusal on a visitor's page, as a page of theirs (never the console's)."""
    if exc.details.get("reason") == "csrf":
        return expired_form_page()
    if exc.code == ErrorCode.NOT_FOUND:
        return not_found_page()
    response = _page(
        "booking/problem.html",
        429 if exc.code == ErrorCode.TOO_MANY_ATTEMPTS else 409,
        message=refusal_text(exc),
    )
    if "retry_after" in exc.details:
        response.headers["Retry-After"] = str(exc.details["retry_after"])
    return response


def expired_form_page() -> Response:
    """A form sent with a CSRF token that is missing or no longer the session's: the
    page stayed open past the session (the phone's browser dropped its cookie, or the
    server's secret changed). Nothing was done; the visitor starts that step again."""
    again = _start_again_url()
    g.antre_lang_target = again  # the language switch goes there, not to a POST's address
    return _page("booking/expired.html", 400, again=again)


def _start_again_url() -> str:
    """The page whose form was sent: the form itself, or a booking's manage page when
    its cancel or move form was (its secret came with the form)."""
    if request.endpoint in ("web.booking_cancel", "web.booking_reschedule"):
        code = read_code(str((request.view_args or {}).get("code", "")))
        secret = request.form.get("s", "")
        if code is None or not secret or len(secret) > SECRET_MAX:
            return url_for("web.booking_start")
        return url_for("web.booking_manage", code=code, s=secret)
    return request.path


# A page for visitors: rate-limited per address; a refusal read as the booking's page.
visitor_page = visitor_view(refusal_page)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.NOT_FOUND, "day not found") from None


def _slot_start(day: dt.date, hhmm: str, ctx: Ctx) -> dt.datetime:
    if len(hhmm) != 4 or not hhmm.isdigit():
        raise DomainError(ErrorCode.NOT_FOUND, "slot not found")
    try:
        return dt.datetime.combine(day, dt.time(int(hhmm[:2]), int(hhmm[2:])), ctx.tz)
    except ValueError:
        raise DomainError(ErrorCode.NOT_FOUND, "slot not found") from None


# --- choosing: agency, service, day, slot ----------------------------------------------


def _agencies(ctx: Ctx) -> list[dict[str, Any]]:
    by_agency: dict[int, dict[str, Any]] = {}
    for service in booking_views.bookable_services(ctx):
        agency = service.agency
        entry = by_agency.setdefault(
            agency.id,
            {"id": agency.id, "code": agency.code, "name": agency.name, "services": 0},
        )
        entry["services"] += 1
    return list(by_agency.values())


@bp.get("/booking")
@visitor_page
def booking_start() -> Response:
    return _page("booking/agencies.html", agencies=run_query(_agencies))


@bp.get("/booking/<string:agency_code>")
@visitor_page
def booking_agency(agency_code: str) -> Response:
    def query(ctx: Ctx) -> tuple[dict[str, Any] | None, list[wire.BookableService]]:
        services = [s for s in booking_views.bookable_services(ctx) if s.agency.code == agency_code]
        if not services:
            return None, []
        views = [
            booking_views.service_view(s, bookings.rules_of(ctx.session, s.id)[0]) for s in services
        ]
        agency = services[0].agency
        return {
            "id": agency.id,
            "code": agency.code,
            "name": agency.name,
            "short_name": agency.short_name,
        }, views

    agency, services = run_query(query)
    if agency is None:
        return not_found_page()
    return _page("booking/services.html", agency=agency, services=services)


@bp.get("/booking/s/<int:service_id>")
@visitor_page
def booking_service(service_id: int) -> Response:
    days = run_query(lambda ctx: booking_views.days_view(ctx, service_id))
    for day in days["days"]:
        day["day"] = dt.date.fromisoformat(day["date"])  # type: ignore[typeddict-unknown-key]
        day["left"] = sum(s["left"] for s in day["slots"] if s["open"])  # type: ignore[typeddict-unknown-key]
    return _page("booking/days.html", offer=days, service=days["service"])


@bp.get("/booking/s/<int:service_id>/<string:date>")
@visitor_page
def booking_day(service_id: int, date: str) -> Response:
    day = _day(date)

    def query(ctx: Ctx) -> dict[str, Any]:
        service, rules = booking_views.bookable_service(ctx, service_id)
        return {
            "service": booking_views.service_view(service, rules),
            "offer_day": booking_views.day_view(ctx, bookings.offer(ctx, service, day)),
        }

    found = run_query(query)
    return _page("booking/slots.html", day=day, **found)


def _consent(ctx: Ctx) -> str:
    days = app_state().config.retention_days
    kept = (
        id_en(
            f"dihapus {days} hari setelah tanggal booking",
            f"deleted {days} days after the booking's date",
        )
        if days
        else id_en("disimpan sampai pengelola MPP menghapusnya", "kept until the hall deletes it")
    )
    return id_en(
        f"Saya setuju nama, nomor HP{{nik}} saya disimpan oleh {ctx.settings.site_name} hanya "
        f"untuk booking ini (memanggil dan mencarikan kode yang hilang), tidak dibagikan, dan "
        f"{kept}.",
        f"I agree that {ctx.settings.site_name} keeps my name and phone number{{nik}} only for "
        f"this booking (to call me and to find a lost code), shares them with nobody, and "
        f"that they are {kept}.",
    )


@bp.route("/booking/s/<int:service_id>/<string:date>/<string:hhmm>", methods=["GET", "POST"])
@visitor_page
def booking_form(service_id: int, date: str, hhmm: str) -> ResponseReturnValue:
    day = _day(date)

    def query(ctx: Ctx) -> dict[str, Any]:
        service, rules = booking_views.bookable_service(ctx, service_id)
        start = _slot_start(day, hhmm, ctx)
        offered = bookings.offer(ctx, service, day)
        slot = next((o for o in offered.slots if o.slot.start == start), None)
        if slot is None:
            raise DomainError(ErrorCode.NOT_FOUND, "slot not found")
        nik = id_en(" dan NIK (terenkripsi)", " and NIK (encrypted)") if rules.nik_required else ""
        return {
            "service": booking_views.service_view(service, rules),
            "start": start,
            "end": slot.slot.end,
            "left": slot.left,
            "open": slot.open,
            "consent": _consent(ctx).replace("{nik}", nik),
        }

    found = run_query(query)
    box = booking_notices.form_box(app_state().notice_config())
    form = {k: request.form.get(k, "") for k in ("name", "phone", "nik")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _form_problems(form, found["service"]["nik_required"])
        if not errors:
            channel = box["channel"] if box and request.form.get("notices") == "yes" else None
            made = _book(service_id, found["start"], form, channel)
            if isinstance(made, str):
                return redirect(made, 303)
            errors = made
    return _page("booking/form.html", form=form, errors=errors, day=day, notice_box=box, **found)


def _form_problems(form: dict[str, str], nik_required: bool) -> dict[str, str]:
    """What the page can say before asking the domain (which checks again)."""
    errors: dict[str, str] = {}
    if not form["name"].strip():
        errors["name"] = id_en("Tulis nama Anda.", "Write your name.")
    if normalise_phone(form["phone"]) is None:
        errors["phone"] = id_en(
            "Nomor HP Indonesia, misalnya 0812 3456 7890.",
            "An Indonesian mobile number, e.g. 0812 3456 7890.",
        )
    if nik_required and nik_problem(form["nik"].strip()) is not None:
        errors["nik"] = id_en(
            "NIK terdiri dari 16 angka, sesuai KTP/KK.",
            "A NIK is the 16 digits on the KTP or family card.",
        )
    if request.form.get("consent") != "yes":
        errors["consent"] = id_en(
            "Centang persetujuan untuk melanjutkan.", "Tick the agreement to continue."
        )
    return errors


def _book(
    service_id: int, start: dt.datetime, form: dict[str, str], notice_channel: str | None
) -> str | dict[str, str]:
    """The confirmation's address, or the form's problems."""
    booking_request = bookings.BookingRequest(
        service_id=service_id,
        slot_start=start,
        name=form["name"],
        phone=form["phone"],
        nik=form["nik"].strip() or None,
        language=g.get("antre_lang", "id"),
        source="web",
        notice_channel=notice_channel,
    )
    key = app_state().personal_data_key
    try:
        made = run_command(SYSTEM, lambda ctx: bookings.book(ctx, booking_request, key))
    except DomainError as exc:
        if exc.code == ErrorCode.VALIDATION_ERROR:
            field, message = field_text(exc)
            return {field or "form": message}
        return {"form": refusal_text(exc)}
    code = made.booking.code
    return url_for("web.booking_manage", code=code, s=made.manage_secret, new=1)


# --- one booking: its status, calendar, QR, and the manage page -------------------------


def status_url(code: str) -> str:
    base = app_state().config.public_url or request.host_url
    return base.rstrip("/") + booking_views.status_path(code)


def _booking(code_text: str) -> dict[str, Any]:
    """The booking's public view, with its local start and end and its bare code."""
    code = read_code(code_text) if len(code_text) <= 32 else None
    if code is None:
        raise DomainError(ErrorCode.NOT_FOUND, "booking not found")

    language = g.get("antre_lang", "id")

    def query(ctx: Ctx) -> dict[str, Any]:
        booking = bookings.find(ctx.session, code)
        view = dict(booking_views.public_booking(ctx, booking))
        start = booking.slot_start.astimezone(ctx.tz)
        view["start"] = start
        view["end"] = start + dt.timedelta(minutes=booking.slot_minutes)
        view["raw_code"] = booking.code
        view["notices"] = booking_notices.status_panel(
            ctx, app_state().notice_config(), booking, language
        )
        return view

    return run_query(query)


@bp.get("/b/<string:code>")
@visitor_page
def booking_status(code: str) -> Response:
    view = _booking(code)
    return _page("booking/status.html", booking=view, status_url=status_url(view["raw_code"]))


@bp.get("/b/<string:code>/qr.svg")
@visitor_page
def booking_qr(code: str) -> Response:
    """The QR the kiosk scans: the booking's status link, whose last part is the code."""
    view = _booking(code)
    image = qrcode.make(
        status_url(view["raw_code"]),
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    response = make_response(out.getvalue())
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/b/<string:code>/booking.ics")
@visitor_page
def booking_calendar(code: str) -> Response:
    view = _booking(code)
    settings = run_query(lambda ctx: ctx.settings)
    area = view["area"]["text"] if view["area"] else ""
    bring = "; ".join(view["requirements"])
    description = "\n".join(
        line
        for line in (
            f"{id_en('Kode booking', 'Booking code')}: {view['code']}",
            id_en(
                "Check-in di kios dengan kode atau QR.",
                "Check in at the kiosk with the code or QR.",
            ),
            f"{id_en('Bawa', 'Bring')}: {bring}" if bring else "",
            status_url(view["raw_code"]),
        )
        if line
    )
    event = CalendarEvent(
        uid=f"{view['raw_code']}@{request.host.split(':')[0]}",
        stamp=app_state().clock(),
        start=view["start"],
        end=view["end"],
        summary=f"{view['service']['name']} — {view['agency']['short_name']} ({view['code']})",
        location=", ".join(part for part in (settings.site_name, area) if part),
        description=description,
        url=status_url(view["raw_code"]),
    )
    response = make_response(calendar_file(event))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="booking-{view["raw_code"]}.ics"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/b/<string:code>/notices/stop")
@visitor_page
def booking_notices_stop(code: str) -> ResponseReturnValue:
    """The status page's "stop notices": every subscription of the booking ends."""
    found = read_code(code) if len(code) <= 32 else None
    if found is None:
        return not_found_page()

    def command(ctx: Ctx) -> None:
        booking = bookings.find(ctx.session, found)
        booking_opt_in.stop_booking(ctx.session, booking.id, ctx.now)

    run_command(SYSTEM, command)
    return redirect(url_for("web.booking_status", code=found) + "#notices", 303)


def _secret() -> str:
    secret = request.values.get("s", "")
    if not secret or len(secret) > SECRET_MAX:
        raise DomainError(ErrorCode.NOT_FOUND, "booking not found")
    return secret


def _check_secret(code: str, secret: str) -> None:
    """The same "not found" for a wrong secret as for an unknown code."""
    found = read_code(code)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "booking not found")
    run_query(lambda ctx: booking_views.managed(ctx, found, secret))


@bp.get("/b/<string:code>/manage")
@visitor_page
def booking_manage(code: str) -> Response:
    secret = _secret()
    _check_secret(code, secret)
    view = _booking(code)
    move = _move_choices(view, request.args.get("date"))
    return _page(
        "booking/manage.html",
        booking=view,
        secret=secret,
        new=request.args.get("new") == "1",
        moved=request.args.get("moved") == "1",
        status_url=status_url(view["raw_code"]),
        move=move,
        problem=None,
    )


def _move_choices(view: dict[str, Any], date_text: str | None) -> dict[str, Any]:
    """The days of the booking's service and, for a chosen day, its open slots."""
    if view["state"] != "booked":
        return {}

    def query(ctx: Ctx) -> dict[str, Any]:
        days = booking_views.days_view(ctx, view["service"]["id"])
        chosen = None
        if date_text:
            chosen = next((d for d in days["days"] if d["date"] == date_text), None)
        labels = {d["date"]: long_date(dt.date.fromisoformat(d["date"])) for d in days["days"]}
        return {"days": days["days"], "chosen": chosen, "labels": labels}

    try:
        return run_query(query)
    except DomainError:
        return {}  # the service stopped taking bookings: cancelling is still possible


@bp.post("/b/<string:code>/cancel")
@visitor_page
def booking_cancel(code: str) -> ResponseReturnValue:
    secret = _secret()
    found = read_code(code)
    if found is None:
        return not_found_page()
    run_command(SYSTEM, lambda ctx: bookings.cancel_by_visitor(ctx, found, secret))
    return redirect(url_for("web.booking_manage", code=found, s=secret), 303)


@bp.post("/b/<string:code>/reschedule")
@visitor_page
def booking_reschedule(code: str) -> ResponseReturnValue:
    secret = _secret()
    found = read_code(code)
    if found is None:
        return not_found_page()
    try:
        start = dt.datetime.fromisoformat(request.form.get("slot", ""))
    except ValueError:
        return redirect(url_for("web.booking_manage", code=found, s=secret), 303)
    if start.tzinfo is None:
        return redirect(url_for("web.booking_manage", code=found, s=secret), 303)
    key = app_state().personal_data_key
    run_command(SYSTEM, lambda ctx: bookings.reschedule(ctx, found, secret, start, key))
    return redirect(url_for("web.booking_manage", code=found, s=secret, moved=1), 303)


def _nik_services(ctx: Ctx) -> list[dict[str, Any]]:
    """The bookable services that ask for a NIK: those a NIK's last four can find."""
    return [
        {"id": service.id, "name": service.name, "agency": service.agency.short_name}
        for service in booking_views.bookable_services(ctx)
        if bookings.rules_of(ctx.session, service.id)[0].nik_required
    ]


def _lookup_problems(form: dict[str, str], services: list[dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        dt.date.fromisoformat(form["date"])
    except ValueError:
        errors["date"] = id_en("Pilih tanggal booking.", "Choose the booking's date.")
    if form["by"] == "nik":
        digits = form["nik_last4"]
        if not (len(digits) == 4 and digits.isascii() and digits.isdigit()):
            errors["nik_last4"] = id_en(
                "Tulis 4 angka terakhir NIK.", "Write the last four digits of the NIK."
            )
        if form["service"] not in {str(s["id"]) for s in services}:
            errors["service"] = id_en("Pilih layanannya.", "Choose the service.")
    elif normalise_phone(form["phone"]) is None:
        errors["phone"] = id_en(
            "Nomor HP Indonesia, misalnya 0812 3456 7890.",
            "An Indonesian mobile number, e.g. 0812 3456 7890.",
        )
    return errors


@bp.route("/booking/cari", methods=["GET", "POST"])
@visitor_page
def booking_find() -> Response:
    """A lost code: the phone number and the date, or the NIK's last four digits, the
    date and the service (for services that ask for a NIK), give the day's active
    bookings: their codes and status pages, never the manage link, whose secret is not
    kept. Both answer alike: the list, or the same "none" whatever did not match."""
    fields = ("by", "phone", "nik_last4", "service", "date")
    form = {k: request.form.get(k, "").strip() for k in fields}
    form["by"] = "nik" if form["by"] == "nik" else "phone"
    services = run_query(_nik_services)
    found: list[dict[str, Any]] | None = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _lookup_problems(form, services)
        if not errors:
            found = run_query(lambda ctx: _lost_codes(ctx, form))
    return _page("booking/find.html", form=form, errors=errors, found=found, services=services)


def _lost_codes(ctx: Ctx, form: dict[str, str]) -> list[dict[str, Any]]:
    key = app_state().personal_data_key
    day = dt.date.fromisoformat(form["date"])
    if form["by"] == "nik":
        matches = bookings.lookup(
            ctx, key, day, nik_last4=form["nik_last4"], service_id=int(form["service"])
        )
    else:
        matches = bookings.lookup(ctx, key, day, phone=form["phone"])
    return [dict(booking_views.public_booking(ctx, b), raw_code=b.code) for b in matches]
