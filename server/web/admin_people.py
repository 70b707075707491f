"""Admin console, part B: staff accounts, devices and the site settings.

Plain HTML forms (post, then redirect with a message), so every page works without
script; a refused form comes back with each field's message beside it and what was
typed still in it. The rules are the domain's (``server.domain.users``, ``devices``,
``settings``); this module reads forms, words the domain's refusals for a person, and
shows a secret (a new device token, a generated password) once, in the answer that made
it, never in a redirect, a cookie or the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Response, flash, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from server.api.commands import run_command, run_query
from server.domain import announce, devices, settings, users
from server.domain.auth import MIN_PASSWORD_LENGTH
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.errors import error_response
from server.models import Agency, Counter, CounterState, DeviceKind, Role, Zone
from server.state import app_state
from server.web import bp
from server.web.i18n import tr
from server.web.session import staff_page
from shared.callout import CallOut
from shared.errors import ErrorCode

T = TypeVar("T")
Errors = dict[str, str]

ROLE_NAMES = {
    Role.ADMIN: ("Admin", "Admin"),
    Role.SUPERVISOR: ("Supervisor", "Supervisor"),
    Role.OFFICER: ("Petugas", "Officer"),
}
KIND_NAMES = {
    DeviceKind.KIOSK: ("Kios", "Kiosk"),
    DeviceKind.DISPLAY: ("Papan tampilan", "Display board"),
    DeviceKind.COUNTER: ("PC loket", "Counter PC"),
}
PRINTER_NAMES = {
    "ok": ("Printer baik", "Printer OK"),
    "offline": ("Printer mati", "Printer offline"),
    "paper_out": ("Kertas habis", "Out of paper"),
    "paper_low": ("Kertas hampir habis", "Paper low"),
    "cover_open": ("Tutup printer terbuka", "Cover open"),
    "error": ("Printer error", "Printer error"),
    "none": ("Tanpa printer", "No printer"),
}
# Indonesia's three time zones; another one stored by hand stays selectable.
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def role_name(role: Role) -> str:
    return tr(*ROLE_NAMES[role])


# --- wording the domain's refusals ------------------------------------------------------


def field_message(exc: DomainError) -> str:
    """A refusal in the page's language, from the rule the domain names in its details."""
    d = exc.details
    rule = d.get("rule")
    texts: dict[str, tuple[str, str]] = {
        "required": ("Wajib diisi.", "Required."),
        "whole_number": ("Harus bilangan bulat.", "Must be a whole number."),
        "range": (
            f"Harus antara {d.get('low')} dan {d.get('high')}.",
            f"Must be between {d.get('low')} and {d.get('high')}.",
        ),
        "too_long": (
            f"Paling banyak {d.get('max')} karakter.",
            f"At most {d.get('max')} characters.",
        ),
        "length": (
            f"Isi 1 sampai {d.get('max')} karakter.",
            f"Enter 1 to {d.get('max')} characters.",
        ),
        "empty": ("Tidak boleh kosong.", "Must not be empty."),
        "choice": ("Pilih salah satu pilihan.", "Choose one of the options."),
        "timezone": ("Zona waktu tidak dikenal.", "Unknown time zone."),
        "template": (
            "Hanya boleh memakai {prefix}, {number}, {counter} dan {agency}.",
            "Only {prefix}, {number}, {counter} and {agency} may be used.",
        ),
        "template_missing": (
            "Kalimat panggilan harus memuat " + " dan ".join(d.get("missing", [])) + ".",
            "The call-out must contain " + " and ".join(d.get("missing", [])) + ".",
        ),
        "username": (
            "2–64 huruf kecil, angka, titik, tanda hubung atau garis bawah.",
            "2–64 lowercase letters, digits, dots, dashes or underscores.",
        ),
        "password": (
            f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
        ),
        "exists": ("Sudah dipakai.", "Already in use."),
        "not_found": ("Tidak ditemukan.", "Not found."),
        "admin_no_agency": (
            "Admin tidak terikat pada instansi: kosongkan.",
            "An admin has no agency: leave it empty.",
        ),
        "other_agency": (
            "Loket itu milik instansi lain.",
            "That counter belongs to another agency.",
        ),
        "not_here": ("Hanya untuk PC loket.", "Only for a counter PC."),
        "image_type": (
            "Logo harus gambar PNG atau JPEG.",
            "The logo must be a PNG or JPEG image.",
        ),
        "image_size": (
            f"Logo paling besar {d.get('max_kb')} KB.",
            f"The logo may be at most {d.get('max_kb')} KB.",
        ),
        "image_dimensions": (
            f"Logo paling besar {d.get('max_side')} piksel per sisi.",
            f"The logo may be at most {d.get('max_side')} pixels on a side.",
        ),
    }
    if rule is None and d.get("field") == "password":
        rule = "password"
    if rule is None and exc.code == ErrorCode.NOT_FOUND:
        rule = "not_found"
    pair = texts.get(rule) if isinstance(rule, str) else None
    return tr(*pair) if pair else exc.message


