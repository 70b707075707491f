"""The console's login: a session cookie holding an opaque session id, and CSRF.

The session id (``ant_s_…``) is a login like the counter client's token: stored only
hashed, it expires, is revoked at logout and is throttled at login exactly like one. But
it counts only when it arrives in the session cookie: the cookie is signed, not
encrypted, and whoever copies its value gets no bearer token for the API or a socket.
The cookie is HttpOnly, SameSite=Lax and, behind TLS, Secure (``[security]
secure_cookies``); every state-changing request (a form or a page's ``fetch``) must
also carry the session's CSRF secret, which another site cannot read.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, g, redirect, render_template, request, session, url_for

from server.domain import auth
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.errors import STATUS
from server.login import password_login
from server.models import Role
from server.principal import (
    SAFE_METHODS,
    SESSION_CSRF,
    SESSION_TOKEN,
    csrf_matches,
    csrf_refused,
    current_principal,
    session_token,
)
from server.state import app_state
from server.web import bp
from server.web.i18n import current_lang, id_en, lang_url, remember_choice
from shared.errors import ErrorCode

CONSOLE_ROLES = (Role.ADMIN, Role.SUPERVISOR)
F = TypeVar("F", bound=Callable[..., Any])


def csrf_token() -> str:
    """This session's CSRF secret (made on first use); forms put it in a hidden field."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def console_user() -> Principal | None:
    """The admin or supervisor logged in on this browser, or None."""
    if session_token() is None:
        return None
    try:
        who = current_principal()
    except DomainError:
        return None
    if who.kind != "user" or who.role not in CONSOLE_ROLES:
        return None
    return who


def staff_page(*roles: Role) -> Callable[[F], F]:
    """A console page: the login form first if nobody is logged in; 403 for a role not
    listed (default: admins and supervisors; a supervisor's agency limit is the page's
    own check, since only the page knows what it shows)."""
    allowed = roles or CONSOLE_ROLES

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def page(*args: Any, **kwargs: Any) -> Any:
            who = console_user()
            if who is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if who.role not in allowed:
                raise DomainError(
                    ErrorCode.FORBIDDEN,
                    id_en(
                        "Halaman ini bukan untuk akun Anda.", "This page is not for your account."
                    ),
                )
            g.antre_user = who
            return view(*args, **kwargs)

        return page  # type: ignore[return-value]

    return wrap


def check_form_csrf() -> None:
    """A console form's hidden ``csrf_token`` (or the header a page's fetch sends)."""
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if not csrf_matches(sent):
        raise csrf_refused()


@bp.before_request
def _web_request() -> None:
    g.antre_lang = current_lang()
    if request.method not in SAFE_METHODS:
        check_form_csrf()


@bp.after_request
def _web_response(response: Response) -> Response:
    # X-Frame-Options, nosniff, the referrer and the CSP: server/security_headers.py.
    if response.mimetype in ("text/html", "application/json"):
        # Pages carry the session's CSRF secret and the hall's data: not for the cache
        # (nor the back button of a shared PC after logout).
        response.headers.setdefault("Cache-Control", "no-store")
    return remember_choice(response)


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "id_en": id_en,
        "csrf_token": csrf_token,
        "lang": lambda: g.get("antre_lang", "id"),
        "lang_url": lang_url,
    }


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no ``//evil`` or scheme): an open redirect otherwise."""
    if not target:
        return url_for("web.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.home")
    return target


@bp.get("/login")
def login() -> Any:
    if console_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=None, username="", next=request.args.get("next"))


@bp.post("/login")
def login_submit() -> Any:
    username = (request.form.get("username") or "").strip()[:64]
    password = (request.form.get("password") or "")[:200]
    target = request.form.get("next")
    if not username or not password:
        error = id_en("Isi nama pengguna dan kata sandi.", "Enter your user name and password.")
        status = 422
    else:
        try:
            token, _, _ = password_login(
                username,
                password,
                request.remote_addr or "unknown",
                roles=CONSOLE_ROLES,
                prefix=auth.SESSION_TOKEN_PREFIX,
            )
        except DomainError as exc:
            error, status = _login_message(exc), STATUS.get(exc.code, 401)
        else:
            # A new session for a new login (no fixation): the old token is revoked and
            # a fresh CSRF secret made. The cookie ends with the browser; the token
            # behind it expires by itself like any officer's.
            _end_session()
            session.clear()
            session[SESSION_TOKEN] = token
            csrf_token()
            g.pop("antre_principal", None)
            return redirect(_safe_next(target))
    body = render_template("login.html", error=error, username=username, next=target)
    return body, status


def _login_message(exc: DomainError) -> str:
    if exc.code == ErrorCode.TOO_MANY_ATTEMPTS:
        seconds = int((exc.details or {}).get("retry_after", 60))
        minutes = max(1, (seconds + 59) // 60)
        return id_en(
            f"Terlalu banyak percobaan. Tunggu {minutes} menit lalu coba lagi.",
            f"Too many attempts. Wait {minutes} minute(s) and try again.",
        )
    if exc.code == ErrorCode.VALIDATION_ERROR:
        return id_en(
            "Nama pengguna tidak boleh memuat karakter kontrol.",
            "A user name holds no control characters.",
        )
    if exc.code == ErrorCode.FORBIDDEN:
        return id_en(
            "Konsol ini hanya untuk admin dan supervisor.",
            "This console is for admins and supervisors only.",
        )
    return id_en("Nama pengguna atau kata sandi salah.", "Wrong user name or password.")


def _end_session() -> None:
    token = session_token()
    if token is None:
        return
    state = app_state()
    with state.db.write() as db:
        auth.logout(db, token)
    state.principals.forget(auth.token_hash(token))


@bp.post("/logout")
def logout() -> Any:
    _end_session()
    session.clear()
    return redirect(url_for("web.login"))
