"""The login throttle's policy, at given moments (no password is hashed: the domain only
counts), on SQLite and PostgreSQL: a hall of officers behind one address gets in, a
guesser does not, and a success never locks anyone out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete, select

from server.db import Database
from server.domain.errors import DomainError
from server.domain.login_throttle import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    MAX_FAILURES_PER_ADDRESS,
    LoginAttempt,
    attempt_failed,
    attempt_succeeded,
    begin_attempt,
    locks_now,
    login_keys,
    unlock_user,
)
from server.models import LoginThrottle
from shared.errors import ErrorCode
from tests.conftest import JAKARTA
from tests.factories import build_hall
from tests.pg import fresh_database

HALL_NAT = "10.20.0.1"  # every PC of the hall's LAN, as the server sees it
AT_0730 = dt.datetime(2026, 12, 1, 7, 30, tzinfo=JAKARTA).astimezone(dt.UTC)
LIMIT = MAX_FAILURES_PER_ADDRESS


@pytest.fixture(scope="module")
def postgres_db() -> Iterator[Database]:
    """One PostgreSQL database with the test hall for the module (making one per test
    costs seconds); each test starts from an empty throttle."""
    with fresh_database(migrated=True) as url:
        database = Database(url)
        try:
            with database.write() as session:
                build_hall(session, AT_0730)
            yield database
        finally:
            database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """Both backends: the rows are created, locked and compared in each one's dialect."""
    if request.param == "sqlite":
        app: Flask = request.getfixturevalue("app")
        database: Database = app.extensions["antre"].db
        return database
    database = request.getfixturevalue("postgres_db")
    with database.write() as session:
        session.execute(delete(LoginThrottle))
    return database


class Refused(Exception):
    """The throttle answered 429."""


def reserve(db: Database, name: str, now: dt.datetime, address: str = HALL_NAT) -> LoginAttempt:
    """A login begins: counted before its password is checked (or refused: ``Refused``)."""
    try:
        with db.write() as session:
            return begin_attempt(session, login_keys(name, address), now)
    except DomainError as exc:
        assert exc.code == ErrorCode.TOO_MANY_ATTEMPTS
        raise Refused(name) from None


def wrong(db: Database, attempt: LoginAttempt, now: dt.datetime) -> None:
    with db.write() as session:
        attempt_failed(session, attempt, now)


def right(db: Database, attempt: LoginAttempt, now: dt.datetime) -> None:
    with db.write() as session:
        attempt_succeeded(session, attempt, now)


def failed_login(db: Database, name: str, now: dt.datetime, address: str = HALL_NAT) -> None:
    wrong(db, reserve(db, name, now, address), now)


def good_login(db: Database, name: str, now: dt.datetime, address: str = HALL_NAT) -> None:
    right(db, reserve(db, name, now, address), now)


def guesses(db: Database, count: int, now: dt.datetime, address: str = HALL_NAT) -> None:
    """``count`` wrong passwords from ``address``, each for a name nobody has (one try each,
    so no name's own limit is reached: only the address's count grows)."""
    for i in range(count):
        failed_login(db, f"tamu{i}", now, address)


def row(db: Database, key: str) -> LoginThrottle | None:
    with db.read() as session:
        found = session.get(LoginThrottle, key)
        if found is not None:
            session.expunge(found)
        return found


def address_row(db: Database, address: str = HALL_NAT) -> LoginThrottle:
    found = row(db, f"addr:{address}")
    assert found is not None
    return found


# --- a hall behind one address -----------------------------------------------------------


def test_eighty_officers_logging_in_at_0730_all_get_in_some_after_one_typo(db: Database) -> None:
    """Ten logins in flight at a time; every third officer mistypes once first."""
    officers = [f"petugas{i:02d}" for i in range(80)]
    now = AT_0730
    for start in range(0, len(officers), 10):
        group = officers[start : start + 10]
        in_flight = [(name, reserve(db, name, now)) for name in group]
        retry = []
        for name, attempt in in_flight:
            if officers.index(name) % 3 == 0:
                wrong(db, attempt, now)
                retry.append(name)
            else:
                right(db, attempt, now)
        for name in retry:
            good_login(db, name, now)
        now += dt.timedelta(seconds=20)

    assert address_row(db).failures == 27
    assert address_row(db).locked_until is None


def test_a_success_after_an_address_lock_ends_never_locks_it_again(db: Database) -> None:
    """The review's finding: once the address had reached its limit, each colleague's good
    login locked the hall again for a minute."""
    guesses(db, LIMIT, AT_0730)
    with pytest.raises(Refused):
        reserve(db, "admin", AT_0730)
    after_lock = AT_0730 + dt.timedelta(seconds=31)

    good_login(db, "admin", after_lock)
    good_login(db, "petugas.dk", after_lock)
    good_login(db, "petugas.sm", after_lock + dt.timedelta(seconds=1))

    address = address_row(db)
    assert address.failures == LIMIT
    assert address.last_failure_at == AT_0730
    assert address.locked_until is None or address.locked_until <= after_lock


def test_an_attempt_that_reaches_the_limit_locks_at_once_but_its_success_undoes_it(
    db: Database,
) -> None:
    """Reserved before its password is checked, the limit's own attempt holds back a burst
    while it is checked; when its password was right, nothing of it remains."""
    guesses(db, LIMIT - 1, AT_0730)
    later = AT_0730 + dt.timedelta(minutes=1)
    at_the_limit = reserve(db, "admin", later)
    with pytest.raises(Refused):
        reserve(db, "petugas.dk", later)

    right(db, at_the_limit, later)

    address = address_row(db)
    assert (address.failures, address.locked_until) == (LIMIT - 1, None)
    assert address.last_failure_at == AT_0730
    good_login(db, "petugas.dk", later)


