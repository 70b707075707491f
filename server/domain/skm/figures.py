"""SKM figures for a period and a grouping: what the survey report, the publication and
``GET /api/v1/reports/skm`` show. Only aggregates leave this module (and the suggestions'
text without who wrote it): staff never see one visitor's answers.

Anonymity: a row of a counter or an officer, an hour, or a wait band with fewer than
``ANONYMITY_FLOOR`` respondents shows its count but no index, since the officer could
tell who answered what from a handful of visits. Agencies and services are shown from
one respondent: they are what the regulation asks units to publish.

The floor also resists subtraction (complementary suppression, ``_complement``): rows
that add up to a shown whole (an agency's counters or officers against the agency's row,
every row of a report against its total, the hours against the total, the two wait bands
and the responses without a known wait against the total) never leave 1 or 2 respondents
withheld, since the whole minus the shown parts would be their sums per element. The
counts stay visible: a count says how many answered, not what, and the sample size is
what the unit must report; only the index (the per-element sums) is withheld.

The population of a row is the tickets done in it in the period (the visitors served);
for days already pruned it counts what is left, so the sample flag errs towards "below".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from server.models import (
    Agency,
    Counter,
    Service,
    SurveyExtraAnswer,
    SurveyExtraQuestion,
    SurveyResponse,
    Ticket,
    TicketState,
    User,
)
from shared.errors import ErrorCode

from ..errors import DomainError
from ..reports import Grouping, Period, PeriodKind
from .index import Index, compute_index, minimum_sample
from .questionnaire import ELEMENTS, PROFILE, Element

ANONYMITY_FLOOR = 3
LOWEST = 3
_SEMESTER = re.compile(r"^(\d{4})-S([12])$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field="period")


def parse_skm_period(kind: Any, value: Any) -> Period:
    """A survey period: ``day`` 2026-12-06, ``month`` 2026-12, ``semester`` 2026-S2
    (January–June is S1) or ``year`` 2026."""
    if not isinstance(value, str):
        raise _invalid("a period value is required")
    try:
        return _period(kind, value)
    except ValueError:
        raise _invalid(f"not a real {kind}") from None


def _period(kind: Any, value: str) -> Period:
    if kind == "day":
        day = dt.date.fromisoformat(value)
        return Period(PeriodKind.DAY, day, day)
    if kind == "month" and (m := _MONTH.match(value)):
        first = dt.date(int(m[1]), int(m[2]), 1)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return Period(PeriodKind.MONTH, first, following - dt.timedelta(days=1))
    if kind == "semester" and (m := _SEMESTER.match(value)):
        year, half = int(m[1]), int(m[2])
        if half == 1:
            return Period(PeriodKind.RANGE, dt.date(year, 1, 1), dt.date(year, 6, 30))
        return Period(PeriodKind.RANGE, dt.date(year, 7, 1), dt.date(year, 12, 31))
    if kind == "year" and _YEAR.match(value):
        year = int(value)
        return Period(PeriodKind.RANGE, dt.date(year, 1, 1), dt.date(year, 12, 31))
    raise _invalid("period kind is day, month (YYYY-MM), semester (YYYY-S1/S2) or year (YYYY)")


@dataclass(frozen=True)
class SkmRow:
    """One group's survey figures; ``index`` None when nobody answered or the row is
    under the anonymity floor (``suppressed``)."""

    key: int | None
    name: str
    respondents: int
    population: int
    index: Index | None
    suppressed: bool = False

    @property
    def minimum_sample(self) -> int:
        return minimum_sample(self.population)

    @property
    def below_sample(self) -> bool:
        """Fewer respondents than Krejcie–Morgan asks for the visitors served."""
        return self.respondents < self.minimum_sample


@dataclass(frozen=True)
class ElementScore:
    """An element and its NRR, for the "what to improve" list."""

    element: Element
    nrr: Fraction


@dataclass(frozen=True)
class ProfileCount:
    """How many respondents chose one option of a profile field."""

    value: str | None  # None: not given
    count: int


@dataclass(frozen=True)
class ExtraScore:
    """One of the unit's extra questions: its answers and their mean (not in the IKM)."""

    question_id: int
    question: str
    answers: int
    average: Fraction | None


@dataclass(frozen=True)
class SkmReport:
    """Everything the survey report shows for one period and grouping."""

    period: Period
    grouping: Grouping
    total: SkmRow
    rows: list[SkmRow]
    lowest: list[ElementScore]
    profile: dict[str, list[ProfileCount]]
    by_hour: list[SkmRow]
    over_target: SkmRow
    within_target: SkmRow
    extra: list[ExtraScore]
    suggestions: int
    agency_name: str | None = None  # the one agency reported, when one


