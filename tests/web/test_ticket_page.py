"""The visitor's ticket page (``/t/<status code>``): opened from the QR, no login, live."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from playwright.sync_api import Page, expect

from server.models import CounterEvent, Ticket, TicketState
from tests.e2e.live import REPO, LiveServer, running_server
from tests.web.conftest import PHONE, WAIT_MS, NewPage

# Far longer than any wait below: what changes the page is the socket, not the poll.
SLOW_POLL_SECONDS = 600
assert SLOW_POLL_SECONDS * 1000 > 10 * WAIT_MS


def with_slow_poll(page: Page) -> None:
    """Have the real page read a ten-minute fallback poll from its ``data-refresh``.

    (Rewriting the served HTML would do too, but Chromium then treats the page as not
    coming from 127.0.0.1 and blocks its socket to the local server.)"""
    page.add_init_script(
        """(() => {
          const get = Element.prototype.getAttribute;
          Element.prototype.getAttribute = function (name) {
            if (name !== "data-refresh") return get.call(this, name);
            window.slowPoll = true;
            return "SECONDS";
          };
        })();""".replace("SECONDS", str(SLOW_POLL_SECONDS))
    )


def follow(web_server: LiveServer, new_page: NewPage, ticket: dict[str, Any]) -> Page:
    """The ticket's page on a phone, its fallback poll slowed: what changes it from now on
    is the socket."""
    page = new_page(viewport=PHONE)
    with_slow_poll(page)
    page.goto(f"{web_server.url}/t/{ticket['status_code']}")
    return page


def test_the_page_shows_the_counter_when_the_ticket_is_called_without_a_reload(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    first = kiosk.issue(hall.ktp)
    mine = kiosk.issue(hall.ktp)
    page = new_page(viewport=PHONE)
    page.goto(f"{web_server.url}/t/{mine['status_code']}")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#service")).to_have_text("Perekaman KTP-el")
    expect(page.locator("#state .headline")).to_have_text("Menunggu giliran")
    expect(page.locator("#state .ahead .value")).to_have_text("1 orang")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")

    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    assert officer.counter(hall.c1, "next")["ticket"]["number"] == first["number"]
    officer.counter(hall.c1, "next")  # finishes the first, calls mine

    expect(page.locator("#state .headline")).to_have_text("Nomor Anda dipanggil")
    expect(page.locator("#state .counter")).to_have_text("Loket 1")

    officer.counter(hall.c1, "start")
    expect(page.locator("#state .headline")).to_have_text("Sedang dilayani")
    officer.counter(hall.c1, "finish")
    expect(page.locator("#state .headline")).to_have_text("Selesai dilayani")
    expect(page.locator("#state .note")).to_contain_text("Terima kasih")


def test_the_page_shows_what_to_bring_while_waiting_and_hides_it_once_served(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    ktp = kiosk.issue(hall.ktp)  # the test hall wrote DK-KTP's standard
    kk = kiosk.issue(hall.kk)  # and none for DK-KK
    page = new_page(viewport=PHONE)
    page.goto(f"{web_server.url}/t/{ktp['status_code']}")
    standard = page.locator("#standard")
    expect(standard.locator("h2")).to_have_text("Standar pelayanan")
    expect(standard.locator(".requirements li")).to_have_text(
        ["Kartu Keluarga (asli dan fotokopi)"]
    )
    expect(standard).to_contain_text("Gratis")
    expect(standard).to_contain_text("1 hari")

    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    officer.counter(hall.c1, "finish")
    expect(page.locator("#state .headline")).to_have_text("Selesai dilayani")
    expect(standard).to_be_hidden()

    page.goto(f"{web_server.url}/t/{kk['status_code']}")
    expect(page.locator("#number")).to_have_text(kk["number"])
    expect(page.locator("#standard")).to_have_count(0)


def test_a_change_whose_event_was_lost_still_reaches_the_page_while_connected(
    web_server: LiveServer, new_page: NewPage
) -> None:
    """As when Redis restarts between two processes: the socket stays up, the event of
    the ticket's last change never comes, and nothing later would reveal the gap."""
    hall = web_server.hall
    ticket = web_server.device("kiosk").issue(hall.pkb)
    officer = web_server.officer("petugas.sm")
    officer.counter(hall.c3, "open")
    officer.counter(hall.c3, "next")
    page = new_page(viewport=PHONE)
    page.add_init_script(  # a one-second refresh: the slow check runs every 8 seconds
        """(() => {
          const get = Element.prototype.getAttribute;
          Element.prototype.getAttribute = function (name) {
            return name === "data-refresh" ? "1" : get.call(this, name);
          };
        })();"""
    )
    page.goto(f"{web_server.url}/t/{ticket['status_code']}")
    expect(page.locator("#state .headline")).to_have_text("Nomor Anda dipanggil")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")
    with web_server.db.write() as session:  # finished with no event sent
        row = session.get(Ticket, ticket["id"])
        assert row is not None
        row.state = TicketState.DONE
        row.finished_at = dt.datetime.now(dt.UTC)
    expect(page.locator("#state .headline")).to_have_text("Selesai dilayani", timeout=20_000)


