"""The board's TOML file: the shipped example loads; mistakes are named at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from display_board.config import DisplayConfigError, load_display_config, parse_display_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "display.toml"


def test_the_example_configuration_loads() -> None:
    config = load_display_config(EXAMPLE)
    assert config.server_url.startswith("http://")
    assert config.language == "id"
    assert config.sound.speech[0] == "espeak-ng"
    assert config.sound.languages == ("id",)
    assert config.running_text


def minimal(**tables: dict[str, object]) -> dict[str, object]:
    return {"server": {"url": "http://127.0.0.1:5080", "token": "ant_d_x"}, **tables}


def test_defaults_suit_a_hall_board() -> None:
    config = parse_display_config(minimal())
    assert (config.fullscreen, config.hide_cursor, config.orientation) == (True, True, "auto")
    assert config.sound.chime and config.sound.speech == ("espeak-ng",)
    assert config.zone == ""  # the display token's own zone
    assert config.page_seconds == 8.0  # a page of counter tiles, when they need pages


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"server": {"url": "ftp://x", "token": "t"}}, "[server] url"),
        ({"server": {"url": "http://x"}}, "[server] token"),
        (minimal(board={"orientation": "sideways"}), "[board] orientation"),
        (minimal(board={"fullscreen": "yes"}), "[board] fullscreen"),
        (minimal(sound={"speech": ["festival"]}), "[sound] speech"),
        (minimal(sound={"speech": ["clips"]}), "[sound] clips_folder"),
        (minimal(sound={"languages": ["jv"]}), "[sound] languages"),
        (minimal(sound={"volume": 3}), "[sound] volume"),
        (minimal(sound={"template_id": "{nomor}"}), "[sound] template_id"),
        (minimal(board={"slideshow_folder": "/no/such/folder"}), "[board] slideshow_folder"),
        (minimal(board={"page_seconds": 0.5}), "[board] page_seconds"),
    ],
)
def test_a_bad_setting_is_named(data: dict[str, object], named: str) -> None:
    with pytest.raises(DisplayConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse_display_config(data)


def test_folders_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    (tmp_path / "suara").mkdir()
    path = tmp_path / "display.toml"
    path.write_text(
        '[server]\nurl = "http://127.0.0.1:5080"\ntoken = "t"\n'
        '[sound]\nspeech = ["clips", "espeak-ng"]\nclips_folder = "suara"\n',
        encoding="utf-8",
    )
    config = load_display_config(path)
    assert config.sound.clips_folder == tmp_path / "suara"


def test_the_command_stops_at_a_bad_configuration_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from display_board.app import main

    assert main(["--config", str(tmp_path / "display.toml")]) == 2
    assert "display.toml: no such file" in capsys.readouterr().err
