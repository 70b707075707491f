"""The survey report page, its CSV, XLSX and printable publication, in-process: each shows
the IKM a hand count of the raw answers gives, the same as ``GET /api/v1/reports/skm``;
no page or file says who answered what; a suggestion is marked handled with an escaped
reply, by its agency's staff only."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from server.domain.context import SYSTEM, Ctx
from server.domain.settings import load_settings
from server.domain.skm.responses import Answers, Channel, submit
from server.domain.users import create_user
from server.models import Agency, SurveyResponse, Ticket, TicketState
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import PASSWORD, Hall
from tests.server.api.responses import ok
from tests.server.api.test_skm_reports_api import serve
from tests.web.console_login import FORM_SECRET, client_session, secret

MIX = [
    [4, 3, 2, 4, 3, 4, 4, 3, 3],
    [3, 3, 2, 4, 3, 3, 4, 2, 3],
    [4, 4, 3, 4, 3, 4, 4, 3, 2],
]


def threes_and_fours(respondents: int, total: int) -> list[list[int]]:
    """``respondents`` answer sheets of 3s summing to ``total``: the first answers, sheet
    by sheet, raised to 4 until the sum is reached."""
    fours = total - 27 * respondents
    return [[4 if 9 * r + e < fours else 3 for e in range(9)] for r in range(respondents)]


# Each case: the answers, then the hand count: the IKM on 25..100 to 2 decimals, its
# grade, and U1's NRR to 4 decimals.
CASES = {
    # 4 × 9 × 1/9 × 25: the regulation's 0.111 would give 99.9.
    "all_fours": ([[4] * 9] * 3, "100.00", "A", "4.0000"),
    "all_ones": ([[1] * 9] * 3, "25.00", "D", "1.0000"),
    # (3 × 27 + 2 × 18) ÷ 45 = 2.6 exactly: the lower bound of C on both scales.
    "on_the_c_border": ([[3] * 9] * 3 + [[2] * 9] * 2, "65.00", "C", "2.6000"),
    # sums 11 10 7 12 9 11 12 8 8 = 88 over 27 answers: 25 × 88 ÷ 27 = 81.4814… → 81.48.
    "a_mix": (MIX, "81.48", "B", "3.6667"),
    # 25 × 763 ÷ (9 × 24) = 88.3101…: 88.31, the lowest A; U1 (13 × 4 + 11 × 3) ÷ 24.
    "on_the_a_border": (threes_and_fours(24, 763), "88.31", "A", "3.5417"),
    # 25 × 604 ÷ 171 = 88.3040…: 88.30, the highest B; U1 (11 × 4 + 8 × 3) ÷ 19.
    "just_under_a": (threes_and_fours(19, 604), "88.30", "B", "3.5789"),
    # 25 × 524 ÷ 171 = 76.6081…: 76.61, the lowest B; U1 (2 × 4 + 17 × 3) ÷ 19.
    "on_the_b_border": (threes_and_fours(19, 524), "76.61", "B", "3.1053"),
}


def answer(app: Flask, clock: FakeClock, given: list[list[int]], suggestion: str | None) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        done = session.scalars(
            select(Ticket).where(Ticket.state == TicketState.DONE).order_by(Ticket.id)
        ).all()
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        for i, (ticket, values) in enumerate(zip(done, given, strict=False)):
            answers = Answers(
                elements={f"U{n + 1}": v for n, v in enumerate(values)},
                profile={"gender": "p" if i % 2 else "l"},
                suggestion=suggestion if i == 0 else None,
            )
            submit(ctx, ticket, Channel.TICKET_PAGE, answers)


def csv_rows(client: FlaskClient, query: str) -> list[list[str]]:
    answer_ = client.get(f"/reports/skm.csv?{query}")
    assert answer_.status_code == 200
    text = answer_.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(client: FlaskClient, query: str, sheet: str = "IKM") -> list[tuple[Any, ...]]:
    answer_ = client.get(f"/reports/skm.xlsx?{query}")
    assert answer_.status_code == 200
    book = load_workbook(io.BytesIO(answer_.get_data()))
    return list(book[sheet].iter_rows(values_only=True))


def page_cell(html: str, key: str) -> str:
    found = re.search(rf'data-kpi="{key}">([^<]*)<', html)
    assert found is not None
    return found.group(1).strip()


@pytest.mark.parametrize("case", CASES)
def test_page_api_csv_and_xlsx_show_the_hand_count(
    app: Flask, api: Api, hall: Hall, clock: FakeClock, case: str
) -> None:
    given, ikm, grade, u1 = CASES[case]
    serve(api, hall.c1, hall.ktp, len(given), "petugas.dk")
    answer(app, clock, given, None)
    admin = client_session(app, "admin")
    query = "group=agency"

    body = ok(api.as_user("admin").get(f"/api/v1/reports/skm?{query}"))
    html = admin.get(f"/reports/skm?{query}").get_data(as_text=True)
    table = csv_rows(admin, query)
    sheet = xlsx_rows(admin, query)

    assert (f"{body['total']['index']['ikm']:.2f}", body["total"]["index"]["grade"]) == (ikm, grade)
    assert f"{body['total']['index']['elements'][0]['nrr']:.4f}" == u1
    assert page_cell(html, "ikm") == ikm.replace(".", ",")
    assert page_cell(html, "grade") == grade
    assert page_cell(html, "respondents") == str(len(given))
    header, total = table[0], table[-1]
    assert total[header.index("IKM")] == ikm and total[header.index("U1")] == u1
    assert total[header.index("Mutu")] == grade
    top = next(i for i, row in enumerate(sheet) if row[0] == "Instansi")
    xheader, xtotal = sheet[top], sheet[-1]
    assert f"{xtotal[xheader.index('IKM')]:.2f}" == ikm
    assert f"{xtotal[xheader.index('U1')]:.4f}" == u1
    assert xtotal[xheader.index("Mutu")] == grade
    publication = admin.get(f"/reports/skm/publikasi?{query}").get_data(as_text=True)
    assert f'data-pub="ikm">{ikm.replace(".", ",")}<' in publication
    assert f'data-pub="grade">{grade}<' in publication


def test_a_period_below_its_minimum_sample_is_flagged_on_the_page_api_files_and_publication(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    # Four served, three answered: Krejcie–Morgan asks all four of a population of 4.
    serve(api, hall.c1, hall.ktp, 4, "petugas.dk")
    answer(app, clock, MIX, None)
    admin = client_session(app, "admin")
    query = "group=agency"

    total = ok(api.as_user("admin").get(f"/api/v1/reports/skm?{query}"))["total"]
    html = admin.get(f"/reports/skm?{query}").get_data(as_text=True)
    header, *_, last = csv_rows(admin, query)
    sheet = xlsx_rows(admin, query)
    top = next(i for i, row in enumerate(sheet) if row[0] == "Instansi")
    publication = admin.get(f"/reports/skm/publikasi?{query}").get_data(as_text=True)

    assert (total["respondents"], total["population"], total["minimum_sample"]) == (3, 4, 4)
    assert total["below_sample"] is True
    assert "di bawah sampel" in html.split('data-kpi="respondents"', 1)[1].split("</div>", 1)[0]
    assert [last[header.index(h)] for h in ("Sampel minimum", "Di bawah sampel")] == ["4", "ya"]
    xheader, xtotal = sheet[top], sheet[-1]
    assert (xtotal[xheader.index("Sampel minimum")], xtotal[xheader.index("Di bawah sampel")]) == (
        4,
        "ya",
    )
    assert "di bawah sampel minimum" in publication


def test_the_mix_names_its_lowest_elements_what_to_improve(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    serve(api, hall.c1, hall.ktp, 3, "petugas.dk")
    answer(app, clock, MIX, None)
    html = client_session(app, "admin").get("/reports/skm").get_data(as_text=True)

    # U3 2.3333, then U8 and U9 2.6667 in the Lampiran's order.
    assert re.findall(r'data-lowest="(U\d)"', html) == ["U3", "U8", "U9"]
    assert 'class="lowest" data-element="U3"' in html
    # Three respondents, as many as the Krejcie–Morgan table asks for 3 served.
    element = ok(api.as_user("admin").get("/api/v1/reports/skm"))["total"]
    assert element["below_sample"] is False and element["minimum_sample"] == 3


@pytest.fixture
def with_suggestion(app: Flask, api: Api, hall: Hall, clock: FakeClock) -> None:
    serve(api, hall.c1, hall.ktp, 3, "petugas.dk")
    answer(app, clock, MIX, "<script>alert(1)</script> Antrean lama, AC mati")


def test_no_staff_page_or_file_tells_who_answered_what(
    app: Flask, api: Api, with_suggestion: None
) -> None:
    admin = client_session(app, "admin")
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        numbers = [t.number for t in session.scalars(select(Ticket))]
    html = admin.get("/reports/skm?group=officer").get_data(as_text=True)
    counter = admin.get("/reports/skm?group=counter").get_data(as_text=True)
    files = csv_rows(admin, "group=counter"), xlsx_rows(admin, "group=counter")

    for text in (html, counter, str(files)):
        for number in numbers:
            assert number not in text
    # The suggestion is shown escaped and without the ticket, counter, officer or time.
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Antrean lama" in html
    suggestion = html.split('id="suggestions"', 1)[1].split("</section>", 1)[0]
    assert "Loket" not in suggestion and "Petugas" not in suggestion
    assert not re.search(r"\b\d{2}[:.]\d{2}\b", suggestion)
    assert "Antrean lama" not in str(files)
    # Nor does the publication or the API: they count suggestions, never quote one.
    publication = admin.get("/reports/skm/publikasi?group=officer").get_data(as_text=True)
    answer_ = ok(api.as_user("sup.dk").get("/api/v1/reports/skm?group=officer"))
    assert answer_["suggestions"] == 1
    assert "Antrean lama" not in publication and "Antrean lama" not in str(answer_)


def test_a_counter_under_three_respondents_shows_its_count_only(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    serve(api, hall.c1, hall.ktp, 2, "petugas.dk")
    answer(app, clock, MIX[:2], None)
    admin = client_session(app, "admin")

    html = admin.get("/reports/skm?group=counter").get_data(as_text=True)
    row = next(r for r in csv_rows(admin, "group=counter") if r[0] == "Loket 1")

    assert "disembunyikan: kurang dari 3 responden" in html
    assert row[1] == "2" and row[5:] == [""] * 11


def _handle(client: FlaskClient, suggestion_id: int, reply: str) -> Any:
    page = client.get("/reports/skm").get_data(as_text=True)
    return client.post(
        f"/reports/skm/suggestions/{suggestion_id}/handled",
        data={"reply": reply, "csrf_token": secret(FORM_SECRET, page), "back": "group=agency"},
    )


def _suggestion_id(app: Flask) -> int:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        found = session.scalar(select(SurveyResponse.id).where(SurveyResponse.had_suggestion))
    assert found is not None
    return found


def test_staff_mark_a_suggestion_handled_with_an_escaped_reply(
    app: Flask, with_suggestion: None
) -> None:
    supervisor = client_session(app, "sup.dk")

    answer_ = _handle(supervisor, _suggestion_id(app), "<b>AC</b> sudah diperbaiki")
    html = supervisor.get("/reports/skm").get_data(as_text=True)

    assert answer_.status_code == 302 and answer_.headers["Location"].endswith(
        "/reports/skm?group=agency#suggestions"
    )
    assert "&lt;b&gt;AC&lt;/b&gt; sudah diperbaiki" in html and "<b>AC</b>" not in html
    assert "ditangani</span>" in html


def test_a_handled_mark_needs_a_reply_and_the_csrf_secret(
    app: Flask, with_suggestion: None
) -> None:
    admin = client_session(app, "admin")
    suggestion = _suggestion_id(app)

    empty = _handle(admin, suggestion, "   ")
    forged = admin.post(f"/reports/skm/suggestions/{suggestion}/handled", data={"reply": "x"})

    assert empty.status_code == 302 and forged.status_code in (400, 403)
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        assert session.get(SurveyResponse, suggestion).handled_at is None  # type: ignore[union-attr]


def test_another_agencys_supervisor_cannot_handle_or_read_it(
    app: Flask, with_suggestion: None
) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        create_user(session, "sup.sm", PASSWORD, "supervisor", "SM")
    other = client_session(app, "sup.sm")

    refused = _handle(other, _suggestion_id(app), "bukan urusan saya")
    html = other.get("/reports/skm").get_data(as_text=True)
    asked = other.get("/reports/skm?agency=DK")

    assert refused.status_code == 403
    assert "Antrean lama" not in html
    assert asked.status_code == 403


@pytest.mark.parametrize(
    "query", ["period=week", "period=month&month=2026-13", "group=desk", "agency=XX"]
)
def test_a_bad_request_is_a_4xx_on_the_page(app: Flask, hall: Hall, query: str) -> None:
    admin = client_session(app, "admin")

    assert admin.get(f"/reports/skm?{query}").status_code == 422
    assert admin.get(f"/reports/skm.csv?{query}").status_code in (400, 422)


def test_a_name_that_looks_like_a_formula_stays_text_in_both_files(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    serve(api, hall.c1, hall.ktp, 3, "petugas.dk")
    answer(app, clock, MIX, None)
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        agency = session.get(Agency, hall.dk)
        assert agency is not None
        agency.short_name = '=HYPERLINK("http://x","y")'
    admin = client_session(app, "admin")

    row = csv_rows(admin, "group=agency")[1]
    answer_ = admin.get("/reports/skm.xlsx?group=agency")
    sheet = load_workbook(io.BytesIO(answer_.get_data()))["IKM"]
    cell = next(c for c in sheet["A"] if str(c.value).startswith("=HYPERLINK"))

    assert row[0] == '\'=HYPERLINK("http://x","y")'
    assert cell.data_type == "s"


def test_a_period_without_answers_and_the_english_page_read_clearly(app: Flask, hall: Hall) -> None:
    admin = client_session(app, "admin")

    empty = admin.get("/reports/skm?period=year&year=2020").get_data(as_text=True)
    english = admin.get("/reports/skm?lang=en&group=service")
    publication = admin.get("/reports/skm/publikasi?period=year&year=2020&lang=en")
    questionnaire = admin.get("/admin/survey?lang=en")

    assert 'data-kpi="ikm">—<' in empty and "Tidak ada saran" in empty
    assert english.status_code == 200 and "What to improve" not in english.get_data(as_text=True)
    assert "Survey report" in english.get_data(as_text=True)
    assert "No respondents in this period." in publication.get_data(as_text=True)
    assert "Back to the regulation" not in questionnaire.get_data(as_text=True)
    assert "regulation&#39;s wording" in questionnaire.get_data(as_text=True)
