"""Console page (admin only): the message log of notices to visitors' phones
(docs/notifications.md#the-message-log): kind, channel, masked address, state, tries,
reason and times, filterable by state. No message body and no full address."""

from __future__ import annotations

from flask import Response, render_template, request

from server.commands import run_query
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.notices import log
from server.models import Role
from server.web import bp
from server.web.console_auth import staff_page
from server.web.i18n import id_en
from shared.errors import ErrorCode

STATE_NAMES: dict[str, tuple[str, str]] = {
    "queued": ("Antre", "Queued"),
    "sending": ("Dikirim", "Sending"),
    "sent": ("Terkirim", "Sent"),
    "delivered": ("Diterima", "Delivered"),
    "failed": ("Gagal", "Failed"),
    "expired": ("Kedaluwarsa", "Expired"),
}
STATE_LEVEL = {"delivered": "ok", "sent": "ok", "failed": "bad", "expired": "warn"}
KIND_NAMES: dict[str, tuple[str, str]] = {
    "subscribed": ("Konfirmasi", "Confirmation"),
    "called": ("Dipanggil", "Called"),
    "ahead": ("Hampir tiba", "Almost your turn"),
    "transferred": ("Dipindahkan", "Transferred"),
    "survey": ("Survei", "Survey"),
    "reminder": ("Pengingat", "Reminder"),
}


@bp.get("/admin/notices")
@staff_page(Role.ADMIN)
def admin_notices() -> Response:
    state = request.args.get("state") or None
    if state is not None and state not in log.STATES:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "unknown state", field="state")

    def query(ctx: Ctx) -> list[log.LoggedNotice]:
        return log.recent(ctx.session, ctx.settings.timezone, ctx.now, state)

    rows = run_query(query)
    return Response(
        render_template(
            "admin/notices.html",
            rows=rows,
            state=state,
            states=[(key, id_en(*STATE_NAMES[key])) for key in log.STATES],
            state_names={key: id_en(*names) for key, names in STATE_NAMES.items()},
            state_level=STATE_LEVEL,
            kind_names={key: id_en(*names) for key, names in KIND_NAMES.items()},
            limit=log.LIMIT,
        )
    )
