"""Pruning old days: tickets, their event log, counter events and numbering rows; and the
personal data of old bookings.

A hall issues some 1,500 tickets and ten times as many events a day; after a few years
the tables that every "next" reads from are mostly history nobody asks for. Monthly
reports need the last months, so what is old is a setting of the site
(``retention_days``) and the operator's command, never automatic.

Each batch is its own short transaction, so a hall at work waits at most for one batch,
and an interrupted run leaves whole tickets (a ticket and all its rows go together) and
can simply be run again. Today's service date is never touched, whatever the caller asks.

Old bookings are not deleted: their rows and ``booking_events`` are the booking reports'
statistics. Only their personal columns (name, phone, NIK and the keyed hashes) are
emptied, and a pruned ticket's booking loses its link to it.
Survey responses (docs/skm.md#retention) are not deleted either: they are the IKM. A
pruned ticket's response loses its link to it, and the text a visitor typed as a
suggestion (and the staff's reply to it) is emptied when its day is old; the numbers stay.
Notice subscriptions (the visitor's phone number or Telegram chat) and their notices are
deleted with their ticket's or booking's day, first and never archived
(docs/notifications.md#privacy).
When an archive is given, each batch's rows are written to it and made durable before
that batch is deleted.
"""

from __future__ import annotations

import datetime as dt
import enum
import gzip
import json
import os
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, or_, select, tuple_, update
from sqlalchemy.orm import Session

from server.models import (
    AuthToken,
    Base,
    Booking,
    Counter,
    CounterEvent,
    Notice,
    NoticeSubscription,
    RoomSeq,
    SeriesDay,
    SurveyResponse,
    Ticket,
)
from shared import events

DEFAULT_BATCH = 500

WriteSession = Callable[[], AbstractContextManager[Session]]


class Archive(Protocol):
    """Where the rows go before they are deleted (``rows`` are plain column dicts)."""

    def write(self, table: str, rows: Sequence[dict[str, Any]]) -> None: ...

    def sync(self) -> None:
        """Make everything written so far durable; called before each batch is deleted."""


@dataclass(frozen=True)
class Cutoff:
    """Everything before this service date (and before its first moment) is old."""

    date: dt.date
    moment: dt.datetime  # the date's midnight in the hall's time zone, in UTC

    @classmethod
    def older_than(cls, days: int, now: dt.datetime, timezone: str) -> Cutoff:
        """The cutoff ``days`` before today's service date; at least 1, so today stays."""
        if days < 1:
            raise ValueError("older_than days must be at least 1: today is never pruned")
        tz = ZoneInfo(timezone)
        date = now.astimezone(tz).date() - dt.timedelta(days=days)
        midnight = dt.datetime.combine(date, dt.time(), tzinfo=tz)
        return cls(date=date, moment=midnight.astimezone(dt.UTC))


@dataclass
class PruneResult:
    """What one pruning run removed, table by table, for the command line's progress and
    summary."""

    cutoff: Cutoff
    rows: dict[str, int] = field(default_factory=dict)
    batches: int = 0

    def add(self, table: str, count: int) -> None:
        if count:
            self.rows[table] = self.rows.get(table, 0) + count


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def ticket_dependents() -> list[Table]:
    """Every table holding rows of a ticket (event log, idempotency keys, and whatever a
    later migration adds with a foreign key to tickets), found from the models so a new
    table is not forgotten. Counters only point at a ticket they hold now: such a ticket
    is never pruned."""
    tickets = _table(Ticket)
    # Bookings and survey responses outlive their ticket: they only lose the link.
    kept = {_table(Counter), _table(Booking), _table(SurveyResponse)}
    # Notice subscriptions go before their tickets, with their notices (_notices_batch).
    kept.add(_table(NoticeSubscription))
    found = []
    for table in Base.metadata.sorted_tables:
        if table is tickets or table in kept:
            continue
        if any(fk.column.table is tickets for fk in table.foreign_keys):
            found.append(table)
    return found


