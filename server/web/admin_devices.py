"""Console page (admin only): the hall's kiosks, display boards, counter PCs and survey
tablets.

Registering or renewing shows the device's token once, in that answer only (no-store,
never in a redirect, a cookie or the log); revoking or renewing stops this process
trusting the old token at once. The list says when each device was last heard of and
how its printer is, so a silent kiosk or a printer out of paper stands out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from server.commands import run_command, run_query
from server.domain import devices
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.models import Counter, DeviceKind, Role, Zone
from server.web import bp
from server.web.console_auth import staff_page
from server.web.forms import Errors, attempt, forget_tokens, secret_page, text_field
from server.web.i18n import id_en
from shared.errors import ErrorCode
from shared.printer_health import PrinterState

KIND_NAMES = {
    DeviceKind.KIOSK: ("Kios", "Kiosk"),
    DeviceKind.DISPLAY: ("Papan tampilan", "Display board"),
    DeviceKind.COUNTER: ("PC loket", "Counter PC"),
    DeviceKind.SURVEY: ("Tablet survei loket", "Counter survey tablet"),
    DeviceKind.PORTAL: ("Aplikasi mitra (booking)", "Partner app (booking)"),
}
PRINTER_NAMES: dict[str, tuple[str, str]] = {
    PrinterState.OK: ("Printer baik", "Printer OK"),
    PrinterState.OFFLINE: ("Printer mati", "Printer offline"),
    PrinterState.PAPER_OUT: ("Kertas habis", "Out of paper"),
    PrinterState.PAPER_LOW: ("Kertas hampir habis", "Paper low"),
    PrinterState.COVER_OPEN: ("Tutup printer terbuka", "Cover open"),
    PrinterState.ERROR: ("Printer error", "Printer error"),
    PrinterState.NONE: ("Tanpa printer", "No printer"),
}


def ago(moment: dt.datetime | None, now: dt.datetime) -> str:
    """'3 menit lalu' / '3 minutes ago': how long since a device was last heard of."""
    if moment is None:
        return id_en("belum pernah", "never")
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return id_en("baru saja", "just now")
    for size, indonesian, english in (
        (86400, "hari", "day"),
        (3600, "jam", "hour"),
        (60, "menit", "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            plural = "" if count == 1 else "s"
            return id_en(f"{count} {indonesian} lalu", f"{count} {english}{plural} ago")
    return ""  # unreachable: seconds >= 60 here


def _device_rows(ctx: Ctx) -> list[dict[str, Any]]:
    rows = []
    for device in devices.list_devices(ctx.session):
        health = device.health or {}
        printer = str(health.get("printer"))
        label = id_en(*PRINTER_NAMES.get(printer, (printer, printer)))
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
                "kind_name": id_en(*KIND_NAMES[device.kind]),
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
    shown_token: tuple[str, str, bool] | None = None,
) -> Response:
    rows, choices = run_query(lambda ctx: (_device_rows(ctx), _device_choices(ctx)))
    body = render_template(
        "admin/people/devices.html",
        devices=rows,
        kinds=[(k.value, id_en(*KIND_NAMES[k])) for k in DeviceKind],
        form=form or {},
        errors=errors or {},
        shown_token=shown_token,
        **choices,
    )
    return secret_page(body, status)


@bp.get("/admin/devices")
@staff_page(Role.ADMIN)
def admin_devices() -> Response:
    return _devices_page()


def _counter_id(raw: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "choose a counter", field="counter", rule="choice"
        )
    return int(raw)


@bp.post("/admin/devices")
@staff_page(Role.ADMIN)
def admin_devices_register() -> Any:
    who = g.antre_user
    form = {name: text_field(name) for name in ("name", "kind", "zone", "counter")}
    kind = form["kind"]
    is_counter = kind in (DeviceKind.COUNTER.value, DeviceKind.SURVEY.value)

    def register(ctx: Ctx) -> tuple[str, str, bool]:
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
        return device.name, *_secret_shown(device.kind, device.counter_id, token)

    made, errors = attempt(lambda: run_command(who.actor, register))
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
    forget_tokens([old])
    flash(
        id_en(
            f"Token {name} dicabut: perangkat ini tidak bisa lagi memakai server.",
            f"{name}'s token revoked: this device can no longer use the server.",
        ),
        "success",
    )
    return redirect(url_for("web.admin_devices"))


@bp.post("/admin/devices/<int:device_id>/renew")
@staff_page(Role.ADMIN)
def admin_device_renew(device_id: int) -> Any:
    def renew(ctx: Ctx) -> tuple[tuple[str, str, bool], str]:
        device = devices.get_device(ctx.session, device_id)
        old = device.token_hash
        token = devices.renew_token(ctx.session, device)
        return (device.name, *_secret_shown(device.kind, device.counter_id, token)), old

    shown, old = run_command(g.antre_user.actor, renew)
    forget_tokens([old])
    return _devices_page(shown_token=shown)


def _secret_shown(kind: DeviceKind, counter_id: int | None, token: str) -> tuple[str, bool]:
    """What the admin copies: the token, or for a survey tablet the whole address to open
    on it, the token in the fragment (the page keeps it; docs/skm.md); and which one."""
    if kind != DeviceKind.SURVEY or counter_id is None:
        return token, False
    return f"{request.host_url}survey/counter/{counter_id}#token={token}", True
