"""The console's notice channel page (/admin/notices/channels) over HTTP: admins only,
secrets write-only (never in the page, kept when left empty, cleared by "hapus"), the
file's settings read-only and not overridable, refusals beside their field with nothing
saved, a crafted form a 400, no token in the logs, and a channel on at once for the
ticket page."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from flask import Flask
from sqlalchemy import select

from server.models import NoticeChannelSetting
from server.state import AppState
from tests.conftest import Api
from tests.web.test_admin_people_forms import Console, text

PAGE = "/admin/notices/channels"
TOKEN = "fonnte-console-token-SECRET-42"
SECRET = "hook-secret-SECRET-0123456789"


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app, "admin")


def rows(app: Flask) -> dict[str, tuple[str | None, bool]]:
    """The stored rows: key -> (value as stored, sealed)."""
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        return {
            row.key: (row.value, row.sealed)
            for row in session.scalars(select(NoticeChannelSetting))
        }


def effective(app: Flask) -> object:
    state: AppState = app.extensions["antre"]
    with app.app_context():
        return state.notice_config()


def test_only_admins_reach_the_page_and_it_is_linked_from_the_notices_pages(
    app: Flask, admin: Console
) -> None:
    assert 'href="/admin/notices/channels"' in text(admin.get("/admin/notices"))
    assert 'href="/admin/notices/channels"' in text(admin.get("/admin/notices/texts"))
    page = text(admin.get(PAGE))
    assert "Saluran pemberitahuan" in page and 'id="channel-fonnte"' in page
    assert "tidak aktif: butuh fonnte_token" in page and "/hooks/fonnte/&lt;rahasia&gt;" in page
    supervisor = Console(app, "sup.dk")
    assert supervisor.get(PAGE).status_code == 403
    assert supervisor.post(PAGE, {"notify_fonnte_token": TOKEN}).status_code == 403
    assert admin.post(PAGE, {"notify_fonnte_token": TOKEN}, csrf=False).status_code == 403
    assert rows(app) == {}


def test_a_secret_is_stored_sealed_never_shown_kept_when_blank_and_cleared_by_hapus(
    app: Flask, admin: Console, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = admin.post(PAGE, {"notify_fonnte_token": TOKEN, "notify_fonnte_per_minute": "12"})
    assert answer.status_code == 302
    value, sealed = rows(app)["notify_fonnte_token"]
    assert sealed and value is not None and TOKEN not in value
    assert effective(app).notify_fonnte_token == TOKEN  # type: ignore[attr-defined]
    page = text(admin.get(PAGE))
    assert TOKEN not in page and "tersimpan (" in page and 'id="status-fonnte">aktif' in page
    assert 'value="12"' in page

    admin.post(PAGE, {"notify_fonnte_token": "", "notify_fonnte_per_minute": "12"})
    assert effective(app).notify_fonnte_token == TOKEN  # type: ignore[attr-defined]

    admin.post(PAGE, {"notify_fonnte_token": "", "clear_notify_fonnte_token": "yes"})
    assert effective(app).notify_fonnte_token is None  # type: ignore[attr-defined]
    assert "belum diisi" in text(admin.get(PAGE))
    assert TOKEN not in caplog.text


def test_a_value_the_file_sets_is_read_only_and_a_crafted_post_does_not_override_it(
    app: Flask, admin: Console
) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config,
        notify_telegram_token="1:file-token-SECRET",
        notify_telegram_bot="MppFileBot",
        set_keys=frozenset({"notify_telegram_token", "notify_telegram_bot"}),
        env_keys=frozenset({"notify_telegram_bot"}),
    )
    page = text(admin.get(PAGE))
    assert "1:file-token-SECRET" not in page
    assert "diatur di berkas konfigurasi server ([notify] telegram_token)" in page
    assert "ANTRE_NOTIFY_TELEGRAM_BOT" in page and 'value="MppFileBot" disabled' in page
    assert 'name="notify_telegram_token"' not in page

    admin.post(PAGE, {"notify_telegram_token": "2:console", "notify_telegram_bot": "Other"})
    config = effective(app)
    assert config.notify_telegram_token == "1:file-token-SECRET"  # type: ignore[attr-defined]
    assert config.notify_telegram_bot == "MppFileBot"  # type: ignore[attr-defined]
    assert rows(app) == {}


@pytest.mark.parametrize(
    ("form", "field", "said"),
    [
        ({"notify_fonnte_url": "ftp://x"}, "notify_fonnte_url", "Harus alamat http://"),
        ({"notify_sms_per_minute": "0"}, "notify_sms_per_minute", "paling kecil 1"),
        ({"notify_sms_body": "xml"}, "notify_sms_body", "Pilih salah satu: form, json"),
        ({"notify_sms_webhook_secret": "short"}, "notify_sms_webhook_secret", "16 karakter"),
        ({"notify_wablas_token": "w-token"}, "notify_wablas_url", "Wablas butuh alamat"),
        (
            {
                "notify_fonnte_token": TOKEN,
                "notify_wablas_token": "w",
                "notify_wablas_url": "https://jogja.wablas.com",
            },
            "notify_wablas_token",
            "tidak bisa dipakai bersama",
        ),
        ({"notify_sms_success_value": "OK"}, "notify_sms_success_field", "butuh isian ini"),
    ],
)
def test_a_bad_value_or_combination_is_refused_beside_its_field_and_nothing_is_saved(
    app: Flask, admin: Console, form: dict[str, str], field: str, said: str
) -> None:
    answer = admin.post(PAGE, {**form, "notify_telegram_bot": "StillTypedBot"})
    assert answer.status_code == 422
    page = text(answer)
    assert f'id="{field}-error"' in page and said in page
    assert 'value="StillTypedBot"' in page  # what was typed is kept
    assert (
        TOKEN not in page and "short" not in page.split('id="f-notify_sms_webhook_secret"')[1][:80]
    )
    assert rows(app) == {}


@pytest.mark.parametrize("username", ["@MppKotaBot", "MppKota"])
def test_a_bot_username_telegram_would_not_take_is_refused_naming_the_rule(
    app: Flask, admin: Console, username: str
) -> None:
    answer = admin.post(
        PAGE, {"notify_telegram_token": "2:console", "notify_telegram_bot": username}
    )
    assert answer.status_code == 422
    page = text(answer)
    assert 'id="notify_telegram_bot-error"' in page
    assert "Nama pengguna bot tanpa @: 5–32 huruf, angka atau _, diakhiri “bot”" in page
    assert rows(app) == {}


def test_a_telegram_token_without_the_bot_s_username_says_what_it_needs(
    app: Flask, admin: Console
) -> None:
    admin.post(PAGE, {"notify_telegram_token": "2:console"})
    page = text(admin.get(PAGE))
    assert 'id="status-telegram">tidak ditawarkan ke pengunjung: butuh telegram_bot' in page

    admin.post(PAGE, {"notify_telegram_bot": "MppKotaBot"})
    assert 'id="status-telegram">aktif' in text(admin.get(PAGE))


def test_a_console_value_cannot_make_an_invalid_whole_with_a_file_value(
    app: Flask, admin: Console
) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config, notify_fonnte_token="file-fonnte", set_keys=frozenset({"notify_fonnte_token"})
    )
    answer = admin.post(
        PAGE, {"notify_wablas_token": "w", "notify_wablas_url": "https://jogja.wablas.com"}
    )
    assert answer.status_code == 422 and "tidak bisa dipakai bersama" in text(answer)
    assert rows(app) == {}


@pytest.mark.parametrize(
    "form",
    [
        {"notify_in_server": "false"},
        {"secret_key": "y" * 32},
        {"whatever": "x"},
    ],
)
def test_a_form_that_is_not_the_pages_is_a_400_not_a_500(
    app: Flask, admin: Console, form: dict[str, str]
) -> None:
    assert admin.post(PAGE, form).status_code == 400
    assert rows(app) == {}


def test_a_value_too_long_is_a_field_error(app: Flask, admin: Console) -> None:
    answer = admin.post(PAGE, {"notify_fonnte_token": "x" * 5000})
    assert answer.status_code == 422 and "Terlalu panjang" in text(answer)
    assert rows(app) == {}


def test_a_value_sealed_with_another_key_counts_as_unset_and_the_page_says_so(
    app: Flask, admin: Console
) -> None:
    admin.post(PAGE, {"notify_fonnte_token": TOKEN})
    state: AppState = app.extensions["antre"]
    from server.domain.identity import PersonalDataKey

    other = PersonalDataKey.from_secret("another server's secret, 32 chars")
    with state.db.write() as session:
        row = session.get(NoticeChannelSetting, "notify_fonnte_token")
        assert row is not None
        row.value = other.encrypt(TOKEN, b"antre-channel")
    state.channel_settings.forget()
    assert effective(app).notify_fonnte_token is None  # type: ignore[attr-defined]
    assert "tersimpan tetapi tidak terbaca dengan kunci server ini; isi lagi" in text(
        admin.get(PAGE)
    )


def test_a_channel_set_on_the_console_is_offered_on_the_ticket_page_at_once(
    app: Flask, admin: Console, api: Api
) -> None:
    ticket = api.as_device("kiosk").issue(api.hall.ktp)
    ticket_page = f"/t/{ticket['status_code']}"
    visitor = app.test_client()
    assert 'name="phone"' not in text(visitor.get(ticket_page))
    admin.post(PAGE, {"notify_fonnte_token": TOKEN})
    assert 'name="phone"' in text(visitor.get(ticket_page))
    admin.post(PAGE, {"clear_notify_fonnte_token": "yes"})
    assert 'name="phone"' not in text(visitor.get(ticket_page))
