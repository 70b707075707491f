"""The tables of Antre (SQLAlchemy 2.x declarative, no Flask).

Only structure lives here; the rules (who may change what, in which order) live in
``server.domain``. The schema itself is created and changed by Alembic migrations in
``server/migrations``; ``Base.metadata`` is what those migrations are checked against.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The states, roles and kinds of tickets, counters, users and devices are wire words too:
# defined in shared/, taken from here by the server as before.
from shared.states import BookingQueueRule as BookingQueueRule
from shared.states import BookingState as BookingState
from shared.states import CounterState as CounterState
from shared.states import DeviceKind as DeviceKind
from shared.states import LateCheckIn as LateCheckIn
from shared.states import Priority as Priority
from shared.states import Role as Role
from shared.states import TicketSource as TicketSource
from shared.states import TicketState as TicketState

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy's DATETIME stores (``2026-12-07
        08:30:00.000000``) written in one step: the two processors chained cost about
        three times as much, and an issue binds five of them."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: dt.datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            utc = value.astimezone(dt.UTC).replace(tzinfo=None)
            return utc.isoformat(" ", "microseconds")

        return process


class Base(DeclarativeBase):
    """The tables' common base; the naming convention gives constraints stable names, so
    migrations can drop and alter them on SQLite and PostgreSQL alike."""

    metadata = MetaData(naming_convention=NAMING)


# The nine elements (*unsur*) of the SKM questionnaire, PermenPANRB 14/2017 (docs/skm.md).
SURVEY_ELEMENTS = 9

OPEN_TICKET_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native PG enum) so migrations can add members freely.
    return Enum(cls, name=name, native_enum=False, length=16, values_callable=_values)


def _values(cls: type[enum.Enum]) -> list[str]:
    return [str(m.value) for m in cls]


class Zone(Base):
    """A part of the hall with its own display boards."""

    __tablename__ = "zones"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Agency(Base):
    """An *instansi* with counters in the hall."""

    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(7), default="#1E5AA8")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    services: Mapped[list[Service]] = relationship(
        back_populates="agency", order_by="Service.position"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="agency", order_by="Counter.position"
    )


class Series(Base):
    """A ticket-number prefix that one or more services of one agency share."""

    __tablename__ = "series"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    prefix: Mapped[str] = mapped_column(String(4), unique=True)


class SeriesDay(Base):
    """The last number given in one series on one service date: the numbering lock row."""

    __tablename__ = "series_days"
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), primary_key=True)
    service_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Service(Base):
    """A *layanan* of an agency, with its own line of waiting tickets."""

    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # {"mon": ["07:30", "16:00"], ...}; a missing weekday is closed.
    hours: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    priority_offered: Mapped[bool] = mapped_column(Boolean, default=True)
    target_wait_minutes: Mapped[int] = mapped_column(Integer, default=30)
    typical_minutes: Mapped[float] = mapped_column(Float, default=10.0)
    # Its *standar pelayanan* as visitors read it before queueing (kiosk, ticket page):
    # what to bring (one line each), what it costs, how long until it is done.
    requirements: Mapped[list[str]] = mapped_column(JSON, default=list)
    fee: Mapped[str] = mapped_column(String(200), default="")
    completion: Mapped[str] = mapped_column(String(200), default="")

    agency: Mapped[Agency] = relationship(back_populates="services")
    series: Mapped[Series] = relationship()


class Counter(Base):
    """A *loket*: where one officer calls and serves, for an ordered list of services."""

    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[CounterState] = mapped_column(
        _enum(CounterState, "counter_state"), default=CounterState.CLOSED
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The one ticket this counter has called or is serving. Unique: a ticket is held by
    # at most one counter, checked by the database itself.
    current_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", use_alter=True), nullable=True, unique=True
    )
    calls_since_priority: Mapped[int] = mapped_column(Integer, default=0)
    state_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    agency: Mapped[Agency] = relationship(back_populates="counters")
    zone: Mapped[Zone] = relationship()
    service_links: Mapped[list[CounterService]] = relationship(
        order_by="CounterService.position", cascade="all, delete-orphan"
    )


class CounterService(Base):
    """Which services a counter serves, in the order the counter lists them."""

    __tablename__ = "counter_services"
    # The counters of one line (open counters, people ahead): found, not scanned for
    # (migration 0014).
    __table_args__ = (Index("ix_counter_services_service", "service_id"),)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Base):
    """A *nomor antrean*: one visitor's place, from issue to done (or not)."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("series_id", "service_date", "sequence", name="uq_tickets_number"),
        # A line's waiting tickets, today's or any day's (migrations 0004, 0014).
        Index("ix_tickets_line_day", "service_id", "state", "service_date"),
        # Only the tickets each is read for, so a new ticket writes an entry to neither
        # (migration 0014): those sent to a counter, and those finished.
        Index(
            "ix_tickets_target",
            "target_counter_id",
            "state",
            sqlite_where=text("target_counter_id IS NOT NULL"),
            postgresql_where=text("target_counter_id IS NOT NULL"),
        ),
        Index("ix_tickets_day", "service_date", "state"),
        Index(
            "ix_tickets_finished",
            "service_id",
            "finished_at",
            sqlite_where=text("finished_at IS NOT NULL"),
            postgresql_where=text("finished_at IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    status_code: Mapped[str] = mapped_column(String(24), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    origin_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    service_date: Mapped[dt.date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    priority: Mapped[Priority] = mapped_column(_enum(Priority, "priority"), default=Priority.NONE)
    source: Mapped[TicketSource] = mapped_column(
        _enum(TicketSource, "ticket_source"), default=TicketSource.KIOSK
    )
    state: Mapped[TicketState] = mapped_column(
        _enum(TicketState, "ticket_state"), default=TicketState.WAITING
    )
    # Order in its line: smaller is earlier. Entry time in seconds, moved for
    # "front of the line" transfers and returning no-shows.
    queue_key: Mapped[float] = mapped_column(Float)
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    booked_for: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    printed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_by_device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)

    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    series: Mapped[Series] = relationship()
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])


