"""Console page (admin only): setting up the notice channels, ``/admin/notices/channels``
(docs/notifications.md#di-konsol): WhatsApp (Cloud API, Fonnte or Wablas), Telegram
and SMS, each switched on, changed or off without editing a file or restarting.

A setting the file or the environment gives is shown read-only, saying where (a secret's
value never). Secrets are write-only: the page says whether one is stored, never what;
an empty secret field keeps the stored one, its "hapus" box clears it. Every value is
checked by the file's rules, then the whole (console over file) by the rules across
settings; a refusal shows beside its field and nothing of the form is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from server import channel_settings
from server.channel_settings import CONSOLE_KEYS, MAX_VALUE, SECRET_KEYS, Stored
from server.commands import run_command, run_query
from server.config import ConfigError, ServerConfig, check_notify, check_setting, setting_place
from server.domain.context import Ctx
from server.models import Role
from server.state import app_state
from server.web import bp
from server.web.channel_fields import (
    CHOICES,
    GROUPS,
    HELP,
    LABELS,
    RULES,
    Words,
    choice_words,
    combined_problems,
    rule_of,
)
from server.web.console_auth import staff_page
from server.web.forms import Errors, secret_page
from server.web.i18n import id_en
from server.web.notice_channel_test import TestResult, send_test

_FORM_KEYS = frozenset(CONSOLE_KEYS) | {f"clear_{key}" for key in SECRET_KEYS}
_FORM_KEYS |= {"csrf_token", "action"}


def _words(pair: Words) -> str:
    return id_en(*pair)


def _status(config: ServerConfig) -> dict[str, tuple[bool, str]]:
    """Each provider's box: on now, or why not."""
    cloud = config.whatsapp_cloud
    fonnte = bool(config.notify_fonnte_token) and not cloud
    wablas = bool(config.notify_wablas_token and config.notify_wablas_url)
    wablas = wablas and not cloud and not fonnte
    on = id_en("aktif", "on")

    def off(why_id: str, why_en: str) -> tuple[bool, str]:
        return False, id_en(f"tidak aktif: {why_id}", f"off: {why_en}")

    def needs(key: str) -> tuple[bool, str]:
        name = setting_place(key)[1]
        return off(f"butuh {name}", f"needs {name}")

    def served_by_cloud(active: bool, key: str) -> tuple[bool, str]:
        if active:
            return True, on
        if getattr(config, key) and cloud:
            return off("WhatsApp lewat Cloud API", "WhatsApp goes through the Cloud API")
        if getattr(config, key):
            return off("WhatsApp lewat Fonnte", "WhatsApp goes through Fonnte")
        return needs(key)

    status = {
        "whatsapp_cloud": (True, on)
        if cloud
        else needs(
            "notify_whatsapp_phone_number_id"
            if config.notify_whatsapp_token
            else "notify_whatsapp_token"
        ),
        "fonnte": served_by_cloud(fonnte, "notify_fonnte_token"),
        "wablas": served_by_cloud(wablas, "notify_wablas_token"),
        "telegram": _telegram_status(config, on),
        "sms": (True, on) if config.notify_sms_url else needs("notify_sms_url"),
    }
    if config.notify_wablas_token and not config.notify_wablas_url:
        status["wablas"] = needs("notify_wablas_url")
    return status


def _telegram_status(config: ServerConfig, on: str) -> tuple[bool, str]:
    """A token without the bot's username still sends to visitors who started the bot
    before, but the ticket page has no t.me link to offer new ones."""
    if not config.notify_telegram_token:
        name = setting_place("notify_telegram_token")[1]
        return False, id_en(f"tidak aktif: butuh {name}", f"off: needs {name}")
    if not config.notify_telegram_bot:
        name = setting_place("notify_telegram_bot")[1]
        return False, id_en(
            f"tidak ditawarkan ke pengunjung: butuh {name}",
            f"not offered to visitors: needs {name}",
        )
    return True, on


