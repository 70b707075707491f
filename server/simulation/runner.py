"""Play a planned day against a running server and measure it.

The order of a run: read the hall (``hall.discover``), plan the day, take the report
before (the baseline), connect the boards, log the officers in and let them open their
counters, then start the kiosks, the leaving visitors and the progress lines on the
simulated clock. When the day's window ends the kiosks stop; the officers serve whoever
still waits (at most ``drain_limit`` simulated seconds more) and close. Then the report
after is compared with the tally, and the summary is built.

With a fault schedule (``RunOptions.faults``, ``faults.py``) one more thread on the same
clock breaks things (a process killed, Redis restarted, a kiosk cut off, a board
unplugged); boards and phones are then the reconnecting ones of ``screens.py``, and the
end of the run also checks that every confirmed ticket reached its end on the server and
that every board and phone shows what a fresh snapshot shows.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

from server.simulation.accuracy import accuracy, promise_of
from server.simulation.clock import SimClock
from server.simulation.faults import (
    RETRY_FOR,
    FaultOptions,
    FaultPlayer,
    check_tickets,
    classify_missed,
)
from server.simulation.hall import Credentials, Device, Hall
from server.simulation.listeners import Boards, Phones
from server.simulation.measures import (
    ProcessProbe,
    ProcessSample,
    cpu_share,
    memory_summary,
    percentile,
    pid_listening_on,
)
from server.simulation.people import Day, Officer, run_kiosk, run_leavers
from server.simulation.plan import HOUR, MINUTE, DayPlan, Visit, clock_text
from server.simulation.screens import LiveBoards, LivePhones, Resyncs
from server.simulation.tally import compare, report_delta, report_lines
from shared.api_client import ApiClient, ApiError
from shared.printer_health import PrinterState

log = logging.getLogger("antre.simulation")
Say = Callable[[str], None]
SETTLE_SECONDS = 1.0  # real: pushes still on their way when the last command returned
# Real seconds, as the clients report: well inside the monitor's five silent minutes.
PRESENCE_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Presence:
    """One device's request of every real minute: a GET without ``body``, else a POST."""

    device: Device
    path: str
    body: dict[str, str] | None = None


def presence_requests(hall: Hall) -> list[Presence]:
    """What the hall's devices do besides their work, as their clients do once a minute:
    every kiosk reports its printer and every counter terminal its version
    (``kiosk/health_report.py``, ``counter_client/device_presence.py``), every survey
    tablet asks what its counter's visitor is to be asked (``survey_tablet.js``); boards
    are seen through their sockets. The simulation asks the server who each token is,
    which counts as the device being seen: one it then left silent would be shown in
    trouble on the hall monitor."""
    return [
        *(Presence(d, "/devices/me/health", {"printer": PrinterState.OK}) for d in hall.kiosks),
        *(Presence(d, "/devices/me/health", {"version": "simulation"}) for d in hall.terminals),
        *(Presence(d, f"/survey/counters/{d.counter_id}") for d in hall.tablets),
    ]


@dataclass(frozen=True)
class RunOptions:
    """How to play the plan: against which server, how fast, what to measure."""

    url: str
    speed: float = 20.0
    server_pid: int | None = None
    progress_every: float = 15 * MINUTE  # simulated
    drain_limit: float = 2 * HOUR  # simulated, after the window's end
    faults: FaultOptions = field(default_factory=FaultOptions)
    # With faults: where boards connect, in turn (a balancer spreading them over a hall's
    # processes); empty: ``url``. Phones connect to ``url``.
    board_urls: tuple[str, ...] = ()
    boards_per_zone: int = 1  # boards each display token connects (a zone on several screens)


