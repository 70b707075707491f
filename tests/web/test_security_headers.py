"""Headers for a public deployment (issue 13, point 7): a strict Content-Security-Policy
on every page that no page breaks in a real Chromium, nosniff on every answer, no
referrer, a console cookie that is no bearer token, Secure cookies behind TLS, and one
charset on the CSV."""

from __future__ import annotations

import dataclasses
import re
import socket
from pathlib import Path
from typing import Any

import pytest
import socketio.exceptions
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page

from server.app import create_app
from server.config import ServerConfig, load_config
from server.security_headers import content_security_policy
from server.state import AppState
from tests.conftest import Api
from tests.e2e.live import LiveServer
from tests.factories import PASSWORD, Hall
from tests.web.conftest import (
    CSP_MARK,
    REPORT_CSP_VIOLATIONS,
    NewPage,
    csp_violations,
    log_in,
    wait_for_true,
)

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def console_login(client: FlaskClient, username: str = "admin") -> Any:
    form = client.get("/login").get_data(as_text=True)
    found = CSRF_FIELD.search(form)
    assert found is not None
    return client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": found[1]}
    )


def admin_pages(hall: Hall) -> list[str]:
    """Every page of the console an admin opens, a form of each kind, and an error page."""
    return [
        "/monitor",
        "/reports",
        "/admin/agencies",
        f"/admin/agencies/{hall.dk}",
        "/admin/agencies/new",
        "/admin/counters",
        f"/admin/counters/{hall.c1}",
        "/admin/devices",
        "/admin/holidays",
        "/admin/hours",
        "/admin/services",
        f"/admin/services/{hall.ktp}",
        "/admin/settings",
        "/admin/special-openings",
        "/admin/users",
        f"/admin/users/{hall.users['sup.dk']}",
        "/admin/zones",
        f"/admin/zones/{hall.zone_a}",
        "/admin/counters/999999",  # the console's own "not found" page
    ]


def directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


# --- the headers -------------------------------------------------------------------------