def _hooks(config: ServerConfig) -> dict[str, list[tuple[str, str]]]:
    """The addresses to paste into each provider's settings, each with what it receives;
    a secret part as <rahasia>."""
    base = (config.public_url or request.host_url).rstrip("/")
    secret = id_en("<rahasia>", "<secret>")
    incoming = id_en("pesan masuk (STOP)", "incoming messages (STOP)")
    reports = id_en("laporan terkirim", "delivery reports")
    return {
        "whatsapp_cloud": [
            (id_en("status dan pesan masuk", "statuses and incoming"), f"{base}/hooks/whatsapp")
        ],
        "fonnte": [
            (incoming, f"{base}/hooks/fonnte/{secret}"),
            (reports, f"{base}/hooks/fonnte/{secret}/status"),
        ],
        "wablas": [
            (incoming, f"{base}/hooks/wablas/{secret}"),
            (reports, f"{base}/hooks/wablas/{secret}/status"),
        ],
        "telegram": [(id_en("pembaruan bot", "bot updates"), f"{base}/hooks/telegram")],
        "sms": [(incoming, f"{base}/hooks/sms/{secret}")],
    }


def _where(config: ServerConfig, key: str) -> str | None:
    """Where a setting the file or environment gives comes from; None when it is open."""
    if key not in config.set_keys:
        return None
    if key in config.env_keys:
        return id_en(
            f"diatur lewat variabel lingkungan ANTRE_{key.upper()}",
            f"set by the environment variable ANTRE_{key.upper()}",
        )
    table, name = setting_place(key)
    return id_en(
        f"diatur di berkas konfigurasi server ([{table}] {name})",
        f"set in the server's configuration file ([{table}] {name})",
    )


def _when(row: Stored, zone: ZoneInfo) -> str:
    when = row.updated_at.astimezone(zone).strftime("%d/%m/%Y %H.%M")
    return f"{when}, {row.updated_by}" if row.updated_by else when


def _field(
    key: str,
    config: ServerConfig,
    stored: dict[str, Stored],
    typed: dict[str, str],
    errors: Errors,
    zone: ZoneInfo,
) -> dict[str, Any]:
    row = stored.get(key)
    secret = key in SECRET_KEYS
    where = _where(config, key)
    field: dict[str, Any] = {
        "key": key,
        "name": setting_place(key)[1],
        "label": _words(LABELS[key]),
        "help": _words(HELP[key]),
        "secret": secret,
        "where": where,
        "choices": CHOICES.get(key),
        "error": errors.get(key),
        "number": rule_of(key) == "positive",
    }
    default = getattr(ServerConfig(), key)
    field["default"] = "" if default in (None, ()) else channel_settings.as_text(key, default)
    if secret:
        field["state"] = _secret_state(config, key, row, where, zone)
        return field
    if where is not None:
        field["value"] = channel_settings.as_text(key, getattr(config, key))
    elif key in typed:
        field["value"] = typed[key]
    else:
        field["value"] = row.value if row is not None and row.value is not None else ""
    if row is not None and row.value is not None and where is None:
        field["changed"] = _when(row, zone)
    return field


def _secret_state(
    config: ServerConfig, key: str, row: Stored | None, where: str | None, zone: ZoneInfo
) -> tuple[str, str]:
    """(level, words): stored or not, never the value."""
    if where is not None:
        if getattr(config, key):
            return "ok", id_en("tersimpan", "stored")
        return "muted", id_en("kosong", "empty")
    if row is not None and row.unreadable:
        return "bad", id_en(
            "tersimpan tetapi tidak terbaca dengan kunci server ini; isi lagi",
            "stored but unreadable with this server's key; enter it again",
        )
    if row is not None and row.value is not None:
        return "ok", id_en(f"tersimpan ({_when(row, zone)})", f"stored ({_when(row, zone)})")
    return "muted", id_en("belum diisi", "not set")


def _page(
    typed: dict[str, str] | None = None,
    errors: Errors | None = None,
    tested: TestResult | None = None,
    status: int = 200,
) -> Response:
    state = app_state()
    config = state.notice_config()

    def query(ctx: Ctx) -> tuple[dict[str, Stored], str]:
        return channel_settings.read_stored(ctx.session, state.personal_data_key), (
            ctx.settings.timezone
        )

    stored, timezone = run_query(query)
    zone = ZoneInfo(timezone)
    errors = errors or {}
    groups = [
        {
            "name": group.name,
            "title": _words(group.title),
            "fields": [
                _field(key, config, stored, typed or {}, errors, zone) for key in group.keys
            ],
        }
        for group in GROUPS
    ]
    from server.notify.channels import configured_channels

    body = render_template(
        "admin/notice_channels.html",
        groups=groups,
        status=_status(config),
        hooks=_hooks(config),
        errors=errors,
        tested=tested,
        testable=sorted(configured_channels(config)),
        max_value=MAX_VALUE,
    )
    return secret_page(body, status)


