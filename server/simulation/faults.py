"""Faults at chosen times of the simulated day, and what the day must still get right.

``--fault 09:30=server-restart`` and its kin (``parse_fault``) are played by
``FaultPlayer``, one more thread on the simulated clock beside the kiosks:

- ``server-restart``: the server process (``--server-pid``, or the one listening on the
  URL's port) is killed with SIGKILL, as a crash, and ``--server-command`` is run again
  in its own process group (stopped at the end of the run: the simulation started it);
  the fault lasts until the server answers HTTP again.
- ``redis-restart``: ``--redis-restart-command`` is run (by default this machine's
  ``service redis-server restart``), then Redis at ``--redis-url`` must answer PING.
- ``kiosk-cut``: the next kiosk to issue sends its request and closes the connection
  without reading the answer, then retries with the same Idempotency-Key: one ticket.
- ``board-offline``: one board (the boards in turn) is unplugged for five simulated
  minutes and plugged in again.

While a fault lasts, kiosks retry their issue with the same key and officers their
commands (``expect_ticket_id`` keeps a retry from acting twice); boards and phones
reconnect and reload (``screens.py``). At the end ``check_tickets`` follows every ticket
a kiosk was given to its end on the server, and ``classify_missed`` tells the calls a
board or phone missed while a fault lasted and found in its next snapshot
(``missed_while_offline``) from the ones it never saw (``lost``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import requests

from server.simulation.measures import Deliveries, pid_listening_on
from server.simulation.plan import HOUR, MINUTE, Visit, clock_text
from shared.api_client import ApiClient, ApiError

if TYPE_CHECKING:
    from server.simulation.people import Call, Day
    from server.simulation.screens import LiveBoards, Resyncs

log = logging.getLogger("antre.simulation")

SERVER_RESTART = "server-restart"
REDIS_RESTART = "redis-restart"
KIOSK_CUT = "kiosk-cut"
BOARD_OFFLINE = "board-offline"
KINDS = (SERVER_RESTART, REDIS_RESTART, KIOSK_CUT, BOARD_OFFLINE)
# How this machine (Debian, the packaged redis-server) restarts its Redis.
LOCAL_REDIS_RESTART = "service redis-server restart"
OFFLINE_FOR = 5 * MINUTE  # simulated: how long a board stays unplugged
RESTART_TIMEOUT = 60.0  # real: a server or Redis not back by then fails its fault
# Real: how long clients keep retrying through a fault before they give up.
RETRY_FOR = 90.0
RETRY_PAUSE = 0.25
# Real: a call sent this long before a fault began may still have died with it (the push
# of a command answered just before a kill).
FAULT_MARGIN = 2.0


@dataclass(frozen=True)
class Fault:
    """One fault of the schedule: when (simulated seconds from midnight) and what."""

    at: float
    kind: str


def parse_fault(text: str) -> Fault:
    """``HH:MM=kind`` (``09:30=server-restart``); ValueError says what is wrong."""
    when, sep, kind = text.partition("=")
    hours, colon, minutes = when.strip().partition(":")
    if not (sep and colon and hours.isdigit() and minutes.isdigit()) or kind.strip() not in KINDS:
        raise ValueError(f"a fault is HH:MM=KIND with KIND one of {', '.join(KINDS)}: {text!r}")
    return Fault(int(hours) * HOUR + int(minutes) * MINUTE, kind.strip())


@dataclass(frozen=True)
class FaultOptions:
    """The schedule and how to restart what it breaks."""

    faults: tuple[Fault, ...] = ()
    server_command: str | None = None
    redis_restart_command: str = LOCAL_REDIS_RESTART
    redis_url: str | None = None

    def check(self) -> None:
        """Refuse a schedule that cannot be played before anything starts."""
        kinds = {f.kind for f in self.faults}
        if SERVER_RESTART in kinds and not self.server_command:
            raise ValueError("a server-restart needs --server-command (how to start it again)")


@dataclass
class Window:
    """When a fault began (real time) and whom it touched (None: every listener)."""

    record: dict[str, Any]
    start: float
    listeners: set[str] | None = None


@dataclass
class ServerProcesses:
    """Server processes the simulation started (after a kill), stopped at the end."""

    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


class FaultPlayer:
    """Plays the schedule on the day's clock and keeps what happened, per fault."""

    def __init__(
        self,
        day: Day,
        options: FaultOptions,
        boards: LiveBoards,
        server_pid: Callable[[], int | None],
        on_restart: Callable[[int], None],
    ) -> None:
        self.day = day
        self.options = options
        self.boards = boards
        self.server_pid = server_pid
        self.on_restart = on_restart
        self.records: list[dict[str, Any]] = []
        self.windows: list[Window] = []
        self.processes = ServerProcesses()
        self._lock = threading.Lock()
        self._cuts_pending: list[dict[str, Any]] = []
        self._offline_turn = 0

    def run(self) -> None:
        for fault in sorted(self.options.faults, key=lambda f: f.at):
            record: dict[str, Any] = {"at": clock_text(fault.at), "kind": fault.kind}
            with self._lock:
                self.records.append(record)
            if not self.day.clock.wait_until(fault.at):
                record.update(ok=False, note="not made: the run ended first")
                continue
            try:
                getattr(self, "_" + fault.kind.replace("-", "_"))(record)
            except Exception as exc:  # a fault that could not be made is said, not hidden
                log.exception("fault %s at %s failed", fault.kind, record["at"])
                record.update(ok=False, note=f"could not be made: {exc}")

    # --- server-restart ------------------------------------------------------------------

    def _server_restart(self, record: dict[str, Any]) -> None:
        url = self.day.url
        port = urlparse(url).port or 80
        pid = self.server_pid()
        if pid is None:
            record.update(ok=False, note="no server process found to kill")
            return
        began = time.time()
        self.windows.append(Window(record, began))
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: pid_listening_on(port) != pid, RESTART_TIMEOUT)
        assert self.options.server_command is not None
        log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the process keeps it
            prefix="antre-sim-server-", suffix=".log", delete=False
        )
        process = subprocess.Popen(
            self.options.server_command,
            shell=True,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        log_file.close()
        self.processes.started.append(process)
        back = _wait(lambda: _answers(url), RESTART_TIMEOUT)
        new_pid = pid_listening_on(port)
        if new_pid is not None:
            self.on_restart(new_pid)
        record.update(
            ok=back,
            killed_pid=pid,
            new_pid=new_pid,
            down_seconds=round(time.time() - began, 1),
            server_log=log_file.name,
        )
        record["note"] = (
            "killed with SIGKILL, started again with --server-command"
            if back
            else f"the server did not answer within {RESTART_TIMEOUT:.0f} s of the kill"
        )

    # --- redis-restart -------------------------------------------------------------------

    def _redis_restart(self, record: dict[str, Any]) -> None:
        command = self.options.redis_restart_command
        began = time.time()
        self.windows.append(Window(record, began))
        done = subprocess.run(
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=RESTART_TIMEOUT,
            check=False,
        )
        back = done.returncode == 0
        if back and self.options.redis_url is not None:
            back = _wait(lambda: _redis_answers(str(self.options.redis_url)), RESTART_TIMEOUT)
        record.update(ok=back, command=command, seconds=round(time.time() - began, 1))
        record["note"] = "restarted" if back else "Redis did not come back"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).decode(errors="replace").strip()[-300:]
            record["note"] = f"exit {done.returncode}: {tail}"

    # --- board-offline -------------------------------------------------------------------

    def _board_offline(self, record: dict[str, Any]) -> None:
        names = sorted(self.boards.boards)
        if not names:
            record.update(ok=False, note="no board to unplug")
            return
        name = names[self._offline_turn % len(names)]
        self._offline_turn += 1
        board = self.boards.boards[name]
        began = time.time()
        self.windows.append(Window(record, began, {name}))
        board.go_offline()
        self.day.clock.sleep(OFFLINE_FOR)
        board.come_back()
        loaded = _wait(lambda: self.day_resyncs().first_after(name, began) is not None, 30)
        record.update(
            ok=loaded,
            note="unplugged, plugged in again, reloaded its zone",
            board=name.removeprefix("board:"),
            offline_minutes=OFFLINE_FOR / MINUTE,
            offline_real_seconds=round(time.time() - began, 1),
        )
        if not loaded:
            record["note"] = "the board did not load its snapshot after coming back"

    def day_resyncs(self) -> Resyncs:
        return self.boards.resyncs

    # --- kiosk-cut -----------------------------------------------------------------------

    def _kiosk_cut(self, record: dict[str, Any]) -> None:
        """Arms the cut; the next kiosk to issue makes it (``cut_issue``)."""
        record.update(ok=False, note="not made: no kiosk issued after it")
        with self._lock:
            self._cuts_pending.append(record)

    def cut_issue(self, token: str | None, visit: Visit, key: str) -> bool:
        """Called by a kiosk before it issues: when a cut is armed, send the request and
        close the connection unread. True when this issue was cut."""
        with self._lock:
            if not self._cuts_pending:
                return False
            record = self._cuts_pending.pop(0)
        parsed = urlparse(self.day.url)
        body = json.dumps({"service_id": visit.service_id, "priority": visit.priority})
        connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port)
        try:
            connection.request(
                "POST",
                "/api/v1/tickets",
                body=body,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                },
            )
        finally:
            connection.close()  # the answer is never read
        record.update(visit=visit.index, note="request sent, connection closed unread")
        # As a kiosk whose connection dropped: it notices, then presses again.
        time.sleep(RETRY_PAUSE * 2)
        return True

    def after_cut(self, visit: Visit, number: str | None, replayed: bool | None) -> None:
        """What the retry after the cut got: the first request's ticket (replayed)."""
        with self._lock:
            record = next(r for r in self.records if r.get("visit") == visit.index)
        record.update(number=number, replayed=replayed, ok=bool(replayed))
        record["note"] = (
            "the retry with the same key got the ticket the cut request made"
            if replayed
            else "the retry made the ticket (the cut request made none)"
            if number
            else "the retry was refused"
        )


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _answers(url: str) -> bool:
    """Any HTTP answer: the routes are up."""
    try:
        requests.get(f"{url}/api/v1/config", timeout=1)
    except requests.RequestException:
        return False
    return True


