"""Configuration: defaults < TOML file < ANTRE_* environment, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import ConfigError, load_config, with_lasting_secret
from server.domain.identity import PersonalDataKey


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "antre.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_embedded_single_process_setup() -> None:
    config = load_config(None, env={})
    assert config.database_url == "sqlite:///instance/antre.sqlite3"
    assert config.message_queue is None
    assert config.async_mode == "eventlet"
    assert config.host == "127.0.0.1"
    assert len(config.secret_key) >= 32


def test_toml_file_sets_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[server]\nport = 6000\nasync_mode = "threading"\n'
        '[database]\nurl = "postgresql://antre@db/antre"\n'
        '[socketio]\nmessage_queue = "redis://127.0.0.1:6379/0"\n',
    )
    config = load_config(path, env={})
    assert config.port == 6000
    assert config.async_mode == "threading"
    assert config.database_url == "postgresql://antre@db/antre"
    assert config.message_queue == "redis://127.0.0.1:6379/0"


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[database]\nurl = "sqlite:///from-file.sqlite3"\n[server]\nport = 6000\n'
    )
    env = {
        "ANTRE_DATABASE_URL": "sqlite:///from-env.sqlite3",
        "ANTRE_PORT": "7000",
        "ANTRE_SECRET_KEY": "s" * 20,
        "ANTRE_MESSAGE_QUEUE": "redis://127.0.0.1:6379/1",
    }
    config = load_config(path, env=env)
    assert config.database_url == "sqlite:///from-env.sqlite3"
    assert config.port == 7000
    assert config.secret_key == "s" * 20
    assert config.message_queue == "redis://127.0.0.1:6379/1"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"ANTRE_PORT": "eighty"}, "ANTRE_PORT"),
        ({"ANTRE_PORT": "70000"}, "1 to 65535"),
        ({"ANTRE_DATABASE_URL": "mysql://x/y"}, "sqlite:// or postgresql://"),
        ({"ANTRE_DATABASE_URL": "not a url"}, "ANTRE_DATABASE_URL"),
        ({"ANTRE_MESSAGE_QUEUE": "amqp://x"}, "redis://"),
        ({"ANTRE_SECRET_KEY": "short"}, "at least 16"),
        ({"ANTRE_ASYNC_MODE": "gevent"}, "eventlet, threading"),
        ({"ANTRE_LOG_LEVEL": "LOUD"}, "ANTRE_LOG_LEVEL"),
    ],
)
def test_a_bad_environment_value_is_a_clear_error(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, env=env)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("username", ["MppKotaBot", "antre_mpp_bot", "Kota5BOT", "a" * 29 + "bot"])
def test_a_telegram_bot_username_is_taken_as_telegram_allows_it(username: str) -> None:
    config = load_config(None, env={"ANTRE_NOTIFY_TELEGRAM_BOT": username})
    assert config.notify_telegram_bot == username


@pytest.mark.parametrize(
    "username",
    ["@MppKotaBot", "MppKota", "abot", "Mpp Kota Bot", "a" * 30 + "bot", "https://t.me/MppBot"],
)
def test_a_telegram_bot_username_breaking_telegram_s_rule_is_refused_naming_it(
    username: str,
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, env={"ANTRE_NOTIFY_TELEGRAM_BOT": username})
    said = str(caught.value)
    assert said.startswith("ANTRE_NOTIFY_TELEGRAM_BOT: ")
    assert 'without "@"' in said and "5-32 letters, digits or _" in said
    assert 'ending in "bot"' in said


def test_unknown_setting_in_the_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "[server]\nprot = 5000\n")
    with pytest.raises(ConfigError, match=r"unknown setting \[server\] prot"):
        load_config(path, env={})


def test_broken_toml_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[server\nport = 1"), env={})
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "missing.toml", env={})


def test_empty_message_queue_means_one_process() -> None:
    assert load_config(None, env={"ANTRE_MESSAGE_QUEUE": ""}).message_queue is None


def test_several_processes_share_a_secret_key_kept_in_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("k" * 40 + "\n", encoding="utf-8")
    path = write(tmp_path, f'[security]\nsecret_key_file = "{secret}"\n')
    first = load_config(path, env={})
    second = load_config(None, env={"ANTRE_SECRET_KEY_FILE": str(secret)})
    assert first.secret_key == second.secret_key == "k" * 40
    assert first.secret_key_shared and second.secret_key_shared


def test_a_secret_key_given_directly_wins_over_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("f" * 40, encoding="utf-8")
    env = {"ANTRE_SECRET_KEY_FILE": str(secret), "ANTRE_SECRET_KEY": "e" * 40}
    assert load_config(None, env=env).secret_key == "e" * 40


def test_a_made_up_secret_is_marked_as_not_shared() -> None:
    assert load_config(None, env={}).secret_key_shared is False
    assert load_config(None, env={"ANTRE_SECRET_KEY": "s" * 20}).secret_key_shared is True


@pytest.mark.parametrize(
    ("content", "fragment"), [(None, "cannot read"), ("short\n", "at least 16")]
)
def test_a_missing_or_short_secret_key_file_is_a_clear_error(
    tmp_path: Path, content: str | None, fragment: str
) -> None:
    secret = tmp_path / "secret_key"
    if content is not None:
        secret.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment) as caught:
        load_config(None, env={"ANTRE_SECRET_KEY_FILE": str(secret)})
    assert str(secret) in str(caught.value)


def test_the_message_queue_channel_separates_installations_on_one_redis(tmp_path: Path) -> None:
    assert load_config(None, env={}).message_queue_channel == "flask-socketio"
    path = write(tmp_path, '[socketio]\nchannel = "antre-cabang-balaraja"\n')
    assert load_config(path, env={}).message_queue_channel == "antre-cabang-balaraja"
    with pytest.raises(ConfigError, match="ANTRE_MESSAGE_QUEUE_CHANNEL"):
        load_config(None, env={"ANTRE_MESSAGE_QUEUE_CHANNEL": "two words"})


def test_retention_days_default_keeps_everything(tmp_path: Path) -> None:
    assert load_config(None, env={}).retention_days is None
    path = write(tmp_path, "[retention]\ndays = 400\n")
    assert load_config(path, env={}).retention_days == 400
    assert load_config(None, env={"ANTRE_RETENTION_DAYS": "0"}).retention_days is None
    with pytest.raises(ConfigError, match="ANTRE_RETENTION_DAYS"):
        load_config(None, env={"ANTRE_RETENTION_DAYS": "-3"})


def test_the_large_hall_example_is_postgresql_redis_and_one_key_file() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "server-large-hall.toml"
    # the key file lives on the hall's server; a key given directly stands in for it here
    config = load_config(example, env={"ANTRE_SECRET_KEY": "k" * 40})
    assert config.database_url.startswith("postgresql://")
    assert config.message_queue == "redis://127.0.0.1:6379/0"
    assert config.secret_key_file == Path("/etc/antre/secret_key")
    assert config.proxy_hops == 1
    assert config.retention_days == 400


def test_a_made_up_secret_is_kept_beside_the_database_for_the_next_start(
    tmp_path: Path,
) -> None:
    """NIKs are encrypted under a key from the secret: a restart must find the same one."""
    env = {"ANTRE_DATABASE_URL": f"sqlite:///{tmp_path / 'antre.sqlite3'}"}
    first = with_lasting_secret(load_config(None, env=env))
    second = with_lasting_secret(load_config(None, env=env))
    kept = tmp_path / "antre.secret"
    assert first.secret_key == second.secret_key
    assert kept.read_text(encoding="utf-8").strip() == first.secret_key
    assert kept.stat().st_mode & 0o777 == 0o600
    sealed = PersonalDataKey.from_secret(first.secret_key).encrypt("3603011204900001")
    assert PersonalDataKey.from_secret(second.secret_key).decrypt(sealed) == "3603011204900001"


def test_a_configured_secret_writes_no_file(tmp_path: Path) -> None:
    env = {
        "ANTRE_DATABASE_URL": f"sqlite:///{tmp_path / 'antre.sqlite3'}",
        "ANTRE_SECRET_KEY": "s" * 20,
    }
    assert with_lasting_secret(load_config(None, env=env)).secret_key == "s" * 20
    assert not (tmp_path / "antre.secret").exists()


def test_whatsapp_template_names_come_from_the_file_or_the_environment(tmp_path: Path) -> None:
    toml = tmp_path / "antre.toml"
    toml.write_text('[notify]\nwhatsapp_templates = { called = "mpp_dipanggil" }\n')
    assert load_config(toml, env={}).notify_whatsapp_templates == (("called", "mpp_dipanggil"),)
    env = {"ANTRE_NOTIFY_WHATSAPP_TEMPLATES": "survey=mpp_survei, ahead=mpp_hampir"}
    assert load_config(None, env=env).notify_whatsapp_templates == (
        ("ahead", "mpp_hampir"),
        ("survey", "mpp_survei"),
    )
    for wrong in ("called", "called=Antre Dipanggil"):
        with pytest.raises(ConfigError, match=r"whatsapp_templates|template|kind"):
            load_config(None, env={"ANTRE_NOTIFY_WHATSAPP_TEMPLATES": wrong})