_SUMS = [func.sum(getattr(SurveyResponse, e.column)) for e in ELEMENTS]


def _scope(period: Period, agency_id: int | None) -> list[Any]:
    where: list[Any] = [SurveyResponse.service_date.between(period.first, period.last)]
    if agency_id is not None:
        where.append(SurveyResponse.agency_id == agency_id)
    return where


def _row(
    key: int | None, name: str, count: int, sums: Sequence[Any], population: int, floor: int
) -> SkmRow:
    if count < floor:
        return SkmRow(key, name, count, population, None, suppressed=count > 0)
    totals = [int(s or 0) for s in sums]
    return SkmRow(key, name, count, population, compute_index(totals, [count] * len(totals)))


def _withheld(row: SkmRow) -> int:
    return row.respondents if row.suppressed else 0


def _complement(rows: list[SkmRow], parts: Sequence[Sequence[int]], hidden: int = 0) -> None:
    """Withhold further rows in place until, in each set of ``parts`` (indices into
    ``rows`` that add up to a shown whole), the withheld rows hold none or at least
    ``ANONYMITY_FLOOR`` respondents. ``hidden`` respondents of the first set's whole are
    in no row (they count as withheld). The smallest shown rows go first (fewest answers
    lost); when every row of a set is withheld and still under the floor, the set's
    breakdown is gone and only the whole, published by design, remains. Sets may
    overlap, so this repeats until nothing changes."""
    changed = True
    while changed:
        changed = False
        for n, part in enumerate(parts):
            withheld = sum(_withheld(rows[i]) for i in part) + (hidden if n == 0 else 0)
            shown = sorted(
                (i for i in part if rows[i].index is not None),
                key=lambda i: (rows[i].respondents, rows[i].name, rows[i].key or 0),
            )
            for i in shown:
                if not 0 < withheld < ANONYMITY_FLOOR:
                    break
                rows[i] = replace(rows[i], index=None, suppressed=True)
                withheld += rows[i].respondents
                changed = True


_GROUP_COLUMN = {
    Grouping.AGENCY: SurveyResponse.agency_id,
    Grouping.SERVICE: SurveyResponse.service_id,
    Grouping.COUNTER: SurveyResponse.counter_id,
    Grouping.OFFICER: SurveyResponse.officer_id,
}
_FLOOR = {
    Grouping.AGENCY: 1,
    Grouping.SERVICE: 1,
    Grouping.COUNTER: ANONYMITY_FLOOR,
    Grouping.OFFICER: ANONYMITY_FLOOR,
}


_SERVED_BY: dict[Grouping, Any] = {
    Grouping.AGENCY: Service.agency_id,
    Grouping.SERVICE: Ticket.service_id,
    Grouping.COUNTER: Ticket.counter_id,
    Grouping.OFFICER: Ticket.officer_id,
}


def _served(period: Period, agency_id: int | None, *columns: Any) -> Any:
    """Tickets done in the period (the survey's population), of one agency when given."""
    query = (
        select(*columns, func.count(Ticket.id))
        .join(Service, Service.id == Ticket.service_id)
        .where(
            Ticket.state == TicketState.DONE,
            Ticket.service_date.between(period.first, period.last),
        )
    )
    return query if agency_id is None else query.where(Service.agency_id == agency_id)


def _population(
    session: Session, period: Period, grouping: Grouping, agency_id: int | None
) -> dict[int | None, int]:
    column = _SERVED_BY[grouping]
    query = _served(period, agency_id, column).group_by(column)
    return {key: count for key, count in session.execute(query).all()}


def _population_total(session: Session, period: Period, agency_id: int | None) -> int:
    return int(session.execute(_served(period, agency_id)).scalar_one())


def _names(session: Session, grouping: Grouping) -> dict[int, str]:
    model: Any
    model, label = {
        Grouping.AGENCY: (Agency, Agency.short_name),
        Grouping.SERVICE: (Service, Service.name),
        Grouping.COUNTER: (Counter, Counter.label),
        Grouping.OFFICER: (User, User.display_name),
    }[grouping]
    return {k: v for k, v in session.execute(select(model.id, label)).all()}


def skm_report(
    session: Session, period: Period, grouping: Grouping, *, agency_id: int | None = None
) -> SkmReport:
    """The survey figures of ``period`` by ``grouping`` (one agency's when ``agency_id``)."""
    where = _scope(period, agency_id)
    total_row = session.execute(select(func.count(SurveyResponse.id), *_SUMS).where(*where)).one()
    population = _population_total(session, period, agency_id)
    total = _row(None, "", total_row[0], total_row[1:], population, 1)
    rows = _group_rows(session, period, grouping, agency_id)
    over, within = _wait_bands(session, where, total.respondents)
    return SkmReport(
        period=period,
        grouping=grouping,
        total=total,
        rows=rows,
        lowest=lowest_elements(total.index),
        profile=_profile(session, where),
        by_hour=_by_hour(session, where),
        over_target=over,
        within_target=within,
        extra=_extra(session, where),
        suggestions=session.scalar(
            select(func.count(SurveyResponse.id)).where(*where, SurveyResponse.had_suggestion)
        )
        or 0,
        agency_name=None
        if agency_id is None
        else session.scalar(select(Agency.short_name).where(Agency.id == agency_id)),
    )


