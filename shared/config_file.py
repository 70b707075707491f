"""Reading a client's TOML file: one style of checks for the kiosk, the counter and the board.

The three clients used to read their files each in its own way, and they had drifted: the
kiosk took ``hide_cursor = "no"`` as true (``bool("no")``) where the counter client refused
it. Here every setting is read by a typed reader that refuses a wrong type or range, and
every refusal names the file, the table and the key (``kiosk.toml: [kiosk] hide_cursor
must be true or false``), so an installer finds the line at once and a client never starts
on a guess. A client subclasses ``ConfigFileError`` so its command can say whose file it is.

A schema library (pydantic) was weighed: the loaders are a few calls each and their
messages must stay in the installer's words, which a library's generic messages are not.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

URL_SCHEMES = ("http://", "https://")


class ConfigFileError(ValueError):
    """A setting a client cannot use; the message names the file, the table and the key."""


class ConfigFile:
    """A parsed TOML file: ``where`` names it in messages, ``base`` anchors relative paths."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        where: str = "config",
        base: Path = Path("."),
        error: type[ConfigFileError] = ConfigFileError,
    ) -> None:
        self.data, self.where, self.base, self.error = data, where, base, error

    @classmethod
    def load(cls, path: str | Path, error: type[ConfigFileError] = ConfigFileError) -> ConfigFile:
        """Read and parse ``path``; a missing file or broken TOML is refused by name."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise error(f"{path}: no such file") from None
        except tomllib.TOMLDecodeError as exc:
            raise error(f"{path}: not valid TOML: {exc}") from None
        return cls(data, where=str(path), base=Path(path).parent, error=error)

    def table(self, name: str) -> Table:
        """The table ``[name]`` (empty when the file has none)."""
        return Table(self, name, self.data.get(name, {}))

    def tables_in(self, name: str) -> dict[str, Table]:
        """The sub-tables of ``[name]`` (``[standards."DK-KTP"]``), by their key."""
        found = {}
        for key, value in self.table(name).values.items():
            found[key] = Table(self, f'{name}."{key}"', value)
        return found


class Table:
    """One table of the file. Each reader returns the key's value, or its default when
    the key is absent, and refuses anything else with ``<file>: [<table>] <key> must be
    <what it expects>``."""

    def __init__(self, file: ConfigFile, name: str, values: object) -> None:
        self.file, self.name = file, name
        if not isinstance(values, dict):
            raise file.error(f"{file.where}: [{name}] must be a table")
        self.values: dict[str, Any] = values

    def error(self, key: str, message: str) -> ConfigFileError:
        """A refusal of ``key`` worded as every reader words it; for a loader's own checks."""
        return self.file.error(f"{self.file.where}: [{self.name}] {key} {message}")

    def has(self, key: str) -> bool:
        """Whether ``key`` is set to something (an empty text counts as unset)."""
        return self.values.get(key) not in (None, "")

    def get(self, key: str, default: object = None) -> object:
        """The raw value, for a check no reader covers (refuse it with ``error``)."""
        return self.values.get(key, default)

    def text(self, key: str, default: str = "", *, expect: str = "text") -> str:
        value = self.values.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, f"must be {expect}")
        return value

    def required_text(self, key: str, *, hint: str) -> str:
        """A text that must be there and not be empty; ``hint`` says where it comes from."""
        value = self.values.get(key)
        if not isinstance(value, str) or not value:
            raise self.error(key, f"is required ({hint})")
        return value

    def texts(self, key: str, default: list[str]) -> list[str]:
        """A list of texts; a single text is a list of one."""
        value = self.values.get(key, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "must be a text or a list of texts")
        return value

    def choice(self, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.values.get(key, default)
        if value not in allowed:
            raise self.error(key, f"must be {_either(allowed)}")
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        """A switch: TOML's true or false only (``"no"`` or 0 is refused, not guessed)."""
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        """A whole or decimal number within [low, high] (a boolean is not a number)."""
        value = self.values.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise self.error(key, f"must be a number from {low:g} to {high:g}")
        return float(value)

    def whole(
        self,
        key: str,
        default: int,
        *,
        low: int,
        high: int | None = None,
        unit: str = "",
        expect: str | None = None,
    ) -> int:
        """A whole number of ``unit`` from ``low`` (to ``high``, when there is a limit);
        ``expect`` words what it means where "a whole number" says too little."""
        value = self.values.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            of = f" of {unit}" if unit else ""
            limits = f" from {low} to {high}" if high is not None else ""
            raise self.error(key, f"must be {expect or f'a whole number{of}{limits}'}")
        return value

    def url(self, key: str, default: str | None = None) -> str | None:
        """An http(s) address without its trailing slash; None when absent and no default."""
        value = self.values.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.startswith(URL_SCHEMES):
            raise self.error(key, "must be an http:// or https:// URL")
        return value.rstrip("/")

    def required_url(self, key: str) -> str:
        url = self.url(key, default="")
        assert url is not None
        return url

    def path(
        self, key: str, *, kind: str = "folder", must_exist: bool = True, expect: str = "text"
    ) -> Path | None:
        """A folder or file; a relative path starts at the config file's folder, so a
        client's folder can be copied to another PC as it is. None when unset."""
        if not self.has(key):
            return None
        path = self.file.base / Path(self.text(key, expect=expect)).expanduser()
        exists = path.is_dir() if kind == "folder" else path.is_file()
        if must_exist and not exists:
            raise self.error(key, f"is not a {kind}: {path}")
        return path


def _either(allowed: tuple[str, ...]) -> str:
    if len(allowed) == 1:
        return allowed[0]
    return f"{', '.join(allowed[:-1])} or {allowed[-1]}"
