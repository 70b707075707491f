"""Console page: staff accounts. An admin manages everyone; a supervisor manages the
officers of their own agency (``server.domain.users`` decides who may touch whom).

Plain HTML forms (post, then redirect with a message), so the page works without
script; a refused form comes back with each field's message beside it and what was typed
still in it. A generated password is shown once, in the answer that made it, never in a
redirect, a cookie or the log. Disabling a user or changing their password ends their
sessions at once in this process (``forget_tokens``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from server.commands import run_command, run_query
from server.domain import form_wording as wording
from server.domain import users
from server.domain.auth import MIN_PASSWORD_LENGTH
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.models import Agency, Counter, CounterState, Role
from server.web import bp
from server.web.console_auth import staff_page
from server.web.forms import Errors, attempt, forget_tokens, secret_page, text_field, worded
from server.web.i18n import id_en
from shared.errors import ErrorCode

ROLE_NAMES = {
    Role.ADMIN: ("Admin", "Admin"),
    Role.SUPERVISOR: ("Supervisor", "Supervisor"),
    Role.OFFICER: ("Petugas", "Officer"),
}


def role_name(role: Role) -> str:
    return id_en(*ROLE_NAMES[role])


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
    return secret_page(body, status)


@bp.get("/admin/users")
@staff_page()
def admin_users() -> Response:
    return _users_page()


@bp.post("/admin/users")
@staff_page()
def admin_users_create() -> Any:
    who = g.antre_user
    form = {
        name: text_field(name)
        for name in ("username", "display_name", "role", "agency", "password")
    }
    form["password"] = request.form.get("password", "")[:200]
    if not who.is_admin:  # a supervisor's form has neither field: their agency's officer
        form["role"] = form["role"] or Role.OFFICER.value
        form["agency"] = form["agency"] or (who.agency_code or "")
    generated = not form["password"]
    password = users.generate_password() if generated else form["password"]
    if not form["username"]:
        return _users_page(form, {"username": worded(wording.REQUIRED)}, 422)

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

    username, errors = attempt(lambda: run_command(who.actor, create))
    if errors or username is None:
        form["password"] = ""
        return _users_page(form, errors, 422)
    if generated:
        return _users_page(shown_password=(username, password), status=201)
    flash(id_en(f"Pengguna {username} dibuat.", f"User {username} created."), "success")
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
    return secret_page(body, status)


@bp.get("/admin/users/<int:user_id>")
@staff_page()
def admin_user(user_id: int) -> Response:
    return _user_page(user_id)


@bp.post("/admin/users/<int:user_id>")
@staff_page()
def admin_user_change(user_id: int) -> Any:
    who = g.antre_user
    form = {name: text_field(name) for name in ("display_name", "role", "agency")}
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

    revoked, errors = attempt(lambda: run_command(who.actor, change))
    if errors:
        return _user_page(user_id, errors, 422, form=form)
    forget_tokens(revoked or [])
    flash(id_en("Perubahan disimpan.", "Changes saved."), "success")
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

    revoked, errors = attempt(lambda: run_command(who.actor, reset))
    if errors:
        return _user_page(user_id, errors, 422)
    forget_tokens(revoked or [])
    if not typed:
        return _user_page(user_id, shown_password=password)
    flash(
        id_en(
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
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, id_en("Permintaan tidak sah.", "Bad request.")
        )

    def toggle(ctx: Ctx) -> users.Disabled:
        user = users.get_user(ctx.session, who, user_id)
        return users.set_active(ctx, who, user, wanted == "1")

    outcome = run_command(who.actor, toggle)
    forget_tokens(outcome.revoked)
    if wanted == "1":
        flash(id_en("Pengguna diaktifkan.", "User enabled."), "success")
    else:
        flash(
            id_en(
                "Pengguna dinonaktifkan; semua sesinya berakhir.",
                "User disabled; all their sessions have ended.",
            ),
            "success",
        )
    if outcome.closed_counters:
        closed = ", ".join(outcome.closed_counters)
        flash(id_en(f"Ditutup: {closed}.", f"Closed: {closed}."), "success")
    if outcome.busy_counters:
        busy = ", ".join(outcome.busy_counters)
        flash(
            id_en(
                f"{busy} masih melayani pengunjung: admin atau supervisor instansinya "
                "mengambil alih loket itu (API: open dengan takeover), lalu menyelesaikan "
                "atau mengalihkan pengunjungnya.",
                f"{busy} still serves a visitor: an admin or the agency's supervisor takes "
                "the counter over (API: open with takeover), then finishes or transfers "
                "the visitor.",
            ),
            "warning",
        )
    return redirect(url_for("web.admin_user", user_id=user_id))
