"""Ready client configs for the demo hall, so a newcomer starts each client with one command.

Written by ``antre-server demo-configs`` (``scripts/demo`` runs it on every start) from
the demo token file: a kiosk that "prints" into a file, in a window with the mouse
pointer shown; one board per zone, in a window; a counter client for Disdukcapil's first
counter with the officer's user name and the counter terminal's token. The files hold
device tokens, so they are readable by their owner only, like the token file.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.demo.seed import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    OFFICER_PASSWORD,
    demo_devices,
    load_demo_data,
    officer_username,
)
from server.demo.tokens import write_private
from server.domain.auth import token_hash
from server.models import Device, DeviceKind

COUNTER_AGENCY = "DK"  # Disdukcapil: the busiest agency, first on the kiosk
KIOSK_PIN = "1234"  # the demo kiosk's exit PIN (a real kiosk: examples/kiosk.toml)
RUNNING_TEXT = (
    "Selamat datang di Mal Pelayanan Publik Kabupaten Tangerang (demo Antre)",
    "Ambil nomor antrean di kios, lalu tunggu nomor Anda dipanggil",
)


class DemoConfigError(ValueError):
    """The configs cannot be written; the message says what to run first."""


@dataclass(frozen=True)
class ClientConfig:
    """One written config: which client reads it, where, and for which device."""

    client: str  # "kiosk", "display" or "counter"
    path: Path
    device: str
    zone: str  # where the device stands (a counter terminal: its counter's zone)
    username: str = ""  # the officer who logs in (a counter)
    address: str = ""  # a page to open in a browser, token in its fragment (the tablet)


def write_client_configs(
    session: Session, tokens: Mapping[str, str], folder: Path, server_url: str
) -> list[ClientConfig]:
    """Write the demo's client configs into ``folder`` (replacing earlier ones) and return
    them: the kiosk first, then one board per zone, then the counter."""
    devices = demo_devices(session, load_demo_data())
    for device in devices:
        token = tokens.get(device.name)
        if token is None or token_hash(token) != device.token_hash or not device.active:
            raise DemoConfigError(
                f"no current token for {device.name}: run antre-server seed-demo "
                "--token-file with the same file first"
            )
    kiosk = _first(devices, DeviceKind.KIOSK, None)
    boards = [d for d in devices if d.kind == DeviceKind.DISPLAY]
    counter = _first(devices, DeviceKind.COUNTER, COUNTER_AGENCY)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for client, device, path in [
        ("kiosk", kiosk, folder / "kiosk.toml"),
        *[("display", b, folder / f"display-{_zone(b)}.toml") for b in boards],
        ("counter", counter, folder / f"counter-{COUNTER_AGENCY.lower()}.toml"),
    ]:
        lines = BUILDERS[client](device, folder)
        text = "\n".join(lines).replace("{url}", _toml(server_url))
        text = text.replace("{token}", _toml(tokens[device.name]))
        write_private(path, text + "\n")
        username = officer_username(COUNTER_AGENCY) if client == "counter" else ""
        written.append(ClientConfig(client, path, device.name, _zone(device), username))
    tablet = next((d for d in devices if d.kind == DeviceKind.SURVEY), None)
    if tablet is not None:
        written.append(_survey_tablet(tablet, tokens[tablet.name], folder, server_url))
    return written


def _survey_tablet(device: Device, token: str, folder: Path, server_url: str) -> ClientConfig:
    """The survey tablet is a browser page: its address, with the token in the fragment
    as the page reads it, kept in a private file like the configs."""
    assert device.counter_id is not None
    address = f"{server_url}/survey/counter/{device.counter_id}#token={token}"
    path = folder / "survey-tablet.url"
    write_private(path, address + "\n")
    return ClientConfig("survey", path, device.name, _zone(device), address=address)


def _first(devices: list[Device], kind: DeviceKind, agency: str | None) -> Device:
    """The first demo device of ``kind`` (of ``agency``), or a clear error when an admin
    removed them all."""
    for device in devices:
        if device.kind == kind and (
            agency is None or (device.agency and device.agency.code == agency)
        ):
            return device
    owner = f" of {agency}" if agency else ""
    raise DemoConfigError(f"the demo hall has no {kind.value} device{owner} any more")


def _zone(device: Device) -> str:
    if device.counter is not None:
        return device.counter.zone.code
    assert device.zone is not None, f"{device.name} stands in no zone"
    return device.zone.code


# The files are built as text, so each keeps comments a newcomer can read; the values
# go through _toml, so a name with quotes or a Windows path stays valid TOML. {url} and
# {token} are filled in last.

HEADER = [
    "# {what}, Antre demo hall.",
    "# Written by scripts/demo (antre-server demo-configs) on every run: copy it elsewhere",
    "# before changing it. Demo only: the token sits here in clear for the demo's sake; a",
    "# real hall's configs start from examples/{example}.",
    "",
]


def _header(what: str, example: str) -> list[str]:
    return [line.replace("{what}", what).replace("{example}", example) for line in HEADER]


def _kiosk(device: Device, folder: Path) -> list[str]:
    printer_file = str((folder / PRINTER_FILE).resolve())
    return [
        *_header("Kiosk", "kiosk.toml"),
        "[server]",
        "url = {url}",
        "token = {token}",
        "",
        "[kiosk]",
        'language = "id"',
        f"admin_pin = {_toml(KIOSK_PIN)}         # leaving: five taps on the logo, then this PIN",
        "fullscreen = false        # a window, to try it beside the board and the counter",
        "hide_cursor = false       # a touch kiosk hides the mouse pointer; a desk needs it",
        "",
        "# No thermal printer on a desk: each ticket's ESC/POS bytes go into this file, which",
        "# the kiosk reports as a working printer. A real kiosk: see examples/kiosk.toml.",
        "[printer]",
        'kind = "file"',
        f"path = {_toml(printer_file)}",
        "paper_mm = 80",
    ]


def _display(device: Device, _folder: Path) -> list[str]:
    assert device.zone is not None
    return [
        *_header(f"Display board {device.zone.name}", "display.toml"),
        "[server]",
        "url = {url}",
        "token = {token}",
        "",
        "[board]",
        f"zone = {_toml(device.zone.code)}",
        'language = "id"',
        "fullscreen = false        # a window; a hall TV shows the board full screen",
        "hide_cursor = false",
        "running_text = [",
        *[f"    {_toml(text)}," for text in RUNNING_TEXT],
        "]",
        "",
        "[sound]",
        "# The chime, then the call in Indonesian (espeak-ng; without it, the chime only).",
        'speech = ["espeak-ng"]',
        'languages = ["id"]',
    ]


def _counter(device: Device, _folder: Path) -> list[str]:
    assert device.agency is not None and device.counter is not None
    label, agency = device.counter.label, device.agency.short_name
    return [
        *_header(f"Counter client at {label}", "counter.toml"),
        "[server]",
        "url = {url}",
        "",
        "[counter]",
        'language = "id"',
        f"counter_id = {device.counter.id}            # {label}, {agency}",
        f"username = {_toml(officer_username(device.agency.code))}"
        f"   # the demo's password: {OFFICER_PASSWORD}",
        "",
        "# The counter terminal this PC is, so the hall monitor sees it connected.",
        "[device]",
        "token = {token}",
    ]


BUILDERS = {"kiosk": _kiosk, "display": _display, "counter": _counter}
PRINTER_FILE = "kiosk-printer.bin"


def _toml(value: Any) -> str:
    """A TOML value: a JSON string, or list of strings, is also a valid TOML one."""
    return json.dumps(value, ensure_ascii=False)


# --- the commands a newcomer runs -------------------------------------------------------


def server_url_for_clients(host: str, port: int) -> str:
    """The server's address for clients on this machine: a server listening on every
    address (0.0.0.0, ::) is reached at the loopback one."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def client_commands(configs: list[ClientConfig], server_url: str, cwd: Path | None = None) -> str:
    """What a newcomer types to start each client, and what to do to see a call."""
    cwd = cwd or Path.cwd()
    counter = next(c for c in configs if c.client == "counter")
    board = next(c for c in configs if c.client == "display" and c.zone == counter.zone)
    kiosk = next(c for c in configs if c.client == "kiosk")
    others = [c for c in configs if c.client == "display" and c is not board]
    lines = [
        "",
        f"Client configs for this demo in {_shown(kiosk.path.parent, cwd)}/ "
        "(written again on every run).",
        "Start each client in a terminal of its own while the server runs:",
        f"  kiosk    {_program('antre-kiosk', cwd)} --config {_shown(kiosk.path, cwd)}",
        f"  board    {_program('antre-display', cwd)} --config {_shown(board.path, cwd)}",
        f"  counter  {_program('antre-counter', cwd)} --config {_shown(counter.path, cwd)}",
        f"           (log in as {counter.username} / {OFFICER_PASSWORD})",
        "Take a Disdukcapil ticket at the kiosk, log in at the counter and press",
        "Berikutnya (F1): the board calls the number. Ctrl+C ends a client.",
        "The kiosk prints into a file: " + _shown(kiosk.path.parent / PRINTER_FILE, cwd),
        "Boards of the other zones: " + ", ".join(_shown(c.path, cwd) for c in others),
        f"Web console and hall monitor: {server_url}/ ({ADMIN_USER} / {ADMIN_PASSWORD})",
    ]
    tablet = next((c for c in configs if c.client == "survey"), None)
    if tablet is not None:
        lines += [
            "Survey tablet at the counter above (open in a browser; press Selesai/Berikutnya",
            f"at the counter and it asks that visitor): {tablet.address}",
        ]
    return "\n".join(lines)


def _program(name: str, cwd: Path) -> str:
    """The client's command beside this Python (the .venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return _shown(beside, cwd)
    return shutil.which(name) or name


def _shown(path: Path, cwd: Path) -> str:
    """``path`` as short as it is clear: relative below ``cwd``, else absolute."""
    try:
        return str(path.absolute().relative_to(cwd.absolute()))
    except ValueError:
        return str(path.absolute())
