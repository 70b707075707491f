"""The kiosk's TOML configuration: server, device token, language, printer, admin PIN."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class KioskConfigError(ValueError):
    """A setting the kiosk cannot use; the message names it."""


@dataclass(frozen=True)
class KioskConfig:
    server_url: str
    token: str
    language: str = "id"
    public_url: str | None = None  # base of the QR link; default: server_url
    admin_pin: str = ""
    idle_seconds: int = 45
    ticket_seconds: int = 20
    hide_cursor: bool = False
    fullscreen: bool = True
    printer: dict[str, Any] = field(default_factory=lambda: {"kind": "dummy"})


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
    language = kiosk.get("language", "id")
    if language not in ("id", "en"):
        raise KioskConfigError(f"{path}: [kiosk] language must be id or en")
    pin = str(kiosk.get("admin_pin", ""))
    if pin and (not pin.isdigit() or len(pin) < 4):
        raise KioskConfigError(f"{path}: [kiosk] admin_pin must be at least 4 digits")
    return KioskConfig(
        server_url=url.rstrip("/"),
        token=token,
        language=language,
        public_url=server.get("public_url"),
        admin_pin=pin,
        idle_seconds=int(kiosk.get("idle_seconds", 45)),
        ticket_seconds=int(kiosk.get("ticket_seconds", 20)),
        hide_cursor=bool(kiosk.get("hide_cursor", False)),
        fullscreen=bool(kiosk.get("fullscreen", True)),
        printer=dict(data.get("printer", {"kind": "dummy"})),
    )