def _redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


# --- what the day must still get right ----------------------------------------------------


def classify_missed(
    calls: list[Call],
    by_zone: dict[str, list[str]],
    deliveries: Deliveries,
    resyncs: Resyncs,
    windows: list[Window],
) -> dict[str, dict[str, int]]:
    """Per kind (boards, phones): calls expected, lost, missed while offline, duplicated.

    A call a listener never heard is *missed while offline* when it was made while a
    fault touching that listener lasted (from ``FAULT_MARGIN`` before the fault began
    until the listener's first snapshot after it) and the listener loaded a snapshot
    after it, so it showed the call's outcome; otherwise it is *lost*. Each fault's record
    gets the count it excused."""
    totals = {
        kind: {"listeners": 0, "expected": 0, "lost": 0, "missed_while_offline": 0, "duplicated": 0}
        for kind in ("boards", "phones")
    }
    for name, listener in deliveries.listeners.items():
        kind = "boards" if name.startswith("board:") else "phones"
        totals[kind]["listeners"] += 1
        totals[kind]["expected"] += len(listener.expected)
        totals[kind]["duplicated"] += listener.duplicated()
    for window in windows:
        window.record.setdefault("calls_missed_while_offline", 0)
    for call in calls:
        heard_by = [(b, call.board_key, "boards") for b in by_zone.get(call.zone, [])]
        if call.phone is not None:
            heard_by.append((call.phone, call.phone_key, "phones"))
        for name, key, kind in heard_by:
            heard = deliveries.listeners.get(name)
            if heard is None or heard.received[key] > 0:
                continue
            excused = _excusing(name, call.sent, resyncs, windows)
            if excused is None:
                totals[kind]["lost"] += 1
            else:
                totals[kind]["missed_while_offline"] += 1
                excused.record["calls_missed_while_offline"] += 1
    return totals


