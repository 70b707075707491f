"""GET /api/v1/reports: the reports page's figures as JSON, for admins and, limited to
their own agency, supervisors; the hand-counted seeded day, the page's own numbers, and a
clear 422 naming the field for anything a program gets wrong."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask

from server.domain.reports import Figures
from server.report_requests import DEFINITIONS
from server.web.exports import COLUMNS
from tests.conftest import Api
from tests.server.api.responses import assert_error, ok
from tests.server.domain.test_reports import DK, HALL, KK, KTP, MIN, PKB
from tests.server.test_openapi import DOCUMENT_URL, DocumentedAnswers
from tests.web.console_login import client_session
from tests.web.test_reports_exports import figures_of, folded_rows, page_table
from tests.web.test_reports_exports import seeded as seeded  # a fixture, used by name

REPORTS = "/api/v1/reports"
DAY = "period=day&date=2026-11-30"


def figures_by_label(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["label"]: row["figures"] for row in body["rows"]}


# --- the figures ----------------------------------------------------------------------


def test_an_admin_gets_the_hand_count_of_the_seeded_day(api: Api, seeded: None) -> None:
    body = ok(api.as_user("admin").get(f"{REPORTS}?{DAY}&group=service"))

    assert figures_by_label(body) == {
        "Perekaman KTP-el": dataclasses.asdict(KTP),
        "Perubahan KK": dataclasses.asdict(KK),
        "Pajak kendaraan tahunan": dataclasses.asdict(PKB),
    }
    assert body["total"] == dataclasses.asdict(HALL)
    assert body["total"]["p90_wait"] == 28 * MIN  # seconds, unrounded
    assert body["period"] == {"kind": "day", "first": "2026-11-30", "last": "2026-11-30"}
    assert (body["group"], body["agency"], body["timezone"]) == ("service", None, "Asia/Jakarta")
    assert {h["hour"]: h["arrivals"] for h in body["by_hour"] if h["arrivals"]} == {8: 9, 9: 1}
    assert {h["hour"]: h["served"] for h in body["by_hour"] if h["served"]} == {8: 4, 9: 4}
    assert body["by_day"] == [{"date": "2026-11-30", "issued": 10, "served": 8}]
    assert body["definitions"]["id"] == [indonesian for indonesian, _ in DEFINITIONS]
    assert body["definitions"]["en"][2].startswith("P90 = nearest rank")


@pytest.mark.parametrize("group", ["agency", "service", "counter", "officer"])
def test_the_figures_are_the_page_s_once_rounded_as_the_page_rounds(
    app: Flask, api: Api, seeded: None, group: str
) -> None:
    query = f"{DAY}&group={group}"
    html = client_session(app, "admin").get(f"/reports?{query}").get_data(as_text=True)
    page = page_table(html)
    body = ok(api.as_user("admin").get(f"{REPORTS}?{query}"))

    shown = [c for c in COLUMNS if not c.counters_only or group == "counter"]
    if not body["rows_count_issued"]:
        shown = [c for c in shown if not c.lines_only]

    def rounded(figures: dict[str, Any]) -> list[float | None]:
        values = (c.value(Figures(**figures)) for c in shown)
        return [None if v is None else float(v) for v in values]

    from_api = [(row["label"], rounded(row["figures"])) for row in body["rows"]]
    # The page folds the rows without activity away (Loket 4 by counter); the API has all.
    assert figures_of(page)[:-1] == [row for row in from_api if any(row[1])]
    assert folded_rows(html) == [label for label, figures in from_api if not any(figures)]
    assert figures_of(page)[-1][1] == rounded(body["total"])
    assert body["rows_count_issued"] == (group in ("agency", "service"))


def test_a_month_lists_every_day_and_a_range_its_own(api: Api, seeded: None) -> None:
    admin = api.as_user("admin")

    month = ok(admin.get(f"{REPORTS}?period=month&month=2026-11"))
    weekend = ok(admin.get(f"{REPORTS}?period=range&from=2026-11-28&to=2026-11-30&group=agency"))

    assert len(month["by_day"]) == 30 and month["by_day"][-1]["issued"] == 10
    assert month["period"] == {"kind": "month", "first": "2026-11-01", "last": "2026-11-30"}
    assert [d["issued"] for d in weekend["by_day"]] == [0, 0, 10]
    assert figures_by_label(weekend) == {
        "Disdukcapil": dataclasses.asdict(DK),
        "Samsat": dataclasses.asdict(PKB),
    }


def test_the_answer_is_the_documented_report(app: Flask, api: Api, seeded: None) -> None:
    document = api.client.get(DOCUMENT_URL).get_json()
    documented = DocumentedAnswers(app, document)
    admin = api.as_user("admin")

    for group in ("agency", "service", "counter", "officer"):
        documented.check(admin.get(f"{REPORTS}?{DAY}&group={group}&agency=DK"))
    documented.check(api.as_user("sup.dk").get(f"{REPORTS}?period=month&month=2026-11"))
    documented.check(admin.get(f"{REPORTS}?period=week"))
    documented.check(api.as_user("petugas.dk").get(REPORTS))
    documented.check(api.client.get(REPORTS))


# --- who may read what --------------------------------------------------------------------


def test_a_supervisor_gets_their_own_agency_whatever_they_ask(api: Api, seeded: None) -> None:
    supervisor = api.as_user("sup.dk")

    own = ok(supervisor.get(f"{REPORTS}?{DAY}&group=service"))
    named = ok(supervisor.get(f"{REPORTS}?{DAY}&group=agency&agency=DK"))

    assert own["agency"] == {"code": "DK", "short_name": "Disdukcapil"}
    assert list(figures_by_label(own)) == ["Perekaman KTP-el", "Perubahan KK"]
    assert own["total"] == dataclasses.asdict(DK)
    assert figures_by_label(named) == {"Disdukcapil": dataclasses.asdict(DK)}


@pytest.mark.parametrize("agency", ["SM", "XX", "dk"])  # DK%00: 422, test_text_input.py
def test_a_supervisor_asking_for_another_agency_is_refused(
    api: Api, seeded: None, agency: str
) -> None:
    assert_error(api.as_user("sup.dk").get(f"{REPORTS}?{DAY}&agency={agency}"), 403, "forbidden")


def test_an_admin_chooses_any_agency_but_not_an_unknown_one(api: Api, seeded: None) -> None:
    admin = api.as_user("admin")

    samsat = ok(admin.get(f"{REPORTS}?{DAY}&agency=SM"))
    unknown = assert_error(admin.get(f"{REPORTS}?{DAY}&agency=XX"), 422, "validation_error")

    assert samsat["agency"] == {"code": "SM", "short_name": "Samsat"}
    assert samsat["total"] == dataclasses.asdict(PKB)
    assert unknown["details"] == {"field": "agency"}


@pytest.mark.parametrize("name", ["petugas.dk", "petugas.sm"])
def test_officers_do_not_read_reports(api: Api, name: str) -> None:
    assert_error(api.as_user(name).get(f"{REPORTS}?{DAY}"), 403, "forbidden")


@pytest.mark.parametrize("name", ["kiosk", "display-a", "counter-pc-1"])
def test_devices_do_not_read_reports(api: Api, name: str) -> None:
    assert_error(api.as_device(name).get(f"{REPORTS}?{DAY}"), 403, "forbidden")


def test_reports_need_a_token(api: Api) -> None:
    assert_error(api.client.get(f"{REPORTS}?{DAY}"), 401, "unauthenticated")
    bogus = {"Authorization": "Bearer ant_u_not-a-token"}
    assert_error(api.client.get(REPORTS, headers=bogus), 401, "unauthenticated")


# --- what a program gets wrong ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=week", "period"),
        ("period=DAY", "period"),
        ("period=day&date=2026-02-30", "date"),
        ("period=day&date=30-11-2026", "date"),
        ("period=day&date=2026-11-30T08:00", "date"),
        ("period=day&date=" + "9" * 10_000, "date"),
        ("period=day&date=%E2%80%94", "date"),
        ("period=month&month=2026-13", "month"),
        ("period=month&month=0000-01", "month"),
        ("period=month&month=2026-1", "month"),
        ("period=range&from=2026-11-30&to=2026-11-01", "to"),
        ("period=range&from=1900-01-01&to=2026-11-01", "to"),
        ("period=range&from=junk&to=2026-11-01", "from"),
        ("period=range&from=2026-11-01&to=9999-99-99", "to"),
        ("group=zone", "group"),
        ("group=Service", "group"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_the_field(api: Api, query: str, field: str) -> None:
    error = assert_error(api.as_user("admin").get(f"{REPORTS}?{query}"), 422, "validation_error")

    assert error["details"] == {"field": field}


def test_missing_parameters_mean_today_by_service_for_the_whole_hall(
    api: Api, seeded: None
) -> None:
    body = ok(api.as_user("admin").get(REPORTS))

    assert body["period"] == {"kind": "day", "first": "2026-11-30", "last": "2026-11-30"}
    assert body["group"] == "service"
    assert body["total"]["issued"] == 10


def test_empty_and_unknown_parameters_are_the_defaults(api: Api, seeded: None) -> None:
    admin = api.as_user("admin")

    body = ok(admin.get(f"{REPORTS}?period=&date=&group=&agency=&colour=red&lang=en"))

    assert body == ok(admin.get(REPORTS))
