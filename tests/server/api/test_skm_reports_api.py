"""GET /api/v1/reports/skm: the survey's figures as JSON, equal to a hand count of the
answers given, for admins and (their own agency only) supervisors, aggregates only."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from server.domain.context import SYSTEM, Ctx
from server.domain.settings import load_settings
from server.domain.skm.responses import Answers, Channel, submit
from server.models import Ticket, TicketState
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok
from tests.server.test_openapi import DOCUMENT_URL, DocumentedAnswers

SKM = "/api/v1/reports/skm"


def serve(api: Api, counter_id: int, service_id: int, visitors: int, officer_name: str) -> None:
    officer = api.as_user(officer_name)
    assert officer.counter(counter_id, "open").status_code == 200
    kiosk = api.as_device("kiosk")
    for _ in range(visitors):
        kiosk.issue(service_id)
        assert officer.counter(counter_id, "next").status_code == 200
        assert officer.counter(counter_id, "finish").status_code == 200


@pytest.fixture
def answered(app: Flask, api: Api, hall: Hall, clock: FakeClock) -> None:
    """Four Disdukcapil visitors served at Loket 1, three of whom answered (all 4s, all
    4s, all 3s), and one Samsat visitor at Loket 3 who answered all 1s with a suggestion."""
    serve(api, hall.c1, hall.ktp, 4, "petugas.dk")
    serve(api, hall.c3, hall.pkb, 1, "petugas.sm")
    given = [[4] * 9, [4] * 9, [3] * 9, None, [1] * 9]
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        done = session.scalars(
            select(Ticket).where(Ticket.state == TicketState.DONE).order_by(Ticket.id)
        ).all()
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        for ticket, values in zip(done, given, strict=True):
            if values is None:
                continue
            answers = Answers(
                elements={f"U{i + 1}": v for i, v in enumerate(values)},
                suggestion="Ruang tunggu panas" if values[0] == 1 else None,
            )
            submit(ctx, ticket, Channel.TICKET_PAGE, answers)


def rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["label"]: row for row in body["rows"]}


def test_an_admin_gets_the_hand_count(api: Api, answered: None) -> None:
    body = ok(api.as_user("admin").get(f"{SKM}?group=agency"))

    dk, sm = rows(body)["Disdukcapil"], rows(body)["Samsat"]
    # Disdukcapil: every element (4 + 4 + 3) / 3 = 3.6667; × 9 × 1/9 × 25 = 91.67, A.
    assert (dk["respondents"], dk["population"], dk["minimum_sample"]) == (3, 4, 4)
    assert dk["below_sample"] and not dk["suppressed"]
    assert [e["nrr"] for e in dk["index"]["elements"]] == [3.6667] * 9
    assert (dk["index"]["ikm"], dk["index"]["grade"], dk["index"]["grade_id"]) == (
        91.67,
        "A",
        "Sangat Baik",
    )
    assert (sm["index"]["ikm"], sm["index"]["grade"]) == (25.0, "D")
    # The hall: every element (11 + 1) / 4 = 3.00; × 25 = 75.00, C.
    total = body["total"]
    assert (total["respondents"], total["population"]) == (4, 5)
    assert (total["index"]["weighted"], total["index"]["ikm"], total["index"]["grade"]) == (
        3.0,
        75.0,
        "C",
    )
    assert [e["code"] for e in total["index"]["elements"]] == [f"U{i}" for i in range(1, 10)]
    assert total["index"]["elements"][7]["name_id"] == "Sarana dan prasarana"
    assert body["regulation"] == "PermenPANRB No. 14 Tahun 2017"
    assert body["suggestions"] == 1
    assert "Ruang tunggu panas" not in str(body)  # the text is the page's, not the API's
    assert body["profile"]["gender"] == [
        {"value": "l", "count": 0},
        {"value": "p", "count": 0},
        {"value": None, "count": 4},
    ]


def test_a_counter_with_fewer_than_three_respondents_shows_no_index(
    api: Api, answered: None
) -> None:
    body = ok(api.as_user("admin").get(f"{SKM}?group=counter"))

    assert rows(body)["Loket 1"]["index"]["ikm"] == 91.67
    lone = rows(body)["Loket 3"]
    assert (lone["respondents"], lone["suppressed"], lone["index"]) == (1, True, None)
    assert body["anonymity_floor"] == 3


def test_periods_are_a_day_month_semester_or_year(
    api: Api, answered: None, clock: FakeClock
) -> None:
    admin = api.as_user("admin")
    today = clock().astimezone(ZoneInfo("Asia/Jakarta")).date()
    half = "S1" if today.month <= 6 else "S2"

    for query in (
        f"period=day&date={today.isoformat()}",
        f"period=month&month={today:%Y-%m}",
        f"period=semester&semester={today.year}-{half}",
        f"period=year&year={today.year}",
    ):
        assert ok(admin.get(f"{SKM}?{query}"))["total"]["respondents"] == 4, query
    last_year = ok(admin.get(f"{SKM}?period=year&year={today.year - 1}"))
    assert last_year["total"]["respondents"] == 0 and last_year["total"]["index"] is None
    assert last_year["period"]["kind"] == "year"


@pytest.mark.parametrize(
    "query", ["period=week", "period=month&month=2026-13", "period=semester&semester=2026-S3"]
)
def test_a_period_that_is_not_one_is_a_422_naming_it(api: Api, query: str) -> None:
    error = assert_error(api.as_user("admin").get(f"{SKM}?{query}"), 422, "validation_error")
    assert error["details"] == {"field": "period"}


def test_a_supervisor_gets_their_own_agency_and_officers_nothing(api: Api, answered: None) -> None:
    own = ok(api.as_user("sup.dk").get(f"{SKM}?group=service"))

    assert own["agency"] == {"code": "DK", "short_name": "Disdukcapil"}
    assert own["total"]["respondents"] == 3
    assert_error(api.as_user("sup.dk").get(f"{SKM}?agency=SM"), 403, "forbidden")
    assert_error(api.as_user("petugas.dk").get(SKM), 403, "forbidden")
    assert_error(api.client.get(SKM), 401, "unauthenticated")


def test_the_answer_is_the_documented_skm_report(app: Flask, api: Api, answered: None) -> None:
    documented = DocumentedAnswers(app, api.client.get(DOCUMENT_URL).get_json())
    admin = api.as_user("admin")

    for group in ("agency", "service", "counter", "officer"):
        documented.check(admin.get(f"{SKM}?group={group}"))
    documented.check(admin.get(f"{SKM}?period=year&year=2020"))
    documented.check(admin.get(f"{SKM}?period=week"))
    documented.check(api.as_user("sup.dk").get(SKM))
    documented.check(api.as_user("petugas.dk").get(SKM))
    documented.check(api.client.get(SKM))
