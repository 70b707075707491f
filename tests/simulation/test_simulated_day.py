"""An hour of the hall's day at high speed, played by ``antre-server simulate`` against a
real server: the reports equal what the simulation did, every board and phone heard
every call once, and the same seed plans the same day."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import cli
from server.demo.tokens import write_tokens
from server.models import Device, DeviceKind
from server.simulation.command import DayRequest, planned_day
from server.simulation.hall import Credentials
from server.simulation.plan import HOUR, PlanOptions
from server.simulation.runner import RunOptions
from tests.e2e.live import free_port, running_server
from tests.factories import PASSWORD

OFFICERS = ("petugas.dk", "petugas2.dk", "petugas.sm")
SEED = 5


def test_the_cli_refuses_a_day_that_ends_before_it_starts(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["simulate", "--day", "16:00-08:00", "--tokens-file", str(tmp_path / "none.json")]
    )
    assert result.exit_code != 0
    assert "--day" in result.output


def test_the_cli_says_why_when_no_server_answers(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        cli, ["simulate", "--url", url, "--tokens-file", str(tmp_path / "none.json")]
    )
    assert result.exit_code == 1
    assert "simulation stopped: unavailable" in result.output


@pytest.mark.slow
def test_a_simulated_hour_matches_the_reports_and_loses_no_call(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    with running_server(tmp_path / "server") as live:
        tokens = tmp_path / "tokens.json"
        # Kiosk, both zones' boards (two screens each) and the counter PC (officers log in
        # with passwords; the PC only reports in, as the counter client does).
        write_tokens(tokens, dict(live.hall.tokens))
        out = tmp_path / "day.json"
        args = ["simulate", "--url", live.url, "--speed", "180", "--day", "08:00-09:00"]
        args += ["--seed", str(SEED), "--visitors", "30", "--phones", "6", "--boards-per-zone", "2"]
        args += ["--tokens-file", str(tokens), "--officer-password", PASSWORD]
        args += ["--admin-user", "admin", "--admin-password", PASSWORD, "--out", str(out)]
        for officer in OFFICERS:
            args += ["--officer", officer]
        result = CliRunner().invoke(cli, args)
        summary = json.loads(out.read_text())

        request = DayRequest(
            run=RunOptions(url=live.url),
            plan=PlanOptions(visitors=30, start=8 * HOUR, end=9 * HOUR, seed=SEED, phones=6),
            credentials=Credentials(
                device_tokens={},
                officer_password=PASSWORD,
                officers=list(OFFICERS),
                admin=("admin", PASSWORD),
            ),
        )
        plan, again = planned_day(request), planned_day(request)
        with live.db.read() as session:
            health = {d.kind: d.health for d in session.scalars(select(Device))}

    assert result.exit_code == 0, result.output
    assert "Reports equal the tally: yes" in result.output
    assert summary["reports_equal_tally"] and summary["differences"] == []
    assert summary["deliveries"]["boards"] == {
        "listeners": 4,
        "expected": summary["deliveries"]["boards"]["expected"],
        "lost": 0,
        "duplicated": 0,
    }
    assert summary["deliveries"]["boards"]["expected"] > 40
    assert sorted(summary["run"]["boards"].values()) == [2, 2]
    assert summary["deliveries"]["phones"]["lost"] == 0
    assert summary["deliveries"]["phones"]["duplicated"] == 0
    assert summary["deliveries"]["phones"]["listeners"] == 6
    # The day was a real one: all three lines served, and every kind of outcome occurred.
    tally = summary["tally"]
    assert set(tally) == {"DK-KTP", "DK-KK", "SM-PKB"}
    assert sum(line["issued"] for line in tally.values()) == 30 - sum(
        summary["run"]["refused_issues"].values()
    )
    for outcome in ("served", "no_show", "transferred"):
        assert sum(line[outcome] for line in tally.values()) > 0, outcome
    assert summary["run"]["errors"] == {}
    assert summary["latency"]["issue"]["count"] > 0
    assert summary["latency"]["next->boards"]["p99_ms"] is not None
    assert summary["server"]["rss_mb"]["end"] > 0
    # The same seed, the same day: the plan the command played, twice over.
    assert plan == again
    assert plan.fingerprint() == summary["plan"]["fingerprint"]
    assert summary["run"]["real_seconds"] < 85
    # The devices reported in as their clients do: the monitor shows no silent kiosk or desk.
    assert health[DeviceKind.KIOSK]["printer"] == "ok"
    assert health[DeviceKind.COUNTER]["version"] == "simulation"
