"""The console's login form under the login throttle (the same one as the API's), with the
test clock: a hall's colleagues are never locked out by each other's good logins."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import FakeClock
from tests.factories import PASSWORD
from tests.web.console_login import login_form

TOO_MANY = "Terlalu banyak percobaan"


def console_login(
    client: FlaskClient, username: str, password: str | None = None
) -> tuple[int, str]:
    """Fill in and send the console's login form: the status and the page's text."""
    form = login_form(username, client.get("/login").get_data(as_text=True))
    if password is not None:
        form["password"] = password
    answer = client.post("/login", data=form)
    return answer.status_code, answer.get_data(as_text=True)


def test_the_reviews_reproduction_on_the_console_two_colleagues_get_in(
    app: Flask, clock: FakeClock
) -> None:
    browser = app.test_client()
    for i in range(20):
        status, _ = console_login(browser, f"tamu{i}", "tebak-tebak")
        assert status == 401
    clock.advance(seconds=31)

    admin, _ = console_login(app.test_client(), "admin")
    supervisor, page = console_login(app.test_client(), "sup.dk")

    assert (admin, supervisor) == (302, 302), page


def test_an_officer_turned_away_by_the_console_is_not_counted_as_guessing(app: Flask) -> None:
    """The password was right: the console refuses the role, but the throttle must not
    hold it against the name (the officer then could not log in at the counter)."""
    for _ in range(6):
        status, page = console_login(app.test_client(), "petugas.dk")
        assert status == 403
        assert "hanya untuk admin dan supervisor" in page
        assert TOO_MANY not in page

    answer = app.test_client().post(
        "/api/v1/auth/login", json={"username": "petugas.dk", "password": PASSWORD}
    )
    assert answer.status_code == 200