@bp.get("/admin/notices/channels")
@staff_page(Role.ADMIN)
def admin_notice_channels() -> Response:
    return _page()


def _read_form() -> dict[str, str]:
    """The posted fields; a form that is not this page's (unknown fields, files, a field
    twice) is a 400, not a page of errors."""
    if request.files or set(request.form) - _FORM_KEYS:
        abort(400)
    if any(len(request.form.getlist(name)) > 1 for name in request.form):
        abort(400)
    return {name: request.form[name] for name in request.form}


def _checked(
    config: ServerConfig, form: dict[str, str]
) -> tuple[dict[str, str | None], dict[str, str], Errors]:
    """(changes to store, what to show again, errors): only the keys the file left open."""
    changes: dict[str, str | None] = {}
    typed: dict[str, str] = {}
    errors: Errors = {}
    for key in CONSOLE_KEYS:
        if key in config.set_keys or (key not in form and f"clear_{key}" not in form):
            continue  # the file's, or not on the form posted: left as it is
        text = form.get(key, "").strip()
        secret = key in SECRET_KEYS
        if not secret:
            typed[key] = text[:MAX_VALUE]
        if secret and form.get(f"clear_{key}") == "yes":
            changes[key] = None
        elif not text:
            if not secret:
                changes[key] = None  # back to the default
        elif len(text) > MAX_VALUE:
            errors[key] = _words(RULES["too_long"])
        else:
            try:
                checked = check_setting(key, text, key)
            except ConfigError:
                rule = rule_of(key)
                errors[key] = _words(choice_words(key) if rule == "choice" else RULES[rule])
                continue
            changes[key] = channel_settings.as_text(key, checked)
    return changes, typed, errors


def _whole_problems(config: ServerConfig, changes: dict[str, str | None]) -> Errors:
    """The rules across settings on the file's values with the console's, as they would
    be after this save."""
    state = app_state()
    stored = run_query(
        lambda ctx: channel_settings.read_stored(ctx.session, state.personal_data_key)
    )
    after = {key: row.value for key, row in stored.items()}
    after.update(changes)
    values = channel_settings.console_values(
        config,
        {
            key: Stored(key, value, False, dt.datetime.now(dt.UTC), None)
            for key, value in after.items()
        },
    )
    merged = channel_settings.merged(config, values)
    problems = {key: _words(words) for key, words in combined_problems(merged).items()}
    if not problems:
        try:
            check_notify(merged)
        except ConfigError:
            problems["notify_fonnte_token"] = id_en("Isian tidak cocok.", "Settings disagree.")
    return problems


@bp.post("/admin/notices/channels")
@staff_page(Role.ADMIN)
def admin_notice_channels_save() -> Any:
    state = app_state()
    config = state.config
    changes, typed, errors = _checked(config, _read_form())
    if not errors:
        errors = _whole_problems(config, changes)
    if errors:
        return _page(typed, errors, status=422)
    user_id = g.antre_user.actor.user_id
    changed = run_command(
        g.antre_user.actor,
        lambda ctx: channel_settings.save(
            ctx.session, changes, state.personal_data_key, now=ctx.now, user_id=user_id
        ),
    )
    state.channel_settings.forget()
    flash(
        id_en("Pengaturan saluran disimpan.", "Channel settings saved.")
        if changed
        else id_en("Tidak ada yang berubah.", "Nothing changed."),
        "success",
    )
    return redirect(url_for("web.admin_notice_channels"))


@bp.post("/admin/notices/channels/test")
@staff_page(Role.ADMIN)
def admin_notice_channels_test() -> Any:
    channel = request.form.get("channel", "")[:16]
    address = request.form.get("address", "")[:64]
    result = send_test(app_state().notice_config(), channel, address, app_state().clock())
    return make_response(_page(tested=result, status=200 if result.sent else 422))
