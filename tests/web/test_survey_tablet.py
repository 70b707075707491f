"""The counter's survey tablet in a real browser: idle, it turns to the survey of the visit
its counter finishes over REST, takes the visitor's answers and goes back to idle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.devices import register_device
from server.models import SurveyResponse
from tests.e2e.live import LiveServer, running_server
from tests.factories import Hall
from tests.web.conftest import NewPage

TABLET: ViewportSize = {"width": 1280, "height": 800}


def with_tablet(session: Session, hall: Hall) -> str:
    """A survey tablet at Loket 1; its token."""
    _, token = register_device(
        session, "tablet-loket-1", "survey", None, None, hall.c1, dt.datetime.now(dt.UTC)
    )
    return token


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path, prepare=with_tablet) as server:
        yield server


def open_tablet(live: LiveServer, page: Page) -> None:
    page.goto(f"{live.url}/survey/counter/{live.hall.c1}#token={live.extra}")
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator(".idle-thanks")).to_have_text("Terima kasih")
    # connected: the offline badge is gone once the socket is up
    expect(page.locator("#offline")).to_be_hidden()


def finish_a_visit(live: LiveServer) -> str:
    """A visitor issued at the kiosk, called and finished at Loket 1 over REST."""
    issued = live.device("kiosk").issue(live.hall.ktp)
    officer = live.officer("petugas.dk")
    officer.counter(live.hall.c1, "open")
    officer.counter(live.hall.c1, "next")
    officer.counter(live.hall.c1, "finish")
    return str(issued["number"])


def answer_every_question(page: Page, level: int) -> None:
    for number in range(1, 10):
        step = page.locator(f"fieldset[data-key=U{number}]")
        expect(step).to_be_visible()
        step.locator(f".level-{level}").click()


def test_the_tablet_asks_the_visit_its_counter_finished_and_returns_to_idle(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    open_tablet(live, page)
    assert "token" not in page.url

    number = finish_a_visit(live)

    expect(page.locator("#asking")).to_be_visible()
    expect(page.locator("#visit-number")).to_have_text(number)
    expect(page.locator("#progress")).to_have_text("1 dari 9")
    answer_every_question(page, 4)
    profile = page.locator("fieldset[data-key=profile]")
    expect(profile).to_be_visible()
    profile.locator(".pill", has_text="Perempuan").click()
    page.click("#next")
    page.fill("textarea[name=suggestion]", "Petugas ramah <b>sekali</b>")
    page.click("#send")

    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#idle")).to_be_visible(timeout=15_000)
    with live.db.read() as session:
        stored = session.scalars(select(SurveyResponse)).one()
        assert (stored.channel, stored.u1, stored.u9, stored.gender) == (
            "counter_tablet", 4, 4, "p",
        )  # fmt: skip
        assert stored.suggestion == "Petugas ramah <b>sekali</b>"


def test_the_visitor_switches_to_english_and_back_on_the_same_screen(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    open_tablet(live, page)
    finish_a_visit(live)
    expect(page.locator("#asking")).to_be_visible()
    question = page.locator("fieldset[data-key=U1] legend")
    expect(question).to_contain_text("persyaratan pelayanan")

    page.click("#lang-switch")

    expect(question).to_contain_text("requirements")
    expect(page.locator("#progress")).to_have_text("1 of 9")
    page.locator("fieldset[data-key=U1] .level-2").click()
    expect(page.locator("fieldset[data-key=U2]")).to_be_visible()
    page.click("#back")
    expect(page.locator("fieldset[data-key=U1] .level-2 input")).to_be_checked()


def test_a_visitor_who_walks_away_leaves_the_tablet_idle_and_is_not_asked_again(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    page.goto(f"{live.url}/survey/counter/{live.hall.c1}?idle_seconds=5#token={live.extra}")
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#offline")).to_be_hidden()
    finish_a_visit(live)
    expect(page.locator("#asking")).to_be_visible()
    page.locator("fieldset[data-key=U1] .level-3").click()

    expect(page.locator("#idle")).to_be_visible(timeout=12_000)
    # a reconnect asks the server again, which still offers that visit (10 minutes)
    live.stop()
    expect(page.locator("#offline")).to_be_visible(timeout=10_000)
    live.start()
    expect(page.locator("#offline")).to_be_hidden(timeout=20_000)
    page.wait_for_timeout(1000)
    expect(page.locator("#idle")).to_be_visible()
    with live.db.read() as session:
        assert session.scalars(select(SurveyResponse)).first() is None


def test_the_tablet_page_answers_an_unknown_counter_and_a_bad_timeout_clearly(
    live: LiveServer,
) -> None:
    assert requests.get(f"{live.url}/survey/counter/999", timeout=5).status_code == 404
    bad = requests.get(f"{live.url}/survey/counter/{live.hall.c1}?idle_seconds=1", timeout=5)
    assert bad.status_code == 422


def test_at_the_kiosk_page_a_visitor_types_their_number_and_answers(
    live: LiveServer, new_page: NewPage
) -> None:
    number = finish_a_visit(live)
    page = new_page(viewport=TABLET)
    page.goto(f"{live.url}/survey/kiosk#token={live.hall.tokens['kiosk']}")
    assert "token" not in page.url
    page.fill("#number-input", "ZZ-999")
    page.click(".number-go")
    expect(page.locator("#number-error")).to_contain_text("tidak ditemukan")

    page.fill("#number-input", number.lower())
    page.click(".number-go")

    expect(page.locator("#visit-number")).to_have_text(number)
    answer_every_question(page, 2)
    page.click("#skip")  # the profile
    page.click("#send")
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#number-form")).to_be_visible(timeout=15_000)
    page.fill("#number-input", number)
    page.click(".number-go")
    expect(page.locator("#number-error")).to_contain_text("sudah dinilai")
    with live.db.read() as session:
        stored = session.scalars(select(SurveyResponse)).one()
        assert (stored.channel, stored.u3) == ("kiosk", 2)


def test_the_kiosk_page_switches_to_english_for_one_visitor_and_back_for_the_next(
    live: LiveServer, new_page: NewPage
) -> None:
    number = finish_a_visit(live)
    page = new_page(viewport=TABLET)
    page.goto(f"{live.url}/survey/kiosk#token={live.hall.tokens['kiosk']}")
    start = page.locator(".number-go")
    expect(start.locator(".l-id")).to_be_visible()
    expect(start.locator(".l-en")).to_be_hidden()

    page.click("#idle-lang")
    expect(start.locator(".l-en")).to_have_text("Start the survey")
    expect(start.locator(".l-en")).to_be_visible()
    expect(start.locator(".l-id")).to_be_hidden()
    page.fill("#number-input", "ZZ-999")
    page.click(".number-go")
    expect(page.locator("#number-error")).to_contain_text("not in today")
    page.fill("#number-input", number)
    page.click(".number-go")

    expect(page.locator("fieldset[data-key=U1] legend")).to_contain_text("requirements")
    answer_every_question(page, 3)
    expect(page.locator("#skip .l-en")).to_be_visible()
    page.click("#skip")  # the profile: optional
    page.click("#send")
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#number-form")).to_be_visible(timeout=15_000)
    expect(start.locator(".l-id")).to_be_visible()
    with live.db.read() as session:
        stored = session.scalars(select(SurveyResponse)).one()
        assert (stored.channel, stored.language, stored.gender) == ("kiosk", "en", None)


def test_next_which_finishes_and_calls_at_once_leaves_the_served_visitor_their_survey(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    open_tablet(live, page)
    kiosk = live.device("kiosk")
    served, following = kiosk.issue(live.hall.ktp), kiosk.issue(live.hall.ktp)
    officer = live.officer("petugas.dk")
    officer.counter(live.hall.c1, "open")
    officer.counter(live.hall.c1, "next")

    called = officer.counter(live.hall.c1, "next")  # finishes the first, calls the second

    assert called["ticket"]["number"] == following["number"]
    expect(page.locator("#visit-number")).to_have_text(served["number"])
    page.wait_for_timeout(1500)  # the call came with the finish: the survey stays
    expect(page.locator("#asking")).to_be_visible()


def test_a_later_call_at_the_counter_ends_an_untouched_survey(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    open_tablet(live, page)
    finish_a_visit(live)
    live.device("kiosk").issue(live.hall.ktp)
    expect(page.locator("#asking")).to_be_visible()

    # The survey's grace for a call (CALL_GRACE_MS in survey_tablet.js: 20 s) passes
    # with nobody touching it (the tablet's clock moved on 21 s); then the officer calls
    # the next visitor.
    page.clock.set_system_time(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=21))
    live.officer("petugas.dk").counter(live.hall.c1, "next")

    expect(page.locator("#idle")).to_be_visible()


def test_a_tablet_whose_clock_is_an_hour_fast_still_asks(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    page.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    open_tablet(live, page)

    number = finish_a_visit(live)

    expect(page.locator("#visit-number")).to_have_text(number)
    page.wait_for_timeout(1500)  # by its own clock the visit closed 50 minutes ago
    expect(page.locator("#asking")).to_be_visible()


def test_a_tablet_without_a_token_asks_for_one_and_refuses_a_wrong_one(
    live: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TABLET)
    page.goto(f"{live.url}/survey/counter/{live.hall.c1}")
    expect(page.locator("#setup h1")).to_have_text("Tablet survei · Loket 1")
    page.fill("#setup-token", "not-a-token")
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup-error")).to_contain_text("Token tidak diterima")
    page.fill("#setup-token", str(live.extra))
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup")).to_be_hidden()
    expect(page.locator("#idle")).to_be_visible()
    page.reload()  # kept in this browser
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#setup")).to_be_hidden()
