"""Console page (admin only): the words of the notices to visitors' phones, per kind, in
Indonesian and English, with a preview (docs/notifications.md#the-texts-editor).

"Pratinjau" and "Simpan" post the same form: the preview fills what was typed with
sample values and saves nothing, so the page needs no script (and stays within the
CSP). Every text is checked by ``notices.texts.check_text``; a refusal shows beside its
field, in the page's language, and nothing of the form is saved. WhatsApp through the
Cloud API sends Meta's approved templates instead of these words: the page says so, with
each kind's template name (none for the confirmations after Start, which go to Telegram
only).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, flash, g, make_response, redirect, render_template, request, url_for

from server.commands import run_command, run_query
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.notices import text_editor, texts
from server.models import Role
from server.state import app_state
from server.web import bp
from server.web.admin_notices import KIND_NAMES
from server.web.console_auth import staff_page
from server.web.forms import Errors, field_message
from server.web.i18n import id_en

LANGUAGE_NAMES = {"id": ("Bahasa Indonesia", "Indonesian"), "en": ("Bahasa Inggris", "English")}
# What a browser may post in a text field before the domain refuses it as too long.
_READ_AT_MOST = texts.MAX_TEXT + 200


def _page(
    typed: dict[tuple[str, str], str] | None = None,
    errors: Errors | None = None,
    previewed: str | None = None,
    status: int = 200,
) -> Response:
    """The editor: each kind's texts (as stored, or as typed into the form just posted)
    with their previews; ``errors`` are keyed ``kind.language``."""

    def query(ctx: Ctx) -> tuple[list[text_editor.Entry], str]:
        return text_editor.entries(ctx.session), ctx.settings.timezone

    entries, timezone = run_query(query)
    zone = ZoneInfo(timezone)
    shown: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        key = (entry.kind, entry.language)
        text = (typed or {}).get(key, entry.text)
        problem = (errors or {}).get(f"{entry.kind}.{entry.language}")
        shown.setdefault(entry.kind, []).append(
            {
                "entry": entry,
                "text": text,
                "error": problem,
                "preview": None if problem else text_editor.preview(*key, text),
                "changed": entry.changed_at.astimezone(zone).strftime("%d/%m/%Y %H.%M")
                if entry.changed_at
                else "",
            }
        )
    config = app_state().notice_config()
    names = dict(config.notify_whatsapp_templates)
    body = render_template(
        "admin/notice_texts.html",
        kinds=shown,
        kind_names={kind: id_en(*KIND_NAMES[kind]) for kind in shown if kind in KIND_NAMES},
        language_names={key: id_en(*names) for key, names in LANGUAGE_NAMES.items()},
        placeholders={kind: texts.placeholders(kind) for kind in shown},
        placeholder_names={key: id_en(*words) for key, words in texts.PLACEHOLDERS.items()},
        template_names={
            kind: texts.template_name(kind, names)
            for kind in shown
            if kind not in texts.TELEGRAM_ONLY
        },
        cloud=config.whatsapp_cloud,
        previewed=previewed,
        errors=errors or {},
        max_text=texts.MAX_TEXT,
    )
    return make_response(body, status)


def _known(kind: str) -> str:
    if kind not in texts.kinds():
        texts.require_known(kind, "id")  # raises: no such notice kind
    return kind


@bp.get("/admin/notices/texts")
@staff_page(Role.ADMIN)
def admin_notice_texts() -> Response:
    return _page()


@bp.post("/admin/notices/texts/<kind>")
@staff_page(Role.ADMIN)
def admin_notice_texts_save(kind: str) -> Any:
    """Both languages of one kind: previewed, or saved when both pass (else neither)."""
    kind = _known(kind)
    typed = {
        (kind, language): request.form.get(f"text_{language}", "")[:_READ_AT_MOST]
        for language in texts.LANGUAGES
    }
    errors: Errors = {}
    for (_, language), text in typed.items():
        try:
            texts.check_text(kind, language, text.replace("\r\n", "\n"))
        except DomainError as exc:
            errors[f"{kind}.{language}"] = field_message(exc)
    if errors:
        return _page(typed, errors, kind, 422)
    if request.form.get("action") == "preview":
        return _page(typed, previewed=kind)

    def save(ctx: Ctx) -> bool:
        user_id = g.antre_user.actor.user_id
        changed = [
            text_editor.save_text(ctx.session, kind, language, text, now=ctx.now, user_id=user_id)
            for (_, language), text in typed.items()
        ]
        return any(changed)

    changed = run_command(g.antre_user.actor, save)
    flash(
        id_en("Teks pesan disimpan.", "Message texts saved.")
        if changed
        else id_en("Tidak ada yang berubah.", "Nothing changed."),
        "success",
    )
    return redirect(url_for("web.admin_notice_texts", _anchor=f"text-{kind}"))


@bp.post("/admin/notices/texts/<kind>/reset")
@staff_page(Role.ADMIN)
def admin_notice_texts_reset(kind: str) -> Any:
    kind = _known(kind)
    language = request.form.get("language", "")
    texts.require_known(kind, language)
    dropped = run_command(
        g.antre_user.actor, lambda ctx: text_editor.reset_text(ctx.session, kind, language)
    )
    flash(
        id_en("Teks bawaan dipakai lagi.", "The default text is used again.")
        if dropped
        else id_en("Teks ini sudah teks bawaan.", "This text was the default already."),
        "success",
    )
    return redirect(url_for("web.admin_notice_texts", _anchor=f"text-{kind}"))