class TicketEvent(Base):
    """One change of one ticket. Append-only: reports and audits are computed from it."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_at", "at"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CounterEvent(Base):
    """Open, pause, resume, close and takeover of a counter (for utilisation reports, and
    to tell who held it when)."""

    __tablename__ = "counter_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # "taken_over": the user who held the counter open until ``user_id`` took it.
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class User(Base):
    """An admin, a supervisor of one agency, or an officer of one agency."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role = 'admin' OR agency_id IS NOT NULL", name="agency_for_staff"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    agency: Mapped[Agency | None] = relationship()


class AuthToken(Base):
    """A bearer token an officer got by logging in; only its hash is stored."""

    __tablename__ = "auth_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed logins per key (user name, client address), shared by all server processes."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Device(Base):
    """A kiosk, display board or counter terminal, known by its token (hash stored)."""

    __tablename__ = "devices"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeviceKind] = mapped_column(_enum(DeviceKind, "device_kind"))
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    health: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    zone: Mapped[Zone | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    counter: Mapped[Counter | None] = relationship()


class Holiday(Base):
    """A day the whole hall is closed (national holidays, *cuti bersama*)."""

    __tablename__ = "holidays"
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class SpecialOpening(Base):
    """A *buka khusus*: one date on which the whole hall (``agency_id`` None) or one
    agency's services take tickets from ``opens`` to ``closes``, even on a weekday they
    are closed or a holiday (``shared.opening_hours`` says what wins)."""

    __tablename__ = "special_openings"
    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    opens: Mapped[str] = mapped_column(String(5))  # "07:30", as services' hours
    closes: Mapped[str] = mapped_column(String(5))  # "24:00" = until midnight
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(100))

    agency: Mapped[Agency | None] = relationship()


class Setting(Base):
    """One site setting (see ``server.domain.settings`` for the keys and defaults)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class IdempotencyKey(Base):
    """A ticket request a device may retry: the same key returns the same ticket."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_owner_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # "device:<id>" or "user:<id>": a key only means something for the caller who sent it.
    owner: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RoomSeq(Base):
    """The last ``seq`` pushed to one Socket.IO room, advanced in the same transaction
    as the change it announces, so seq order is commit order across processes."""

    __tablename__ = "room_seqs"
    room: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class CatalogVersion(Base):
    """One row: a number the database raises whenever the hall's configuration changes.

    Database triggers (migrations 0002, 0003, 0007 and 0010) raise it in the same
    transaction as any insert, update or delete of settings, holidays, special openings,
    agencies, series, services, zones, counter_services, booking settings and bands, notice texts,
    or a counter's agency, zone, label or active flag,
    whoever makes the change. ``server.domain.catalog`` reads it first in every
    transaction and keeps what it read of that configuration only for as long as the
    number stays the same.
    """

    __tablename__ = "catalog_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


# --- bookings (antrean online, docs/booking.md) ------------------------------------------


class BookingSettings(Base):
    """How one service takes bookings; a service without a row takes none."""

    __tablename__ = "booking_settings"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    days_ahead: Mapped[int] = mapped_column(Integer, default=7)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # Places per slot; None: derived from the counters serving the service, its typical
    # minutes and ``online_share`` (booking_rules.slot_capacity).
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    online_share: Mapped[float] = mapped_column(Float, default=0.3)
    cutoff_minutes: Mapped[int] = mapped_column(Integer, default=30)
    check_in_before_minutes: Mapped[int] = mapped_column(Integer, default=60)
    check_in_after_minutes: Mapped[int] = mapped_column(Integer, default=15)
    late: Mapped[LateCheckIn] = mapped_column(
        _enum(LateCheckIn, "late_check_in"), default=LateCheckIn.WALK_IN
    )
    queue_rule: Mapped[BookingQueueRule] = mapped_column(
        _enum(BookingQueueRule, "booking_queue_rule"), default=BookingQueueRule.SLOT_TIME
    )
    nik_required: Mapped[bool] = mapped_column(Boolean, default=False)


