"""Console page (admin only): the site settings and the site's logo.

Every saved change is one command that also pushes ``config.updated``, so kiosks, boards
and counters take the new footer, numbering, priority rule or call-out at once. Each
field is checked on its own by the domain's rules (``server.domain.settings``), so the
page shows every wrong field at once with what was typed still in it.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, make_response, redirect, render_template, request, url_for

from server.commands import run_command, run_query
from server.domain import announce, settings
from server.domain import form_wording as wording
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.errors import error_response
from server.models import Role
from server.state import app_state
from server.web import bp
from server.web.console_auth import staff_page
from server.web.forms import Errors, attempt, field_message, form_errors, worded
from server.web.i18n import id_en
from shared.callout import CallOut
from shared.errors import ErrorCode

# Indonesia's three time zones; another one stored by hand stays selectable.
TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")

# The form's groups, in order; each field is a setting's key.
SETTINGS_FORM: tuple[tuple[tuple[str, str], tuple[str, ...]], ...] = (
    (("Identitas", "Identity"), ("site_name", "site_short_name", "default_language", "timezone")),
    (
        ("Tiket", "Ticket"),
        ("ticket_footer", "ticket_survey_line", "number_separator", "number_width"),
    ),
    (
        ("Urutan panggilan", "Calling order"),
        ("priority_every_n", "no_show_after_calls", "no_show_return_places"),
    ),
    (("Pemberitahuan", "Notices"), ("notice_ahead_threshold", "notice_ahead_minutes")),
    (("Pemesanan", "Bookings"), ("booking_no_show_limit", "booking_block_days")),
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
                if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 9):
                    errors[key] = worded(wording.MUST_BE_WHOLE_NUMBER)
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

    changed, errors = attempt(lambda: run_command(g.antre_user.actor, save))
    if errors:
        return _settings_page(errors, typed, 422)
    if changed:
        flash(
            id_en(
                "Pengaturan disimpan dan dikirim ke kios, papan dan loket.",
                "Settings saved and sent to kiosks, boards and counters.",
            ),
            "success",
        )
    else:
        flash(id_en("Tidak ada yang berubah.", "Nothing changed."), "success")
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

    _, errors = attempt(lambda: run_command(g.antre_user.actor, change))
    if errors:
        return _settings_page(errors, None, 422)
    flash(
        id_en("Logo dihapus.", "Logo removed.")
        if remove
        else id_en("Logo disimpan.", "Logo saved."),
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
        raise DomainError(ErrorCode.NOT_FOUND, id_en("Belum ada logo.", "There is no logo."))
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
    message = id_en(
        f"Berkas terlalu besar: logo paling besar {settings.MAX_LOGO_BYTES // 1024} KB.",
        f"The file is too large: a logo may be at most {settings.MAX_LOGO_BYTES // 1024} KB.",
    )
    accept = request.accept_mimetypes
    if accept.accept_json and not accept.accept_html:
        return error_response(ErrorCode.PAYLOAD_TOO_LARGE, message)
    return render_template("error.html", status=413, message=message), 413
