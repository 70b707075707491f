"""Who may manage which account and device, and what disabling or revoking ends at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import auth, counters, devices, users
from server.domain.access import Principal
from server.domain.errors import DomainError
from server.models import Counter, CounterState, Device, Role, User
from tests.conftest import FakeClock
from tests.factories import Hall
from tests.server.domain.conftest import CtxFactory, Desk


def principal(session: Session, username: str) -> Principal:
    user = session.scalars(select(User).where(User.username == username)).one()
    return Principal(
        kind="user",
        id=user.id,
        role=user.role,
        agency_id=user.agency_id,
        agency_code=user.agency.code if user.agency else None,
    )


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def log_in(session: Session, username: str, now: dt.datetime) -> str:
    token, _ = auth.issue_user_token(session, user(session, username), now, 12)
    session.flush()
    return token


def test_a_supervisor_sees_only_the_officers_of_their_agency(session: Session) -> None:
    seen = users.manageable_users(session, principal(session, "sup.dk"))

    assert [u.username for u in seen] == ["petugas.dk", "petugas2.dk"]


def test_an_admin_sees_every_account(session: Session) -> None:
    seen = {u.username for u in users.manageable_users(session, principal(session, "admin"))}

    assert seen == {"admin", "sup.dk", "petugas.dk", "petugas2.dk", "petugas.sm"}


@pytest.mark.parametrize(
    ("role", "agency"),
    [("admin", None), ("supervisor", "DK"), ("officer", "SM"), ("officer", None)],
)
def test_a_supervisor_creates_nothing_but_officers_of_their_own_agency(
    session: Session, role: str, agency: str | None
) -> None:
    with pytest.raises(DomainError) as caught:
        users.create_user_as(
            session, principal(session, "sup.dk"), "baru.dk", "rahasia-123", role, agency
        )

    assert caught.value.code == "forbidden"


def test_a_supervisor_creates_an_officer_of_their_agency(session: Session) -> None:
    made = users.create_user_as(
        session, principal(session, "sup.dk"), "Baru.DK", "rahasia-123", "officer", "dk", "Baru"
    )

    assert (made.username, made.role, made.agency.code if made.agency else None) == (
        "baru.dk",
        Role.OFFICER,
        "DK",
    )


@pytest.mark.parametrize("target", ["petugas.sm", "admin", "sup.dk"])
def test_a_supervisor_cannot_touch_accounts_outside_their_officers(
    session: Session, target: str
) -> None:
    sup = principal(session, "sup.dk")

    with pytest.raises(DomainError) as caught:
        users.get_user(session, sup, user(session, target).id)

    assert caught.value.code == "forbidden"


def test_a_new_password_ends_every_login_of_the_account(session: Session, clock: FakeClock) -> None:
    token = log_in(session, "petugas.dk", clock())

    revoked = users.set_password(
        session, principal(session, "sup.dk"), user(session, "petugas.dk"), "baru-rahasia-1"
    )

    assert revoked == [auth.token_hash(token)]
    assert auth.user_for_token(session, token, clock()) is None
    assert auth.verify_password("baru-rahasia-1", user(session, "petugas.dk").password_hash)


def test_a_password_too_short_is_refused_naming_the_field(session: Session) -> None:
    with pytest.raises(DomainError) as caught:
        users.set_password(
            session, principal(session, "admin"), user(session, "petugas.dk"), "pendek"
        )

    assert caught.value.details["field"] == "password"


def test_disabling_an_officer_ends_their_logins_and_closes_their_idle_counter(
    session: Session, clock: FakeClock, hall: Hall, ctx: CtxFactory
) -> None:
    token = log_in(session, "petugas.dk", clock())
    counters.open_counter(ctx(session), counters.lock_counter(session, hall.c1))

    done = users.set_active(
        ctx(session, "admin"), principal(session, "admin"), user(session, "petugas.dk"), False
    )

    assert done.revoked == [auth.token_hash(token)]
    assert done.closed_counters == ["Loket 1"] and done.busy_counters == []
    c1 = session.get(Counter, hall.c1)
    assert c1 is not None and c1.state == CounterState.CLOSED and c1.officer_id is None
    assert auth.user_for_token(session, token, clock()) is None


def test_a_counter_still_holding_a_visitor_is_left_for_an_admin_to_take_over(
    session: Session, desk: Desk, hall: Hall, ctx: CtxFactory
) -> None:
    desk.issue(hall.ktp)
    counters.open_counter(ctx(session), counters.lock_counter(session, hall.c1))
    counters.call_next(ctx(session), counters.lock_counter(session, hall.c1))

    done = users.set_active(
        ctx(session, "admin"), principal(session, "admin"), user(session, "petugas.dk"), False
    )

    assert done.busy_counters == ["Loket 1"] and done.closed_counters == []
    assert not user(session, "petugas.dk").active


def test_nobody_disables_their_own_account(session: Session, ctx: CtxFactory) -> None:
    admin = principal(session, "admin")

    with pytest.raises(DomainError) as caught:
        users.set_active(ctx(session, "admin"), admin, user(session, "admin"), False)

    assert caught.value.code == "forbidden"


def test_the_last_admin_keeps_the_role(session: Session) -> None:
    other = users.create_user(session, "admin2", "rahasia-123", "admin", None)
    admin2 = Principal(kind="user", id=other.id, role=Role.ADMIN)
    other.active = False

    with pytest.raises(DomainError) as caught:
        users.change_account(
            session, admin2, user(session, "admin"), role="officer", agency_code="DK"
        )

    assert "last active admin" in caught.value.message


def test_an_admin_moves_an_officer_to_another_agency_and_their_logins_end(
    session: Session, clock: FakeClock
) -> None:
    token = log_in(session, "petugas.dk", clock())

    revoked = users.change_account(
        session,
        principal(session, "admin"),
        user(session, "petugas.dk"),
        role="supervisor",
        agency_code="SM",
    )

    moved = user(session, "petugas.dk")
    assert (moved.role, moved.agency.code if moved.agency else None) == (Role.SUPERVISOR, "SM")
    assert revoked == [auth.token_hash(token)]


def test_a_supervisor_renames_but_cannot_promote(session: Session) -> None:
    sup = principal(session, "sup.dk")
    officer = user(session, "petugas.dk")

    users.change_account(session, sup, officer, display_name="Agus Wijaya")
    with pytest.raises(DomainError) as caught:
        users.change_account(session, sup, officer, role="supervisor", agency_code="DK")

    assert officer.display_name == "Agus Wijaya"
    assert caught.value.code == "forbidden"


def kiosk(session: Session) -> Device:
    return session.scalars(select(Device).where(Device.name == "kiosk")).one()


def test_a_revoked_device_token_stops_working_and_a_renewed_one_brings_it_back(
    session: Session, hall: Hall
) -> None:
    old = hall.tokens["kiosk"]

    devices.revoke_device(session, kiosk(session))
    assert auth.device_for_token(session, old) is None

    new = devices.renew_token(session, kiosk(session))
    assert auth.device_for_token(session, new) is not None
    assert auth.device_for_token(session, old) is None


@pytest.mark.parametrize(
    ("kind", "zone", "counter", "field"),
    [
        ("display", None, None, "zone"),
        ("counter", None, None, "counter"),
        ("kiosk", None, 1, "counter"),
        ("printer", None, None, "kind"),
        ("display", "zona-z", None, "zone"),
    ],
)
def test_a_device_registration_is_refused_naming_the_field(
    session: Session,
    clock: FakeClock,
    kind: str,
    zone: str | None,
    counter: int | None,
    field: str,
) -> None:
    with pytest.raises(DomainError) as caught:
        devices.register_device(session, "Baru", kind, zone, None, counter, clock())

    assert caught.value.details["field"] == field


def test_a_kiosks_printer_report_is_ranked_for_the_page(session: Session) -> None:
    device = kiosk(session)
    levels = {}
    for state in ("ok", "paper_low", "paper_out", "cover_open", "none"):
        device.health = {"printer": state}
        levels[state] = devices.printer_level(device)

    assert levels == {
        "ok": "ok",
        "paper_low": "warn",
        "paper_out": "bad",
        "cover_open": "bad",
        "none": "warn",
    }