class BookingBand(Base):
    """A time band of a service's day with its own daily booking quota (e.g. KK 07.30-09.00,
    20 a day); a service with bands takes bookings only inside them."""

    __tablename__ = "booking_bands"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    starts: Mapped[str] = mapped_column(String(5))  # "07:30", site time
    ends: Mapped[str] = mapped_column(String(5))
    quota: Mapped[int] = mapped_column(Integer)


class Booking(Base):
    """A visitor's booked slot. The personal data (name, phone, NIK) lives only here and is
    emptied by ``prune``; the keyed hashes enforce one active booking per person, and the
    ``active_*`` columns are those hashes while the booking is active (NULL otherwise), so
    a unique constraint holds the rule on every database."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("service_id", "service_date", "active_phone", name="uq_bookings_phone"),
        UniqueConstraint("service_id", "service_date", "active_nik", name="uq_bookings_nik"),
        Index("ix_bookings_slot", "service_id", "slot_start"),
        Index("ix_bookings_day", "service_date", "state"),
        Index("ix_bookings_phone_hash", "phone_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    manage_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the cancel link's secret
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_date: Mapped[dt.date] = mapped_column(Date)
    slot_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    state: Mapped[BookingState] = mapped_column(
        _enum(BookingState, "booking_state"), default=BookingState.BOOKED
    )
    source: Mapped[str] = mapped_column(String(16), default="web")
    language: Mapped[str] = mapped_column(String(2), default="id")
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(16), nullable=True)  # +628...
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    nik_cipher: Mapped[str | None] = mapped_column(String(200), nullable=True)
    nik_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    nik_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    active_phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    active_nik: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Checked in after the window, given a walk-in ticket (late = "walk_in").
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, unique=True
    )
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Who cancelled: "visitor", "staff" or "closure"; and why, as staff wrote it.
    cancelled_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)

    service: Mapped[Service] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class BookingEvent(Base):
    """Append-only log of a booking's life (booked, rescheduled, checked_in, cancelled,
    no_show): what the reports count, with no personal data."""

    __tablename__ = "booking_events"
    __table_args__ = (Index("ix_booking_events_at", "at"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(24))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SurveyResponse(Base):
    """One visitor's answer to the *Survei Kepuasan Masyarakat* (docs/skm.md): at most one
    per ticket. What the IKM needs is copied in (service, agency, counter, officer, the
    wait and service time the ticket had, its hour), so the figures survive ``prune``
    thinning the tickets; ``ticket_id`` is only the one-response rule and is emptied when
    the ticket is pruned. Staff-facing functions never return these rows one by one."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_day", "service_date", "agency_id"),
        *(
            CheckConstraint(f"u{i} BETWEEN 1 AND 4", name=f"u{i}_level")
            for i in range(1, SURVEY_ELEMENTS + 1)
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, unique=True
    )
    service_date: Mapped[dt.date] = mapped_column(Date)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))  # counter_tablet, ticket_page, kiosk
    language: Mapped[str] = mapped_column(String(2), default="id")
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    wait_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    service_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_wait_minutes: Mapped[int] = mapped_column(Integer)
    visit_hour: Mapped[int] = mapped_column(Integer)  # local hour the visit was finished
    # The respondent's profile: every field optional (NULL: not given).
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    age_group: Mapped[str | None] = mapped_column(String(16), nullable=True)
    education: Mapped[str | None] = mapped_column(String(16), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The nine elements of PermenPANRB 14/2017 in the Lampiran's order, 1..4 each.
    u1: Mapped[int] = mapped_column(Integer)
    u2: Mapped[int] = mapped_column(Integer)
    u3: Mapped[int] = mapped_column(Integer)
    u4: Mapped[int] = mapped_column(Integer)
    u5: Mapped[int] = mapped_column(Integer)
    u6: Mapped[int] = mapped_column(Integer)
    u7: Mapped[int] = mapped_column(Integer)
    u8: Mapped[int] = mapped_column(Integer)
    u9: Mapped[int] = mapped_column(Integer)
    # *Saran/pengaduan*: the text is personal data the visitor may have typed, emptied by
    # ``prune``; ``had_suggestion`` keeps the count.
    had_suggestion: Mapped[bool] = mapped_column(Boolean, default=False)
    suggestion: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reply: Mapped[str | None] = mapped_column(String(1000), nullable=True)


class SurveyWording(Base):
    """The unit's own wording of one of the nine elements (question and four levels, in
    Indonesian and English); an element without a row reads as the regulation writes it.
    Wording only: the element's place in the IKM never changes."""

    __tablename__ = "survey_wording"
    element: Mapped[str] = mapped_column(String(4), primary_key=True)  # "U1".."U9"
    question_id: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300))
    levels_id: Mapped[list[str]] = mapped_column(JSON)
    levels_en: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class SurveyExtraQuestion(Base):
    """A question the unit adds to the nine, answered 1..4; reported on its own and never
    part of the IKM. Retired, not deleted, so old answers keep their question."""

    __tablename__ = "survey_extra_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question_id: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300))
    levels_id: Mapped[list[str]] = mapped_column(JSON)
    levels_en: Mapped[list[str]] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyExtraAnswer(Base):
    """One answer (1..4) to one of the unit's extra questions, in one response."""

    __tablename__ = "survey_extra_answers"
    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 4", name="value_level"),)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_extra_questions.id"), primary_key=True
    )
    value: Mapped[int] = mapped_column(Integer)


