"""The admin console's changes to the hall's catalogue: agencies, services, counters,
zones and holidays.

Everything an admin or supervisor submits is read here, whatever a browser (or a
hand-made request) sends: every field is checked and each problem is reported against
its field in Indonesian and English, all at once, so a form can show them beside the
inputs (the problems are named here and worded in ``form_wording``). Whatever has
history (tickets, events) is deactivated, never deleted; only what nothing refers to may
be deleted.

No Flask here: the functions take a session, the person acting and the submitted
values, and leave announcing the change (``config.updated``) to the caller's command.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.orm import Session, joinedload

from server.models import (
    Agency,
    Counter,
    CounterEvent,
    CounterService,
    CounterState,
    Device,
    Holiday,
    Series,
    SeriesDay,
    Service,
    Ticket,
    TicketEvent,
    User,
    Zone,
)
from shared.errors import ErrorCode
from shared.opening_hours import clock_text, parse_clock
from shared.text import refused_character

from . import form_wording as wording
from .access import Principal, require_admin, require_agency_staff
from .areas import SERVED_SERVICE_IDS
from .errors import DomainError, not_found
from .form_wording import Problem
from .schedule import WEEKDAYS

AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
SERVICE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,3}$")
ZONE_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
ID_MAX = 2**31 - 1
POSITION_MAX = 100_000
# A standar pelayanan as a kiosk screen and a ticket page can show it whole (wire.ServiceStandard).
REQUIREMENTS_MAX = 20
STANDARD_TEXT_MAX = 200
Query = TypeVar("Query", bound=Select[Any])
Row = TypeVar("Row")


class Invalid(DomainError):
    """A submitted form with problems, one per field (the first found for each)."""

    def __init__(self, problems: Mapping[str, Problem]) -> None:
        english = "; ".join(f"{name}: {p.en}" for name, p in problems.items())
        super().__init__(
            ErrorCode.VALIDATION_ERROR,
            english,
            fields={name: p.en for name, p in problems.items()},
        )
        self.problems = dict(problems)


class Fields:
    """Reads one submitted form: strings from a browser, or anything a hand-made request
    sends. Each reader returns a clean value (or None) and notes a problem per field;
    ``check()`` raises them all together."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: dict[str, Problem] = {}

    def fail(self, name: str, problem: Problem) -> None:
        """Note ``problem`` against ``name``, unless the field has one already (the first
        found is the one worth fixing first)."""
        self.problems.setdefault(name, problem)

    def check(self) -> None:
        if self.problems:
            raise Invalid(self.problems)

    def _string(self, name: str) -> str:
        value = self.raw.get(name)
        if value is None or isinstance(value, bool):
            return ""
        if isinstance(value, int | float):
            return str(value)
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, max_length: int, *, required: bool = True) -> str:
        value = self._string(name)
        if not value:
            if required:
                self.fail(name, wording.REQUIRED)
            return ""
        if len(value) > max_length:
            self.fail(name, wording.at_most_characters(max_length))
        elif refused_character(value) is not None:
            self.fail(name, wording.NO_CONTROL_CHARACTERS)
        return value[:max_length]

    def lines(self, name: str, max_lines: int, max_length: int) -> list[str]:
        """A text area read as one entry per line (blank lines dropped), or a list of
        texts from a hand-made request."""
        value = self.raw.get(name)
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                self.fail(name, wording.TEXTS_ONLY)
                return []
            entries = [item.strip() for item in value]
        else:
            entries = [line.strip() for line in self._string(name).splitlines()]
        entries = [entry for entry in entries if entry]
        if len(entries) > max_lines:
            self.fail(name, wording.at_most_lines(max_lines))
        for number, entry in enumerate(entries, start=1):
            if len(entry) > max_length:
                self.fail(name, wording.line_too_long(number, max_length))
            elif refused_character(entry) is not None:
                self.fail(name, wording.NO_CONTROL_CHARACTERS)
        return [entry[:max_length] for entry in entries[:max_lines]]

    def code(self, name: str, pattern: re.Pattern[str], hint: Problem) -> str:
        value = self._string(name)
        value = value.lower() if pattern is ZONE_CODE else value.upper()
        if not value:
            self.fail(name, wording.REQUIRED)
        elif not pattern.match(value):
            self.fail(name, hint)
        return value

    def integer(
        self, name: str, low: int, high: int, *, required: bool = True, default: int | None = None
    ) -> int | None:
        value = self._string(name)
        if not value:
            if required and default is None:
                self.fail(name, wording.REQUIRED)
            return default
        if not re.fullmatch(r"-?\d{1,12}", value):
            self.fail(name, wording.NOT_A_WHOLE_NUMBER)
            return None
        number = int(value)
        if not low <= number <= high:
            self.fail(name, wording.between(low, high))
            return None
        return number

    def decimal(self, name: str, low: float, high: float) -> float | None:
        value = self._string(name).replace(",", ".")
        if not value:
            self.fail(name, wording.REQUIRED)
            return None
        if not re.fullmatch(r"\d{1,6}(\.\d{1,3})?", value):
            self.fail(name, wording.NOT_A_NUMBER)
            return None
        number = float(value)
        if not low <= number <= high:
            self.fail(name, wording.between(float(low), float(high)))
            return None
        return number

    def flag(self, name: str) -> bool:
        """A checkbox: sent (with any of the usual "on" values) or not."""
        value = self.raw.get(name)
        if isinstance(value, bool):
            return value
        return isinstance(value, str) and value.strip().lower() in ("1", "on", "true", "yes", "y")

    def row_id(self, name: str) -> int | None:
        return self.integer(name, 1, ID_MAX)

    def day(self, name: str) -> dt.date | None:
        value = self._string(name)
        if not value:
            self.fail(name, wording.REQUIRED)
            return None
        try:
            day = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is None or not 2000 <= day.year <= 2100:
            self.fail(name, wording.NOT_A_DATE)
        return day

    def span(self, field: str, opens: Any, closes: Any) -> list[str] | None:
        """Opening and closing times as people write them (07.30 or 07:30, 24.00 = until
        midnight), stored as ``["07:30", "16:00"]``; a problem against ``field``."""
        texts = [t.strip() if isinstance(t, str) else "" for t in (opens, closes)]
        if not all(texts):
            self.fail(field, wording.OPENING_AND_CLOSING_NEEDED)
            return None
        try:
            start, end = parse_clock(texts[0]), parse_clock(texts[1])
        except ValueError:
            self.fail(field, wording.NOT_A_TIME)
            return None
        if start >= end:
            self.fail(field, wording.OPEN_BEFORE_CLOSE)
            return None
        return [clock_text(start), clock_text(end)]


