"""The visitor's own survey from the ticket page (``/t/<code>/survey``): offered once the
visit is done, for that ticket only, once; a second answer is refused in words."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import requests
from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import select

from server.domain.context import SYSTEM, Ctx
from server.domain.settings import load_settings
from server.domain.skm.questionnaire import Wording, add_extra_question
from server.models import SurveyExtraAnswer, SurveyResponse
from tests.e2e.live import LiveServer
from tests.web.conftest import NewPage

SMALL_PHONE: ViewportSize = {"width": 360, "height": 800}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def served(live: LiveServer, *, finish: bool = True) -> dict[str, Any]:
    """A Disdukcapil visitor called at Loket 1, and finished unless told otherwise."""
    ticket = live.device("kiosk").issue(live.hall.ktp)
    officer = live.officer("petugas.dk")
    officer.counter(live.hall.c1, "open")
    officer.counter(live.hall.c1, "next")
    if finish:
        officer.counter(live.hall.c1, "finish")
    return ticket


def answer_the_form(page: Page) -> None:
    for number in range(1, 10):
        page.locator(f"fieldset[data-key=U{number}] .level-{3 if number % 2 else 4}").click()
    page.locator("fieldset[data-key=profile] .pill", has_text="Laki-laki").click()
    page.fill("textarea[name=suggestion]", "Ruang tunggu <script>alert(1)</script> sejuk")


def test_the_page_offers_the_survey_when_the_visit_ends_and_a_phone_answers_it_once(
    web_server: LiveServer, new_page: NewPage
) -> None:
    ticket = served(web_server, finish=False)
    page = new_page(viewport=SMALL_PHONE)
    page.goto(f"{web_server.url}/t/{ticket['status_code']}")
    expect(page.locator("#state .headline")).to_have_text("Nomor Anda dipanggil")
    expect(page.locator("#survey-offer")).to_be_hidden()

    web_server.officer("petugas.dk").counter(web_server.hall.c1, "finish")

    expect(page.locator("#survey-offer")).to_be_visible()
    page.click("#survey-link")
    expect(page.locator("h1")).to_have_text("Nilai layanan kami")
    answer_the_form(page)
    page.click("#send")

    expect(page.locator("#survey-offer")).to_contain_text("Terima kasih atas penilaian Anda")
    with web_server.db.read() as session:
        stored = session.scalars(select(SurveyResponse)).one()
        assert (stored.channel, stored.u1, stored.u2, stored.gender) == (
            "ticket_page", 3, 4, "l",
        )  # fmt: skip
        assert stored.suggestion == "Ruang tunggu <script>alert(1)</script> sejuk"

    # the back button (the form is never cached): the survey says it is answered
    page.go_back()
    expect(page.locator("#survey-notice")).to_contain_text("Kunjungan ini sudah dinilai")
    with web_server.db.read() as session:
        assert len(session.scalars(select(SurveyResponse)).all()) == 1


def test_a_question_left_out_keeps_the_other_answers_and_says_so(
    web_server: LiveServer, new_page: NewPage
) -> None:
    ticket = served(web_server)
    page = new_page(viewport=SMALL_PHONE)
    page.goto(f"{web_server.url}/t/{ticket['status_code']}/survey?lang=en")
    answer_the_form(page)
    # a phone whose browser does not check required fields sends it without U5
    page.evaluate(
        "document.querySelectorAll('input[name=U5]').forEach(i => {"
        " i.checked = false; i.required = false; })"
    )
    page.click("#send")

    expect(page.locator("#form-error")).to_contain_text("A question is not answered yet")
    expect(page.locator("fieldset[data-key=U4] .level-4 input")).to_be_checked()
    expect(page.locator("fieldset[data-key=U1] legend")).to_contain_text("requirements")


def form_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=5)
    assert page.status_code == 200, page.text[:300]
    found = CSRF.search(page.text)
    assert found is not None
    return found.group(1)


def every_answer(csrf: str) -> dict[str, str]:
    return {"csrf_token": csrf, **{f"U{i}": "3" for i in range(1, 10)}}


def test_a_second_answer_for_the_same_ticket_is_refused_with_a_clear_message(
    web_server: LiveServer,
) -> None:
    ticket = served(web_server)
    url = f"{web_server.url}/t/{ticket['status_code']}/survey"
    phone = requests.Session()
    csrf = form_of(phone, url)

    first = phone.post(url, data=every_answer(csrf), timeout=5, allow_redirects=False)
    second = phone.post(url, data=every_answer(csrf), timeout=5, allow_redirects=False)

    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"/t/{ticket['status_code']}#survey-offer")
    assert second.status_code == 409
    assert "Kunjungan ini sudah dinilai" in second.text
    again = phone.get(url, timeout=5)
    assert again.status_code == 200 and "Kunjungan ini sudah dinilai" in again.text


def test_a_visit_not_yet_done_cannot_be_answered(web_server: LiveServer) -> None:
    done = served(web_server)
    ticket = served(web_server, finish=False)
    url = f"{web_server.url}/t/{ticket['status_code']}/survey"
    phone = requests.Session()
    csrf = form_of(phone, f"{web_server.url}/t/{done['status_code']}/survey")
    page = phone.get(url, timeout=5)
    assert page.status_code == 200 and "tidak lagi dibuka" in page.text

    sent = phone.post(url, data=every_answer(csrf), timeout=5, allow_redirects=False)

    assert sent.status_code == 409
    with web_server.db.read() as session:
        assert session.scalars(select(SurveyResponse)).first() is None


def test_unknown_and_malformed_codes_get_the_ticket_pages_not_found(
    web_server: LiveServer,
) -> None:
    for code in ("AAAAAAAAAAAAAAAA", "no", "%3Cscript%3E"):
        page = requests.get(f"{web_server.url}/t/{code}/survey", timeout=5)
        assert page.status_code == 404
        assert "Nomor antrean tidak ditemukan" in page.text


def test_a_form_without_its_session_is_refused_and_nothing_is_stored(
    web_server: LiveServer,
) -> None:
    ticket = served(web_server)
    url = f"{web_server.url}/t/{ticket['status_code']}/survey"

    sent = requests.post(url, data=every_answer("forged"), timeout=5, allow_redirects=False)

    assert sent.status_code == 400
    assert "terlalu lama terbuka" in sent.text
    with web_server.db.read() as session:
        assert session.scalars(select(SurveyResponse)).first() is None


def test_the_survey_address_is_logged_without_the_tickets_code(
    web_server: LiveServer,
) -> None:
    ticket = served(web_server)
    code = ticket["status_code"]
    assert requests.get(f"{web_server.url}/t/{code}/survey", timeout=5).status_code == 200

    # The request's log line is written as the answer leaves: give it a moment to land.
    deadline = time.monotonic() + 5
    while f"/t/{code[:4]}…/survey" not in (log := web_server.log_text()):
        assert time.monotonic() < deadline, log[-2000:]
        time.sleep(0.05)
    assert code not in log


def test_the_phone_asks_the_units_own_question_after_the_nine(web_server: LiveServer) -> None:
    with web_server.db.write() as session:
        ctx = Ctx(session, dt.datetime.now(dt.UTC), load_settings(session), SYSTEM)
        question = add_extra_question(
            ctx,
            Wording("Bagaimana kebersihan toilet?", ("Buruk", "Cukup", "Baik", "Sangat baik")),
            Wording("How clean were the toilets?", ("Poor", "Fair", "Good", "Very good")),
        )
        key = f"X{question.id}"
    ticket = served(web_server)
    url = f"{web_server.url}/t/{ticket['status_code']}/survey"
    phone = requests.Session()
    csrf = form_of(phone, url)
    assert "Bagaimana kebersihan toilet?" in phone.get(url, timeout=5).text

    sent = phone.post(url, data={**every_answer(csrf), key: "4"}, timeout=5, allow_redirects=False)

    assert sent.status_code == 303
    with web_server.db.read() as session:
        assert session.scalars(select(SurveyExtraAnswer.value)).one() == 4