# --- notices to the visitor's phone (docs/notifications.md) ------------------------------
# Not to be confused with ``server.domain.outbox``: that one numbers Socket.IO pushes inside
# a transaction; these are messages to WhatsApp, Telegram or SMS, sent by a worker later.


class NoticeState(enum.StrEnum):
    """Where one notice is on its way to the visitor's phone."""

    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # a worker holds its lease and is talking to the provider
    SENT = "sent"  # the provider accepted it (its message id is kept)
    DELIVERED = "delivered"  # the provider reported it reached the phone
    FAILED = "failed"  # given up, with the reason
    EXPIRED = "expired"  # its deadline passed before it could be sent


class NoticeSubscription(Base):
    """A visitor's consent to notices about one ticket or one booking, on one channel.

    The address (a ``+628…`` number or a Telegram chat id) is stored here only, and the
    row is deleted by ``prune`` with the ticket's or booking's day."""

    __tablename__ = "notice_subscriptions"
    __table_args__ = (
        CheckConstraint(
            "ticket_id IS NOT NULL OR booking_id IS NOT NULL", name="ticket_or_booking"
        ),
        Index("ix_notice_subscriptions_ticket", "ticket_id"),
        Index("ix_notice_subscriptions_booking", "booking_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="id")
    consented_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notice(Base):
    """One message to one subscription, written in the transaction of the event that
    causes it and sent by a notice worker (``server.notify``) afterwards.

    ``lease_owner``/``lease_until`` make one worker at a time the sender, across
    processes; ``interrupted`` records that a lease once ran out mid-send, after which
    the notice is tried at most once more (docs/notifications.md#guarantees)."""

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_due", "state", "channel", "next_attempt_at"),
        Index("ix_notices_subscription", "subscription_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("notice_subscriptions.id"))
    channel: Mapped[str] = mapped_column(String(16))  # the subscription's, for the claim
    kind: Mapped[str] = mapped_column(String(24))
    body: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    template: Mapped[str | None] = mapped_column(String(64), nullable=True)
    parameters: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[NoticeState] = mapped_column(
        _enum(NoticeState, "notice_state"), default=NoticeState.QUEUED
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Fonnte's ``stateid``: its status webhook names the message by ``id`` once, then
    # reports WhatsApp's "delivered" and "read" by this id alone.
    provider_state_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NoticeText(Base):
    """An admin's wording of one notice kind in one language, over the default of
    ``server.domain.notices.texts`` (a kind with no row says the default).

    Part of the configuration: the catalog version's triggers (migration 0010) move with
    it, so the cache that spares the call path a read of this table sees an edit at once.
    ``updated_by``/``updated_at`` say who last changed it (the console shows them)."""

    __tablename__ = "notice_texts"
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(String(1000))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class NoticeChannelSetting(Base):
    """A notice channel setting an admin gave on the console (``[notify]`` key ``key``,
    e.g. ``notify_fonnte_token``), under what the file and environment set
    (``server.channel_settings``). ``value`` None: switched off on the console (the row
    stays, so who did it and when stays too). Secrets are sealed with the hall's key
    (``sealed``), the others kept as typed."""

    __tablename__ = "notice_channel_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised at every change: the sum over the rows is the version other processes watch.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class NoticePace(Base):
    """When a channel's next notice may be sent at the earliest, shared by every worker of
    the hall so that together they keep the provider's pace (``server.domain.notices.pacing``).

    ``free_at`` is in seconds since the Unix epoch, not a datetime: the statement that
    takes a send slot computes the next value itself, and arithmetic on a number reads
    the same on SQLite and PostgreSQL. A row is created by the channel's first send."""

    __tablename__ = "notice_pace"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    free_at: Mapped[float] = mapped_column(Float)