def _one(session: Session, model: type[Any], row_id: int, what: str) -> Any:
    found = session.get(model, row_id) if 0 < row_id <= ID_MAX else None
    if found is None:
        raise not_found(what)
    return found


def existing(session: Session, model: type[Row], row_id: int | None, what: str) -> Row | None:
    """The row a form edits, or None for a new one; an id that names nothing is not found."""
    return _one(session, model, row_id, what) if row_id is not None else None


def _any(session: Session, *conditions: Any) -> bool:
    return any(session.scalar(select(exists().where(c))) for c in conditions)


def next_position(session: Session, model: type[Any], *where: Any) -> int:
    """One after the last: where a new item goes unless the admin says otherwise."""
    last = session.scalar(select(func.max(model.position)).where(*where))
    return int(last or 0) + 1


def _unique_code(form: Fields, session: Session, model: type[Any], code: str, row: Any) -> None:
    """A code names rooms, prefixes and reports: no two rows of a kind share one."""
    if not code or "code" in form.problems:
        return
    taken = session.scalar(select(model.id).where(model.code == code))
    if taken is not None and (row is None or taken != row.id):
        form.fail("code", wording.code_taken(code))


def _owning_agency(session: Session, who: Principal, form: Fields, row: Any) -> Agency | None:
    """The agency a service or counter belongs to: chosen once by an admin (a supervisor's
    own), then fixed; whoever changes it must work for that agency."""
    if row is None:
        agency_id = who.agency_id if not who.is_admin else form.row_id("agency_id")
        agency = session.get(Agency, agency_id) if agency_id else None
        if agency is None and "agency_id" not in form.problems:
            form.fail("agency_id", wording.CHOOSE_AGENCY)
    else:
        agency = row.agency
    if agency is not None:
        require_agency_staff(who, agency.id)
    return agency


