"""The notices' words as the console edits them (server/domain/notices/texts.py): what an
edit may say, that the triggers send the edited words, that WhatsApp through the Cloud
API gets the kind's template instead, and that the words cost the call path no read
while nothing changed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import counters
from server.domain.catalog import Catalog
from server.domain.context import SYSTEM, Actor, Ctx
from server.domain.errors import DomainError
from server.domain.notices import text_editor, texts
from server.domain.settings import load_settings
from server.models import Notice, NoticeText
from shared.errors import ErrorCode
from tests.conftest import FakeClock
from tests.factories import Hall
from tests.server.domain.test_notice_triggers import (
    BASE,
    link_base,  # noqa: F401  (the fixture ``ctx`` below depends on)
    notices,
    opt_in,
    statements,  # noqa: F401  (a fixture)
)

if TYPE_CHECKING:
    from tests.server.domain.conftest import CtxFactory, Desk


@pytest.fixture
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
def templates() -> dict[str, dict[str, str] | None]:
    return {"names": None}


@pytest.fixture
def ctx(
    clock: FakeClock,
    hall: Hall,
    link_base: dict[str, str | None],  # noqa: F811
    catalog: Catalog,
    templates: dict[str, dict[str, str] | None],
) -> CtxFactory:
    """Notices on, each command reading the configuration through one process's catalog
    cache (as ``run_command`` does), WhatsApp as text unless ``templates`` says so."""

    def make(session: Session, user: str | None = "petugas.dk") -> Ctx:
        return Ctx(
            session,
            clock(),
            load_settings(session),
            SYSTEM if user is None else Actor(user_id=hall.users[user]),
            catalog=catalog.snapshot(session),
            notice_link_base=link_base["base"],
            whatsapp_templates=templates["names"],
        )

    return make


def refusal(kind: str, language: str, text: str) -> str:
    with pytest.raises(DomainError) as caught:
        texts.check_text(kind, language, text)
    rule = caught.value.details["rule"]
    assert isinstance(rule, str)
    return rule


def test_an_edit_may_use_its_kinds_placeholders_in_any_order() -> None:
    text = "{link} — {counter} memanggil {number}."
    assert texts.check_text("called", "id", text) == text


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Nomor {number} dipanggil ke {counter}.", "notice_link"),
        ("Nomor {number}: {ahead} lagi. {link}", "notice_placeholder"),  # not a call's
        ("Nomor {nomor} dipanggil. {link}", "notice_placeholder"),
        ("Nomor {number.__class__} dipanggil. {link}", "notice_placeholder"),
        ("Nomor {number dipanggil. {link}", "notice_braces"),
        ("Nomor number} dipanggil. {link}", "notice_braces"),
        ("Nomor {number!r} dipanggil. {link}", "notice_braces"),
        ("Nomor {number:>9} dipanggil. {link}", "notice_braces"),
        ("   ", "empty"),
        ("{link} " + "x" * texts.MAX_TEXT, "too_long"),
        ("Nomor {number}\x07 {link}", "control"),
    ],
)
def test_an_edit_that_breaks_a_rule_is_refused_naming_it(text: str, rule: str) -> None:
    assert refusal("called", "id", text) == rule


def test_every_kind_may_be_edited_in_both_languages_and_each_default_passes() -> None:
    for kind in texts.kinds():
        assert "link" in texts.placeholders(kind)
        for language in texts.LANGUAGES:
            texts.check_text(kind, language, texts.default_text(kind, language))
    for kind, language in (("nonsense", "id"), ("called", "fr")):
        with pytest.raises(DomainError) as caught:
            texts.check_text(kind, language, "{link}")
        assert caught.value.code == ErrorCode.NOT_FOUND


def test_the_call_notice_says_the_edited_words_in_the_visitors_language(
    desk: Desk, hall: Hall
) -> None:
    text_editor.save_text(
        desk.session, "called", "en", "Your turn, {number}: {counter}. {link}",
        now=desk.clock(), user_id=hall.users["admin"],
    )  # fmt: skip
    english, indonesian = desk.issue(hall.ktp), desk.issue(hall.ktp)
    opt_in(desk, english, language="en")
    opt_in(desk, indonesian)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.next(hall.c1)
    [first] = notices(desk, english, "called")
    [second] = notices(desk, indonesian, "called")
    assert first.body == f"Your turn, {english.number}: Loket 1. {BASE}/t/{english.status_code}"
    assert second.body is not None and second.body.startswith(
        f"Nomor antrean {indonesian.number} dipanggil."
    )


def test_saving_the_default_or_resetting_drops_the_edit(session: Session, hall: Hall) -> None:
    now = FakeClock()()
    text_editor.save_text(session, "survey", "id", "Nilai kami: {link}", now=now, user_id=None)
    assert texts.stored_texts(session).text("survey", "id") == "Nilai kami: {link}"
    text_editor.save_text(
        session, "survey", "id", texts.default_text("survey", "id"), now=now, user_id=None
    )
    assert session.scalars(select(NoticeText)).all() == []
    text_editor.save_text(session, "survey", "en", "Rate us: {link}", now=now, user_id=None)
    assert text_editor.reset_text(session, "survey", "en") is True
    assert text_editor.reset_text(session, "survey", "en") is False
    assert not texts.stored_texts(session).is_edited("survey", "en")


def test_an_edited_text_that_no_longer_checks_gives_way_to_the_default() -> None:
    stored = texts.NoticeTexts(edited={("called", "id"): "Nomor {nomor}. {link}"})
    body = stored.render("called", "id", texts.called("DK-001", "Loket 1", "https://x/t/a"))
    assert body == "Nomor antrean DK-001 dipanggil. Silakan ke Loket 1 sekarang. https://x/t/a"


def test_the_call_path_reads_the_texts_once_and_not_again_while_nothing_changes(
    desk: Desk,
    hall: Hall,
    statements: list[str],  # noqa: F811
) -> None:
    line = [desk.issue(hall.ktp) for _ in range(3)]
    for ticket in line:
        opt_in(desk, ticket)
    desk.open(hall.c1)
    statements.clear()
    desk.next(hall.c1)
    desk.next(hall.c1)
    desk.next(hall.c1)
    assert len(notices(desk, line[2], "called")) == 1
    assert sum("FROM notice_texts" in sql for sql in statements) == 1


def test_whatsapp_through_the_cloud_api_queues_the_kinds_template_with_its_parameters(
    desk: Desk, hall: Hall, templates: dict[str, dict[str, str] | None]
) -> None:
    templates["names"] = {"called": "mpp_dipanggil"}
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket, language="en")
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.finish)
    called, survey = notices(desk, ticket)
    link = f"{BASE}/t/{ticket.status_code}"
    assert (called.template, called.body) == ("mpp_dipanggil", None)
    assert called.parameters == [ticket.number, "Loket 1", link]
    assert (survey.template, survey.parameters) == (
        "antre_survei",
        [ticket.number, f"{link}/survey"],
    )


def test_telegram_keeps_plain_text_beside_the_cloud_apis_templates(
    desk: Desk, hall: Hall, templates: dict[str, dict[str, str] | None]
) -> None:
    from server.domain.notices.queueing import subscribe

    templates["names"] = {}
    ticket = desk.issue(hall.ktp)
    subscribe(
        desk.session, channel="telegram", address="123456789", now=desk.clock(), ticket_id=ticket.id
    )
    desk.open(hall.c1)
    desk.next(hall.c1)
    [notice] = desk.session.scalars(select(Notice)).all()
    assert notice.template is None and notice.body is not None and "Loket 1" in notice.body


def test_each_template_body_follows_metas_rules_for_variables() -> None:
    """Meta refuses a body that starts or ends with a variable, or whose variables do not
    appear as {{1}}, {{2}}, … in order: a kind's English words must keep the order of its
    Indonesian ones (its template's parameters)."""
    assert texts.template_body("called", "id") == (
        "Nomor antrean {{1}} dipanggil. Silakan ke {{2}} sekarang. {{3}} Balas STOP untuk berhenti."
    )
    # The English template takes the same parameters, numbered alike.
    assert texts.template_body("ahead", "en").startswith("Ticket {{1}}: {{2}} people ahead")
    for kind in texts.kinds():
        for language in texts.LANGUAGES:
            body = texts.template_body(kind, language)
            assert not body.endswith("}}") and not body.startswith("{{")
            numbers = [int(n) for n in re.findall(r"\{\{(\d+)\}\}", body)]
            assert numbers == list(range(1, len(texts.placeholders(kind)) + 1)), (kind, language)


def test_every_kind_sent_on_whatsapp_has_a_default_template_name_of_its_own() -> None:
    """The booking kinds go out as Cloud API templates like the queue's: each needs a
    name the docs' table lists for the hall to submit, not the ``antre_<kind>`` guess."""
    sendable = [kind for kind in texts.kinds() if kind not in texts.TELEGRAM_ONLY]
    assert {"booking_confirmed", "booking_reminder_day", "booking_cancelled"} <= set(sendable)
    names = [texts.TEMPLATE_NAMES[kind] for kind in sendable]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"antre_[a-z_]+", name) for name in names)
    assert texts.template_name("booking_confirmed", {}) == "antre_booking_tercatat"
    assert texts.template_name("booking_confirmed", {"booking_confirmed": "mpp_b"}) == "mpp_b"


