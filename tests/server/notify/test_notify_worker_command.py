"""``antre-server notify-worker`` for a large hall, and the [notify] settings that turn
the channels on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from server.cli import cli
from server.config import ServerConfig, load_config
from server.models import NoticeState
from server.notify.channels import configured_channels, configured_worker

from .conftest import TELEGRAM_TOKEN, Notices
from .fake_provider import FakeProvider


def test_the_worker_command_sends_what_is_due(notices: Notices, telegram: FakeProvider) -> None:
    notices.clock.set(dt.datetime.now(dt.UTC))  # the command runs on the real clock
    notice_id = notices.queue("telegram")
    env = {
        "ANTRE_DATABASE_URL": notices.db.url,
        "ANTRE_SECRET_KEY": "the test commands' secret key",
        "ANTRE_NOTIFY_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "ANTRE_NOTIFY_TELEGRAM_URL": telegram.url,
    }

    result = CliRunner().invoke(cli, ["notify-worker", "--once"], env=env)

    assert result.exit_code == 0, result.output
    assert "telegram" in result.output and "1 notices sent" in result.output
    assert TELEGRAM_TOKEN not in result.output
    assert notices.notice(notice_id).state == NoticeState.SENT


def test_the_worker_command_without_a_channel_says_so(notices: Notices) -> None:
    env = {"ANTRE_DATABASE_URL": notices.db.url, "ANTRE_SECRET_KEY": "x" * 32}
    result = CliRunner().invoke(cli, ["notify-worker", "--once"], env=env)
    assert result.exit_code == 1
    assert "no notice channel configured" in result.output


def test_a_channel_is_on_when_its_token_is_set_in_toml_or_the_environment(tmp_path: Path) -> None:
    toml = tmp_path / "antre.toml"
    toml.write_text('[notify]\nfonnte_token = "from-the-file"\nfonnte_per_minute = 12\n')
    config = load_config(toml, env={"ANTRE_NOTIFY_TELEGRAM_TOKEN": "1:from-env"})

    assert sorted(configured_channels(config)) == ["telegram", "whatsapp"]
    assert config.notify_fonnte_per_minute == 12
    assert "from-the-file" not in repr(config) and "from-env" not in repr(config)


def test_with_no_channel_configured_there_is_no_worker(notices: Notices) -> None:
    assert configured_worker(ServerConfig(), notices.db, notices.clock) is None


def test_the_cloud_api_serves_whatsapp_when_both_it_and_fonnte_are_configured() -> None:
    from server.notify.whatsapp_cloud import WhatsAppCloudChannel

    config = load_config(
        env={
            "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte",
            "ANTRE_NOTIFY_WHATSAPP_TOKEN": "EAAG",
            "ANTRE_NOTIFY_WHATSAPP_PHONE_NUMBER_ID": "1065",
        }
    )
    assert isinstance(configured_channels(config)["whatsapp"], WhatsAppCloudChannel)


def test_wablas_serves_whatsapp_with_its_token_server_and_pace() -> None:
    from server.notify.channels import configured_paces
    from server.notify.wablas import WablasChannel

    config = load_config(
        env={
            "ANTRE_NOTIFY_WABLAS_TOKEN": "wablas-token.secret-key",
            "ANTRE_NOTIFY_WABLAS_URL": "https://jogja.wablas.com",
            "ANTRE_NOTIFY_WABLAS_PER_MINUTE": "15",
        }
    )
    channel = configured_channels(config)["whatsapp"]
    assert isinstance(channel, WablasChannel)
    assert "jogja.wablas.com/api/send-message" in repr(channel)
    assert "wablas-token" not in repr(channel) and "wablas-token" not in repr(config)
    assert configured_paces(config)["whatsapp"].per_minute == 15
    assert config.notices_on


def test_two_whatsapp_gateways_or_wablas_without_its_server_are_refused_at_start() -> None:
    import pytest

    from server.config import ConfigError

    with pytest.raises(ConfigError, match="one gateway"):
        load_config(
            env={
                "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte",
                "ANTRE_NOTIFY_WABLAS_TOKEN": "wablas",
                "ANTRE_NOTIFY_WABLAS_URL": "https://jogja.wablas.com",
            }
        )
    with pytest.raises(ConfigError, match="wablas_url"):
        load_config(env={"ANTRE_NOTIFY_WABLAS_TOKEN": "wablas"})


def test_the_cloud_api_serves_whatsapp_over_a_gateway() -> None:
    from server.notify.whatsapp_cloud import WhatsAppCloudChannel

    config = load_config(
        env={
            "ANTRE_NOTIFY_WABLAS_TOKEN": "wablas",
            "ANTRE_NOTIFY_WABLAS_URL": "https://jogja.wablas.com",
            "ANTRE_NOTIFY_WHATSAPP_TOKEN": "EAAG",
            "ANTRE_NOTIFY_WHATSAPP_PHONE_NUMBER_ID": "1065",
        }
    )
    assert isinstance(configured_channels(config)["whatsapp"], WhatsAppCloudChannel)