def _position(form: Fields, session: Session, model: type[Any], agency: Agency | None) -> int:
    """The list order typed, or one after the last (of its agency, for a service or counter)."""
    where = [model.agency_id == agency.id] if agency is not None else []
    position = form.integer(
        "position", 0, POSITION_MAX, default=next_position(session, model, *where)
    )
    return position or 0


def _delete_unused(session: Session, row: Any, used: bool, why: str) -> None:
    """Whatever has history is deactivated instead: deleting it would rewrite the past."""
    if used:
        raise DomainError(ErrorCode.CONFLICT, why)
    session.delete(row)
    session.flush()


# --- agencies --------------------------------------------------------------------------


def save_agency(
    session: Session, who: Principal, agency_id: int | None, raw: Mapping[str, Any]
) -> Agency:
    """Create (``agency_id`` None) or change an agency. Its code names its rooms and its
    supervisors' sessions, so it is fixed once created."""
    require_admin(who)
    agency = existing(session, Agency, agency_id, "agency")
    form = Fields(raw)
    if agency is None:
        code = form.code("code", AGENCY_CODE, wording.AGENCY_CODE_HINT)
        _unique_code(form, session, Agency, code, None)
    name = form.text("name", 200)
    short_name = form.text("short_name", 40)
    colour = form.text("colour", 7)
    if colour and not COLOUR.match(colour):
        form.fail("colour", wording.NOT_A_COLOUR)
    position = _position(form, session, Agency, None)
    active = form.flag("active")
    form.check()
    if agency is None:
        agency = Agency(code=code)
        session.add(agency)
    agency.name, agency.short_name, agency.colour = name, short_name, colour.upper()
    agency.position, agency.active = position, active
    session.flush()
    return agency


def agency_uses(session: Session, agency: Agency) -> bool:
    """Whether anything refers to the agency (then it is deactivated, not deleted)."""
    return _any(
        session,
        Series.agency_id == agency.id,
        Service.agency_id == agency.id,
        Counter.agency_id == agency.id,
        User.agency_id == agency.id,
        Device.agency_id == agency.id,
    )


def delete_agency(session: Session, who: Principal, agency_id: int) -> str:
    require_admin(who)
    agency = _one(session, Agency, agency_id, "agency")
    _delete_unused(
        session,
        agency,
        agency_uses(session, agency),
        "this agency has services, counters, users or devices: deactivate it instead",
    )
    return str(agency.code)


# --- services --------------------------------------------------------------------------


