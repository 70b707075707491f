"""The browser display board (``/board/<zone>``): a display token, live calls, no token in URLs."""

from __future__ import annotations

import requests
from playwright.sync_api import expect
from sqlalchemy import select

from server.models import Device
from tests.e2e.live import LiveServer, wait_until
from tests.web.conftest import NewPage

TV = {"width": 1920, "height": 1080}


def test_a_call_made_over_rest_appears_on_the_board_and_the_token_leaves_the_address_bar(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a#token={hall.tokens['display-a']}")
    expect(page.locator(".tile")).to_have_count(3)  # Loket 1-3 are in zone A
    assert "token" not in page.url
    stored = page.evaluate("localStorage.getItem('antre.board.token.zona-a')")
    assert stored == hall.tokens["display-a"]
    expect(page.locator("#call-title")).to_have_text("Belum ada panggilan")
    expect(page.locator("#offline")).to_be_hidden()

    ticket = web_server.device("kiosk").issue(hall.ktp)
    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")

    expect(page.locator("#call-number")).to_have_text(ticket["number"])
    expect(page.locator("#call-counter")).to_have_text("LOKET 1")
    expect(page.locator(f".tile[data-counter-id='{hall.c1}'] .tile-number")).to_have_text(
        ticket["number"]
    )
    # Without a click on the page the browser allows no sound: the board offers one.
    expect(page.locator("#sound")).to_be_visible()
    # The token was never sent in a URL.
    log = web_server.log_text()
    assert hall.tokens["display-a"] not in log


def test_a_board_without_a_token_asks_for_one_and_refuses_another_zones(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a")
    expect(page.locator("#setup")).to_be_visible()
    page.fill("#setup-token", web_server.hall.tokens["display-b"])
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup-error")).to_contain_text("Token tidak diterima")
    page.fill("#setup-token", web_server.hall.tokens["display-a"])
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup")).to_be_hidden()
    expect(page.locator(".tile")).to_have_count(3)


def test_the_boards_data_needs_the_zones_token(web_server: LiveServer) -> None:
    url = f"{web_server.url}/board/zona-a/data.json"
    tokens = web_server.hall.tokens
    assert requests.get(url, timeout=5).status_code == 401  # nobody
    json = {"Accept": "application/json"}
    other = requests.get(
        url, headers={**json, "Authorization": f"Bearer {tokens['display-b']}"}, timeout=5
    )
    assert other.status_code == 403 and other.json()["error"]["code"] == "forbidden"
    mine = requests.get(url, headers={"Authorization": f"Bearer {tokens['display-a']}"}, timeout=5)
    assert mine.status_code == 200
    assert {c["label"] for c in mine.json()["counters"]} == {"Loket 1", "Loket 2", "Loket 3"}
    assert requests.get(f"{web_server.url}/board/nowhere", timeout=5).status_code == 404
    assert requests.get(f"{web_server.url}/board/%3Cx%3E", timeout=5).status_code == 404


def test_a_board_that_only_listens_is_seen_by_the_server(web_server: LiveServer) -> None:
    def last_seen() -> object:
        with web_server.db.read() as session:
            return session.scalar(select(Device.last_seen_at).where(Device.name == "display-b"))

    assert last_seen() is None
    with web_server.socket({"token": web_server.hall.tokens["display-b"]}):
        wait_until(last_seen, 5, "the board's socket to mark it seen")
    assert "Traceback" not in web_server.log_text()
