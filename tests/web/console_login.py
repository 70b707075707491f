"""Logging in to the console without a browser, as a browser does: the login form's own
CSRF secret posted back with the password, then the fresh secret the pages carry after
a login (a login makes a new one, so the form's secret is no good afterwards).

Over HTTP against a live server (``requests``) or in-process (Flask's test client)."""

from __future__ import annotations

import re

import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.live import LiveServer
from tests.factories import PASSWORD

FORM_SECRET = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_SECRET = re.compile(r'name="csrf-token" content="([^"]+)"')


def secret(pattern: re.Pattern[str], html: str) -> str:
    """The CSRF secret a page holds: FORM_SECRET in a form, PAGE_SECRET in the layout."""
    found = pattern.search(html)
    assert found is not None, html[:500]
    return found.group(1)


def login_form(username: str, form_html: str, next_path: str | None = None) -> dict[str, str]:
    """What the login form posts, with the secret of the form it was filled in."""
    form = {
        "username": username,
        "password": PASSWORD,
        "csrf_token": secret(FORM_SECRET, form_html),
    }
    if next_path is not None:
        form["next"] = next_path
    return form


def post_login(
    http: requests.Session, server: LiveServer, username: str, next_path: str | None = None
) -> requests.Response:
    """Open the login form and send it; the answer is the login's redirect (not followed)."""
    query = "" if next_path is None else f"?next={next_path}"
    form = http.get(f"{server.url}/login{query}", timeout=5).text
    return http.post(
        f"{server.url}/login",
        data=login_form(username, form, next_path),
        allow_redirects=False,
        timeout=5,
    )


def http_session(server: LiveServer, username: str = "admin") -> tuple[requests.Session, str]:
    """A logged-in cookie jar against a live server, and the CSRF secret its pages carry."""
    http = requests.Session()
    assert post_login(http, server, username).status_code == 302
    page = http.get(f"{server.url}/login", timeout=5)  # logged in: redirected onwards
    return http, secret(PAGE_SECRET, page.text)


def client_session(app: Flask, username: str) -> FlaskClient:
    """A logged-in test client of the in-process app (for pages and downloads)."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data=login_form(username, form))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client
