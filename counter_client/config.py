"""The counter client's TOML configuration: server, language, an optional fixed counter."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class CounterConfigError(ValueError):
    """A setting the counter client cannot use; the message names it."""


@dataclass(frozen=True)
class CounterConfig:
    server_url: str
    language: str = "id"
    # The counter this PC stands at; None lets the officer pick one of their agency's.
    counter_id: int | None = None
    username: str = ""  # filled in on the login form (the password never is)
    compact: bool = False  # start in the compact strip after opening the counter
    retry_seconds: float = 2.0  # how often the live feed retries while the server is away


def _table(path: str | Path, data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise CounterConfigError(f"{path}: [{name}] must be a table")
    return table


def load_counter_config(path: str | Path) -> CounterConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CounterConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CounterConfigError(f"{path}: not valid TOML: {exc}") from None
    server = _table(path, data, "server")
    counter = _table(path, data, "counter")
    url = server.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise CounterConfigError(f"{path}: [server] url must be an http:// or https:// URL")
    language = counter.get("language", "id")
    if language not in ("id", "en"):
        raise CounterConfigError(f"{path}: [counter] language must be id or en")
    counter_id = counter.get("counter_id")
    if counter_id is not None and (
        not isinstance(counter_id, int) or isinstance(counter_id, bool) or counter_id < 1
    ):
        raise CounterConfigError(f"{path}: [counter] counter_id must be a counter's number (id)")
    username = counter.get("username", "")
    if not isinstance(username, str):
        raise CounterConfigError(f"{path}: [counter] username must be text")
    compact = counter.get("compact", False)
    if not isinstance(compact, bool):
        raise CounterConfigError(f"{path}: [counter] compact must be true or false")
    retry = server.get("retry_seconds", 2.0)
    if not isinstance(retry, int | float) or isinstance(retry, bool) or not 0.1 <= retry <= 60:
        raise CounterConfigError(f"{path}: [server] retry_seconds must be between 0.1 and 60")
    return CounterConfig(
        server_url=url.rstrip("/"),
        language=language,
        counter_id=counter_id,
        username=username,
        compact=compact,
        retry_seconds=float(retry),
    )