def form_errors(exc: DomainError) -> Errors:
    """{field: message} for a refusal a form can show beside a field; re-raised when it is
    not about a field (forbidden, another agency: the error page says so)."""
    name = exc.details.get("field")
    if exc.code == ErrorCode.FORBIDDEN or not isinstance(name, str):
        raise exc
    return {name: field_message(exc)}


def _attempt(work: Callable[[], T]) -> tuple[T | None, Errors]:
    try:
        return work(), {}
    except DomainError as exc:
        return None, form_errors(exc)


def _forget(hashes: Iterable[str]) -> None:
    """This process stops trusting these tokens now; the others within the principal
    cache's few seconds (``server.api.principal.CACHE_SECONDS``)."""
    cache = app_state().principals
    for key in hashes:
        cache.forget(key)


def _field(name: str, limit: int = 300) -> str:
    """A form field as text, cut to ``limit`` (the domain refuses what is still too long)."""
    value = request.form.get(name, "")
    return value.strip()[:limit]


def _secret_page(body: str, status: int) -> Response:
    """A page that shows a secret once: never stored by the browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    """'3 menit lalu' / '3 minutes ago': how long since a device was last heard of."""
    if moment is None:
        return tr("belum pernah", "never")
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return tr("baru saja", "just now")
    for size, indonesian, english in (
        (86400, "hari", "day"),
        (3600, "jam", "hour"),
        (60, "menit", "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            plural = "" if count == 1 else "s"
            return tr(f"{count} {indonesian} lalu", f"{count} {english}{plural} ago")
    return ""  # unreachable: seconds >= 60 here


# --- users --------------------------------------------------------------------------------


def _user_rows(ctx: Ctx) -> list[dict[str, Any]]:
    who = g.antre_user
    open_counters: dict[int, list[str]] = {}
    for officer, label in ctx.session.execute(
        select(Counter.officer_id, Counter.label).where(Counter.state != CounterState.CLOSED)
    ):
        if officer is not None:
            open_counters.setdefault(officer, []).append(label)
    return [
        {
            "id": u.id,
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role.value,
            "role_name": role_name(u.role),
            "agency": u.agency.short_name if u.agency else "",
            "agency_code": u.agency.code if u.agency else "",
            "active": u.active,
            "counters": open_counters.get(u.id, []),
            "is_me": u.id == who.id,
        }
        for u in users.manageable_users(ctx.session, who)
    ]


def _agencies(ctx: Ctx) -> list[tuple[str, str]]:
    """(code, "code · short name") for the agency choice."""
    query = select(Agency).order_by(Agency.position, Agency.code)
    return [(a.code, f"{a.code} · {a.short_name}") for a in ctx.session.scalars(query)]


def _users_page(
    form: dict[str, str] | None = None,
    errors: Errors | None = None,
    status: int = 200,
    shown_password: tuple[str, str] | None = None,
) -> Response:
    rows, agencies = run_query(lambda ctx: (_user_rows(ctx), _agencies(ctx)))
    body = render_template(
        "admin/people/users.html",
        users=rows,
        agencies=agencies,
        roles=[(r.value, role_name(r)) for r in Role],
        form=form or {},
        errors=errors or {},
        shown_password=shown_password,
        min_password=MIN_PASSWORD_LENGTH,
    )
    return _secret_page(body, status)


@bp.get("/admin/users")
@staff_page()
def admin_users() -> Response:
    return _users_page()


@bp.post("/admin/users")
@staff_page()
def admin_users_create() -> Any:
    who = g.antre_user
    form = {
        name: _field(name) for name in ("username", "display_name", "role", "agency", "password")
    }
    form["password"] = request.form.get("password", "")[:200]
    if not who.is_admin:  # a supervisor's form has neither field: their agency's officer
        form["role"] = form["role"] or Role.OFFICER.value
        form["agency"] = form["agency"] or (who.agency_code or "")
    generated = not form["password"]
    password = users.generate_password() if generated else form["password"]
    if not form["username"]:
        return _users_page(form, {"username": tr("Wajib diisi.", "Required.")}, 422)

    def create(ctx: Ctx) -> str:
        user = users.create_user_as(
            ctx.session,
            who,
            form["username"],
            password,
            form["role"] or Role.OFFICER.value,
            form["agency"] or None,
            form["display_name"] or None,
        )
        return user.username

    username, errors = _attempt(lambda: run_command(who.actor, create))
    if errors or username is None:
        form["password"] = ""
        return _users_page(form, errors, 422)
    if generated:
        return _users_page(shown_password=(username, password), status=201)
    flash(tr(f"Pengguna {username} dibuat.", f"User {username} created."), "success")
    return redirect(url_for("web.admin_users"))


def _user_page(
    user_id: int,
    errors: Errors | None = None,
    status: int = 200,
    shown_password: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    who = g.antre_user

    def query(ctx: Ctx) -> dict[str, Any]:
        user = users.get_user(ctx.session, who, user_id)
        return {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.value,
            "role_name": role_name(user.role),
            "agency_code": user.agency.code if user.agency else "",
            "agency": user.agency.short_name if user.agency else "",
            "active": user.active,
            "is_me": user.id == who.id,
            "agencies": _agencies(ctx),
        }

    user = run_query(query)
    body = render_template(
        "admin/people/user.html",
        user=user,
        roles=[(r.value, role_name(r)) for r in Role],
        errors=errors or {},
        form=form or {},
        shown_password=shown_password,
        min_password=MIN_PASSWORD_LENGTH,
    )
    return _secret_page(body, status)


@bp.get("/admin/users/<int:user_id>")
@staff_page()
def admin_user(user_id: int) -> Response:
    return _user_page(user_id)


@bp.post("/admin/users/<int:user_id>")
@staff_page()
def admin_user_change(user_id: int) -> Any:
    who = g.antre_user
    form = {name: _field(name) for name in ("display_name", "role", "agency")}
    role = form["role"] if who.is_admin or "role" in request.form else None

    def change(ctx: Ctx) -> list[str]:
        user = users.get_user(ctx.session, who, user_id)
        return users.change_account(
            ctx.session,
            who,
            user,
            display_name=form["display_name"] if "display_name" in request.form else None,
            role=role or None,
            agency_code=form["agency"] or None,
        )

    revoked, errors = _attempt(lambda: run_command(who.actor, change))
    if errors:
        return _user_page(user_id, errors, 422, form=form)
    _forget(revoked or [])
    flash(tr("Perubahan disimpan.", "Changes saved."), "success")
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/password")
@staff_page()
def admin_user_password(user_id: int) -> Any:
    who = g.antre_user
    typed = request.form.get("password", "")[:200]
    password = typed or users.generate_password()

    def reset(ctx: Ctx) -> list[str]:
        user = users.get_user(ctx.session, who, user_id)
        return users.set_password(ctx.session, who, user, password)

    revoked, errors = _attempt(lambda: run_command(who.actor, reset))
    if errors:
        return _user_page(user_id, errors, 422)
    _forget(revoked or [])
    if not typed:
        return _user_page(user_id, shown_password=password)
    flash(
        tr(
            "Kata sandi baru disimpan; sesi lama pengguna ini berakhir.",
            "New password saved; this user's old sessions have ended.",
        ),
        "success",
    )
    return redirect(url_for("web.admin_user", user_id=user_id))


@bp.post("/admin/users/<int:user_id>/active")
@staff_page()
def admin_user_active(user_id: int) -> Any:
    who = g.antre_user
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        raise DomainError(ErrorCode.VALIDATION_ERROR, tr("Permintaan tidak sah.", "Bad request."))

    def toggle(ctx: Ctx) -> users.Disabled:
        user = users.get_user(ctx.session, who, user_id)
        return users.set_active(ctx, who, user, wanted == "1")

    outcome = run_command(who.actor, toggle)
    _forget(outcome.revoked)
    if wanted == "1":
        flash(tr("Pengguna diaktifkan.", "User enabled."), "success")
    else:
        flash(
            tr(
                "Pengguna dinonaktifkan; semua sesinya berakhir.",
                "User disabled; all their sessions have ended.",
            ),
            "success",
        )
    if outcome.closed_counters:
        closed = ", ".join(outcome.closed_counters)
        flash(tr(f"Ditutup: {closed}.", f"Closed: {closed}."), "success")
    if outcome.busy_counters:
        busy = ", ".join(outcome.busy_counters)
        flash(
            tr(
                f"{busy} masih melayani pengunjung: ambil alih dari aplikasi loket.",
                f"{busy} still serves a visitor: take it over from a counter client.",
            ),
            "warning",
        )
    return redirect(url_for("web.admin_user", user_id=user_id))


# --- devices ------------------------------------------------------------------------------


def _device_rows(ctx: Ctx) -> list[dict[str, Any]]:
    rows = []
    for device in devices.list_devices(ctx.session):
        health = device.health or {}
        printer = str(health.get("printer"))
        label = tr(*PRINTER_NAMES.get(printer, (printer, printer)))
        message = str(health.get("message") or "")
        place = device.zone.name if device.zone else ""
        if device.counter is not None:
            place = f"{device.counter.label} · {device.counter.agency.short_name}"
        elif device.agency is not None:
            place = device.agency.short_name
        rows.append(
            {
                "id": device.id,
                "name": device.name,
                "kind": device.kind.value,
                "kind_name": tr(*KIND_NAMES[device.kind]),
                "place": place,
                "active": device.active,
                "last_seen": ago(device.last_seen_at, ctx.now),
                "last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else "",
                "printer_level": devices.printer_level(device),
                "printer": label,
                "printer_message": "" if message == label else message,
                "version": health.get("version") or "",
            }
        )
    return rows


def _device_choices(ctx: Ctx) -> dict[str, Any]:
    zones = ctx.session.scalars(select(Zone).order_by(Zone.name))
    counters = ctx.session.scalars(
        select(Counter).where(Counter.active.is_(True)).order_by(Counter.position)
    )
    return {
        "zones": [(z.code, z.name) for z in zones],
        "counters": [(c.id, f"{c.label} · {c.agency.short_name}") for c in counters],
    }


def _devices_page(
    form: dict[str, str] | None = None,
    errors: Errors | None = None,
    status: int = 200,
    shown_token: tuple[str, str] | None = None,
) -> Response:
    rows, choices = run_query(lambda ctx: (_device_rows(ctx), _device_choices(ctx)))
    body = render_template(
        "admin/people/devices.html",
        devices=rows,
        kinds=[(k.value, tr(*KIND_NAMES[k])) for k in DeviceKind],
        form=form or {},
        errors=errors or {},
        shown_token=shown_token,
        **choices,
    )
    return _secret_page(body, status)


@bp.get("/admin/devices")
@staff_page(Role.ADMIN)
def admin_devices() -> Response:
    return _devices_page()


def _counter_id(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "choose a counter", field="counter", rule="choice"
        )
    return int(raw)


@bp.post("/admin/devices")
@staff_page(Role.ADMIN)
def admin_devices_register() -> Any:
    who = g.antre_user
    form = {name: _field(name) for name in ("name", "kind", "zone", "counter")}
    kind = form["kind"]
    is_counter = kind == DeviceKind.COUNTER.value

    def register(ctx: Ctx) -> tuple[str, str]:
        if is_counter and not form["counter"]:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, "choose a counter", field="counter", rule="required"
            )
        device, token = devices.register_device(
            ctx.session,
            form["name"],
            kind,
            None if is_counter else (form["zone"] or None),
            None,
            _counter_id(form["counter"]) if is_counter else None,
            ctx.now,
        )
        return device.name, token

    made, errors = _attempt(lambda: run_command(who.actor, register))
    if errors or made is None:
        return _devices_page(form, errors, 422)
    return _devices_page(shown_token=made, status=201)


@bp.post("/admin/devices/<int:device_id>/revoke")
@staff_page(Role.ADMIN)
def admin_device_revoke(device_id: int) -> Any:
    def revoke(ctx: Ctx) -> tuple[str, str]:
        device = devices.get_device(ctx.session, device_id)
        return device.name, devices.revoke_device(ctx.session, device)

    name, old = run_command(g.antre_user.actor, revoke)
    _forget([old])
    flash(
        tr(
            f"Token {name} dicabut: perangkat ini tidak bisa lagi memakai server.",
            f"{name}'s token revoked: this device can no longer use the server.",
        ),
        "success",
    )
    return redirect(url_for("web.admin_devices"))


@bp.post("/admin/devices/<int:device_id>/renew")
@staff_page(Role.ADMIN)
def admin_device_renew(device_id: int) -> Any:
    def renew(ctx: Ctx) -> tuple[str, str, str]:
        device = devices.get_device(ctx.session, device_id)
        old = device.token_hash
        return device.name, devices.renew_token(ctx.session, device), old

    name, token, old = run_command(g.antre_user.actor, renew)
    _forget([old])
    return _devices_page(shown_token=(name, token))


# --- site settings ------------------------------------------------------------------------

# The form's groups, in order; each field is a setting's key.
SETTINGS_FORM: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (("Identitas", "Identity"), ("site_name", "site_short_name", "default_language", "timezone")),
    (("Tiket", "Ticket"), ("ticket_footer", "number_separator", "number_width")),
    (
        ("Urutan panggilan", "Calling order"),
        ("priority_every_n", "no_show_after_calls", "no_show_return_places"),
    ),
    (("Kalimat panggilan", "Call-out"), ("callout_template_id", "callout_template_en")),
    (
        ("Perkiraan dan sesi", "Estimates and sessions"),
        ("estimate_sample_size", "estimate_min_samples", "officer_token_hours"),
    ),
)
SAMPLE_CALL = CallOut(prefix="DK", sequence=12, counter_label="Loket 3", agency_name="Disdukcapil")


def _settings_form() -> tuple[dict[str, Any], Errors, dict[str, str]]:
    """The posted settings typed as the domain wants them, each checked on its own so the
    page can show every wrong field at once; and what was typed, to show it again."""
    values: dict[str, Any] = {}
    errors: Errors = {}
    typed: dict[str, str] = {}
    for _, keys in SETTINGS_FORM:
        for key in keys:
            if key not in request.form:
                continue
            raw = request.form.get(key, "")
            typed[key] = raw[:400]
            value: Any = raw.strip() if key != "ticket_footer" else raw.replace("\r\n", "\n")
            if key in settings.INT_SETTINGS:
                text = raw.strip()
                if not (text.lstrip("-").isdigit() and len(text) <= 9):
                    errors[key] = tr("Harus bilangan bulat.", "Must be a whole number.")
                    continue
                value = int(text)
            try:
                settings.check_settings({key: value})
            except DomainError as exc:
                errors.update(form_errors(exc))
                continue
            values[key] = value
    return values, errors, typed


def _settings_page(
    errors: Errors | None = None, typed: dict[str, str] | None = None, status: int = 200
) -> Response:
    current = run_query(lambda ctx: ctx.settings)
    shown = {key: str(value) for key, value in current.to_dict().items()}
    shown.update(typed or {})
    timezones = list(TIMEZONES)
    if current.timezone not in timezones:
        timezones.append(current.timezone)
    body = render_template(
        "admin/people/settings.html",
        groups=SETTINGS_FORM,
        values=shown,
        errors=errors or {},
        timezones=[(zone, zone) for zone in timezones],
        callout_preview=_callout_preview(current.callout_template_id, current.callout_template_en),
        logo_url=url_for("web.site_logo", v=current.logo) if current.logo else None,
        max_logo_kb=settings.MAX_LOGO_BYTES // 1024,
        max_logo_bytes=settings.MAX_LOGO_BYTES,
    )
    return make_response(body, status)


def _callout_preview(template_id: str, template_en: str) -> dict[str, str]:
    return {"id": SAMPLE_CALL.text_id(template_id), "en": SAMPLE_CALL.text_en(template_en)}


@bp.get("/admin/settings")
@staff_page(Role.ADMIN)
def admin_settings() -> Response:
    return _settings_page()


@bp.post("/admin/settings")
@staff_page(Role.ADMIN)
def admin_settings_save() -> Any:
    values, errors, typed = _settings_form()
    if errors:
        return _settings_page(errors, typed, 422)

    def save(ctx: Ctx) -> list[str]:
        before = ctx.settings.to_dict()
        changed = {key: value for key, value in values.items() if before.get(key) != value}
        if changed:
            settings.update_settings(ctx.session, changed)
            announce.config_changed(ctx, "settings")
        return sorted(changed)

    changed, errors = _attempt(lambda: run_command(g.antre_user.actor, save))
    if errors:
        return _settings_page(errors, typed, 422)
    if changed:
        flash(
            tr(
                "Pengaturan disimpan dan dikirim ke kios, papan dan loket.",
                "Settings saved and sent to kiosks, boards and counters.",
            ),
            "success",
        )
    else:
        flash(tr("Tidak ada yang berubah.", "Nothing changed."), "success")
    return redirect(url_for("web.admin_settings"))


@bp.get("/admin/settings/callout-preview")
@staff_page(Role.ADMIN)
def admin_callout_preview() -> Any:
    """The sample call in both languages for templates being typed (the page's preview)."""
    out: dict[str, Any] = {"errors": {}}
    for key, lang in (("callout_template_id", "id"), ("callout_template_en", "en")):
        template = request.args.get(key, "")[:400]
        try:
            settings.check_settings({key: template})
        except DomainError as exc:
            out["errors"][key] = field_message(exc)
            continue
        out[lang] = _callout_preview(template, template)[lang]
    return out


@bp.post("/admin/settings/logo")
@staff_page(Role.ADMIN)
def admin_settings_logo() -> Any:
    remove = request.form.get("remove") == "1"
    upload = request.files.get("logo")
    data = b"" if upload is None else upload.stream.read(settings.MAX_LOGO_BYTES + 1)

    def change(ctx: Ctx) -> None:
        if remove:
            settings.remove_logo(ctx.session)
        else:
            settings.store_logo(ctx.session, data)
        announce.config_changed(ctx, "settings")

    _, errors = _attempt(lambda: run_command(g.antre_user.actor, change))
    if errors:
        return _settings_page(errors, None, 422)
    flash(
        tr("Logo dihapus.", "Logo removed.") if remove else tr("Logo disimpan.", "Logo saved."),
        "success",
    )
    return redirect(url_for("web.admin_settings"))


@bp.get("/site/logo")
def site_logo() -> Any:
    """The site's logo, for the console header, the login page and any client that shows
    it (its version is ``settings.logo`` in ``/api/v1/config``). Public: a logo is no
    secret, and the login page shows it before anyone has logged in."""
    with app_state().db.read() as session:
        logo = settings.load_logo(session)
    if logo is None:
        raise DomainError(ErrorCode.NOT_FOUND, tr("Belum ada logo.", "There is no logo."))
    response = make_response(logo.data)
    response.headers["Content-Type"] = logo.mime
    response.set_etag(logo.version)
    # A versioned link (?v=) never changes; the bare one is checked again now and then.
    versioned = request.args.get("v") == logo.version
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if versioned else "public, max-age=300"
    )
    return response.make_conditional(request)


@bp.errorhandler(413)
def _too_large(exc: Exception) -> Any:
    """A body over the server's limit (a logo too big for the form): a page for a person,
    the API's JSON for a fetch, rather than a bare JSON answer in the browser."""
    message = tr(
        f"Berkas terlalu besar: logo paling besar {settings.MAX_LOGO_BYTES // 1024} KB.",
        f"The file is too large: a logo may be at most {settings.MAX_LOGO_BYTES // 1024} KB.",
    )
    accept = request.accept_mimetypes
    if accept.accept_json and not accept.accept_html:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, message)
    return render_template("error.html", status=413, message=message), 413