def test_failures_are_forgotten_15_minutes_after_the_last_failure_even_with_successes_between(
    db: Database,
) -> None:
    guesses(db, LIMIT - 1, AT_0730)
    for minutes in (5, 10, 14, 15):
        good_login(db, f"petugas{minutes}", AT_0730 + dt.timedelta(minutes=minutes))
    assert address_row(db).last_failure_at == AT_0730

    forgotten = AT_0730 + FAILURE_WINDOW + dt.timedelta(seconds=1)
    guesses(db, LIMIT - 1, forgotten)

    assert address_row(db).locked_until is None
    good_login(db, "admin", forgotten)


def test_failures_within_15_minutes_of_the_last_one_still_count(db: Database) -> None:
    guesses(db, LIMIT - 1, AT_0730)
    failed_login(db, "tamu-lagi", AT_0730 + dt.timedelta(minutes=14))

    with pytest.raises(Refused):
        reserve(db, "admin", AT_0730 + dt.timedelta(minutes=14, seconds=1))


# --- a guesser ---------------------------------------------------------------------------


def test_a_guesser_trying_many_names_from_one_address_is_stopped_and_backs_off(
    db: Database,
) -> None:
    guesses(db, LIMIT, AT_0730)
    with pytest.raises(Refused):
        reserve(db, "tamu-baru", AT_0730 + dt.timedelta(seconds=29))
    assert address_row(db).locked_until == AT_0730 + dt.timedelta(seconds=30)

    # After the lock, one more wrong guess locks the address again, for twice as long.
    next_try = AT_0730 + dt.timedelta(seconds=31)
    failed_login(db, "tamu-baru", next_try)
    assert address_row(db).locked_until == next_try + dt.timedelta(seconds=60)
    with pytest.raises(Refused):
        reserve(db, "tamu-lain", next_try + dt.timedelta(seconds=59))


def test_a_burst_of_guesses_from_one_address_gets_no_more_than_its_limit(db: Database) -> None:
    """All sent at once: each counted before any password is checked."""
    in_flight, refused = [], 0
    for i in range(LIMIT + 10):
        try:
            in_flight.append(reserve(db, f"tamu{i}", AT_0730))
        except Refused:
            refused += 1
    for attempt in in_flight:
        wrong(db, attempt, AT_0730)

    assert (len(in_flight), refused) == (LIMIT, 10)
    assert address_row(db).locked_until == AT_0730 + dt.timedelta(seconds=30)


def test_a_name_stays_strict_five_failures_lock_it_from_any_address(db: Database) -> None:
    for i in range(MAX_FAILURES):
        failed_login(db, "admin", AT_0730, address=f"10.0.0.{i}")

    with pytest.raises(Refused):
        reserve(db, "admin", AT_0730, address="10.9.9.9")
    good_login(db, "petugas.dk", AT_0730, address="10.9.9.9")


# --- lock events, and an admin's way out ----------------------------------------------------


def test_a_lock_is_logged_with_the_account_or_address_but_an_unknown_name_is_not_named(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="antre.login")
    for _ in range(MAX_FAILURES):
        failed_login(db, "admin", AT_0730, address="10.0.0.7")
        failed_login(db, "rahasia-123", AT_0730, address="10.0.0.8")  # a password, mistyped
    guesses(db, LIMIT, AT_0730, address="10.0.0.9")

    lines = [r.getMessage() for r in caplog.records if r.name == "antre.login"]
    assert any("account admin" in line for line in lines)
    assert any("address 10.0.0.9" in line for line in lines)
    assert any("unknown user name" in line for line in lines)
    assert not any("rahasia" in line for line in lines)
    # Once per lock, not once per failure.
    assert sum("account admin" in line for line in lines) == 1


def test_unlock_user_lifts_a_names_lock_at_once(db: Database) -> None:
    for _ in range(MAX_FAILURES):
        failed_login(db, "admin", AT_0730, address="10.0.0.7")
    with db.read() as session:
        assert [a.username for a in locks_now(session, AT_0730).accounts] == ["admin"]

    with db.write() as session:
        assert unlock_user(session, "Admin", AT_0730) is True

    good_login(db, "admin", AT_0730, address="10.0.0.8")
    with db.write() as session:
        assert unlock_user(session, "admin", AT_0730) is False  # not locked (any more)


def test_unlock_user_says_when_no_account_has_the_name(db: Database) -> None:
    with db.write() as session, pytest.raises(DomainError) as refused:
        unlock_user(session, "admni", AT_0730)
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_the_locks_that_hold_now_name_accounts_and_count_the_rest(db: Database) -> None:
    for _ in range(MAX_FAILURES):
        failed_login(db, "petugas.dk", AT_0730, address="10.0.0.1")
        failed_login(db, "siapa.ya", AT_0730, address="10.0.0.2")
    guesses(db, LIMIT, AT_0730, address="10.0.0.3")

    with db.read() as session:
        now = locks_now(session, AT_0730 + dt.timedelta(seconds=10))
        later = locks_now(session, AT_0730 + dt.timedelta(seconds=31))

    assert [(a.username, a.role) for a in now.accounts] == [("petugas.dk", "officer")]
    assert (now.unknown_names, now.addresses) == (1, 1)
    assert (later.accounts, later.unknown_names, later.addresses) == ([], 0, 0)
    with db.read() as session:
        keys = set(session.scalars(select(LoginThrottle.key)))
    assert "user:petugas.dk" in keys  # the failures are still remembered; only the lock ended