def test_a_finished_ticket_says_so_when_opened_later_and_in_english(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    ticket = web_server.device("kiosk").issue(hall.pkb)
    officer = web_server.officer("petugas.sm")
    officer.counter(hall.c3, "open")
    officer.counter(hall.c3, "next")
    officer.counter(hall.c3, "finish")
    page = new_page(viewport=PHONE)
    page.goto(f"{web_server.url}/t/{ticket['status_code']}?lang=en")
    expect(page.locator("#state .headline")).to_have_text("Served")
    expect(page.locator("#number")).to_have_text(ticket["number"])


def test_a_cancelled_ticket_says_so(web_server: LiveServer) -> None:
    hall = web_server.hall
    ticket = web_server.device("kiosk").issue(hall.kk)
    admin = web_server.officer("admin")
    assert admin.post(f"/api/v1/tickets/{ticket['id']}/cancel", json={}).status_code == 200
    page = requests.get(f"{web_server.url}/t/{ticket['status_code']}", timeout=5)
    assert page.status_code == 200
    assert '"state": "cancelled"' in page.text


def test_unknown_and_malformed_codes_get_the_same_friendly_404(web_server: LiveServer) -> None:
    pages = [
        requests.get(f"{web_server.url}/t/{code}", timeout=5)
        for code in ("AAAAAAAAAAAAAAAA", "x", "a" * 33, "%3Cscript%3E", "abc/def", "..%2F..")
    ]
    assert {p.status_code for p in pages} == {404}
    assert all("Nomor antrean tidak ditemukan" in p.text for p in pages)
    assert len({p.text for p in pages}) == 1  # nothing tells the codes apart


def test_the_page_is_never_cached_and_sends_no_referrer(web_server: LiveServer) -> None:
    ticket = web_server.device("kiosk").issue(web_server.hall.ktp)
    page = requests.get(f"{web_server.url}/t/{ticket['status_code']}", timeout=5)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in page.headers  # no session for a visitor


def test_people_ahead_count_down_live_as_other_tickets_are_called(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    first = kiosk.issue(hall.ktp)
    mine = kiosk.issue(hall.ktp)
    page = follow(web_server, new_page, mine)
    expect(page.locator("#state .ahead .value")).to_have_text("1 orang")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")
    assert page.evaluate("window.slowPoll") is True
    page.evaluate("window.sameDocument = true")

    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    assert officer.counter(hall.c1, "next")["ticket"]["number"] == first["number"]

    # Only the line's queue.stats tells this page: mine's own room heard nothing.
    expect(page.locator("#state .ahead .value")).to_have_text("Anda berikutnya")
    expect(page.locator("#state .headline")).to_have_text("Menunggu giliran")
    assert page.evaluate("window.sameDocument") is True


def test_after_a_transfer_the_page_follows_the_new_line(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    mine = kiosk.issue(hall.ktp)
    ahead_in_kk = kiosk.issue(hall.kk)
    page = follow(web_server, new_page, mine)
    expect(page.locator("#state .ahead .value")).to_have_text("Belum ada loket yang buka")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")

    kk_desk = web_server.officer("admin")
    kk_desk.counter(hall.c2, "open")
    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    assert officer.counter(hall.c1, "next")["ticket"]["number"] == mine["number"]
    expect(page.locator("#state .counter")).to_have_text("Loket 1")
    moved = officer.post(f"/api/v1/counters/{hall.c1}/transfer", json={"service_id": hall.kk})
    assert moved.status_code == 200, moved.text

    expect(page.locator("#service")).to_have_text("Perubahan KK")
    expect(page.locator("#state .ahead .value")).to_have_text("1 orang")
    # Let the debounced reload for the old line's last figures pass: from now on only
    # the new line's room can tell the page anything.
    page.wait_for_timeout(2000)
    # Loket 2 serves KK only: its call says nothing to the KTP line mine came from.
    assert kk_desk.counter(hall.c2, "next")["ticket"]["number"] == ahead_in_kk["number"]
    # Heard through the room of the line mine waits in now, not the one it came from.
    expect(page.locator("#state .ahead .value")).to_have_text("Anda berikutnya")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")


def test_the_page_says_where_to_wait_and_follows_a_transfer_and_the_call(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    mine = web_server.device("kiosk").issue(hall.ktp)
    page = follow(web_server, new_page, mine)
    expect(page.locator("#state .area .label")).to_have_text("Tunggu di")
    expect(page.locator("#state .area .value")).to_have_text("Zona A (Loket 1)")
    expect(page.locator("#live")).to_have_text("Diperbarui otomatis")

    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    moved = officer.post(f"/api/v1/counters/{hall.c1}/transfer", json={"service_id": hall.pkb})
    assert moved.status_code == 200, moved.text
    # Samsat's PKB line: Loket 3 in Zona A and Loket 4 in Zona B; nobody open there yet.
    expect(page.locator("#agency")).to_have_text("Samsat")
    expect(page.locator("#state .area .value")).to_have_text("Zona A (Loket 3); Zona B (Loket 4)")
    expect(page.locator("#state .ahead .value")).to_have_text("Belum ada loket yang buka")
    expect(page.locator("#state .note")).to_contain_text("akan dipanggil setelah loket dibuka")

    samsat = web_server.officer("petugas.sm")
    samsat.counter(hall.c4, "open")
    expect(page.locator("#state .ahead .value")).to_have_text("Anda berikutnya")
    samsat.counter(hall.c4, "next")
    expect(page.locator("#state .counter")).to_have_text("Loket 4")
    expect(page.locator("#state .zone")).to_have_text("di Zona B")


def test_a_line_whose_counter_went_on_a_break_says_so_live(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    mine = web_server.device("kiosk").issue(hall.ktp)
    page = follow(web_server, new_page, mine)
    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")  # Loket 1 alone serves KTP
    expect(page.locator("#state .ahead .value")).to_have_text("Anda berikutnya")

    officer.counter(hall.c1, "pause")
    # No break finished today tells when it is back: the break, and no minutes.
    expect(page.locator("#state .break .value")).to_have_text("Sedang istirahat")
    expect(page.locator("#state .ahead .value")).to_have_text("Tidak ada")  # not "next"
    expect(page.locator("#state .note")).to_contain_text("setelah loket kembali melayani")
    expect(page.locator("#state .estimate")).to_have_count(0)


# Lunch in the hall, whatever the wall clock says: the breaks placed just before it
# fall on the same service date.
MIDDAY = dt.datetime(2026, 11, 30, 12, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_a_line_on_a_break_tells_the_wait_once_the_day_has_a_typical_break(
    tmp_path: Path, new_page: NewPage
) -> None:
    with running_server(tmp_path, clock_start=MIDDAY) as live:
        hall = live.hall
        now = live.now()
        with live.db.write() as session:  # Loket 2's three breaks of the last minutes
            for started, seconds in ((-150, 30), (-110, 40), (-60, 50)):
                paused = now + dt.timedelta(seconds=started)
                session.add(CounterEvent(counter_id=hall.c2, at=paused, kind="paused"))
                resumed = paused + dt.timedelta(seconds=seconds)
                session.add(CounterEvent(counter_id=hall.c2, at=resumed, kind="resumed"))
        officer = live.officer("petugas.dk")
        officer.counter(hall.c1, "open")
        officer.counter(hall.c1, "pause")  # back in about a typical break: 40 seconds
        mine = live.device("kiosk").issue(hall.ktp)
        page = new_page(viewport=PHONE)
        page.goto(f"{live.url}/t/{mine['status_code']}")
        expect(page.locator("#state .break .label")).to_have_text("Loket")
        expect(page.locator("#state .break .value")).to_have_text("Sedang istirahat")
        expect(page.locator("#state .ahead .value")).to_have_text("Tidak ada")
        expect(page.locator("#state .estimate .value")).to_have_text("± 1 menit")
        expect(page.locator("#state .note")).to_contain_text("lama istirahat yang umum hari ini")


def close_the_day_after(web_server: LiveServer, ticket_id: int) -> str:
    """Make the ticket yesterday's (as if the hall closed with it still waiting), then
    run ``antre-server expire-day`` against the server's database, as an operator does
    (the server's own day-close job runs the same function every minute)."""
    with web_server.db.write() as session:
        ticket = session.get_one(Ticket, ticket_id)
        ticket.service_date -= dt.timedelta(days=1)
    done = subprocess.run(
        [sys.executable, "-m", "server.entry", "expire-day"],
        cwd=REPO,
        env=web_server.environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_ticket_left_open_at_day_close_says_it_is_no_longer_valid(
    web_server: LiveServer, new_page: NewPage
) -> None:
    ticket = web_server.device("kiosk").issue(web_server.hall.kk)
    assert "tickets expired" in close_the_day_after(web_server, ticket["id"])
    with web_server.db.read() as session:
        assert session.get_one(Ticket, ticket["id"]).state is TicketState.EXPIRED

    page = new_page(viewport=PHONE)
    page.goto(f"{web_server.url}/t/{ticket['status_code']}")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#state .headline")).to_have_text("Tidak berlaku lagi")
    expect(page.locator("#state .note")).to_contain_text("Hari layanan nomor ini sudah berakhir")
    expect(page.locator("#state .ahead")).to_have_count(0)  # no wait shown for it