def read_hours(form: Fields, hours: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{"mon": ["07:30", "16:00"], ...}`` with a problem per weekday (``hours.mon``);
    times also as 07.30, stored as 07:30."""
    out: dict[str, list[str]] = {}
    if not isinstance(hours, Mapping):
        form.fail("hours", wording.HOURS_UNREADABLE)
        return out
    for day, span in hours.items():
        if day not in WEEKDAYS:
            form.fail("hours", wording.unknown_weekday(day))
            continue
        field = f"hours.{day}"
        if not isinstance(span, Sequence) or isinstance(span, str) or len(span) != 2:
            form.fail(field, wording.OPENING_AND_CLOSING_NEEDED)
            continue
        clean = form.span(field, span[0], span[1])
        if clean is not None:
            out[day] = clean
    return {day: out[day] for day in WEEKDAYS if day in out}


def save_service(
    session: Session,
    who: Principal,
    service_id: int | None,
    raw: Mapping[str, Any],
    hours: Mapping[str, Any],
) -> Service:
    """Create or change a service; its prefix picks (or starts) a series of its agency.

    Services of one agency may share a prefix (their numbers then run on together); a
    prefix of another agency is refused: two agencies' visitors would hold the same
    number. The agency is chosen at creation and stays.
    """
    service = existing(session, Service, service_id, "service")
    form = Fields(raw)
    agency = _owning_agency(session, who, form, service)
    code = form.code("code", SERVICE_CODE, wording.SERVICE_CODE_HINT)
    _unique_code(form, session, Service, code, service)
    name = form.text("name", 200)
    prefix = form.code("prefix", PREFIX, wording.PREFIX_HINT)
    series = None
    if prefix and "prefix" not in form.problems:
        series = session.scalar(select(Series).where(Series.prefix == prefix))
        if series is not None and agency is not None and series.agency_id != agency.id:
            owner = session.get(Agency, series.agency_id)
            owner_name = owner.short_name if owner else "?"
            form.fail("prefix", wording.prefix_of_other_agency(prefix, owner_name))
    quota = form.integer("daily_quota", 1, 100_000, required=False)
    clean_hours = read_hours(form, hours)
    priority = form.flag("priority_offered")
    target = form.integer("target_wait_minutes", 1, 600)
    typical = form.decimal("typical_minutes", 0.5, 600)
    position = _position(form, session, Service, agency)
    active = form.flag("active")
    requirements = form.lines("requirements", REQUIREMENTS_MAX, STANDARD_TEXT_MAX)
    fee = form.text("fee", STANDARD_TEXT_MAX, required=False)
    completion = form.text("completion", STANDARD_TEXT_MAX, required=False)
    form.check()
    assert agency is not None
    if series is None:
        series = Series(agency_id=agency.id, prefix=prefix)
        session.add(series)
        session.flush()
    old_series_id = service.series_id if service is not None else None
    if service is None:
        service = Service(agency_id=agency.id)
        session.add(service)
    service.code, service.name, service.series_id = code, name, series.id
    service.daily_quota, service.hours, service.priority_offered = quota, clean_hours, priority
    service.target_wait_minutes, service.typical_minutes = target or 1, typical or 1.0
    service.position, service.active = position, active
    service.requirements, service.fee, service.completion = requirements, fee, completion
    session.flush()
    if old_series_id is not None and old_series_id != series.id:
        _drop_unused_series(session, old_series_id)
    session.refresh(service, ["series"])
    return service


def _drop_unused_series(session: Session, series_id: int) -> None:
    """A prefix nobody uses any more and that numbered nothing frees itself."""
    if not _any(
        session,
        Service.series_id == series_id,
        Ticket.series_id == series_id,
        SeriesDay.series_id == series_id,
    ):
        session.execute(delete(Series).where(Series.id == series_id))


def service_uses(session: Session, service: Service) -> bool:
    """Whether any ticket ever went through the service (its history must stay)."""
    return _any(
        session,
        Ticket.service_id == service.id,
        Ticket.origin_service_id == service.id,
        TicketEvent.service_id == service.id,
    )


def delete_service(session: Session, who: Principal, service_id: int) -> str:
    service: Service = _one(session, Service, service_id, "service")
    require_agency_staff(who, service.agency_id)
    if service_uses(session, service):
        raise DomainError(ErrorCode.CONFLICT, "this service has tickets: deactivate it instead")
    code, series_id = service.code, service.series_id
    session.execute(delete(CounterService).where(CounterService.service_id == service.id))
    session.delete(service)
    session.flush()
    _drop_unused_series(session, series_id)
    return code


# --- counters --------------------------------------------------------------------------


def save_counter(
    session: Session,
    who: Principal,
    counter_id: int | None,
    raw: Mapping[str, Any],
    service_ids: Sequence[Any],
) -> Counter:
    """Create or change a counter and the services it serves, in ``service_ids`` order
    (only services of its own agency). The agency is chosen at creation and stays; a
    counter is deactivated only once it is closed, so nobody is left mid-call."""
    counter = existing(session, Counter, counter_id, "counter")
    form = Fields(raw)
    agency = _owning_agency(session, who, form, counter)
    zone_id = form.row_id("zone_id")
    zone = session.get(Zone, zone_id) if zone_id else None
    if zone is None and "zone_id" not in form.problems:
        form.fail("zone_id", wording.CHOOSE_ZONE)
    label = form.text("label", 40)
    if label and zone is not None:
        clash = session.scalar(
            select(Counter.id).where(
                Counter.zone_id == zone.id,
                func.lower(Counter.label) == label.lower(),
                Counter.id != (counter.id if counter is not None else 0),
            )
        )
        if clash is not None:
            form.fail("label", wording.label_taken_in_zone(label))
    position = _position(form, session, Counter, agency)
    active = form.flag("active")
    still_working = counter is not None and (
        counter.state != CounterState.CLOSED or counter.current_ticket_id is not None
    )
    if counter is not None and counter.active and not active and still_working:
        form.fail("active", wording.COUNTER_STILL_OPEN)
    chosen = _counter_services(session, form, agency, service_ids)
    form.check()
    assert agency is not None and zone is not None
    if counter is None:
        counter = Counter(agency_id=agency.id, state=CounterState.CLOSED, calls_since_priority=0)
        session.add(counter)
    counter.zone_id, counter.label, counter.position, counter.active = (
        zone.id,
        label,
        position,
        active,
    )
    session.flush()
    session.execute(delete(CounterService).where(CounterService.counter_id == counter.id))
    for order, service_id in enumerate(chosen):
        session.add(CounterService(counter_id=counter.id, service_id=service_id, position=order))
    session.flush()
    session.refresh(counter, ["service_links", "zone", "agency"])
    return counter


def _counter_services(
    session: Session, form: Fields, agency: Agency | None, service_ids: Sequence[Any]
) -> list[int]:
    chosen: list[int] = []
    for value in service_ids:
        text = str(value).strip() if isinstance(value, str | int) else ""
        if not re.fullmatch(r"\d{1,10}", text) or not 0 < int(text) <= ID_MAX:
            form.fail("services", wording.NOT_A_SERVICE_CHOICE)
            return []
        if int(text) not in chosen:
            chosen.append(int(text))
    if agency is None or not chosen:
        return chosen
    own = set(
        session.scalars(
            select(Service.id).where(Service.agency_id == agency.id, Service.id.in_(chosen))
        )
    )
    if own != set(chosen):
        form.fail("services", wording.SERVICE_OF_OTHER_AGENCY)
    return chosen


def counter_service_ids(session: Session, counter_id: int | None) -> list[int]:
    """The services a stored counter serves now (none for a new one)."""
    if counter_id is None:
        return []
    return list(
        session.scalars(
            select(CounterService.service_id).where(CounterService.counter_id == counter_id)
        )
    )


def unserved_services(session: Session, service_ids: Iterable[int] | None = None) -> list[Service]:
    """The offered services (active, of an active agency; of ``service_ids``, or all) that
    no active counter serves: a kiosk would hand out their numbers and nobody would ever
    call them."""
    query = (
        select(Service)
        .join(Agency, Agency.id == Service.agency_id)
        .where(
            Service.active.is_(True), Agency.active.is_(True), Service.id.not_in(SERVED_SERVICE_IDS)
        )
        .order_by(Service.agency_id, Service.position, Service.code)
    )
    if service_ids is not None:
        query = query.where(Service.id.in_(list(service_ids)))
    return list(session.scalars(query))


def counter_uses(session: Session, counter: Counter) -> bool:
    return _any(
        session,
        Ticket.counter_id == counter.id,
        Ticket.target_counter_id == counter.id,
        TicketEvent.counter_id == counter.id,
        CounterEvent.counter_id == counter.id,
        Device.counter_id == counter.id,
    )


def delete_counter(session: Session, who: Principal, counter_id: int) -> str:
    counter: Counter = _one(session, Counter, counter_id, "counter")
    require_agency_staff(who, counter.agency_id)
    label = counter.label
    _delete_unused(
        session,
        counter,
        counter_uses(session, counter),
        "this counter has history or a device: deactivate it instead",
    )
    return label


# --- zones -----------------------------------------------------------------------------


def save_zone(
    session: Session, who: Principal, zone_id: int | None, raw: Mapping[str, Any]
) -> Zone:
    """Create or rename a zone. Its code names the boards' room, so it is fixed."""
    require_admin(who)
    zone = existing(session, Zone, zone_id, "zone")
    form = Fields(raw)
    if zone is None:
        code = form.code("code", ZONE_CODE, wording.ZONE_CODE_HINT)
        _unique_code(form, session, Zone, code, None)
    name = form.text("name", 100)
    form.check()
    if zone is None:
        zone = Zone(code=code)
        session.add(zone)
    zone.name = name
    session.flush()
    return zone


def zone_uses(session: Session, zone: Zone) -> bool:
    return _any(session, Counter.zone_id == zone.id, Device.zone_id == zone.id)


def delete_zone(session: Session, who: Principal, zone_id: int) -> str:
    require_admin(who)
    zone = _one(session, Zone, zone_id, "zone")
    _delete_unused(
        session,
        zone,
        zone_uses(session, zone),
        "counters or display boards are in this zone: move them first",
    )
    return str(zone.code)


# --- holidays --------------------------------------------------------------------------


def save_holiday(
    session: Session, who: Principal, original: dt.date | None, raw: Mapping[str, Any]
) -> Holiday:
    """Add a holiday, or change the one on ``original`` (its date too)."""
    require_admin(who)
    holiday = session.get(Holiday, original) if original is not None else None
    if original is not None and holiday is None:
        raise not_found("holiday")
    form = Fields(raw)
    day = form.day("date")
    name = form.text("name", 100)
    if day is not None and day != original and session.get(Holiday, day) is not None:
        form.fail("date", wording.ALREADY_A_HOLIDAY)
    form.check()
    assert day is not None
    if holiday is not None and day != original:
        session.delete(holiday)
        session.flush()
        holiday = None
    if holiday is None:
        holiday = Holiday(date=day, name=name)
        session.add(holiday)
    holiday.name = name
    session.flush()
    return holiday


def delete_holiday(session: Session, who: Principal, day: dt.date) -> None:
    require_admin(who)
    holiday = session.get(Holiday, day)
    if holiday is None:
        raise not_found("holiday")
    session.delete(holiday)
    session.flush()


def holiday_years(session: Session, today: dt.date) -> list[int]:
    """The years with holidays, plus this year and the next (the ones being planned)."""
    years = {today.year, today.year + 1}
    for day in session.scalars(select(Holiday.date)):
        years.add(day.year)
    return sorted(years)


def agencies_for(session: Session, who: Principal) -> list[Agency]:
    """The agencies ``who`` works with: all for an admin, their own for a supervisor."""
    query = select(Agency).order_by(Agency.position, Agency.code)
    if not who.is_admin:
        query = query.where(Agency.id == who.agency_id)
    return list(session.scalars(query))


def services_for(session: Session, who: Principal, agency_id: int | None) -> list[Service]:
    """Services in the console's list order; a supervisor's are only their agency's."""
    query = (
        select(Service)
        .join(Agency, Agency.id == Service.agency_id)
        .options(joinedload(Service.agency), joinedload(Service.series))
        .order_by(Agency.position, Agency.code, Service.position, Service.code)
    )
    return list(session.scalars(_of_agency(query, Service.agency_id, who, agency_id)))


def counters_for(session: Session, who: Principal, agency_id: int | None) -> list[Counter]:
    query = (
        select(Counter)
        .join(Agency, Agency.id == Counter.agency_id)
        .options(joinedload(Counter.agency), joinedload(Counter.zone))
        .order_by(Counter.position, Counter.label)
    )
    return list(session.scalars(_of_agency(query, Counter.agency_id, who, agency_id)))


def _of_agency(query: Query, column: Any, who: Principal, agency_id: int | None) -> Query:
    """A supervisor sees only their agency's rows; an admin all, or the agency filtered on."""
    if not who.is_admin:
        return query.where(column == who.agency_id)
    if agency_id is not None:
        return query.where(column == agency_id)
    return query