def prune(
    write: WriteSession,
    cutoff: Cutoff,
    *,
    batch_size: int = DEFAULT_BATCH,
    archive: Archive | None = None,
    progress: Callable[[PruneResult], None] | None = None,
) -> PruneResult:
    """Delete (after archiving, when given) every row of a service date before ``cutoff``."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    result = PruneResult(cutoff)
    older: list[tuple[Table, Any]] = [
        (_table(CounterEvent), CounterEvent.at < cutoff.moment),
        (_table(SeriesDay), SeriesDay.service_date < cutoff.date),
        (_table(AuthToken), AuthToken.expires_at < cutoff.moment),
    ]
    steps: list[Callable[[Session], dict[str, int]]] = [
        partial(_notices_batch, cutoff=cutoff, batch_size=batch_size),
        partial(_tickets_batch, cutoff=cutoff, batch_size=batch_size, archive=archive),
        partial(_bookings_batch, cutoff=cutoff, batch_size=batch_size),
        partial(_suggestions_batch, cutoff=cutoff, batch_size=batch_size),
        *(
            partial(_rows_batch, table=table, old=old, batch_size=batch_size, archive=archive)
            for table, old in older
        ),
    ]
    for step in steps:
        while True:
            with write() as session:
                counts = step(session)
            if not counts:
                break
            result.batches += 1
            for table, count in counts.items():
                result.add(table, count)
            if progress is not None:
                progress(result)
    return result


def _tickets_batch(
    session: Session, cutoff: Cutoff, batch_size: int, archive: Archive | None
) -> dict[str, int]:
    tickets = _table(Ticket)
    held = select(Counter.current_ticket_id).where(Counter.current_ticket_id.is_not(None))
    rows = session.execute(
        select(tickets)
        .where(Ticket.service_date < cutoff.date, Ticket.id.not_in(held))
        .order_by(Ticket.id)
        .limit(batch_size)
        .with_for_update()
    ).all()
    if not rows:
        return {}
    ids = [row.id for row in rows]
    rooms = [events.ticket_room(row.status_code) for row in rows]
    dependents = {
        table: [
            row
            for fk in table.foreign_keys
            if fk.column.table is tickets
            for row in session.execute(select(table).where(fk.parent.in_(ids))).all()
        ]
        for table in ticket_dependents()
    }
    if archive is not None:
        for table, found in dependents.items():
            if found:
                archive.write(table.name, [_plain(r._mapping) for r in found])
        archive.write(tickets.name, [_plain(r._mapping) for r in rows])
        archive.sync()
    counts: dict[str, int] = {}
    _forget_tickets(session, ids)
    # Dependents first: their foreign keys point at the tickets.
    for table in ticket_dependents():
        for fk in table.foreign_keys:
            if fk.column.table is tickets:
                counts[table.name] = counts.get(table.name, 0) + _deleted(
                    session.execute(delete(table).where(fk.parent.in_(ids)))
                )
    counts[tickets.name] = _deleted(session.execute(delete(tickets).where(Ticket.id.in_(ids))))
    # A ticket's push room numbered its events in room_seqs; nobody can join it any more.
    counts[RoomSeq.__tablename__] = _deleted(
        session.execute(delete(RoomSeq).where(RoomSeq.room.in_(rooms)))
    )
    return counts


def _notices_batch(session: Session, cutoff: Cutoff, batch_size: int) -> dict[str, int]:
    """Delete a batch of the subscriptions of old tickets and bookings, with their notices:
    the address is personal data, and a notice without it is of no use. Never archived."""
    old_tickets = select(Ticket.id).where(Ticket.service_date < cutoff.date)
    old_bookings = select(Booking.id).where(Booking.service_date < cutoff.date)
    ids = list(
        session.scalars(
            select(NoticeSubscription.id)
            .where(
                or_(
                    NoticeSubscription.ticket_id.in_(old_tickets),
                    NoticeSubscription.booking_id.in_(old_bookings),
                )
            )
            .order_by(NoticeSubscription.id)
            .limit(batch_size)
            .with_for_update()
        )
    )
    if not ids:
        return {}
    notices = _deleted(session.execute(delete(Notice).where(Notice.subscription_id.in_(ids))))
    subscriptions = _deleted(
        session.execute(delete(NoticeSubscription).where(NoticeSubscription.id.in_(ids)))
    )
    return {Notice.__tablename__: notices, NoticeSubscription.__tablename__: subscriptions}


def _forget_tickets(session: Session, ids: Sequence[int]) -> None:
    """A booking checked in long ago, and a survey response, keep their row (the
    statistics) without their ticket."""
    session.execute(update(Booking).where(Booking.ticket_id.in_(ids)).values(ticket_id=None))
    session.execute(
        update(SurveyResponse).where(SurveyResponse.ticket_id.in_(ids)).values(ticket_id=None)
    )


# What a booking holds of its person: emptied when the booking is old.
BOOKING_PERSONAL = (
    "name",
    "phone",
    "phone_hash",
    "nik_cipher",
    "nik_hash",
    "nik_last4",
    "active_phone",
    "active_nik",
)


def _bookings_batch(session: Session, cutoff: Cutoff, batch_size: int) -> dict[str, int]:
    """Empty the personal columns of a batch of bookings of days before the cutoff (the
    rows and their events stay: they are the booking reports' figures). Never archived:
    the archive is for statistics, and personal data is what must go."""
    columns = [getattr(Booking, name) for name in BOOKING_PERSONAL]
    ids = list(
        session.scalars(
            select(Booking.id)
            .where(Booking.service_date < cutoff.date, or_(*(c.is_not(None) for c in columns)))
            .order_by(Booking.id)
            .limit(batch_size)
            .with_for_update()
        )
    )
    if not ids:
        return {}
    session.execute(
        update(Booking).where(Booking.id.in_(ids)).values(dict.fromkeys(BOOKING_PERSONAL, None))
    )
    return {"bookings (personal data emptied)": len(ids)}


def _suggestions_batch(session: Session, cutoff: Cutoff, batch_size: int) -> dict[str, int]:
    """Empty the suggestion text (a visitor may have typed a name, a phone number, a
    grievance) and the reply of a batch of old survey responses. The answers, the
    ``had_suggestion`` count and when it was handled stay. Never archived, as bookings."""
    ids = list(
        session.scalars(
            select(SurveyResponse.id)
            .where(
                SurveyResponse.service_date < cutoff.date,
                or_(SurveyResponse.suggestion.is_not(None), SurveyResponse.reply.is_not(None)),
            )
            .order_by(SurveyResponse.id)
            .limit(batch_size)
            .with_for_update()
        )
    )
    if not ids:
        return {}
    session.execute(
        update(SurveyResponse).where(SurveyResponse.id.in_(ids)).values(suggestion=None, reply=None)
    )
    return {"survey suggestions (text emptied)": len(ids)}


def _rows_batch(
    session: Session, table: Table, old: Any, batch_size: int, archive: Archive | None
) -> dict[str, int]:
    key = list(table.primary_key.columns)
    rows = session.execute(
        select(table).where(old).order_by(*key).limit(batch_size).with_for_update()
    ).all()
    if not rows:
        return {}
    # Login tokens are credentials (hashed, expired): deleted, never archived.
    if archive is not None and table is not _table(AuthToken):
        archive.write(table.name, [_plain(r._mapping) for r in rows])
        archive.sync()
    if len(key) == 1:
        condition = key[0].in_([getattr(row, key[0].name) for row in rows])
    else:
        condition = tuple_(*key).in_([tuple(getattr(row, c.name) for c in key) for row in rows])
    return {table.name: _deleted(session.execute(delete(table).where(condition)))}


def _deleted(result: Any) -> int:
    return int(result.rowcount or 0)


def _plain(mapping: Any) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in mapping.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


class ArchiveDamaged(RuntimeError):
    """The archive is unreadable before its end: appending to it would bury more rows."""


class JsonLinesArchive:
    """A gzip file of JSON lines, ``{"table": ..., "row": {...}}``, appended to.

    Each sync appends the rows written since as one whole gzip member; ``gzip``/``zcat``
    read the members as one stream. A run killed while writing a member leaves it without
    its end, and a member after that one could never be read: opening the file cuts the
    unfinished member off (its batch was never deleted, its rows are still in the
    database). A run interrupted between a batch's sync and its commit has archived rows
    that are still in the database: a later run writes them again, so readers key rows by
    table and id. The file is its owner's only (0600): it holds every pruned ticket.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._raw = os.fdopen(fd, "r+b")
        try:
            if os.fstat(fd).st_mode & 0o077:  # written by an older Antre, readable by all
                os.fchmod(fd, 0o600)
            _drop_unfinished_member(self._raw, path)
        except BaseException:
            self._raw.close()
            raise
        self._pending: list[bytes] = []

    def write(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            line = json.dumps({"table": table, "row": row}, ensure_ascii=False, default=str)
            self._pending.append(line.encode("utf-8") + b"\n")

    def sync(self) -> None:
        if self._pending:
            self._raw.write(gzip.compress(b"".join(self._pending)))
            self._pending.clear()
        self._raw.flush()
        os.fsync(self._raw.fileno())

    def close(self) -> None:
        try:
            self.sync()
        finally:
            self._raw.close()

    def __enter__(self) -> JsonLinesArchive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _drop_unfinished_member(fh: BinaryIO, path: Path) -> None:
    """Cut the file after its last whole gzip member, when what follows is the start of
    one that never got its end. Damage before the end is left alone and refused: cutting
    there would throw away rows already deleted from the database."""
    whole = 0  # where the last whole member ends
    fed = 0  # how much of the file the decompressor has taken
    member: Any = None
    fh.seek(0)
    while chunk := fh.read(1 << 20):  # in chunks: a year's archive may be large
        while chunk:
            member = member or zlib.decompressobj(wbits=31)  # 31: gzip framing
            try:
                member.decompress(chunk)
            except zlib.error as exc:
                raise ArchiveDamaged(
                    f"{path} is damaged after byte {whole} ({exc}); archive to another file"
                ) from None
            if not member.eof:
                fed += len(chunk)
                break
            fed += len(chunk) - len(member.unused_data)
            whole = fed
            chunk, member = member.unused_data, None
    if whole < fed:
        fh.truncate(whole)
        os.fsync(fh.fileno())


def read_archive(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every (table, row) of an archive, in the order written."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [(item["table"], item["row"]) for item in map(json.loads, fh) if item]
