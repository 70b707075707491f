"""The kiosk's TOML configuration: server, device token, language, printer, admin PIN."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.standards import ServiceStandard, StandardError
from kiosk.tap_guard import DEFAULT_GUARD_MS, MAX_GUARD_MS


class KioskConfigError(ValueError):
    """A setting the kiosk cannot use; the message names it."""


@dataclass(frozen=True)
class KioskConfig:
    """The kiosk's settings from its TOML file, read once at start-up: its server and
    token, screen timings, printer checks and the services' standards."""

    server_url: str
    token: str
    language: str = "id"
    public_url: str | None = None  # base of the QR link; default: server_url
    admin_pin: str = ""
    idle_seconds: int = 45
    ticket_seconds: int = 20
    hide_cursor: bool = False
    fullscreen: bool = True
    # How often the printer is asked for its state while nobody uses the kiosk.
    printer_check_seconds: int = 30
    # A new screen ignores taps this long: the second tap of a fast pair must not act on it.
    tap_guard_ms: int = DEFAULT_GUARD_MS
    logo: str | None = None  # shown on the welcome screen and printed on the ticket
    printer: dict[str, Any] = field(default_factory=lambda: {"kind": "dummy"})
    standards: dict[str, ServiceStandard] = field(default_factory=dict)  # by service code


def _seconds(path: str | Path, table: dict[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise KioskConfigError(f"{path}: [kiosk] {key} must be a whole number of seconds")
    return value


def _guard_ms(path: str | Path, table: dict[str, Any]) -> int:
    value = table.get("tap_guard_ms", DEFAULT_GUARD_MS)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_GUARD_MS:
        raise KioskConfigError(
            f"{path}: [kiosk] tap_guard_ms must be a whole number of milliseconds"
            f" from 0 to {MAX_GUARD_MS}"
        )
    return value


def load_kiosk_config(path: str | Path) -> KioskConfig:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KioskConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise KioskConfigError(f"{path}: not valid TOML: {exc}") from None
    kiosk = data.get("kiosk", {})
    server = data.get("server", {})
    url, token = server.get("url"), server.get("token")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise KioskConfigError(f"{path}: [server] url must be an http:// or https:// URL")
    if not isinstance(token, str) or not token:
        raise KioskConfigError(f"{path}: [server] token is required (antre-server add-device)")
    public_url = server.get("public_url")
    if public_url is not None and (
        not isinstance(public_url, str) or not public_url.startswith(("http://", "https://"))
    ):
        raise KioskConfigError(f"{path}: [server] public_url must be an http:// or https:// URL")
    language = kiosk.get("language", "id")
    if language not in ("id", "en"):
        raise KioskConfigError(f"{path}: [kiosk] language must be id or en")
    # Without a PIN a full-screen kiosk could only be left by pulling the plug.
    pin = str(kiosk.get("admin_pin", ""))
    if not pin.isdigit() or len(pin) < 4:
        raise KioskConfigError(f"{path}: [kiosk] admin_pin must be at least 4 digits")
    logo = kiosk.get("logo")
    if logo is not None and not isinstance(logo, str):
        raise KioskConfigError(f"{path}: [kiosk] logo must be the path of an image file")
    if logo:  # relative to the config file, so a kiosk folder can be copied as it is
        logo = str(Path(path).parent / Path(logo).expanduser())
    standards = {}
    for code, table in data.get("standards", {}).items():
        if not isinstance(table, dict):
            raise KioskConfigError(f'{path}: [standards."{code}"] must be a table')
        try:
            standards[code] = ServiceStandard.from_mapping(table, f'[standards."{code}"]')
        except StandardError as exc:
            raise KioskConfigError(f"{path}: {exc}") from None
    return KioskConfig(
        server_url=url.rstrip("/"),
        token=token,
        language=language,
        public_url=public_url.rstrip("/") if public_url else None,
        admin_pin=pin,
        idle_seconds=_seconds(path, kiosk, "idle_seconds", 45),
        ticket_seconds=_seconds(path, kiosk, "ticket_seconds", 20),
        hide_cursor=bool(kiosk.get("hide_cursor", False)),
        fullscreen=bool(kiosk.get("fullscreen", True)),
        printer_check_seconds=_seconds(path, kiosk, "printer_check_seconds", 30),
        tap_guard_ms=_guard_ms(path, kiosk),
        logo=logo,
        printer=dict(data.get("printer", {"kind": "dummy"})),
        standards=standards,
    )