def _group_rows(
    session: Session, period: Period, grouping: Grouping, agency_id: int | None
) -> list[SkmRow]:
    column = _GROUP_COLUMN[grouping]
    found = session.execute(
        select(column, func.count(SurveyResponse.id), *_SUMS)
        .where(*_scope(period, agency_id))
        .group_by(column)
    ).all()
    population = _population(session, period, grouping, agency_id)
    names = _names(session, grouping)
    floor = _FLOOR[grouping]
    rows = [
        _row(r[0], names.get(r[0], "—"), r[1], r[2:], population.get(r[0], 0), floor) for r in found
    ]
    answered = {r.key for r in rows}
    rows += [
        _row(k, names.get(k, "—") if k is not None else "—", 0, [], n, floor)
        for k, n in population.items()
        if k not in answered
    ]
    rows.sort(key=lambda r: (r.name, r.key or 0))
    if floor > 1:
        _complement(rows, _parts(session, period, grouping, agency_id, rows))
    return rows


def _parts(
    session: Session,
    period: Period,
    grouping: Grouping,
    agency_id: int | None,
    rows: list[SkmRow],
) -> list[list[int]]:
    """The sets of rows that add up to a whole staff can see: per agency, the rows whose
    every response is that agency's (against the agency's row of the report by agency,
    or the total of the agency's own report), and all the rows (against the report's
    total) unless the agencies' sets already cover every row that has respondents: then
    each agency's set holds and so does their union, and an agency whose few respondents
    are all withheld shows them through its own row anyway (published by design), so
    withholding another agency's rows for it would protect nothing."""
    column = _GROUP_COLUMN[grouping]
    agencies: dict[int | None, set[int]] = {}
    for key, agency in session.execute(
        select(column, SurveyResponse.agency_id).where(*_scope(period, agency_id)).distinct()
    ).all():
        agencies.setdefault(key, set()).add(agency)
    by_agency: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        if len(found := agencies.get(row.key, set())) == 1:
            by_agency.setdefault(next(iter(found)), []).append(i)
    parts = list(by_agency.values())
    if sum(map(len, parts)) < sum(1 for r in rows if r.respondents):
        parts.append(list(range(len(rows))))
    return parts


TREND_STEPS = ("day", "month", "semester")


def _bucket(day: dt.date, step: str) -> tuple[str, dt.date]:
    """The sub-period a service date falls in: its label and first day."""
    if step == "day":
        return day.isoformat(), day
    if step == "month":
        return day.strftime("%Y-%m"), day.replace(day=1)
    half = 1 if day.month <= 6 else 2
    return f"{day.year}-S{half}", dt.date(day.year, 1 if half == 1 else 7, 1)


def skm_trend(
    session: Session, period: Period, step: str, *, agency_id: int | None = None
) -> list[SkmRow]:
    """The IKM of each day, month or semester of ``period`` that had respondents or
    visitors, in order (a year by month, a semester by month, a month by day). Rows are
    the unit's whole figures, so no anonymity floor applies."""
    if step not in TREND_STEPS:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "step is day, month or semester", field="step"
        )
    answered = session.execute(
        select(SurveyResponse.service_date, func.count(SurveyResponse.id), *_SUMS)
        .where(*_scope(period, agency_id))
        .group_by(SurveyResponse.service_date)
    ).all()
    served_query = _served(period, agency_id, Ticket.service_date).group_by(Ticket.service_date)
    served = session.execute(served_query).all()
    buckets: dict[dt.date, tuple[str, list[int]]] = {}
    for day, count, *sums in answered:
        label, first = _bucket(day, step)
        totals = buckets.setdefault(first, (label, [0] * (len(ELEMENTS) + 2)))[1]
        totals[0] += count
        for i, value in enumerate(sums):
            totals[2 + i] += int(value or 0)
    for day, count in served:
        label, first = _bucket(day, step)
        buckets.setdefault(first, (label, [0] * (len(ELEMENTS) + 2)))[1][1] += count
    return [
        _row(None, label, totals[0], totals[2:], totals[1], 1)
        for _, (label, totals) in sorted(buckets.items())
    ]


