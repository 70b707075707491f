"""The demo hall as ``scripts/demo`` loads it: tokens kept across runs in a private file,
ready client configs every client's own loader accepts, the kiosks in their zones, and
opening hours a newcomer can try at any time."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import sqlite3
import stat
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

import server.app
from counter_client.config import load_counter_config
from display_board.config import load_display_config
from kiosk.config import load_kiosk_config
from kiosk.printer import PrinterConfig
from server.app import create_app
from server.cli import cli
from server.config import ServerConfig
from server.db import Database
from server.demo.hours import CHOICES
from server.domain import bookings
from server.domain.auth import device_for_token
from server.domain.context import Ctx
from server.domain.devices import register_device
from server.domain.notices.reasons import indonesian
from server.domain.notices.sending import OutgoingNotice
from server.domain.settings import load_settings
from server.models import BookingSettings, Device, Notice, Service, Zone
from server.notify.fonnte import FonnteChannel
from server.notify.telegram import TelegramChannel
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall
from tests.server.notify.fake_provider import FakeProvider, Reply

TOKEN = re.compile(r"ant_d_[A-Za-z0-9_-]+")
SATURDAY_AFTERNOON = dt.datetime(2026, 12, 5, 14, 14, tzinfo=JAKARTA)  # every service closed
CHRISTMAS_MORNING = dt.datetime(2026, 12, 25, 9, 0, tzinfo=JAKARTA)  # a national holiday


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"ANTRE_DATABASE_URL": url})


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database holding the demo hall, copied for each test (seeding hashes
    passwords, which is slow on purpose)."""
    path = tmp_path_factory.mktemp("demo") / "antre.sqlite3"
    url = f"sqlite:///{path}"
    ok(invoke(url, "db", "upgrade"))
    ok(invoke(url, "seed-demo"))
    # The commands' own connections stay open in this process: fold the write-ahead log
    # into the file, so a copy of the file alone holds the hall.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "instance" / "antre.sqlite3"
    target.parent.mkdir()
    shutil.copy(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db(demo_url: str) -> Iterator[Database]:
    database = Database(demo_url)
    yield database
    database.dispose()


def tokens_in(output: str) -> list[str]:
    return TOKEN.findall(output)


# --- tokens kept across runs --------------------------------------------------------------


def test_a_token_file_keeps_every_demo_token_across_runs(demo_url: str, tmp_path: Path) -> None:
    token_file = tmp_path / "instance" / "demo" / "tokens.json"
    first = ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    second = ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    assert tokens_in(first) == tokens_in(second) != []
    assert f"kept in {token_file}" in second
    kept = json.loads(token_file.read_text())["tokens"]
    assert sorted(kept.values()) == sorted(tokens_in(second))
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600


def test_without_a_token_file_the_demo_tokens_are_renewed(demo_url: str) -> None:
    first = set(tokens_in(ok(invoke(demo_url, "seed-demo"))))
    second = set(tokens_in(ok(invoke(demo_url, "seed-demo"))))
    assert first and second and not first & second


def test_a_token_that_no_longer_matches_its_device_is_renewed(
    demo_url: str, tmp_path: Path, db: Database
) -> None:
    token_file = tmp_path / "tokens.json"
    ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    data = json.loads(token_file.read_text())
    data["tokens"]["Kiosk Pintu Utama 1"] = "ant_d_revoked-or-made-up"
    token_file.write_text(json.dumps(data))
    ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    renewed = json.loads(token_file.read_text())["tokens"]["Kiosk Pintu Utama 1"]
    assert renewed != "ant_d_revoked-or-made-up"
    with db.read() as session:
        device = device_for_token(session, renewed)
        assert device is not None and device.name == "Kiosk Pintu Utama 1"


def test_a_file_that_is_not_a_token_file_is_a_clear_error(demo_url: str, tmp_path: Path) -> None:
    token_file = tmp_path / "tokens.json"
    token_file.write_text('{"hello": 1}')
    result = invoke(demo_url, "seed-demo", "--token-file", str(token_file))
    assert result.exit_code != 0
    assert "not a demo token file" in result.output and "delete it" in result.output
    assert "Traceback" not in result.output


def test_a_device_added_by_hand_keeps_its_token(demo_url: str, db: Database) -> None:
    with db.write() as session:
        _, token = register_device(
            session,
            "Papan Ruang Tunggu",
            "display",
            "lantai1-b",
            None,
            None,
            dt.datetime.now(dt.UTC),
        )
    output = ok(invoke(demo_url, "seed-demo"))
    assert "Papan Ruang Tunggu" not in output
    with db.read() as session:
        device = device_for_token(session, token)
        assert device is not None and device.name == "Papan Ruang Tunggu"


def test_seed_demo_refuses_a_database_holding_another_hall(app: Flask, hall: Hall) -> None:
    state = app.extensions["antre"]
    with state.db.write() as session:
        closed = session.get(Service, hall.kk)
        assert closed is not None
        closed.hours = {}  # this hall's own decision, not the demo's to change
    result = invoke(state.config.database_url, "seed-demo", "--hours", "around-the-clock")
    assert result.exit_code != 0
    assert "another hall" in result.output
    with state.db.read() as session:
        service = session.get(Service, hall.kk)
        assert service is not None and service.hours == {}
        assert all(device_for_token(session, t) is not None for t in hall.tokens.values())


# --- the kiosks -----------------------------------------------------------------------------


def test_each_seeded_kiosk_stands_in_its_own_zone(db: Database) -> None:
    with db.read() as session:
        zones = {
            device.name: zone
            for device, zone in session.execute(
                select(Device, Zone.code).join(Zone, Zone.id == Device.zone_id)
            )
            if device.kind.value == "kiosk"
        }
    assert zones == {
        "Kiosk Pintu Utama 1": "lantai1-a",
        "Kiosk Pintu Utama 2": "lantai1-a",
        "Kiosk Lantai 2": "lantai2-a",
    }


# --- opening hours --------------------------------------------------------------------------


def issue_at(url: str, moment: dt.datetime, kiosk_token: str) -> tuple[int, str]:
    """Ask for a Disdukcapil KTP-el ticket at ``moment`` as the kiosk: status and code."""
    config = ServerConfig(database_url=url, async_mode="threading", secret_key="x" * 32)
    app = create_app(config, clock=FakeClock(moment))
    try:
        with app.extensions["antre"].db.read() as session:
            service_id = session.scalar(select(Service.id).where(Service.code == "DK-KTP"))
        response = app.test_client().post(
            "/api/v1/tickets",
            json={"service_id": service_id},
            headers={"Authorization": f"Bearer {kiosk_token}"},
        )
        body = response.get_json()
        return response.status_code, body.get("error", {}).get("code", "")
    finally:
        app.extensions["antre"].db.dispose()


def kiosk_token(output: str) -> str:
    line = next(x for x in output.splitlines() if "Kiosk Pintu Utama 1" in x)
    found = TOKEN.search(line)
    assert found is not None
    return found.group()


@pytest.mark.parametrize("moment", [SATURDAY_AFTERNOON, CHRISTMAS_MORNING])
def test_around_the_clock_a_newcomer_gets_a_ticket_at_any_hour_and_real_hours_close_again(
    demo_url: str, moment: dt.datetime
) -> None:
    token = kiosk_token(ok(invoke(demo_url, "seed-demo", "--hours", "real")))
    assert issue_at(demo_url, moment, token) == (409, "service_closed")
    token = kiosk_token(ok(invoke(demo_url, "seed-demo", "--hours", "around-the-clock")))
    assert issue_at(demo_url, moment, token)[0] == 201
    token = kiosk_token(ok(invoke(demo_url, "seed-demo", "--hours", "real")))
    assert issue_at(demo_url, moment, token) == (409, "service_closed")


def test_the_command_offers_every_hours_choice() -> None:
    result = CliRunner().invoke(cli, ["seed-demo", "--help"])
    assert all(choice in result.output for choice in CHOICES)


# --- client configs --------------------------------------------------------------------------


def write_configs(url: str, tmp_path: Path, *options: str) -> tuple[Path, str]:
    token_file = tmp_path / "instance" / "demo" / "tokens.json"
    ok(invoke(url, "seed-demo", "--token-file", str(token_file)))
    folder = tmp_path / "instance" / "demo"
    output = ok(
        invoke(
            url, "demo-configs", "--token-file", str(token_file), "--into", str(folder), *options
        )
    )
    return folder, output


def test_the_written_configs_load_with_each_clients_own_loader(
    demo_url: str, tmp_path: Path, db: Database
) -> None:
    folder, _ = write_configs(demo_url, tmp_path, "--port", "5097")
    kiosk = load_kiosk_config(folder / "kiosk.toml")
    assert kiosk.server_url == "http://127.0.0.1:5097"
    assert not kiosk.fullscreen and not kiosk.hide_cursor
    printer = PrinterConfig.from_mapping(kiosk.printer)
    assert printer.kind == "file" and Path(str(printer.path)).parent == folder.resolve()
    boards = {load_display_config(p).zone: p for p in folder.glob("display-*.toml")}
    assert set(boards) == {"lantai1-a", "lantai1-b", "lantai2-a", "lantai2-b"}
    assert all(not load_display_config(p).fullscreen for p in boards.values())
    counter = load_counter_config(folder / "counter-dk.toml")
    assert counter.username == "petugas.dk"
    device_token = tomllib.loads((folder / "counter-dk.toml").read_text())["device"]["token"]
    with db.read() as session:
        assert device_for_token(session, kiosk.token) is not None
        for path in boards.values():
            board = load_display_config(path)
            device = device_for_token(session, board.token)
            assert device is not None and device.zone is not None
            assert device.zone.code == board.zone
        terminal = device_for_token(session, device_token)
        assert terminal is not None and terminal.counter_id == counter.counter_id
        assert terminal.agency is not None and terminal.agency.code == "DK"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in folder.glob("*.toml")}
    assert modes == {0o600}


