"""The anonymity floor resists subtraction: a counter withheld for its single respondent
cannot be worked out as its agency's row minus the agency's other counters, on the API,
the CSV or the page; when the withheld rows already hold 3 respondents, nothing more is
withheld. The same holds for the hours against the total."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.models import Counter, CounterState, SurveyResponse, User
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import ok
from tests.web.console_login import client_session
from tests.web.test_skm_report_http import csv_rows

SKM = "/api/v1/reports/skm"
LONE = [1, 2, 1, 2, 1, 2, 1, 2, 1]  # the one visitor at Loket 5


def seed(app: Flask, hall: Hall, clock: FakeClock, at_loket_2: int) -> None:
    """Disdukcapil with three counters: Loket 1 with four respondents (all 4s), Loket 2
    with ``at_loket_2`` (all 3s), a new Loket 5 with one (``LONE``); every response at
    10.00 but the lone one, at 14.00."""
    state: AppState = app.extensions["antre"]
    now = clock()
    with state.db.write() as session:
        c5 = Counter(
            agency_id=hall.dk,
            zone_id=hall.zone_a,
            label="Loket 5",
            position=5,
            active=True,
            state=CounterState.CLOSED,
            calls_since_priority=0,
        )
        session.add(c5)
        session.flush()
        officer = session.scalar(select(User.id).where(User.username == "petugas.dk"))
        given = [(hall.c1, [4] * 9, 10)] * 4 + [(hall.c2, [3] * 9, 10)] * at_loket_2
        for counter_id, values, hour in [*given, (c5.id, LONE, 14)]:
            session.add(
                SurveyResponse(
                    service_date=now.date(),
                    answered_at=now,
                    channel="ticket_page",
                    agency_id=hall.dk,
                    service_id=hall.kk,
                    counter_id=counter_id,
                    officer_id=officer,
                    target_wait_minutes=15,
                    visit_hour=hour,
                    **{f"u{i + 1}": v for i, v in enumerate(values)},
                )
            )


def sums(respondents: int, nrr: list[Any]) -> list[Fraction]:
    """A row's sum per element, as a supervisor would work it out from the NRR shown."""
    return [Fraction(str(v)) * respondents for v in nrr]


def api_rows(api: Api, group: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    body = ok(api.as_user("admin").get(f"{SKM}?group={group}"))
    return body, {r["label"]: r for r in body["rows"]}


def nrr(row: dict[str, Any]) -> list[Any]:
    return [e["nrr"] for e in row["index"]["elements"]]


def test_a_lone_counter_cannot_be_worked_out_from_its_agency_on_the_api(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    seed(app, hall, clock, at_loket_2=3)
    _, agencies = api_rows(api, "agency")
    _, counters = api_rows(api, "counter")
    agency = agencies["Disdukcapil"]

    # The subtraction: the agency's sums minus those of every counter shown.
    shown = [r for r in counters.values() if r["index"] is not None]
    left = sums(agency["respondents"], nrr(agency))
    for row in shown:
        left = [a - b for a, b in zip(left, sums(row["respondents"], nrr(row)), strict=True)]
    left_over = agency["respondents"] - sum(r["respondents"] for r in shown)

    assert counters["Loket 5"]["suppressed"] and counters["Loket 5"]["respondents"] == 1
    # Loket 2, the smallest shown, is withheld with it: what is left is four visitors.
    assert counters["Loket 2"]["suppressed"] and counters["Loket 2"]["index"] is None
    assert left_over == 4 and left != LONE
    assert left == [3 * 3 + v for v in LONE]  # Loket 2 and Loket 5 together, not one
    assert counters["Loket 1"]["index"]["ikm"] == 100.0


def test_the_csv_and_the_page_withhold_the_same_second_counter(
    app: Flask, hall: Hall, clock: FakeClock
) -> None:
    seed(app, hall, clock, at_loket_2=3)
    admin = client_session(app, "admin")

    *parts, total = csv_rows(admin, "group=counter")[1:]
    html = admin.get("/reports/skm?group=counter").get_data(as_text=True)

    # The subtraction on the file: the total minus every counter with its NRR given.
    shown = [r for r in parts if r[5] != ""]
    left = [Fraction(v) * int(total[1]) for v in total[5:14]]
    for row in shown:
        left = [a - Fraction(v) * int(row[1]) for a, v in zip(left, row[5:14], strict=True)]
    left_over = int(total[1]) - sum(int(r[1]) for r in shown)

    assert [r[0] for r in shown] == ["Loket 1"]
    assert left_over == 4 and [round(v) for v in left] != LONE
    assert "disembunyikan: agar baris lain tidak dapat dihitung" in html
    assert "disembunyikan: kurang dari 3 responden" in html


def test_the_hours_cannot_be_subtracted_from_the_total(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    seed(app, hall, clock, at_loket_2=3)
    body, _ = api_rows(api, "counter")

    hours = {r["label"]: r for r in body["by_hour"]}

    # The total minus 10.00 would be 14.00's lone visitor: so 10.00 is withheld as well.
    assert hours["14:00"]["suppressed"] and hours["10:00"]["suppressed"]
    assert body["total"]["index"] is not None  # the unit's figure, published by design


def test_nothing_more_is_withheld_when_the_withheld_rows_hold_three(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    seed(app, hall, clock, at_loket_2=2)
    _, counters = api_rows(api, "counter")

    assert counters["Loket 2"]["suppressed"] and counters["Loket 5"]["suppressed"]
    assert counters["Loket 1"]["index"]["ikm"] == 100.0  # 2 + 1 withheld: nothing more


def wait(app: Flask, counter_id: int, seconds: int | None) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        for response in session.scalars(
            select(SurveyResponse).where(SurveyResponse.counter_id == counter_id)
        ):
            response.wait_seconds = seconds


def lone_counter(app: Flask) -> int:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        found = session.scalar(select(Counter.id).where(Counter.label == "Loket 5"))
        assert found is not None
        return found


@pytest.mark.parametrize(("loket_2_wait", "within_shown"), [(60, False), (None, True)])
def test_the_wait_bands_cannot_be_subtracted_from_the_total(
    app: Flask,
    api: Api,
    hall: Hall,
    clock: FakeClock,
    loket_2_wait: int | None,
    within_shown: bool,
) -> None:
    """The lone visitor waited over the target, everyone else within it; with Loket 2's
    waits unknown those three are in neither band, and already hide the lone one."""
    seed(app, hall, clock, at_loket_2=3)
    wait(app, hall.c1, 60)
    wait(app, hall.c2, loket_2_wait)
    wait(app, lone_counter(app), 30 * 60)

    body, _ = api_rows(api, "counter")
    over, within = body["over_target"], body["within_target"]

    assert (over["respondents"], over["suppressed"]) == (1, True)
    assert (within["index"] is not None) is within_shown