def test_every_page_carries_a_strict_policy_nosniff_and_no_referrer(
    app: Flask, api: Api, hall: Hall
) -> None:
    client = app.test_client()
    ticket = api.as_device("kiosk").issue(hall.ktp)
    public = ["/login", f"/t/{ticket['status_code']}", "/t/no-such-code", "/board/zona-a"]
    html = {"Accept": "text/html"}  # as a browser asks (an error page then is HTML)
    pages = [(path, client.get(path, headers=html)) for path in public]
    console_login(client)
    pages += [(path, client.get(path, headers=html)) for path in admin_pages(hall)]

    for path, answer in pages:
        assert answer.mimetype == "text/html", path
        policy = directives(answer.headers["Content-Security-Policy"])
        assert policy["default-src"] == "'self'", path
        assert policy["script-src"] == "'self'", path  # no inline script, no eval
        assert policy["style-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'", path
        assert policy["base-uri"] == "'self'", path
        assert policy["form-action"] == "'self'", path
        assert policy["object-src"] == "'none'", path
        assert policy["connect-src"].startswith("'self'"), path
        assert "unsafe" not in answer.headers["Content-Security-Policy"], path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        assert answer.headers["Referrer-Policy"] == "no-referrer", path


def test_api_json_errors_and_static_files_are_not_sniffed(app: Flask, api: Api) -> None:
    admin = api.as_user("admin")
    answers = {
        "config": admin.get("/api/v1/config"),
        "401": api.get("/api/v1/config"),
        "404": admin.get("/api/v1/no-such-thing"),
        "openapi": api.get("/api/openapi.json"),
        "script": api.get("/static/web/antre.js"),
        "ticket status": api.get("/api/v1/tickets/no-such-code"),
    }

    for name, answer in answers.items():
        answer.close()  # the static file's handle
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", name
        assert answer.headers.get("Referrer-Policy") == "no-referrer", name


def test_the_socket_s_own_host_is_allowed_and_a_strange_host_never_reaches_the_policy() -> None:
    assert "connect-src 'self' ws://hall.local:5080 wss://hall.local:5080" in (
        content_security_policy("hall.local:5080")
    )
    odd = content_security_policy("evil; script-src *")
    assert "evil" not in odd
    assert directives(odd)["script-src"] == "'self'"


def test_the_csv_says_its_charset_once(app: Flask) -> None:
    client = app.test_client()
    console_login(client)

    answer = client.get("/reports.csv")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"


# --- the console's cookie ------------------------------------------------------------------


def session_in_cookie(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """What the signed (not encrypted) cookie carries: anyone holding it can read this."""
    cookie = client.get_cookie("antre_session")
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_the_console_cookie_holds_a_session_id_that_is_no_bearer_token(app: Flask) -> None:
    client = app.test_client()
    console_login(client)
    kept = session_in_cookie(app, client)
    session_id = kept["antre_token"]

    assert session_id.startswith("ant_s_")
    assert not any(str(value).startswith("ant_u_") for value in kept.values())
    # The cookie itself is the login ...
    assert client.get("/api/v1/auth/me").status_code == 200
    # ... but its value copied into a bearer header is not, cookie or none.
    stranger = app.test_client()
    for caller in (stranger, client):
        answer = caller.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {session_id}"})
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthenticated"


def test_the_session_id_is_stored_hashed_and_ends_at_logout(app: Flask) -> None:
    from sqlalchemy import select

    from server.domain.auth import token_hash
    from server.models import AuthToken

    client = app.test_client()
    console_login(client)
    session_id = session_in_cookie(app, client)["antre_token"]
    state: AppState = app.extensions["antre"]
    with state.db.read() as db:
        stored = db.scalars(select(AuthToken.token_hash)).all()
    assert token_hash(session_id) in stored and session_id not in stored

    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/monitor").text)
    assert csrf is not None
    client.post("/logout", data={"csrf_token": csrf[1]})

    with state.db.read() as db:
        assert token_hash(session_id) not in db.scalars(select(AuthToken.token_hash)).all()


def test_a_copied_session_id_opens_no_socket(web_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    log_in(page, web_server, "admin")
    cookie = next(c for c in page.context.cookies() if c["name"] == "antre_session")
    reader = Flask(__name__)  # reads a cookie signed with the server's key, as Flask does
    reader.secret_key = web_server.secret_key
    serializer = reader.session_interface.get_signing_serializer(reader)  # type: ignore[attr-defined]
    session_id = serializer.loads(cookie["value"])["antre_token"]
    assert session_id.startswith("ant_s_")

    listener = web_server.socket({"token": session_id})
    with pytest.raises(socketio.exceptions.ConnectionError):
        listener.connect()
    listener.close()


def test_secure_cookies_setting_marks_the_console_and_language_cookies_secure(app: Flask) -> None:
    config: ServerConfig = app.extensions["antre"].config
    behind_tls = create_app(dataclasses.replace(config, secure_cookies=True))
    client = behind_tls.test_client()

    login = console_login(client)
    language = client.get("/login?lang=en")

    assert "Secure" in login.headers["Set-Cookie"]
    assert "Secure" in language.headers["Set-Cookie"]
    plain = app.test_client()
    assert "Secure" not in console_login(plain).headers["Set-Cookie"]


def test_secure_cookies_is_read_from_toml_and_the_environment(tmp_path: Path) -> None:
    toml = tmp_path / "server.toml"
    toml.write_text("[security]\nsecure_cookies = true\n")

    assert load_config(env={}).secure_cookies is False
    assert load_config(toml, env={}).secure_cookies is True
    assert load_config(env={"ANTRE_SECURE_COOKIES": "true"}).secure_cookies is True
    assert load_config(toml, env={"ANTRE_SECURE_COOKIES": "0"}).secure_cookies is False


# --- every page in a real browser ----------------------------------------------------------


def opened_cleanly(page: Page, url: str) -> list[str]:
    """Open ``url`` and say what the policy refused on it (nothing, for a good page)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return csp_violations(seen)


def test_no_page_breaks_the_policy_in_chromium(web_server: LiveServer, new_page: NewPage) -> None:
    hall = web_server.hall
    with web_server.device("kiosk") as kiosk:
        code = kiosk.issue(hall.ktp)["status_code"]
    visitor = new_page()
    assert opened_cleanly(visitor, f"{web_server.url}/login") == []
    assert opened_cleanly(visitor, f"{web_server.url}/t/{code}") == []
    visitor.locator("#number").wait_for()
    board = f"{web_server.url}/board/zona-a#token={hall.tokens['display-a']}"
    assert opened_cleanly(visitor, board) == []
    admin = new_page()
    log_in(admin, web_server, "admin")

    refused = {path: opened_cleanly(admin, web_server.url + path) for path in admin_pages(hall)}

    assert refused == {path: [] for path in admin_pages(hall)}


def test_the_policy_would_report_an_inline_script(web_server: LiveServer, browser: Browser) -> None:
    """The check above can fail: an inline script slipped into a page is refused and
    seen (in its own browser context: ``new_page`` would fail the test for it)."""
    context = browser.new_context()
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    try:
        page.goto(f"{web_server.url}/login")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
        )
        wait_for_true(page, "() => document.readyState === 'complete'")
        page.wait_for_timeout(200)  # the violation event is queued after the refusal

        assert page.evaluate("window.ran === undefined") is True
        assert any(CSP_MARK in line for line in seen), seen
    finally:
        context.close()


def test_colour_swatches_and_the_print_button_work_without_inline_attributes(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    page.add_init_script("window.print = function () { window.printed = true; };")
    log_in(page, web_server, "admin")

    page.goto(f"{web_server.url}/admin/agencies")
    swatch = page.locator("tr", has_text="DK").locator(".swatch").first
    colour = swatch.evaluate("node => getComputedStyle(node).backgroundColor")
    assert colour == "rgb(11, 83, 148)"  # Disdukcapil's #0B5394

    page.goto(f"{web_server.url}/reports")
    page.locator("#print-report").click()
    assert page.evaluate("window.printed") is True


# --- eventlet's own limits (documented in docs/large-hall.md) ------------------------------


def raw_answer(server: LiveServer, path: bytes, header: bytes = b"") -> bytes:
    """What eventlet answers a hand-written GET (the connection closed after it)."""
    host, port = server.url.removeprefix("http://").split(":")
    request = b"GET " + path + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
    request += header + b"Connection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    return answer


def test_eventlet_answers_over_long_request_lines_and_headers_as_documented(
    web_server: LiveServer,
) -> None:
    just_under = raw_answer(web_server, b"/login?" + b"a" * 8000)
    long_line = raw_answer(web_server, b"/login?" + b"a" * 8200)
    long_header = raw_answer(web_server, b"/login", b"X-Long: " + b"b" * 8200 + b"\r\n")

    assert just_under.startswith(b"HTTP/1.1 200")
    assert long_line.startswith(b"HTTP/1.0 414 Request URI Too Long")
    assert long_header.startswith(b"HTTP/1.0 400 Header Line Too Long")
    assert long_line.endswith(b"\r\n\r\n") and long_header.endswith(b"\r\n\r\n")  # no body


# --- added as the answer starts (below Flask) ------------------------------------------------


def test_a_header_the_answer_set_itself_is_kept_whatever_its_case() -> None:
    from server.security_headers import with_security_headers

    own = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("x-content-type-options", "nosniff"),
        ("Content-Security-Policy", "default-src 'none'"),
    ]

    headers = with_security_headers(own, {"wsgi.url_scheme": "http", "HTTP_HOST": "hall.local"})

    names = [name.lower() for name, _ in headers]
    assert len(names) == len(set(names))  # nothing set twice
    assert dict(headers)["Content-Security-Policy"] == "default-src 'none'"
    assert dict(headers)["Referrer-Policy"] == "no-referrer"
    assert dict(headers)["X-Frame-Options"] == "DENY"


def test_only_pages_get_a_policy_and_the_policy_names_the_request_s_host() -> None:
    from server.security_headers import with_security_headers

    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "h:5080"}
    page = dict(with_security_headers([("Content-Type", "TEXT/HTML")], environ))
    json = dict(with_security_headers([("Content-Type", "application/json")], {}))
    empty = dict(with_security_headers([], {}))

    assert "ws://h:5080" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    for answer in (json, empty):
        assert "Content-Security-Policy" not in answer
        assert "X-Frame-Options" not in answer
        assert answer["X-Content-Type-Options"] == "nosniff"


def test_a_fault_in_a_view_still_answers_with_the_headers(app: Flask) -> None:
    @app.get("/boom-for-the-headers-test")
    def boom() -> str:
        raise RuntimeError("a bug")

    answer = app.test_client().get("/boom-for-the-headers-test")

    assert answer.status_code == 500
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
