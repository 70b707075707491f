"""The console's editor of the notices' words (/admin/notices/texts) over HTTP: every kind
in both languages, the preview that saves nothing, refusals in Indonesian beside the
field with nothing saved, reset, admins only, and the saved words in the next notice."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
from flask import Flask
from sqlalchemy import select

from server.domain.notices import texts
from server.domain.notices.queueing import subscribe
from server.models import Notice, NoticeText
from server.state import AppState
from server.web.admin_notices import KIND_NAMES
from tests.conftest import Api, FakeClock
from tests.web.test_admin_people_forms import Console, text

PAGE = "/admin/notices/texts"


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app, "admin")


def stored(app: Flask) -> dict[tuple[str, str], str]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        return {(r.kind, r.language): r.text for r in session.scalars(select(NoticeText))}


def both(called_id: str, called_en: str | None = None, action: str = "save") -> dict[str, str]:
    return {
        "text_id": called_id,
        "text_en": called_en if called_en is not None else texts.default_text("called", "en"),
        "action": action,
    }


def test_the_editor_lists_every_kind_in_both_languages_with_placeholders_and_links_the_log(
    admin: Console,
) -> None:
    page = text(admin.get(PAGE))
    for kind in texts.kinds():
        assert f'id="text-{kind}"' in page
        for language in ("id", "en"):
            assert f'id="f-{kind}-{language}"' in page
            assert html.escape(texts.default_text(kind, language)) in page
    assert "<code>{counter}</code> nama loket" in page and "<code>{link}</code>" in page
    assert "antre_dipanggil" in page and "memakai template yang disetujui Meta" in page
    assert 'href="/admin/notices"' in page
    assert 'href="/admin/notices/texts"' in text(admin.get("/admin/notices"))


def test_each_kind_has_an_indonesian_name_and_the_telegram_confirmations_no_template(
    admin: Console,
) -> None:
    assert set(texts.kinds()) <= set(KIND_NAMES)
    page = text(admin.get(PAGE))
    assert "Konfirmasi Telegram <code" in page and "Konfirmasi Telegram booking <code" in page
    assert page.count("Hanya Telegram") == len(texts.TELEGRAM_ONLY)
    assert "antre_subscribed" not in page and "antre_booking_tercatat" in page


def test_the_preview_fills_sample_values_and_saves_nothing(admin: Console, app: Flask) -> None:
    answer = admin.post(
        f"{PAGE}/called", both("Giliran {number}, ke {counter}. {link}", action="preview")
    )
    assert answer.status_code == 200
    page = text(answer)
    assert "Giliran DK-012, ke Loket 3. https://mpp.example.go.id/t/Hk3pQ9zX" in page
    assert "Giliran {number}, ke {counter}. {link}</textarea>" in page  # kept in the form
    assert "Belum disimpan." in page
    assert stored(app) == {}


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Nomor {number} ke {counter}.", "Teks harus memuat {link}"),
        ("Nomor {nomor}. {link}", "Penanda {nomor} tidak dikenal untuk pesan ini"),
        ("Nomor {number. {link}", "Kurung kurawal tidak sah"),
        ("{link} " + "x" * texts.MAX_TEXT, f"Paling banyak {texts.MAX_TEXT} karakter"),
    ],
)
def test_a_wrong_text_is_refused_in_indonesian_beside_its_field_and_nothing_is_saved(
    admin: Console, app: Flask, typed: str, said: str
) -> None:
    answer = admin.post(f"{PAGE}/called", both(typed, "Your turn {number}: {counter}. {link}"))
    assert answer.status_code == 422
    page = html.unescape(text(answer))
    assert said in page and 'id="called-id-error"' in page
    assert stored(app) == {}  # the English text, which passed, was not saved either


def test_saved_words_reach_the_next_call_notice_and_reset_brings_the_default_back(
    admin: Console, app: Flask, api: Api, clock: FakeClock
) -> None:
    answer = admin.post(f"{PAGE}/called", both("Giliran {number}: ke {counter}. {link}"))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#text-called")
    assert stored(app) == {("called", "id"): "Giliran {number}: ke {counter}. {link}"}
    page = text(admin.get(PAGE))
    assert "Diubah oleh admin" in page and "Kembalikan teks bawaan (ID)" in page

    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config, notify_telegram_token="1:tg-SECRET", public_url="https://mpp.example"
    )
    ticket = api.as_device("kiosk").issue(api.hall.ktp)
    with state.db.write() as session:
        subscribe(
            session, channel="telegram", address="123456789", now=clock(), ticket_id=ticket["id"]
        )
    officer = api.as_user("petugas.dk")
    officer.counter(api.hall.c1, "open")
    officer.counter(api.hall.c1, "next")
    with state.db.read() as session:
        [body] = session.scalars(select(Notice.body)).all()
    assert (
        body
        == f"Giliran {ticket['number']}: ke Loket 1. https://mpp.example/t/{ticket['status_code']}"
    )

    assert admin.post(f"{PAGE}/called/reset", {"language": "id"}).status_code == 302
    assert stored(app) == {}
    assert "Kembalikan teks bawaan" not in text(admin.get(PAGE))


def test_only_admins_with_the_pages_secret_may_edit_and_unknown_kinds_are_not_found(
    admin: Console, app: Flask
) -> None:
    supervisor = Console(app, "sup.dk")
    assert supervisor.get(PAGE).status_code == 403
    assert supervisor.post(f"{PAGE}/called", both("X {link}")).status_code == 403
    assert admin.post(f"{PAGE}/called", both("X {link}"), csrf=False).status_code == 403
    assert admin.post(f"{PAGE}/nonsense", both("X {link}")).status_code == 404
    assert admin.post(f"{PAGE}/called/reset", {"language": "fr"}).status_code == 404
    assert stored(app) == {}


def test_the_english_console_says_it_in_english(admin: Console) -> None:
    page = text(admin.get(f"{PAGE}?lang=en"))
    assert "Texts of the messages to visitors" in page and ">Preview<" in page
    answer = admin.post(
        f"{PAGE}/survey", {"text_id": "Nilai {nomor} {link}", "text_en": "x {link}"}
    )
    assert "Placeholder {nomor} is not known" in html.unescape(text(answer))
    assert re.search(r'aria-invalid="true" aria-describedby="survey-id-error"', text(answer))
