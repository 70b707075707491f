"""The counter client's TOML configuration: server, language, an optional fixed counter,
and this PC's device token when an admin registered it as a counter terminal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shared.config_file import ConfigFile, ConfigFileError, Table


class CounterConfigError(ConfigFileError):
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


# What ``antre-server add-device`` hands out (server.domain.auth.DEVICE_TOKEN_PREFIX): an
# officer's token pasted here by mistake is named at start, not refused by the server later.
DEVICE_TOKEN_PREFIX = "ant_d_"
# URL-safe base64 after the prefix (secrets.token_urlsafe); the server reads 200 at most.
TOKEN_SHAPE = re.compile(re.escape(DEVICE_TOKEN_PREFIX) + r"[A-Za-z0-9_-]{1,190}")


def load_counter_config(path: str | Path) -> CounterConfig:
    file = ConfigFile.load(path, CounterConfigError)
    server, counter = file.table("server"), file.table("counter")
    return CounterConfig(
        server_url=server.required_url("url"),
        retry_seconds=server.number("retry_seconds", 2.0, 0.1, 60),
        device_token=_device_token(file.table("device")),
        language=counter.choice("language", "id", ("id", "en")),
        counter_id=_counter_id(counter),
        username=counter.text("username"),
        compact=counter.flag("compact", False),
        confirm_no_show=counter.flag("confirm_no_show", True),
    )


def _counter_id(counter: Table) -> int | None:
    """The counter this PC stands at; unset, the officer picks one."""
    if counter.get("counter_id") is None:
        return None
    return counter.whole("counter_id", 0, low=1, expect="a counter's number (id)")


def _device_token(device: Table) -> str | None:
    token = device.get("token")
    if token is None:
        return None
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        raise device.error(
            "token",
            f"must be this PC's device token ({DEVICE_TOKEN_PREFIX}..., "
            "from antre-server add-device --kind counter)",
        )
    return token