def test_the_commands_to_start_each_client_are_printed(demo_url: str, tmp_path: Path) -> None:
    folder, output = write_configs(demo_url, tmp_path)
    assert f"--config {folder / 'kiosk.toml'}" in output
    assert f"antre-display --config {folder / 'display-lantai1-a.toml'}" in output
    assert f"antre-counter --config {folder / 'counter-dk.toml'}" in output
    assert "petugas.dk / petugas-demo" in output


def test_the_survey_tablets_address_is_printed_with_its_token_for_the_counters_counter(
    demo_url: str, tmp_path: Path, db: Database
) -> None:
    folder, output = write_configs(demo_url, tmp_path, "--port", "5097")
    counter_id = load_counter_config(folder / "counter-dk.toml").counter_id
    found = re.search(r"http://127\.0\.0\.1:5097/survey/counter/(\d+)#token=(\S+)", output)
    assert found is not None, output
    assert int(found.group(1)) == counter_id
    with db.read() as session:
        tablet = device_for_token(session, found.group(2))
        assert tablet is not None and tablet.kind.value == "survey"
        assert tablet.counter_id == counter_id
    assert stat.S_IMODE((folder / "survey-tablet.url").stat().st_mode) == 0o600


def test_a_demo_seeded_before_the_survey_tablet_gets_one_on_its_next_run(
    demo_url: str, db: Database
) -> None:
    with db.write() as session:
        tablet = session.scalars(select(Device).where(Device.kind == "survey")).one()
        session.delete(tablet)
    output = ok(invoke(demo_url, "seed-demo"))
    assert "survey   Tablet survei Loket" in output
    ok(invoke(demo_url, "seed-demo"))
    with db.read() as session:
        assert len(session.scalars(select(Device).where(Device.kind == "survey")).all()) == 1


