"""The console's login, CSRF protection and language switch, in a real browser and over
plain HTTP against a real server process."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.e2e.live import LiveServer
from tests.factories import PASSWORD
from tests.web.conftest import NewPage, log_in
from tests.web.console_login import http_session, post_login


def test_admin_logs_in_and_out_and_the_token_dies_with_the_session(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    page.goto(f"{web_server.url}/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("h1")).to_have_text("Masuk ke konsol")
    log_in(page, web_server, "admin")
    expect(page).not_to_have_url(re.compile(r"/login"))
    cookie = next(c for c in page.context.cookies() if c["name"] == "antre_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # The session reaches the API too (the pages' fetches use it).
    me = page.request.get(f"{web_server.url}/api/v1/auth/me")
    assert me.ok and me.json()["role"] == "admin"
    page.click("text=Keluar")
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.request.get(f"{web_server.url}/api/v1/auth/me").status == 401


def test_wrong_password_is_refused_with_a_clear_message(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, web_server, "admin", "not-the-password")
    expect(page.locator(".flash.error")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page).to_have_url(re.compile(r"/login"))


def test_an_officer_cannot_use_the_console(web_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    log_in(page, web_server, "petugas.dk")
    expect(page.locator(".flash.error")).to_contain_text("hanya untuk admin dan supervisor")


def test_english_by_the_switch_and_remembered(web_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    page.goto(f"{web_server.url}/login?lang=en")
    expect(page.locator("h1")).to_have_text("Log in to the console")
    page.goto(f"{web_server.url}/login")
    expect(page.locator("h1")).to_have_text("Log in to the console")


def test_forms_and_session_api_calls_without_the_csrf_secret_are_refused(
    web_server: LiveServer,
) -> None:
    http, csrf = http_session(web_server)
    # Another site can make the browser post the form with the cookie, not the secret.
    forged = http.post(f"{web_server.url}/logout", data={}, timeout=5, allow_redirects=False)
    assert forged.status_code == 403
    assert http.get(f"{web_server.url}/api/v1/auth/me", timeout=5).status_code == 200
    # The same for the API through the session cookie.
    patch = http.patch(
        f"{web_server.url}/api/v1/settings", json={"site_short_name": "X"}, timeout=5
    )
    assert patch.status_code == 403 and patch.json()["error"]["code"] == "forbidden"
    allowed = http.patch(
        f"{web_server.url}/api/v1/settings",
        json={"site_short_name": "MPP Tangerang"},
        headers={"X-CSRF-Token": csrf},
        timeout=5,
    )
    assert allowed.status_code == 200, allowed.text
    # A login form posted from elsewhere (no secret) does not log anyone in.
    fresh = requests.Session()
    refused = fresh.post(
        f"{web_server.url}/login",
        data={"username": "admin", "password": PASSWORD},
        timeout=5,
        allow_redirects=False,
    )
    assert refused.status_code == 403


def test_a_form_with_a_stale_secret_tells_a_person_to_reload(web_server: LiveServer) -> None:
    """After a server restart (new secret key) the old form's secret no longer matches:
    a person gets a page that says what happened, a page's fetch gets the API error."""
    http, _ = http_session(web_server)
    page = http.post(
        f"{web_server.url}/logout",
        data={"csrf_token": "from-a-page-before-the-restart"},
        headers={"Accept": "text/html"},
        timeout=5,
        allow_redirects=False,
    )
    assert page.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in page.text
    fetch = http.post(
        f"{web_server.url}/logout",
        data={"csrf_token": "from-a-page-before-the-restart"},
        headers={"Accept": "application/json"},
        timeout=5,
        allow_redirects=False,
    )
    assert fetch.status_code == 403
    assert fetch.json()["error"]["details"] == {"reason": "csrf"}


def test_a_login_redirect_never_leaves_the_site(web_server: LiveServer) -> None:
    answer = post_login(requests.Session(), web_server, "admin", next_path="//evil.example/x")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/")
    assert not answer.headers["Location"].startswith("//")


def test_the_socket_io_client_is_served_from_the_server(web_server: LiveServer) -> None:
    answer = requests.get(f"{web_server.url}/vendor/socket.io.min.js", timeout=5)
    assert answer.status_code == 200 and "io" in answer.text[:2000]
    assert requests.get(f"{web_server.url}/vendor/../setup.cfg", timeout=5).status_code == 404
