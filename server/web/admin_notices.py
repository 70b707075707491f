"""Console pages (admin only): the message log of notices to visitors' phones
(docs/notifications.md#the-message-log): kind, channel, masked address, state, tries,
reason and times, filterable by state; and one ticket's notices, reached from the log by
its number. No message body and no full address. Reasons are stored in English and
shown through ``notices.reasons`` on the Indonesian console."""

from __future__ import annotations

from flask import Response, render_template, request

from server.commands import run_query
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.notices import log, reasons
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
    "subscribed": ("Konfirmasi Telegram", "Telegram confirmation"),
    "called": ("Dipanggil", "Called"),
    "ahead": ("Hampir tiba", "Almost your turn"),
    "ahead_minutes": ("Hampir tiba (menit)", "Almost your turn (minutes)"),
    "transferred": ("Dipindahkan", "Transferred"),
    "survey": ("Survei", "Survey"),
    "reminder": ("Pengingat", "Reminder"),
    "booking_confirmed": ("Booking tercatat", "Booking confirmed"),
    "booking_reminder_day": ("Pengingat H-1", "Reminder, day before"),
    "booking_reminder_hour": ("Pengingat 1 jam", "Reminder, hour before"),
    "booking_cancelled": ("Booking dibatalkan", "Booking cancelled"),
    "booking_subscribed": ("Konfirmasi Telegram booking", "Telegram confirmation, booking"),
}


def _shown(names: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {key: id_en(*words) for key, words in names.items()}


def reason_text(reason: str) -> str:
    """The stored (English) reason, in Indonesian on the Indonesian console."""
    return id_en(reasons.indonesian(reason), reason) if reason else ""


def _log_names() -> dict[str, object]:
    return {
        "state_names": _shown(STATE_NAMES),
        "state_level": STATE_LEVEL,
        "kind_names": _shown(KIND_NAMES),
        "reason_text": reason_text,
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
            limit=log.LIMIT,
            **_log_names(),
        )
    )


@bp.get("/admin/notices/tickets/<int:ticket_id>")
@staff_page(Role.ADMIN)
def admin_ticket_notices(ticket_id: int) -> Response:
    """One ticket's consents and notices, oldest first."""

    def query(ctx: Ctx) -> log.TicketNotices | None:
        return log.for_ticket(ctx.session, ctx.settings.timezone, ctx.now, ticket_id)

    found = run_query(query)
    if found is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, id_en("Nomor antrean tidak ditemukan.", "No such ticket.")
        )
    return Response(render_template("admin/ticket_notices.html", ticket=found, **_log_names()))
