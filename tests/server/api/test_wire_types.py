"""Payloads that mirror a server dataclass, enumeration or request schema keep its keys,
types and words.

``SiteSettings.to_dict()`` and the report's figures are ``dataclasses.asdict`` cast to their
wire type, and the report's period kinds and groupings are literals in ``shared.wire``
(which cannot import the server): these tests are what keeps each pair one fact.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import get_args, get_type_hints

import pytest

from server.api.devices import HEALTH_SCHEMA
from server.domain.auth import USER_TOKEN_PREFIX
from server.domain.reports import Figures, Grouping, PeriodKind
from server.domain.settings import SiteSettings
from server.domain.skm.index import Grade
from server.report_requests import SKM_PERIODS
from shared import wire


def _fields(cls: type) -> dict[str, object]:
    return {field.name: get_type_hints(cls)[field.name] for field in dataclasses.fields(cls)}


@pytest.mark.parametrize(
    ("payload", "dataclass"),
    [(wire.Settings, SiteSettings), (wire.ReportFigures, Figures)],
)
def test_a_mirrored_payload_has_the_dataclass_fields_and_types(
    payload: type, dataclass: type
) -> None:
    # get_type_hints without extras drops the document's notes (Annotated) and keeps the type.
    assert get_type_hints(payload) == _fields(dataclass)


def test_the_settings_sent_are_every_setting_with_its_value() -> None:
    settings = SiteSettings(site_name="MPP Kota", number_width=4)
    sent = settings.to_dict()
    assert list(sent) == list(typing.get_type_hints(wire.Settings))
    assert sent["site_name"] == "MPP Kota"
    assert sent["number_width"] == 4


@pytest.mark.parametrize(
    ("literal", "words"),
    [
        (wire.ReportPeriodKind, PeriodKind),
        (wire.ReportGrouping, Grouping),
        (wire.SkmGrade, Grade),
    ],
)
def test_the_report_words_are_the_domain_enumerations(literal: object, words: type) -> None:
    assert list(get_args(literal)) == [member.value for member in words]


def test_the_survey_periods_are_the_ones_read() -> None:
    assert get_args(wire.SkmPeriodKind) == SKM_PERIODS


def test_a_health_report_holds_what_a_device_may_report_and_when() -> None:
    reported = set(get_type_hints(wire.DeviceHealthReport))
    assert reported == {*HEALTH_SCHEMA, "reported_at"}


def test_the_login_token_is_described_by_its_prefix() -> None:
    token = get_type_hints(wire.Login, include_extras=True)["token"]
    (doc,) = [note for note in token.__metadata__ if isinstance(note, wire.Doc)]
    assert USER_TOKEN_PREFIX in doc.text