def test_the_confirmations_after_start_are_telegram_only_and_carry_the_link() -> None:
    for kind in texts.TELEGRAM_ONLY:
        assert kind in texts.kinds() and kind not in texts.TEMPLATE_NAMES
    assert texts.placeholders("subscribed") == ("number", "link")


def test_the_preview_fills_the_sample_values_and_counts_sms_parts() -> None:
    short = text_editor.preview("called", "id", "Giliran {number}: {counter}. {link}")
    assert short.body == "Giliran DK-012: Loket 3. https://mpp.example.go.id/t/Hk3pQ9zX"
    assert (short.length, short.sms_parts) == (len(short.body), 1)
    long = text_editor.preview("called", "id", "x" * 300 + " {link}")
    assert long.sms_parts == 3  # 336 characters: 153 a part once joined
    with pytest.raises(DomainError):
        text_editor.preview("called", "id", "no link")


def test_the_editor_lists_every_kind_in_both_languages_with_who_changed_it(
    session: Session, hall: Hall
) -> None:
    now = FakeClock()()
    text_editor.save_text(
        session, "ahead", "id", "{number}: tinggal {ahead}. {link}", now=now,
        user_id=hall.users["admin"],
    )  # fmt: skip
    listed = {(e.kind, e.language): e for e in text_editor.entries(session)}
    assert set(listed) == {(k, lang) for k in texts.kinds() for lang in ("id", "en")}
    edited = listed[("ahead", "id")]
    assert (edited.edited, edited.changed_by, edited.changed_at) == (True, "admin", now)
    assert listed[("ahead", "en")].text == texts.default_text("ahead", "en")
    assert not listed[("ahead", "en")].edited
