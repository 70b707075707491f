"""The hall monitor (``/monitor``): live in a real browser, limited to a supervisor's agency."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.e2e.live import LiveServer
from tests.web.conftest import NewPage, log_in
from tests.web.console_login import http_session


def test_the_monitor_shows_a_counters_new_ticket_when_an_officer_presses_next(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    first, second = kiosk.issue(hall.ktp), kiosk.issue(hall.ktp)
    page = new_page()
    log_in(page, web_server, "admin")
    page.goto(f"{web_server.url}/monitor")
    expect(page.locator("#live-status")).to_have_text("Langsung")
    ktp = page.locator(f"#lines tr[data-service-id='{hall.ktp}']")
    expect(ktp.locator(".waiting")).to_have_text("2")
    tile = page.locator(f".counter[data-counter-id='{hall.c1}']")
    expect(tile).to_contain_text("Tutup")

    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    expect(tile.locator(".ticket .number")).to_have_text(first["number"])
    expect(tile).to_contain_text("dipanggil")
    expect(ktp.locator(".waiting")).to_have_text("1")

    officer.counter(hall.c1, "next")
    expect(tile.locator(".ticket .number")).to_have_text(second["number"])
    expect(tile.locator(".officer")).not_to_have_text("Tanpa petugas")


def test_a_line_whose_counters_are_at_lunch_says_so_not_that_none_is_open(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    web_server.device("kiosk").issue(hall.ktp)
    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "pause")
    page = new_page()
    log_in(page, web_server, "admin")

    page.goto(f"{web_server.url}/monitor")

    ktp = page.locator(f"#lines tr[data-service-id='{hall.ktp}']")
    expect(ktp).to_contain_text("Loket istirahat")
    expect(ktp).not_to_contain_text("Tidak ada loket buka")


def test_a_supervisor_sees_only_their_agency_and_an_admin_the_hall(
    web_server: LiveServer,
) -> None:
    url = f"{web_server.url}/monitor/data.json"
    supervisor = http_session(web_server, "sup.dk")[0].get(url, timeout=5).json()
    assert {c["agency"]["code"] for c in supervisor["counters"]} == {"DK"}
    assert {line["agency"]["code"] for line in supervisor["lines"]} == {"DK"}
    assert {d["name"] for d in supervisor["devices"]} == {"counter-pc-1"}
    admin = http_session(web_server, "admin")[0].get(url, timeout=5).json()
    assert {c["agency"]["code"] for c in admin["counters"]} == {"DK", "SM"}
    assert len(admin["devices"]) == 4


def test_the_monitor_data_needs_a_console_login(web_server: LiveServer) -> None:
    url = f"{web_server.url}/monitor/data.json"
    anonymous = requests.get(url, headers={"Accept": "application/json"}, timeout=5)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    # An officer's bearer token is not a console login.
    officer = web_server.officer("petugas.dk")
    assert officer.get("/monitor/data.json", {"Accept": "application/json"}).status_code == 401
    page = requests.get(f"{web_server.url}/monitor", allow_redirects=False, timeout=5)
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_devices_nobody_started_yet_are_not_shown_as_in_trouble(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, web_server, "admin")
    page.goto(f"{web_server.url}/monitor")
    expect(page.locator("#live-status")).to_have_text("Langsung")
    expect(page.locator("#sum-devices")).to_have_text("0")
    expect(page.locator("#sum-devices-tile")).not_to_have_class(re.compile(r"\balert\b"))
    expect(page.locator("#devices-fine")).to_have_text("· 0 baik · 4 belum pernah terhubung")
    expect(page.locator("#devices tbody")).to_have_text("Tidak ada perangkat bermasalah.")

    page.check("#all-devices")
    board = page.locator("#devices tbody tr", has_text="display-a")
    expect(board).to_contain_text("Belum pernah terhubung")
    expect(board).not_to_contain_text("Senyap")
    expect(board).not_to_have_class("trouble")

    # Once it has reached the server, the kiosk is connected and fine.
    with web_server.device("kiosk") as kiosk:
        assert kiosk.get("/api/v1/config").status_code == 200
    page.reload()
    expect(page.locator("#devices-fine")).to_have_text("· 1 baik · 3 belum pernah terhubung")


def lock_out(server: LiveServer, username: str) -> None:
    """Five wrong passwords: the throttle locks the name (30 s)."""
    body = {"username": username, "password": "tebak-tebak"}
    answers = [
        requests.post(f"{server.url}/api/v1/auth/login", json=body, timeout=5).status_code
        for _ in range(5)
    ]
    assert answers == [401] * 5


def test_a_locked_account_shows_as_akun_terkunci(web_server: LiveServer, new_page: NewPage) -> None:
    page = new_page()
    log_in(page, web_server, "admin")
    page.goto(f"{web_server.url}/monitor")
    expect(page.locator("#live-status")).to_have_text("Langsung")
    expect(page.locator("#locks")).to_be_hidden()

    lock_out(web_server, "petugas.dk")
    page.reload()

    locks = page.locator("#locks")
    expect(locks).to_be_visible()
    expect(locks.locator("h2")).to_have_text("Akun terkunci")
    expect(locks.locator("li[data-username='petugas.dk']")).to_contain_text("terkunci sampai")
    expect(locks).to_contain_text("antre-server unlock-user")


def test_a_supervisor_sees_the_locks_of_their_own_agencys_accounts_only(
    web_server: LiveServer,
) -> None:
    lock_out(web_server, "petugas.dk")
    lock_out(web_server, "petugas.sm")
    url = f"{web_server.url}/monitor/data.json"

    admin = http_session(web_server, "admin")[0].get(url, timeout=5).json()
    supervisor = http_session(web_server, "sup.dk")[0].get(url, timeout=5).json()

    locked = [a["username"] for a in admin["logins"]["locked_accounts"]]
    assert locked == ["petugas.dk", "petugas.sm"]
    assert admin["summary"]["accounts_locked"] == 2
    assert [a["username"] for a in supervisor["logins"]["locked_accounts"]] == ["petugas.dk"]
    assert supervisor["summary"]["accounts_locked"] == 1


def test_a_notice_channel_failing_three_times_shows_on_the_monitor_until_one_goes_through(
    web_server: LiveServer, new_page: NewPage
) -> None:
    import datetime as dt

    from server.domain.notices.queueing import enqueue_notice, subscribe
    from server.models import NoticeState

    ticket = web_server.device("kiosk").issue(web_server.hall.ktp)
    now = web_server.now()
    with web_server.db.write() as session:
        whatsapp = subscribe(
            session, channel="whatsapp", address="081234567890", now=now, ticket_id=ticket["id"]
        )
        for n in range(3):
            notice = enqueue_notice(
                session,
                whatsapp,
                kind="called",
                now=now,
                deadline=now + dt.timedelta(minutes=3),
                body="…",
                idempotency_key=f"monitor:{n}",
            )
            assert notice is not None
            notice.state, notice.reason = NoticeState.FAILED, "device disconnected"
    page = new_page()
    log_in(page, web_server, "admin")
    page.goto(f"{web_server.url}/monitor")
    alert = page.locator("#notice-alerts li[data-channel='whatsapp']")
    expect(alert).to_contain_text("Pemberitahuan WhatsApp gagal terkirim (3 terakhir)")
    expect(alert).to_contain_text("alasan: Perangkat Fonnte terputus")  # the log's words

    with web_server.db.write() as session:
        notice = enqueue_notice(
            session,
            whatsapp,
            kind="called",
            now=now,
            deadline=now + dt.timedelta(minutes=3),
            body="…",
            idempotency_key="monitor:through",
        )
        assert notice is not None
        notice.state = NoticeState.SENT
    page.reload()
    expect(page.locator("#notice-alerts")).to_be_hidden()
