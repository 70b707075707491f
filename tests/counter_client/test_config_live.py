"""The counter follows the hall's configuration while it runs: a service renamed in the
console reaches an open counter through ``config.updated``, without a restart; and it asks
for the configuration only when it may have changed, not with every snapshot."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import requests
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.app import CounterApp
from counter_client.ui.waiting_panel import SERVICE
from shared.api_client import ApiClient
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    issue,
    start_working,
    wait_number,
)
from tests.e2e.live import LiveServer
from tests.web.console_login import http_session

OLD_NAME = "Perekaman KTP-el"
NEW_NAME = "Perekaman KTP Elektronik"


class FormValues(HTMLParser):
    """What a browser would post from the page's one edit form, as it stands: text and
    hidden fields, ticked boxes, each list's chosen option."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def rename_service_in_the_console(server: LiveServer, service_id: int, name: str) -> None:
    """As an admin does: open the service's form, change the name, save."""
    http, _ = http_session(server, "admin")
    url = f"{server.url}/admin/services/{service_id}"
    page = http.get(url, timeout=5)
    assert page.status_code == 200, page.text[:500]
    form = FormValues()
    form.feed(page.text)
    assert form.values["name"] == OLD_NAME and form.values["csrf_token"]
    saved = http.post(url, data={**form.values, "name": name}, allow_redirects=False, timeout=5)
    assert saved.status_code == 302, saved.text[:2000]


def service_column(app: CounterApp) -> list[str]:
    """The service of each waiting ticket, as the table shows it."""
    table = app.window.working_page.waiting.table
    return [table.item(row, SERVICE).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def test_a_service_renamed_in_the_console_is_renamed_on_the_open_counter(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    hall = server.hall
    issue(server, hall.ktp, 3)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    at_the_desk = app.window.working_page.ticket_panel.service
    chips = app.window.working_page.waiting.chips
    qtbot.waitUntil(lambda: service_column(app) == [OLD_NAME, OLD_NAME], timeout=WAIT_MS)
    assert at_the_desk.text() == OLD_NAME
    assert f"{OLD_NAME}: 2" in chips.text()

    rename_service_in_the_console(server, hall.ktp, NEW_NAME)

    qtbot.waitUntil(lambda: hall.ktp in app.shift.hall.services, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: app.shift.hall.services[hall.ktp]["name"] == NEW_NAME, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: f"{NEW_NAME}: 2" in chips.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: service_column(app) == [NEW_NAME, NEW_NAME], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: at_the_desk.text() == NEW_NAME, timeout=WAIT_MS)
    assert app.shift.online  # the same connection: no restart, no new login


class CountingApi(ApiClient):
    """The counter's real REST client, over a session that notes every request the server
    answered (its path), so a test can count what reached the server."""

    def __init__(self, url: str) -> None:
        self.paths: list[str] = []
        http = requests.Session()
        http.hooks["response"].append(self._note)
        super().__init__(url, session=http)

    def _note(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        self.paths.append(response.request.path_url)

    def count(self, path: str) -> int:
        return self.paths.count(f"/api/v1{path}")


def test_the_configuration_is_fetched_at_login_on_config_updated_and_after_a_reconnect_only(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    hall = server.hall
    issue(server, hall.ktp, 3)
    api = CountingApi(server.url)
    app = start_counter(api=api)
    start_working(qtbot, app, "petugas.dk", hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    app.shift.resync()  # a gap in the events: the room again
    qtbot.waitUntil(lambda: api.count("/agencies/DK/snapshot") >= 3, timeout=WAIT_MS)
    # Opening and every snapshot took the room alone: the login's configuration stands.
    assert api.count("/config") == 1

    rename_service_in_the_console(server, hall.ktp, NEW_NAME)
    # The table may show the new name from a snapshot's tickets before the refetched
    # configuration has arrived: wait for both, then the count must be exactly one more.
    qtbot.waitUntil(
        lambda: (
            service_column(app) == [NEW_NAME, NEW_NAME]
            and app.shift.hall.services[hall.ktp]["name"] == NEW_NAME
        ),
        timeout=WAIT_MS,
    )
    assert api.count("/config") == 2

    server.restart()  # a config.updated may be pushed while the feed is away
    qtbot.waitUntil(lambda: api.count("/config") == 3, timeout=3 * WAIT_MS)
    qtbot.waitUntil(lambda: app.shift.online, timeout=WAIT_MS)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-002")
    assert api.count("/config") == 3