def test_a_server_listening_everywhere_is_reached_at_the_loopback_address(
    demo_url: str, tmp_path: Path
) -> None:
    folder, _ = write_configs(demo_url, tmp_path, "--host", "0.0.0.0", "--port", "5080")
    assert load_kiosk_config(folder / "kiosk.toml").server_url == "http://127.0.0.1:5080"


def test_configs_without_a_current_token_file_are_a_clear_error(
    demo_url: str, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    ok(invoke(demo_url, "seed-demo"))  # renews every token behind the file's back
    result = invoke(
        demo_url, "demo-configs", "--token-file", str(token_file), "--into", str(tmp_path)
    )
    assert result.exit_code != 0
    assert "seed-demo --token-file" in result.output
    assert not (tmp_path / "kiosk.toml").exists()


def test_a_demo_hall_without_its_counter_terminal_is_a_clear_error(
    demo_url: str, tmp_path: Path, db: Database
) -> None:
    with db.write() as session:
        terminal = session.scalar(select(Device).where(Device.name == "PC Loket 1 Disdukcapil"))
        assert terminal is not None
        terminal.name = "PC Loket 1 (dipindah)"  # renamed in the console: no longer the demo's
    token_file = tmp_path / "tokens.json"
    ok(invoke(demo_url, "seed-demo", "--token-file", str(token_file)))
    args = ["demo-configs", "--token-file", str(token_file), "--into", str(tmp_path / "demo")]
    result = invoke(demo_url, *args)
    assert result.exit_code != 0
    assert "no counter device of DK" in result.output
    assert "Traceback" not in result.output


# --- bookings -------------------------------------------------------------------------------

CODE = re.compile(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4})  (\S+) .*check-in open now$", re.M)


