"""The counter client's TOML configuration: server, language, an optional fixed counter,
and this PC's device token when an admin registered it as a counter terminal."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class CounterConfigError(ValueError):
    """A setting the counter client cannot use; the message names it."""


@dataclass(frozen=True)
class CounterConfig:
    """The counter PC's settings from its TOML file, read once at start-up by ``main``:
    which server, which counter, and how the window behaves."""

    server_url: str
    language: str = "id"
    # The counter this PC stands at; None lets the officer pick one of their agency's.
    counter_id: int | None = None
    username: str = ""  # filled in on the login form (the password never is)
    compact: bool = False  # start in the compact strip after opening the counter
    retry_seconds: float = 2.0  # how often the live feed retries while the server is away
    # This PC's counter-terminal token (antre-server add-device --kind counter): the client
    # reports with it that the PC is alive. None: nothing is reported.
    device_token: str | None = None
    confirm_no_show: bool = True  # ask before marking a visitor no-show


def _table(path: str | Path, data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise CounterConfigError(f"{path}: [{name}] must be a table")
    return table


# What ``antre-server add-device`` hands out (server.domain.auth.DEVICE_TOKEN_PREFIX): an
# officer's token pasted here by mistake is named at start, not refused by the server later.
DEVICE_TOKEN_PREFIX = "ant_d_"
# URL-safe base64 after the prefix (secrets.token_urlsafe); the server reads 200 at most.
TOKEN_SHAPE = re.compile(re.escape(DEVICE_TOKEN_PREFIX) + r"[A-Za-z0-9_-]{1,190}")


def load_counter_config(path: str | Path) -> CounterConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CounterConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CounterConfigError(f"{path}: not valid TOML: {exc}") from None
    server = _table(path, data, "server")
    url = server.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise CounterConfigError(f"{path}: [server] url must be an http:// or https:// URL")
    retry = server.get("retry_seconds", 2.0)
    if not isinstance(retry, int | float) or isinstance(retry, bool) or not 0.1 <= retry <= 60:
        raise CounterConfigError(f"{path}: [server] retry_seconds must be between 0.1 and 60")
    return CounterConfig(
        server_url=url.rstrip("/"),
        retry_seconds=float(retry),
        device_token=_device_token(path, _table(path, data, "device")),
        **_counter_settings(path, _table(path, data, "counter")),
    )


def _counter_settings(path: str | Path, counter: dict[str, Any]) -> dict[str, Any]:
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
    switches = {}
    for name, default in (("compact", False), ("confirm_no_show", True)):
        value = counter.get(name, default)
        if not isinstance(value, bool):
            raise CounterConfigError(f"{path}: [counter] {name} must be true or false")
        switches[name] = value
    return {"language": language, "counter_id": counter_id, "username": username, **switches}


def _device_token(path: str | Path, device: dict[str, Any]) -> str | None:
    token = device.get("token")
    if token is None:
        return None
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        raise CounterConfigError(
            f"{path}: [device] token must be this PC's device token ({DEVICE_TOKEN_PREFIX}..., "
            "from antre-server add-device --kind counter)"
        )
    return token
