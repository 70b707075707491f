"""The browser board's setting: the folder of recorded call-out clips it may play."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import ConfigError, load_config


def test_no_clips_folder_by_default() -> None:
    assert load_config(None, env={}).board_clips_dir is None


def test_the_clips_folder_comes_from_the_file_or_the_environment(tmp_path: Path) -> None:
    (tmp_path / "suara").mkdir()
    (tmp_path / "lain").mkdir()
    path = tmp_path / "antre.toml"
    path.write_text(f'[board]\nclips_dir = "{tmp_path / "suara"}"\n', encoding="utf-8")
    assert load_config(path, env={}).board_clips_dir == tmp_path / "suara"
    env = {"ANTRE_BOARD_CLIPS_DIR": str(tmp_path / "lain")}
    assert load_config(path, env=env).board_clips_dir == tmp_path / "lain"
    assert load_config(path, env={"ANTRE_BOARD_CLIPS_DIR": ""}).board_clips_dir is None


def test_a_clips_folder_that_is_not_there_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ANTRE_BOARD_CLIPS_DIR: is not a folder: .*nowhere"):
        load_config(None, env={"ANTRE_BOARD_CLIPS_DIR": str(tmp_path / "nowhere")})
    path = tmp_path / "antre.toml"
    path.write_text('[board]\nclips_dir = "/no/such/folder"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[board\] clips_dir: is not a folder"):
        load_config(path, env={})
