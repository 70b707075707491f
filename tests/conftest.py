"""Fixtures: a migrated SQLite database per test, the test hall, a controllable clock,
and an ``api`` helper that speaks to the app as a given user or device."""

from __future__ import annotations

import copy
import datetime as dt
import filecmp
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.app import create_app
from server.config import ServerConfig
from server.db import Database, make_engine
from server.migrate import upgrade
from server.state import AppState
from tests.factories import PASSWORD, Hall, build_hall

# Qt widgets are tested without a screen, also when pytest is run by hand.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

JAKARTA = dt.timezone(dt.timedelta(hours=7))
MONDAY_9AM = dt.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def _root_logging_as_it_was() -> Iterator[None]:
    """A client's ``main()`` configures the root logger (``basicConfig(force=True)``) with
    a handler on the stderr of its moment, which under pytest is that test's capture:
    left behind, the next test's log lines would go to a closed file."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        # pytest's own capture handlers are the same objects in every phase: kept.
        added = handler not in handlers and isinstance(handler, logging.StreamHandler)
        if added and not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
    root.setLevel(level)


class FakeClock:
    """The server's clock, moved by the test."""

    def __init__(self, start: dt.datetime = MONDAY_9AM) -> None:
        self.now = start.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def set(self, moment: dt.datetime) -> None:
        self.now = moment.astimezone(dt.UTC)


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest migration, copied for each test (migrating is slow)."""
    path = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database_url(tmp_path: Path, schema_template: Path) -> str:
    target = tmp_path / "antre.sqlite3"
    shutil.copy(schema_template, target)
    return f"sqlite:///{target}"


HallTemplate = Callable[[dt.datetime], tuple[Path, Hall]]


@pytest.fixture(scope="session")
def hall_template(tmp_path_factory: pytest.TempPathFactory, schema_template: Path) -> HallTemplate:
    """``hall_template(now)``: the template with the test hall built at ``now``, made once per
    moment: hashing five passwords per test cost more than all the rest of most tests."""
    made: dict[dt.datetime, tuple[Path, Hall]] = {}

    def get(now: dt.datetime) -> tuple[Path, Hall]:
        if now not in made:
            path = tmp_path_factory.mktemp("hall") / "seeded.sqlite3"
            shutil.copy(schema_template, path)
            seeding = Database(f"sqlite:///{path}")
            try:
                with seeding.write() as session:
                    hall = build_hall(session, now)
            finally:
                seeding.dispose()  # the last connection closes: no -wal file is left behind
            made[now] = (path, hall)
        return made[now]

    return get


def _still_the_empty_template(database_url: str, schema_template: Path) -> Path | None:
    """The SQLite file behind ``database_url`` if nothing has touched it since it was copied
    from the template (then a seeded copy may replace it), else None."""
    if not database_url.startswith("sqlite:///"):
        return None
    path = Path(database_url.removeprefix("sqlite:///"))
    if not path.is_file() or path.with_name(path.name + "-wal").exists():
        return None
    return path if filecmp.cmp(path, schema_template, shallow=False) else None


@pytest.fixture
def app(
    database_url: str, clock: FakeClock, schema_template: Path, hall_template: HallTemplate
) -> Iterator[Flask]:
    config = ServerConfig(database_url=database_url, async_mode="threading", secret_key="x" * 32)
    untouched = _still_the_empty_template(database_url, schema_template)
    if untouched is not None:
        seeded, hall = hall_template(clock())
        shutil.copy(seeded, untouched)
    application = create_app(config, clock=clock)
    state: AppState = application.extensions["antre"]
    if untouched is not None:
        application.config["HALL"] = copy.deepcopy(hall)
    else:
        with state.db.write() as session:
            application.config["HALL"] = build_hall(session, clock())
    yield application
    state.db.dispose()


@pytest.fixture
def hall(app: Flask) -> Hall:
    return app.config["HALL"]  # type: ignore[no-any-return]


class Api:
    """Calls the REST API as someone: ``api.as_user("petugas.dk").post(...)``."""

    def __init__(self, client: FlaskClient, hall: Hall, token: str | None = None) -> None:
        self.client = client
        self.hall = hall
        self.token = token

    def as_user(self, username: str) -> Api:
        response = self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.get_json()
        return Api(self.client, self.hall, response.get_json()["token"])

    def as_device(self, name: str) -> Api:
        return Api(self.client, self.hall, self.hall.tokens[name])

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.get(path, headers=self._headers(headers))

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(path, json=json, headers=self._headers(headers))

    def patch(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(path, json=json, headers=self._headers(headers))

    # the common moves, for tests about something else
    def issue(self, service_id: int, **body: Any) -> dict[str, Any]:
        response = self.post("/api/v1/tickets", json={"service_id": service_id, **body})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["ticket"]  # type: ignore[no-any-return]

    def counter(self, counter_id: int, action: str, json: Any = None) -> Any:
        return self.post(f"/api/v1/counters/{counter_id}/{action}", json=json)


@pytest.fixture
def api(app: Flask, hall: Hall) -> Api:
    return Api(app.test_client(), hall)
