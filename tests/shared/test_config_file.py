"""One way of reading a client's TOML file: every wrong type or range is refused with the
file, the table and the key, in the same words whichever client reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from shared.config_file import ConfigFile, ConfigFileError, Table


class BoardError(ConfigFileError):
    """A client's own error class: the readers raise it, not the base class."""


def table(**values: object) -> ConfigFile:
    return ConfigFile({"t": values}, where="x.toml", base=Path("/hall"), error=BoardError)


@pytest.mark.parametrize(
    ("values", "read", "message"),
    [
        ({"k": 3}, lambda t: t.text("k"), "x.toml: [t] k must be text"),
        ({"k": 3}, lambda t: t.text("k", expect="a name"), "x.toml: [t] k must be a name"),
        ({}, lambda t: t.required_text("k", hint="ask"), "x.toml: [t] k is required (ask)"),
        ({"k": ""}, lambda t: t.required_text("k", hint="ask"), "x.toml: [t] k is required"),
        ({"k": [1]}, lambda t: t.texts("k", []), "x.toml: [t] k must be a text or a list of"),
        ({"k": "c"}, lambda t: t.choice("k", "a", ("a", "b")), "x.toml: [t] k must be a or b"),
        ({"k": "d"}, lambda t: t.choice("k", "a", ("a", "b", "c")), "k must be a, b or c"),
        ({"k": "no"}, lambda t: t.flag("k", True), "x.toml: [t] k must be true or false"),
        ({"k": 1}, lambda t: t.flag("k", True), "x.toml: [t] k must be true or false"),
        ({"k": True}, lambda t: t.number("k", 1, 0, 2), "x.toml: [t] k must be a number from 0"),
        ({"k": 3}, lambda t: t.number("k", 1, 0.5, 2), "k must be a number from 0.5 to 2"),
        ({"k": "1"}, lambda t: t.number("k", 1, 0, 2), "k must be a number from 0 to 2"),
        ({"k": 1.5}, lambda t: t.whole("k", 1, low=1, unit="s"), "k must be a whole number of s"),
        ({"k": True}, lambda t: t.whole("k", 1, low=0), "x.toml: [t] k must be a whole number"),
        ({"k": 0}, lambda t: t.whole("k", 1, low=1), "k must be a whole number"),
        (
            {"k": 9},
            lambda t: t.whole("k", 1, low=1, high=5),
            "k must be a whole number from 1 to 5",
        ),
        ({"k": 0}, lambda t: t.whole("k", 1, low=1, expect="an id"), "k must be an id"),
        ({"k": "ftp://x"}, lambda t: t.url("k"), "x.toml: [t] k must be an http:// or https://"),
        ({}, lambda t: t.required_url("k"), "x.toml: [t] k must be an http:// or https:// URL"),
        ({"k": "none"}, lambda t: t.path("k"), "x.toml: [t] k is not a folder: /hall/none"),
        ({"k": 5}, lambda t: t.path("k", must_exist=False), "x.toml: [t] k must be text"),
    ],
)
def test_a_wrong_value_is_refused_naming_file_table_and_key(
    values: dict[str, object], read: Callable[[Table], object], message: str
) -> None:
    with pytest.raises(BoardError) as refused:
        read(table(**values).table("t"))
    assert message in str(refused.value)


def test_an_absent_key_gives_its_default_and_a_present_one_its_value() -> None:
    t = table(flag=False, number=2, whole=7, url="https://hall.example/", text="DK").table("t")
    assert t.flag("flag", True) is False and t.flag("other", True) is True
    assert t.number("number", 1, 0, 5) == 2.0 and t.whole("whole", 1, low=1) == 7
    assert t.url("url") == "https://hall.example" and t.url("none") is None
    assert t.text("text") == "DK" and t.text("none", "x") == "x"
    assert t.path("none") is None
    assert t.path("text", kind="file", must_exist=False) == Path("/hall/DK")


def test_a_table_that_is_not_a_table_is_named() -> None:
    with pytest.raises(BoardError, match=r"x.toml: \[t\] must be a table"):
        ConfigFile({"t": "yes"}, where="x.toml", error=BoardError).table("t")


def test_the_sub_tables_of_a_table_are_read_by_their_key() -> None:
    file = ConfigFile({"standards": {"DK": {"fee": "0"}}}, where="x.toml")
    assert file.tables_in("standards")["DK"].text("fee") == "0"
    with pytest.raises(ConfigFileError, match=r'\[standards."SM"\] must be a table'):
        ConfigFile({"standards": {"SM": 1}}, where="x.toml").tables_in("standards")


def test_a_missing_or_broken_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BoardError, match=r"nowhere\.toml: no such file"):
        ConfigFile.load(tmp_path / "nowhere.toml", BoardError)
    broken = tmp_path / "broken.toml"
    broken.write_text("[server", encoding="utf-8")
    with pytest.raises(BoardError, match=r"broken\.toml: not valid TOML"):
        ConfigFile.load(broken, BoardError)


def test_a_relative_path_starts_at_the_files_folder(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    path = tmp_path / "display.toml"
    path.write_text('[sound]\nclips_folder = "clips"\n', encoding="utf-8")
    assert ConfigFile.load(path).table("sound").path("clips_folder") == tmp_path / "clips"