def _excusing(name: str, sent: float, resyncs: Resyncs, windows: list[Window]) -> Window | None:
    for window in windows:
        if window.listeners is not None and name not in window.listeners:
            continue
        caught_up = resyncs.first_after(name, max(window.start, sent))
        if caught_up is not None and window.start - FAULT_MARGIN <= sent:
            first = resyncs.first_after(name, window.start)
            if first is not None and sent <= first:
                return window
    return None


FINAL_STATES = ("done", "no_show", "cancelled", "expired")


def check_tickets(day: Day) -> dict[str, Any]:
    """Every ticket a kiosk was given, followed to its end on the server: none unknown,
    none still open, none given twice, and as many as the reports counted issued."""
    tickets = day.book.all()
    client = ApiClient(day.url)
    states: Counter[str] = Counter()
    unknown, open_ = [], []
    transferred_served = 0
    try:
        for ticket in tickets:
            try:
                status = client.get(f"/tickets/{ticket.status_code}")
            except ApiError as exc:
                if exc.status == 404:
                    unknown.append(ticket.number)
                    continue
                raise
            shown: dict[str, Any] = status["ticket"]  # type: ignore[assignment]
            state = str(shown["state"])
            states[state] += 1
            if state not in FINAL_STATES:
                open_.append(ticket.number)
            elif state == "done" and ticket.leg == 2:
                transferred_served += 1
    finally:
        client.close()
    ids = [t.id for t in tickets]
    duplicated = len(ids) - len(set(ids))
    return {
        "confirmed": len(tickets),
        "by_final_state": dict(sorted(states.items())),
        "transferred_then_served": transferred_served,
        "unknown_to_server": unknown,
        "not_finished": open_,
        "given_twice": duplicated,
        "ok": not unknown and not open_ and duplicated == 0,
    }
