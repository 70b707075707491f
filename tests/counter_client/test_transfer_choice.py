"""Where a visitor can be sent, without a screen: the lists, the search, the warnings."""

from __future__ import annotations

from counter_client.hall import Hall
from counter_client.transfer_choice import (
    counter_groups,
    line_outlook,
    matches,
    service_groups,
)

HALL = Hall.from_config(
    {
        "agencies": [
            {"id": 1, "short_name": "Disdukcapil", "name": "Dinas Kependudukan", "position": 1},
            {"id": 2, "short_name": "Samsat", "name": "Samsat", "position": 2},
            {
                "id": 3,
                "short_name": "Lama",
                "name": "Instansi lama",
                "position": 3,
                "active": False,
            },
        ],
        "services": [
            {"id": 10, "agency_id": 1, "name": "Perekaman KTP-el", "code": "DK-KTP"},
            {"id": 11, "agency_id": 1, "name": "Perubahan KK", "code": "DK-KK"},
            {"id": 20, "agency_id": 2, "name": "Pajak kendaraan", "code": "SM-PKB"},
            {"id": 21, "agency_id": 2, "name": "Mutasi kendaraan", "code": "SM-MUT", "area": None},
            {"id": 30, "agency_id": 3, "name": "Layanan lama", "code": "LM-1"},
        ],
        "counters": [
            {"id": 1, "label": "Loket 1", "agency_id": 1, "service_ids": [10], "state": "open"},
            {"id": 2, "label": "Loket 2", "agency_id": 1, "service_ids": [11], "state": "closed"},
            {"id": 3, "label": "Loket 3", "agency_id": 2, "service_ids": [20], "state": "paused"},
        ],
    }
)


def test_services_by_agency_without_the_visitors_own_and_unstaffed_ones_not_choosable() -> None:
    groups = service_groups(HALL, current_service_id=10)
    assert [(g.name, [t.id for t in g.targets]) for g in groups] == [
        ("Disdukcapil — Dinas Kependudukan", [11]),
        ("Samsat", [20, 21]),  # an inactive agency's services are not offered
    ]
    assert [t.available for t in groups[1].targets] == [True, False]


def test_counters_that_would_call_the_visitor_live_states_first() -> None:
    groups = counter_groups(HALL, {2: {"id": 2, "state": "open"}}, own_counter_id=1)
    assert [[(t.id, t.state) for t in g.targets] for g in groups] == [
        [(2, "open")],
        [(3, "paused")],
    ]
    assert groups[0].targets[0].detail == "Perubahan KK"


def test_the_search_takes_words_in_any_order_without_case_or_accents() -> None:
    samsat = service_groups(HALL, None)[1]
    tax = samsat.targets[0]
    assert matches(tax, samsat, "KENDARAAN samsat")
    assert matches(tax, samsat, "sm-pkb")
    assert not matches(tax, samsat, "pajak ktp")
    kk_group = service_groups(HALL, None)[0]
    assert matches(kk_group.targets[1], kk_group, "perubahán")


def test_what_the_officer_is_told_about_a_line() -> None:
    open_line = {"staffed": True, "open_now": True, "open_counters": 2, "waiting": 7}
    told = line_outlook({**open_line, "estimated_wait_minutes": 25})
    assert (told.key, told.warning, told.params["minutes"]) == ("transfer.line.open", False, 25)
    assert line_outlook({**open_line, "open_now": False}).key == "transfer.line.closed"
    assert line_outlook({**open_line, "open_counters": 0}).key == "transfer.line.no_counter"
    lunch = line_outlook({**open_line, "open_counters": 0, "paused_counters": 1})
    assert (lunch.key, lunch.warning) == ("transfer.line.break", True)
    assert line_outlook({**open_line, "staffed": False}).warning
