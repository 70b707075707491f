"""The kiosk's TOML configuration: server, device token, language, printer, admin PIN."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.tap_guard import DEFAULT_GUARD_MS, MAX_GUARD_MS
from shared.config_file import ConfigFile, ConfigFileError, Table

DUMMY_PRINTER = {"kind": "dummy"}

log = logging.getLogger(__name__)


class KioskConfigError(ConfigFileError):
    """A setting the kiosk cannot use; the message names it."""


@dataclass(frozen=True)
class KioskConfig:
    """The kiosk's settings from its TOML file, read once at start-up: its server and
    token, screen timings and printer checks."""

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
    printer: dict[str, Any] = field(default_factory=lambda: dict(DUMMY_PRINTER))


def load_kiosk_config(path: str | Path) -> KioskConfig:
    file = ConfigFile.load(path, KioskConfigError)
    server, kiosk = file.table("server"), file.table("kiosk")
    url = server.required_url("url")
    token = server.required_text("token", hint="antre-server add-device")
    logo = kiosk.path("logo", kind="file", must_exist=False, expect="the path of an image file")
    config = KioskConfig(
        server_url=url,
        token=token,
        language=kiosk.choice("language", "id", ("id", "en")),
        public_url=server.url("public_url"),
        admin_pin=_admin_pin(kiosk),
        idle_seconds=kiosk.whole("idle_seconds", 45, low=1, unit="seconds"),
        ticket_seconds=kiosk.whole("ticket_seconds", 20, low=1, unit="seconds"),
        hide_cursor=kiosk.flag("hide_cursor", False),
        fullscreen=kiosk.flag("fullscreen", True),
        printer_check_seconds=kiosk.whole("printer_check_seconds", 30, low=1, unit="seconds"),
        tap_guard_ms=kiosk.whole(
            "tap_guard_ms", DEFAULT_GUARD_MS, low=0, high=MAX_GUARD_MS, unit="milliseconds"
        ),
        logo=str(logo) if logo else None,
        printer=_printer(file),
    )
    _warn_of_standards(file)
    return config


def _printer(file: ConfigFile) -> dict[str, Any]:
    """The printer's table as it stands (``PrinterConfig`` checks it); none: no printer."""
    return dict(file.table("printer").values) if "printer" in file.data else dict(DUMMY_PRINTER)


def _admin_pin(kiosk: Table) -> str:
    """Without a PIN a full-screen kiosk could only be left by pulling the plug. Digits in
    quotes or, as an installer may well write it, a bare whole number."""
    value = kiosk.get("admin_pin", "")
    pin = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not pin.isdigit() or len(pin) < 4:
        raise kiosk.error("admin_pin", "must be at least 4 digits")
    return pin


def _warn_of_standards(file: ConfigFile) -> None:
    """Standards once lived here, one copy per kiosk; they now belong to the service (the
    console), so every kiosk, the ticket page and the booking page say the same. An old
    table is ignored with a warning rather than refused: the kiosk must still start."""
    if "standards" in file.data:
        log.warning(
            "%s: [standards] is no longer read; set each service's standar pelayanan in "
            "the console (Layanan → the service → Standar pelayanan)",
            file.where,
        )
