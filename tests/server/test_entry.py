"""The entry point picks the server's async mode before anything imports ``socket``."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.entry import async_mode_for, subcommand


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["run"], "run"),
        (["run", "--port", "5001"], "run"),
        (["--config", "hall.toml", "run"], "run"),
        (["--config=hall.toml", "run"], "run"),
        (["-e", ".env", "seed-demo"], "seed-demo"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_is_found_after_the_groups_own_options(
    argv: list[str], command: str | None
) -> None:
    assert subcommand(argv) == command


def test_the_environment_names_the_mode_when_the_command_line_does_not() -> None:
    assert async_mode_for(["run"], {"ANTRE_ASYNC_MODE": "Threading"}) == "threading"
    assert async_mode_for(
        ["run", "--async-mode", "eventlet"], {"ANTRE_ASYNC_MODE": "threading"}
    ) == ("eventlet")


def test_the_config_file_names_the_mode(tmp_path: Path) -> None:
    config = tmp_path / "hall.toml"
    config.write_text('[server]\nasync_mode = "threading"\n')

    assert async_mode_for(["--config", str(config), "run"], {}) == "threading"
    assert async_mode_for(["run"], {}) == "eventlet"
