"""The counter's TOML file: the shipped example loads, and a bad value names itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_client.app import main
from counter_client.config import CounterConfigError, load_counter_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "counter.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "counter.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_loads_with_indonesian_and_no_fixed_counter() -> None:
    config = load_counter_config(EXAMPLE)
    assert config.server_url == "http://192.168.10.5:5080"
    assert (config.language, config.counter_id, config.compact) == ("id", None, False)


def test_the_pcs_device_token_and_no_confirmation_before_a_no_show(tmp_path: Path) -> None:
    config = load_counter_config(
        write(
            tmp_path,
            '[server]\nurl = "http://10.0.0.2:5080"\n[counter]\nconfirm_no_show = false\n'
            '[device]\ntoken = "ant_d_Xy-3_q"\n',
        )
    )
    assert (config.device_token, config.confirm_no_show) == ("ant_d_Xy-3_q", False)
    assert load_counter_config(EXAMPLE).device_token is None, "the example reports nothing"


def test_a_fixed_counter_and_english(tmp_path: Path) -> None:
    config = load_counter_config(
        write(
            tmp_path,
            '[server]\nurl = "http://10.0.0.2:5080/"\n'
            '[counter]\nlanguage = "en"\ncounter_id = 12\ncompact = true\n',
        )
    )
    assert (config.server_url, config.language, config.counter_id, config.compact) == (
        "http://10.0.0.2:5080",
        "en",
        12,
        True,
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[counter]\n", r"\[server\] url"),
        ('[server]\nurl = "ftp://x"\n', r"\[server\] url"),
        ('[server]\nurl = "http://x"\n[counter]\nlanguage = "jv"\n', "language"),
        ('[server]\nurl = "http://x"\n[counter]\ncounter_id = "tiga"\n', "counter_id"),
        ('[server]\nurl = "http://x"\nretry_seconds = 0\n', "retry_seconds"),
        ("[server\n", "not valid TOML"),
        ('[server]\nurl = "http://x"\n[device]\ntoken = "ant_u_officer"\n', r"\[device\] token"),
        ('[server]\nurl = "http://x"\n[device]\ntoken = 12\n', r"\[device\] token"),
        ('[server]\nurl = "http://x"\n[device]\ntoken = "ant_d_ab cd"\n', r"\[device\] token"),
        ('[server]\nurl = "http://x"\n[counter]\nconfirm_no_show = "no"\n', "confirm_no_show"),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(CounterConfigError, match=named):
        load_counter_config(write(tmp_path, text))


def test_the_command_refuses_a_missing_file_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nothing.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