def test_a_newcomer_finds_a_booking_to_check_in_at_once_and_a_rerun_keeps_it(
    demo_url: str, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The commands' clock stands at 10.10 tomorrow in the hall: by the wall clock, from
    # about 23.00 no slot of today could be booked and checked in at once any more.
    tomorrow = dt.datetime.now(JAKARTA).date() + dt.timedelta(days=1)
    now = dt.datetime.combine(tomorrow, dt.time(10, 10), JAKARTA).astimezone(dt.UTC)
    monkeypatch.setattr(server.app, "utc_now", lambda: now)
    first = ok(invoke(demo_url, "seed-demo", "--hours", "around-the-clock"))
    ready = CODE.findall(first)
    assert len(ready) == 1 and ready[0][1] == "DK-KTP", first
    assert f"DK-KTP     {tomorrow.isoformat()} 11.00  check-in open now" in first  # by that clock
    assert len(re.findall(r"^  [0-9A-Z]{4}-[0-9A-Z]{4}  ", first, re.M)) >= 3  # and later ones
    assert CODE.findall(ok(invoke(demo_url, "seed-demo"))) == ready  # not booked again
    with db.write() as session:
        enabled = session.scalars(
            select(Service.code)
            .join(BookingSettings, BookingSettings.service_id == Service.id)
            .where(BookingSettings.enabled)
        ).all()
        assert sorted(enabled) == ["DK-KK", "DK-KTP", "IM-PASPOR", "SM-PKB"]
        checked = bookings.check_in(Ctx(session, now, load_settings(session)), ready[0][0])
    assert not checked.already and checked.issued.ticket.number.startswith("DK")


def test_bookings_whose_check_in_closed_are_not_listed_and_new_ones_are_made(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeded at 06.00, the demo's bookings of that morning are no-shows by 10.10: the
    list a newcomer reads then leaves them out and offers a new one to check in, with
    later ones (it once counted them as still to come, and booked nothing more)."""
    day = dt.datetime.now(JAKARTA).date() + dt.timedelta(days=1)
    six, ten_past_ten = (
        dt.datetime.combine(day, t, JAKARTA) for t in (dt.time(6), dt.time(10, 10))
    )
    monkeypatch.setattr(server.app, "utc_now", lambda: six.astimezone(dt.UTC))
    early = LISTED.findall(ok(invoke(demo_url, "seed-demo", "--hours", "around-the-clock")))
    # Slots by 09.00: their check-in closed well before 10.10, whatever its grace.
    gone = {code for code, slot in early if _in_the_hall(slot) <= six + dt.timedelta(hours=3)}
    assert gone, early

    monkeypatch.setattr(server.app, "utc_now", lambda: ten_past_ten.astimezone(dt.UTC))
    late = ok(invoke(demo_url, "seed-demo"))
    assert not gone & {code for code, _ in LISTED.findall(late)}, late
    assert len(CODE.findall(late)) == 1 and len(LISTED.findall(late)) >= 3, late


# A listed booking: its code, and its slot's day and time in the hall (2026-12-08 11.00).
LISTED = re.compile(r"^  ([0-9A-Z]{4}-[0-9A-Z]{4})  \S+ +(\d{4}-\d\d-\d\d \d\d\.\d\d) ", re.M)


def _in_the_hall(slot: str) -> dt.datetime:
    return dt.datetime.fromisoformat(slot.replace(".", ":")).replace(tzinfo=JAKARTA)


def test_scripts_demo_help_prints_its_usage_and_does_nothing_else(tmp_path: Path) -> None:
    """``--help`` used to be passed on to ``antre-server run`` after the set-up (apt, pip)
    and seeding had run."""
    script = tmp_path / "scripts" / "demo"
    script.parent.mkdir()
    shutil.copy(Path(__file__).parents[2] / "scripts" / "demo", script)

    shown = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=10, check=True
    )

    assert "scripts/demo [--real-hours]" in shown.stdout
    assert "--real-hours" in shown.stdout and "set -euo" not in shown.stdout
    assert "--no-phone" in shown.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scripts"]  # nothing set up


def test_the_demo_message_log_shows_each_state_with_made_up_numbers(db: Database) -> None:
    from server.domain.notices import log

    with db.read() as session:
        rows = log.recent(session, "Asia/Jakarta", dt.datetime.now(dt.UTC))
    assert {row.state for row in rows} == {"delivered", "sent", "failed", "expired"}
    assert all(row.ticket for row in rows)
    assert {row.channel for row in rows} == {"whatsapp", "telegram", "sms"}
    [booked] = [row for row in rows if row.kind == "booking_confirmed"]
    assert booked.state == "sent" and booked.ticket.startswith("booking ")
    assert {row.address for row in rows if row.channel in ("whatsapp", "sms")} <= {
        f"+62 812-****-{n:04d}" for n in range(10)
    }


def adapters_reason(channel: Any, reply: Reply) -> str | None:
    """The reason the real adapter gives when its provider answers ``reply``."""
    provider = FakeProvider(lambda _received, _n: reply)
    try:
        result = channel(provider.url).send(
            OutgoingNotice(
                1, "x", "+6281200000001", "Nomor DK-001", None, (), "id", "k", FAR_DEADLINE, 1
            )
        )
    finally:
        provider.close()
    return result.reason


FAR_DEADLINE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def test_the_demo_notices_are_worded_as_the_real_adapters_and_triggers_word_them(
    db: Database,
) -> None:
    with db.read() as session:
        seeded = session.execute(select(Notice.kind, Notice.channel, Notice.reason, Notice.body))
        rows = [tuple(row) for row in seeded]
    reasons = {reason for _, _, reason, _ in rows if reason}
    fonnte = adapters_reason(
        lambda url: FonnteChannel("t", base_url=url),
        Reply(body={"status": False, "reason": "target invalid"}),
    )
    blocked = adapters_reason(
        lambda url: TelegramChannel("1:t", base_url=url),
        Reply(403, {"ok": False, "description": "Forbidden: bot was blocked by the user"}),
    )
    assert {fonnte, blocked} <= reasons
    # Each reads in Indonesian on the console, but the SMS gateway's own words.
    assert [r for r in reasons if indonesian(r) == r] == [
        "SMS gateway: Saldo tidak mencukupi (HTTP 200)"
    ]
    # A confirmation is only Telegram's (the bot's /start); bodies are the kinds' texts.
    assert {channel for kind, channel, _, _ in rows if kind == "subscribed"} == {"telegram"}
    calls = [body for kind, _, _, body in rows if kind == "called"]
    assert calls and all("dipanggil. Silakan ke " in body and "/t/" in body for body in calls)
    [booking] = [body for kind, _, _, body in rows if kind == "booking_confirmed"]
    assert booking.startswith("Booking ") and "Check-in di kios" in booking and "/b/" in booking


def test_notice_channels_names_the_channels_in_effect_and_nothing_without_one(
    demo_url: str,
) -> None:
    assert ok(invoke(demo_url, "notice-channels")) == ""
    with_fonnte = CliRunner().invoke(
        cli,
        ["notice-channels"],
        env={"ANTRE_DATABASE_URL": demo_url, "ANTRE_NOTIFY_FONNTE_TOKEN": "t"},
    )
    assert ok(with_fonnte) == "whatsapp FonnteChannel\n"
