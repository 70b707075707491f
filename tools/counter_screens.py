"""Render the counter client into docs/ (by hand): login, the working view on a 1366x768
and a 1920x1080 screen, the compact strip, the no-show question and the transfer dialog
(to a line with no counter open, and to one whose counters are at lunch).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/counter_screens.py docs/

It seeds a throwaway demo hall (services open all day), writes an hour of Disdukcapil's
morning through the domain functions with past clock times (visitors served, a line
waiting, a priority visitor, one sent to the counter by a colleague), starts a real
server, and drives the real window: log in, open the counter, serve, call. Window sizes
are the inside of a maximised window (screen less a 40 px taskbar and a 30 px title bar).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.db import Database, make_engine
from server.demo.seed import OFFICER_PASSWORD, officer_username, seed_demo
from server.domain import counters as counter_ops
from server.domain.context import Actor, Ctx
from server.domain.settings import load_settings
from server.domain.tickets import IssueRequest, issue_ticket
from server.migrate import upgrade
from server.models import Agency, Counter, CounterService, Holiday, Priority, Service, User

ALL_DAY = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
AGENCY = "DK"
SERVICES = ("DK-KTP", "DK-IKD")  # the two lines of the counter shown
COLLEAGUE_SERVICE = "DK-KK"
LUNCH_SERVICE = "SM-PKB"  # another agency's line whose counters are at lunch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Morning:
    """Domain commands at chosen past moments, each in its own transaction."""

    def __init__(self, db: Database, now: dt.datetime) -> None:
        self.db = db
        self.now = now

    def at(self, minutes_ago: float, act: Callable[[Ctx], Any], user: int | None = None) -> Any:
        with self.db.write() as session:
            moment = self.now - dt.timedelta(minutes=minutes_ago)
            ctx = Ctx(session, moment, load_settings(session), Actor(user_id=user))
            return act(ctx)


def counter_op(counter_id: int, op: Callable[..., Any], **kw: Any) -> Callable[[Ctx], Any]:
    def act(ctx: Ctx) -> Any:
        return op(ctx, counter_ops.lock_counter(ctx.session, counter_id), **kw)

    return act


def send_over(from_counter: int, to_counter: int) -> Callable[[Ctx], Any]:
    """A colleague sends their visitor to this very counter."""

    def act(ctx: Ctx) -> Any:
        target = ctx.session.get(Counter, to_counter)
        counter = counter_ops.lock_counter(ctx.session, from_counter)
        return counter_ops.transfer(ctx, counter, to_service=None, to_counter=target, front=False)

    return act


def by_code(session: Session, code: str) -> int:
    found = session.scalar(select(Service.id).where(Service.code == code))
    assert found is not None, code
    return int(found)


def prepare(db: Database, now: dt.datetime) -> dict[str, Any]:
    """The demo hall and Disdukcapil's morning so far; returns who and where."""
    with db.write() as session:
        seed_demo(session, now)
        for service in session.scalars(select(Service)):
            service.hours = ALL_DAY
        session.execute(delete(Holiday))
    with db.read() as session:
        agency = session.scalar(select(Agency).where(Agency.code == AGENCY))
        assert agency is not None
        wanted = {by_code(session, code) for code in SERVICES}
        colleague_line = by_code(session, COLLEAGUE_SERVICE)
        counters = list(agency.counters)
        mine = next(c for c in counters if {s.service_id for s in c.service_links} == wanted)
        theirs = next(
            c for c in counters if colleague_line in {s.service_id for s in c.service_links}
        )
        officer = session.scalar(select(User.id).where(User.username == officer_username(AGENCY)))
        ktp, ikd = by_code(session, SERVICES[0]), by_code(session, SERVICES[1])
        counter_id, colleague_counter = mine.id, theirs.id

    def issue(service: int, priority: Priority = Priority.NONE) -> Callable[[Ctx], Any]:
        return lambda ctx: issue_ticket(ctx, IssueRequest(service, priority))

    def at_counter(cid: int, op: Callable[..., Any], **kw: Any) -> Callable[[Ctx], Any]:
        return counter_op(cid, op, **kw)

    # (minutes ago, what happened): both counters opened, a steady line of two services,
    # eight visitors served, the ninth at the counter for seven minutes; then two priority
    # visitors arrive and a colleague sends two visitors over to this very counter.
    timeline: list[tuple[float, Callable[[Ctx], Any]]] = [
        (75, at_counter(counter_id, counter_ops.open_counter)),
        (75, at_counter(colleague_counter, counter_ops.open_counter)),
    ]
    arrivals = [72, 70, 67, 64, 60, 57, 52, 47, 43, 38, 33, 29, 26, 22, 18, 15, 12, 9, 5, 2, 1]
    for index, minutes_ago in enumerate(arrivals):
        timeline.append((minutes_ago, issue(ikd if index % 3 == 1 else ktp)))
    for called, finished in [(66, 60), (59, 52), (51, 45), (44, 37), (36, 30), (29, 22), (21, 15)]:
        timeline.append((called, at_counter(counter_id, counter_ops.call_next)))
        timeline.append((called - 0.5, at_counter(counter_id, counter_ops.start)))
        timeline.append((finished, at_counter(counter_id, counter_ops.finish)))
    timeline.append((14, at_counter(counter_id, counter_ops.call_next)))
    timeline.append((8, at_counter(counter_id, counter_ops.call_next)))  # finishes the 8th
    timeline.append((7.5, at_counter(counter_id, counter_ops.start)))
    timeline.append((6, issue(ktp, Priority.ELDERLY)))
    timeline.append((3, issue(ikd, Priority.PREGNANT)))
    timeline.append((40, issue(colleague_line)))
    timeline.append((36, issue(colleague_line)))
    timeline.append((11, at_counter(colleague_counter, counter_ops.call_next)))
    timeline.append((5.5, send_over(colleague_counter, counter_id)))
    timeline.append((5, at_counter(colleague_counter, counter_ops.call_next)))
    timeline.append((4, send_over(colleague_counter, counter_id)))
    morning = Morning(db, now)
    for minutes_ago, act in sorted(timeline, key=lambda step: -step[0]):
        morning.at(minutes_ago, act, officer)
    # Samsat's tax counter went to lunch ten minutes ago: a transfer there is warned of
    # as a break, not as a line nobody opened.
    with db.read() as session:
        tax = by_code(session, LUNCH_SERVICE)
        samsat = session.scalar(
            select(CounterService.counter_id).where(CounterService.service_id == tax)
        )
        taxman = session.scalar(select(User.id).where(User.username == officer_username("SM")))
    assert samsat is not None
    morning.at(50, counter_op(samsat, counter_ops.open_counter), taxman)
    morning.at(10, counter_op(samsat, counter_ops.pause_counter), taxman)
    return {"counter_id": counter_id, "username": officer_username(AGENCY)}


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    workdir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    upgrade(make_engine(url))
    db = Database(url)
    now = dt.datetime.now(dt.UTC)
    where = prepare(db, now)
    db.dispose()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        env={**os.environ, "ANTRE_DATABASE_URL": url, "ANTRE_LOG_LEVEL": "WARNING"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + "/api/v1/config", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        shoot(base, where, out)
    finally:
        server.terminate()
        server.wait(10)


LAPTOP = (1366, 768 - 40 - 30)
DESKTOP = (1920, 1080 - 40 - 30)


def shoot(base: str, where: dict[str, Any], out: Path) -> None:
    from PyQt6.QtWidgets import QApplication

    from counter_client.actions import Action
    from counter_client.app import CounterApp
    from counter_client.config import CounterConfig
    from counter_client.shift import Phase
    from counter_client.ui.no_show_dialog import NoShowDialog

    app = QApplication.instance() or QApplication([])
    config = CounterConfig(server_url=base, username=where["username"])
    counter = CounterApp(config, settle_seconds=0)  # a script presses faster than a hand
    window, shift = counter.window, counter.shift

    def wait(condition: Callable[[], object], seconds: float = 15) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up waiting ({shift.message})")
            app.processEvents()
            time.sleep(0.02)

    def pause(seconds: float) -> None:
        end = time.monotonic() + seconds
        wait(lambda: time.monotonic() > end, seconds + 1)

    def press(action: Action, **kw: Any) -> None:
        wait(lambda: shift.busy is None and action in shift.allowed())
        shift.press(action, **kw)
        wait(lambda: shift.busy is None)
        pause(0.3)

    window.resize(*LAPTOP)
    counter.start()
    window.login_page.password.setText(OFFICER_PASSWORD)
    pause(0.3)
    window.grab().save(str(out / "counter-login.png"))

    window.login_page.submit.click()
    wait(lambda: shift.phase is Phase.PICK)
    shift.choose_counter(where["counter_id"])
    wait(lambda: shift.phase is Phase.WORK and shift.online and shift.ticket is not None)
    press(Action.FINISH)  # the visitor at the counter is done
    press(Action.NEXT)  # the colleague's transfer comes first; the visitor does not come
    press(Action.RECALL)
    press(Action.RECALL)
    window.press(Action.NO_SHOW)  # asks first
    wait(lambda: isinstance(window.dialog, NoShowDialog))
    pause(0.3)
    assert window.dialog is not None
    window.dialog.grab().save(str(out / "counter-no-show.png"))
    window.dialog.accept()
    wait(lambda: shift.busy is None and shift.ticket is None)
    elderly = next(t for t, _reason in shift.calling_order() if t.get("priority") == "elderly")
    press(Action.CALL, ticket_id=int(elderly["id"]))
    pause(6)  # the call is a few seconds old, as when an officer looks up
    window.grab().save(str(out / "counter-working.png"))
    window.resize(*DESKTOP)
    pause(0.5)
    window.grab().save(str(out / "counter-working-1920.png"))
    window.resize(*LAPTOP)

    dialog = window.open_transfer()  # to a line that has no counter open: a warning
    dialog.search.setText("paspor")
    dialog.search.returnPressed.emit()
    wait(lambda: dialog.chosen() is not None and dialog.submit.text() == "Tetap alihkan")
    pause(0.3)
    dialog.grab().save(str(out / "counter-transfer.png"))
    dialog.search.clear()  # to a line whose counters are at lunch: a break, not closed
    dialog.search.setText("pajak kendaraan")
    dialog.search.returnPressed.emit()
    wait(lambda: dialog.chosen() is not None and "istirahat" in dialog.outlook.text())
    pause(0.3)
    dialog.grab().save(str(out / "counter-transfer-break.png"))
    dialog.reject()

    window.show_compact()
    pause(0.5)
    window.strip.grab().save(str(out / "counter-compact.png"))
    counter.close()
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
