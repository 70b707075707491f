"""The console's notice channel settings under the file's (server.channel_settings):
precedence, the rules across settings on the merged whole, sealing, and a worker that
follows a change without a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from server import channel_settings as settings
from server.channel_settings import ChannelSettings, Stored
from server.config import load_config
from server.domain.identity import PersonalDataKey
from server.notify.channels import CurrentWorker

from .conftest import Notices

KEY = PersonalDataKey.from_secret("the hall's secret key, long enough")
NOW = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)


def stored(**values: str | None) -> dict[str, Stored]:
    return {key: Stored(key, value, False, NOW, "admin") for key, value in values.items()}


def test_the_file_and_environment_win_and_the_console_fills_the_rest(tmp_path: Path) -> None:
    toml = tmp_path / "antre.toml"
    toml.write_text('[notify]\nfonnte_url = "https://fonnte.example"\n')
    config = load_config(toml, env={"ANTRE_NOTIFY_TELEGRAM_BOT": "FileBot"})
    assert config.set_keys >= {"notify_fonnte_url", "notify_telegram_bot"}
    assert config.env_keys == {"notify_telegram_bot"}

    merged = settings.overlay(
        config,
        stored(
            notify_fonnte_token="tok",
            notify_fonnte_url="https://console.example",
            notify_telegram_bot="ConsoleBot",
            notify_fonnte_per_minute="bad",
        ),
    )
    assert merged.notify_fonnte_token == "tok" and merged.notices_on
    assert merged.notify_fonnte_url == "https://fonnte.example"
    assert merged.notify_telegram_bot == "FileBot"
    assert merged.notify_fonnte_per_minute == 20  # an invalid row is left out, not used


def test_console_values_that_break_a_rule_with_the_files_are_left_out(tmp_path: Path) -> None:
    config = load_config(None, env={"ANTRE_NOTIFY_FONNTE_TOKEN": "from-env"})
    merged = settings.overlay(
        config, stored(notify_wablas_token="w", notify_wablas_url="https://jogja.wablas.com")
    )
    assert merged is config


def test_secrets_are_sealed_with_their_own_purpose_and_another_key_cannot_open_them(
    notices: Notices,
) -> None:
    with notices.db.write() as session:
        settings.save(
            session,
            {"notify_fonnte_token": "tok-SECRET", "notify_telegram_bot": "Bot"},
            KEY,
            now=NOW,
            user_id=None,
        )
    with notices.db.read() as session:
        mine = settings.read_stored(session, KEY)
        other = settings.read_stored(session, PersonalDataKey.from_secret("another one " * 3))
    assert mine["notify_fonnte_token"].value == "tok-SECRET"
    assert other["notify_fonnte_token"].unreadable and other["notify_fonnte_token"].value is None
    assert other["notify_telegram_bot"].value == "Bot"  # not a secret: kept as typed
    assert KEY.decrypt(KEY.encrypt("tok", settings.PURPOSE)) is None  # not a NIK


def test_the_worker_follows_a_saved_change_within_the_recheck(notices: Notices) -> None:
    base = load_config(None, env={})
    clock = [0.0]
    channel_settings = ChannelSettings(notices.db, KEY, clock=lambda: clock[0])
    worker = CurrentWorker(lambda: channel_settings.current(base), notices.db, notices.clock)
    assert worker.refresh() is None and worker.run_once() == 0

    with notices.db.write() as session:
        settings.save(session, {"notify_telegram_token": "1:t"}, KEY, now=NOW, user_id=None)
    assert worker.refresh() is None  # not looked at again yet
    clock[0] += settings.RECHECK_SECONDS
    rebuilt = worker.refresh()
    assert rebuilt is not None and sorted(rebuilt.channels) == ["telegram"]

    with notices.db.write() as session:
        settings.save(session, {"notify_telegram_token": None}, KEY, now=NOW, user_id=None)
    channel_settings.forget()
    assert worker.refresh() is None