def lowest_elements(index: Index | None, count: int = LOWEST) -> list[ElementScore]:
    """The elements with the lowest NRR (Lampiran order among equals): what to improve."""
    if index is None:
        return []
    scores = [ElementScore(e, v) for e, v in zip(ELEMENTS, index.nrr, strict=True)]
    return sorted(scores, key=lambda s: s.nrr)[:count]


def _profile(session: Session, where: list[Any]) -> dict[str, list[ProfileCount]]:
    tables = {}
    for spec in PROFILE:
        column = getattr(SurveyResponse, spec.name)
        counts: dict[str | None, int] = dict(
            session.execute(
                select(column, func.count(SurveyResponse.id)).where(*where).group_by(column)
            ).all()
        )
        tables[spec.name] = [ProfileCount(v, counts.get(v, 0)) for v in spec.values] + [
            ProfileCount(None, counts.get(None, 0))
        ]
    return tables


def _by_hour(session: Session, where: list[Any]) -> list[SkmRow]:
    found = session.execute(
        select(SurveyResponse.visit_hour, func.count(SurveyResponse.id), *_SUMS)
        .where(*where)
        .group_by(SurveyResponse.visit_hour)
        .order_by(SurveyResponse.visit_hour)
    ).all()
    rows = [_row(r[0], f"{r[0]:02d}:00", r[1], r[2:], 0, ANONYMITY_FLOOR) for r in found]
    _complement(rows, [range(len(rows))])
    return rows


def _wait_band(session: Session, where: list[Any], *, over: bool) -> SkmRow:
    """Visitors who waited longer than their service's target wait, or not longer; a
    response without a known wait is in neither."""
    target = SurveyResponse.target_wait_minutes * 60
    wait = SurveyResponse.wait_seconds
    band = wait > target if over else wait <= target
    r = session.execute(
        select(func.count(SurveyResponse.id), *_SUMS).where(*where, and_(wait.is_not(None), band))
    ).one()
    name = "over target" if over else "within target"
    return _row(None, name, r[0], r[1:], 0, ANONYMITY_FLOOR)


def _wait_bands(session: Session, where: list[Any], respondents: int) -> tuple[SkmRow, SkmRow]:
    """Both wait bands, withheld together as ``_complement`` asks: they and the responses
    without a known wait (never a row of their own) add up to the total."""
    bands = [_wait_band(session, where, over=True), _wait_band(session, where, over=False)]
    _complement(bands, [range(2)], hidden=respondents - sum(b.respondents for b in bands))
    return bands[0], bands[1]


def _extra(session: Session, where: list[Any]) -> list[ExtraScore]:
    found = session.execute(
        select(
            SurveyExtraQuestion.id,
            SurveyExtraQuestion.question_id,
            func.count(SurveyExtraAnswer.value),
            func.sum(SurveyExtraAnswer.value),
        )
        .join(SurveyExtraAnswer, SurveyExtraAnswer.question_id == SurveyExtraQuestion.id)
        .join(SurveyResponse, SurveyResponse.id == SurveyExtraAnswer.response_id)
        .where(*where)
        .group_by(SurveyExtraQuestion.id, SurveyExtraQuestion.question_id)
        .order_by(SurveyExtraQuestion.id)
    ).all()
    return [ExtraScore(q, text, n, Fraction(int(s), n) if n else None) for q, text, n, s in found]


@dataclass(frozen=True)
class Suggestion:
    """A *saran/pengaduan* as staff see it: the day, the agency and service, the text and
    its handling. Never the ticket, counter, officer or time of the visit."""

    id: int
    service_date: dt.date
    agency: str
    service: str
    text: str | None  # None once pruned (docs/skm.md#retention)
    handled_at: dt.datetime | None
    reply: str | None


def suggestions(
    session: Session,
    period: Period,
    *,
    agency_id: int | None = None,
    handled: bool | None = None,
) -> list[Suggestion]:
    """The suggestions and complaints of a period, newest day first."""
    query = (
        select(
            SurveyResponse.id,
            SurveyResponse.service_date,
            Agency.short_name,
            Service.name,
            SurveyResponse.suggestion,
            SurveyResponse.handled_at,
            SurveyResponse.reply,
        )
        .join(Agency, Agency.id == SurveyResponse.agency_id)
        .join(Service, Service.id == SurveyResponse.service_id)
        .where(*_scope(period, agency_id), SurveyResponse.had_suggestion)
        .order_by(SurveyResponse.service_date.desc(), SurveyResponse.id.desc())
    )
    if handled is True:
        query = query.where(SurveyResponse.handled_at.is_not(None))
    elif handled is False:
        query = query.where(SurveyResponse.handled_at.is_(None))
    return [Suggestion(*row) for row in session.execute(query).all()]