class Simulation:
    """One run of one plan."""

    def __init__(
        self,
        hall: Hall,
        plan: DayPlan,
        credentials: Credentials,
        options: RunOptions,
        say: Say = print,
    ) -> None:
        self.hall = hall
        self.plan = plan
        self.credentials = credentials
        self.options = options
        self.say = say
        self.stop = threading.Event()
        self.clock = SimClock(plan.options.start, options.speed, self.stop)
        self.day = Day(options.url, hall, plan, self.clock)
        self.probe = self._probe()
        self.samples: dict[str, ProcessSample | None] = {}
        self.hourly_cpu: dict[str, float | None] = {}
        self._clients: list[ApiClient] = []
        # Which server process each sample read: a restart makes a new one.
        self._sampled: dict[ProcessSample, int] = {}
        self.restarted_pids: list[int] = []
        self.resyncs = Resyncs()
        self.player: FaultPlayer | None = None

    # --- the run ----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Play the day; returns the summary (``summary["ok"]``: reports equal the tally
        and no delivery was lost or duplicated)."""
        day = self.day
        if not self.hall.kiosks:
            # Checked before any counter opens: the run would leave them open for nothing.
            raise ValueError("no kiosk token: the simulation issues through the hall's kiosks")
        admin = self._login(*self.credentials.admin)
        day.no_show_after = self.hall.no_show_after_calls
        before = report_lines(self._report(admin))
        faults = self.options.faults
        urls = list(self.options.board_urls) or [self.options.url]
        boards: Boards
        if faults.faults:
            faults.check()
            live_boards = LiveBoards(urls, day.deliveries, self.resyncs)
            day.boards = boards = live_boards
            day.phones = LivePhones([self.options.url], day.deliveries, self.resyncs)
            day.retry_for = RETRY_FOR
            self.player = day.faults = FaultPlayer(
                day, faults, live_boards, self._server_pid, self._restarted
            )
        else:
            day.boards = boards = Boards(self.options.url, day.deliveries)
            day.phones = Phones(self.options.url, day.deliveries)
        copies = self.options.boards_per_zone
        for board in self.hall.boards:
            if board.zone is None:
                continue
            for copy in range(1, copies + 1):
                # Each screen its own socket and listener, checked for every call.
                name = board.name if copies == 1 else f"{board.name}#{copy}"
                boards.connect(name, board.token, board.zone)
        day.phones.start()
        officers = self._officers()
        for officer in officers:
            officer.open()
        desks = self._agency_desks()
        self.clock = day.clock = SimClock(self.plan.options.start, self.options.speed, self.stop)
        self.samples["start"] = self._sample()
        started = time.monotonic()
        threads = [self._thread(f"officer-{o.counter.id}", o.run) for o in officers]
        kiosks = self._kiosk_threads()
        leavers = self._thread("leavers", lambda: run_leavers(day, desks))
        progress = self._thread("progress", self._progress)
        presence = self._thread("presence", self._report_presence)
        player = self._thread("faults", self.player.run) if self.player else None
        try:
            for kiosk in kiosks:
                kiosk.join()
            day.issuing_done = True
            deadline = self.plan.options.end + self.options.drain_limit
            for thread in threads:
                thread.join(max(0.0, self.clock.real_seconds(deadline - self.clock.now())))
        finally:
            self.stop.set()
            day.book.wake()
            for thread in [*threads, leavers, progress, presence]:
                thread.join(timeout=30)
            if player is not None:
                player.join(timeout=RETRY_FOR)
        real_seconds = time.monotonic() - started
        self.samples["end"] = self._sample()
        time.sleep(SETTLE_SECONDS)
        try:
            day.phones.close()
            stale_boards = self._stale_boards()
            boards.close()
            after = report_lines(self._report(admin))
            summary = self._summary(report_delta(before, after), real_seconds)
            if self.player is not None:
                summary.update(self._fault_summary(summary, stale_boards))
        finally:
            for client in self._clients:
                client.close()
            if self.player is not None:
                self.player.processes.stop()
        return summary

    # --- faults -------------------------------------------------------------------------

    def _server_pid(self) -> int | None:
        """The process a server-restart kills: the one measured, else the port's."""
        if self.probe is not None:
            return self.probe.pid
        parsed = urlparse(self.options.url)
        return pid_listening_on(parsed.port or 80)

    def _restarted(self, pid: int) -> None:
        self.restarted_pids.append(pid)
        if self.probe is not None:
            self.probe = ProcessProbe(pid)

    def _stale_boards(self) -> dict[str, Any]:
        boards = self.day.boards
        if not isinstance(boards, LiveBoards):
            return {}
        return boards.stale(wait=10.0)

    def _fault_summary(
        self, summary: dict[str, Any], stale_boards: dict[str, Any]
    ) -> dict[str, Any]:
        """The fault schedule's part of the summary, and the verdict it adds: every
        confirmed ticket ended on the server, no call lost (missed while offline is
        not lost when a snapshot showed it after), every board and phone shows the truth."""
        day, player = self.day, self.player
        assert player is not None
        boards = day.boards.by_zone if day.boards is not None else {}
        with day.calls_lock:
            calls = list(day.calls)
        deliveries = classify_missed(calls, boards, day.deliveries, self.resyncs, player.windows)
        phones = day.phones
        stale_phones = phones.stale if isinstance(phones, LivePhones) else {}
        tickets = check_tickets(day)
        lost = sum(d["lost"] + d["duplicated"] for d in deliveries.values())
        faults_ok = all(r.get("ok") is True for r in player.records)
        ok = (
            summary["reports_equal_tally"]
            and summary["server"].get("memory_within_limit") is not False
            and lost == 0
            and tickets["ok"]
            and not stale_boards
            and not stale_phones
            and faults_ok
        )
        return {
            "ok": ok,
            "deliveries": deliveries,
            "faults": {
                "schedule": player.records,
                "retries": dict(day.retries),
                "tickets": tickets,
                "boards_checked": len(getattr(day.boards, "boards", {})),
                "boards_not_as_snapshot": stale_boards,
                "phones_checked": phones.checked if isinstance(phones, LivePhones) else 0,
                "phones_not_as_ticket": stale_phones,
                "all_made": faults_ok,
            },
        }

    def _thread(self, name: str, target: Callable[[], None]) -> threading.Thread:
        thread = threading.Thread(target=target, name=f"sim-{name}", daemon=True)
        thread.start()
        return thread

    def _kiosk_threads(self) -> list[threading.Thread]:
        kiosks = self.hall.kiosks
        share: list[list[Visit]] = [[] for _ in kiosks]
        for visit in self.plan.visits:
            share[visit.index % len(kiosks)].append(visit)
        return [
            self._thread(f"kiosk-{k.name}", functools.partial(run_kiosk, self.day, k.token, v))
            for k, v in zip(kiosks, share, strict=True)
        ]

    def _report_presence(self) -> None:
        """Every device's minute request (``presence_requests``) until the day ends. A
        request the server refuses is not the day's concern."""
        requests = [
            (ApiClient(self.options.url, p.device.token), p) for p in presence_requests(self.hall)
        ]
        try:
            while not self.stop.is_set():
                for client, request in requests:
                    with contextlib.suppress(ApiError):
                        if request.body is None:
                            client.get(request.path)
                        else:
                            client.post(request.path, request.body)
                self.stop.wait(PRESENCE_EVERY_SECONDS)
        finally:
            for client, _ in requests:
                client.close()

    def _login(self, username: str, password: str) -> ApiClient:
        client = ApiClient(self.options.url)
        client.login(username, password)
        self._clients.append(client)
        return client

    def _officers(self) -> list[Officer]:
        """One login per counter (officers of an agency take its counters in turn)."""
        breaks = self.plan.breaks
        found = []
        for number, counter in enumerate(self.hall.shape.counters):
            names = self.hall.officers.get(counter.agency_code) or []
            if not names:
                continue
            client = self._login(names[number % len(names)], self.credentials.officer_password)
            mine = [b for b in breaks if b.counter_id == counter.id]
            found.append(Officer(self.day, counter, client, mine))
        return found

    def _agency_desks(self) -> dict[str, ApiClient]:
        """An officer login per agency for cancelling a leaving visitor's ticket."""
        return {
            code: self._login(names[0], self.credentials.officer_password)
            for code, names in self.hall.officers.items()
            if names
        }

    def _report(self, admin: ApiClient) -> dict[str, Any]:
        return admin.get(f"/reports?period=day&date={self.hall.today}&group=service")

    # --- measuring ----------------------------------------------------------------------

    def _probe(self) -> ProcessProbe | None:
        pid = self.options.server_pid
        if pid is None:
            parsed = urlparse(self.options.url)
            if parsed.hostname in ("127.0.0.1", "localhost", "::1"):
                pid = pid_listening_on(parsed.port or 80)
        return ProcessProbe(pid) if pid is not None else None

    def _sample(self) -> ProcessSample | None:
        probe = self.probe
        sample = probe.sample() if probe is not None else None
        if sample is not None and sample.rss_bytes == 0:
            sample = None  # killed and not yet reaped (a zombie): no server to measure
        if probe is not None and sample is not None:
            self._sampled[sample] = probe.pid
        return sample

    def _same_process(self, first: ProcessSample | None, last: ProcessSample | None) -> bool:
        return (
            first is not None
            and last is not None
            and self._sampled.get(first) == self._sampled.get(last)
        )

    def _progress(self) -> None:
        """Progress lines, the warm-up sample and the CPU share per simulated hour."""
        options = self.plan.options
        warm_up = options.start + min(HOUR, (options.end - options.start) / 4)
        next_line = options.start + self.options.progress_every
        hour_start, hour_sample = options.start, self.samples.get("start")
        while not self.stop.is_set():
            if not self.clock.wait_until(min(next_line, hour_start + HOUR)):
                return
            now = self.clock.now()
            if "warm_up" not in self.samples and now >= warm_up:
                self.samples["warm_up"] = self._sample()
            if now >= hour_start + HOUR:
                sample = self._sample()
                if self._same_process(hour_sample, sample):
                    assert hour_sample is not None and sample is not None
                    self.hourly_cpu[clock_text(hour_start)] = _rounded(
                        cpu_share(hour_sample, sample)
                    )
                hour_start, hour_sample = hour_start + HOUR, sample
            if now >= next_line:
                self.say(self._progress_line(now))
                next_line += self.options.progress_every

    def _progress_line(self, now: float) -> str:
        day = self.day
        p99 = {name: percentile(day.latencies.values(name), 0.99) for name in ("issue", "next")}
        shown = " ".join(
            f"{name} {value * 1000:.0f} ms" for name, value in p99.items() if value is not None
        )
        return (
            f"[{clock_text(now)}] issued {day.tally.total('issued')} "
            f"waiting {day.book.waiting()} served {day.tally.total('served')} "
            f"| p99 {shown or '-'}"
        )

    def _push_latencies(self) -> None:
        """next -> every board of the counter's zone, next -> the called ticket's phone."""
        day = self.day
        boards = day.boards.by_zone if day.boards is not None else {}
        with day.calls_lock:
            calls = [c for c in day.calls if c.kind == "next"]
        for call in calls:
            arrivals = [
                day.deliveries.arrival(b, call.board_key) for b in boards.get(call.zone, [])
            ]
            if arrivals and all(a is not None for a in arrivals):
                day.latencies.add("next->boards", max(a for a in arrivals if a) - call.sent)
            if call.phone is not None:
                at = day.deliveries.arrival(call.phone, call.phone_key)
                if at is not None:
                    day.latencies.add("next->phone", at - call.sent)

    def _summary(self, reported: dict[int, dict[str, Any]], real_seconds: float) -> dict[str, Any]:
        day = self.day
        self._push_latencies()
        tally = day.tally.lines()
        differences = compare(tally, reported)
        boards, phones = day.deliveries.summary("board:"), day.deliveries.summary("phone:")
        lost = boards["lost"] + boards["duplicated"] + phones["lost"] + phones["duplicated"]
        speed = self.options.speed
        promises = [
            promise_of(
                self.hall.shape.service(t.visit.service_id).agency_code,
                t.issued_sim,
                t.first_wait,
                t.promised_minutes,
                t.naive_minutes,
                speed,
                with_history=t.with_history,
            )
            for t in day.book.all()
            if t.first_wait is not None
        ]
        services = {s.id: s for s in self.hall.shape.services}
        server = self._server_figures()
        return {
            # Memory counts only where it was measured (a server on this machine).
            "ok": not differences and lost == 0 and server.get("memory_within_limit") is not False,
            "plan": {
                "fingerprint": self.plan.fingerprint(),
                **{k: v for k, v in asdict(self.plan.options).items()},
                "window": f"{clock_text(self.plan.options.start)}-"
                f"{clock_text(self.plan.options.end)}",
            },
            "run": {
                "url": self.options.url,
                "speed": speed,
                "service_date": self.hall.today,
                "real_seconds": round(real_seconds, 1),
                "boards": {
                    z: len(b) for z, b in (day.boards.by_zone if day.boards else {}).items()
                },
                "zones_without_board": [
                    z for z in self.hall.zones if day.boards and z not in day.boards.by_zone
                ],
                "phones_failed": day.phones.failed if day.phones else 0,
                "refused_issues": dict(day.refused),
                "errors": dict(day.errors),
                "foreign_tickets": day.foreign,
                "left_waiting": day.book.waiting(),
            },
            "scales": {
                "latency": "real milliseconds",
                "waits_and_service_times": "simulated minutes (real x speed)",
                "report_comparison": "real seconds, as the server stores them",
            },
            "latency": day.latencies.summary(),
            "deliveries": {"boards": boards, "phones": phones},
            "server": server,
            "estimate": accuracy(promises),
            "tally": {
                services[sid].code if sid in services else str(sid): _simulated(line, speed)
                for sid, line in tally.items()
            },
            "reports_equal_tally": not differences,
            "differences": [
                {**d.as_dict(), "service": services[d.service_id].code}
                if d.service_id in services
                else d.as_dict()
                for d in differences
            ],
        }

    def _server_figures(self) -> dict[str, Any]:
        if self.probe is None:
            return {"pid": None, "note": "no server process found on this machine"}
        start, end = self.samples.get("start"), self.samples.get("end")
        memory = memory_summary(self.samples)
        if not self._same_process(self.samples.get("warm_up"), end):
            # A restart: the new process's memory says nothing of the old one's growth.
            memory.update(growth_after_warm_up=None, memory_within_limit=None)
        return {
            "pid": self.probe.pid,
            **({"restarted_as": self.restarted_pids} if self.restarted_pids else {}),
            "cpu_share_of_one_core": {
                "whole_run": _rounded(cpu_share(start, end))
                if start and end and self._same_process(start, end)
                else None,
                "by_hour": self.hourly_cpu,
            },
            **memory,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _simulated(line: dict[str, Any], speed: float) -> dict[str, Any]:
    """A tally line with its average times in simulated minutes."""
    shown = dict(line)
    for name in ("avg_wait", "avg_service"):
        value = shown.pop(name)
        shown[f"{name}_min"] = None if value is None else round(value * speed / 60, 2)
    return shown
