"""The JSON the server sends and the clients read, typed once.

REST answers and push payloads are built by ``server/domain/payloads.py`` and
``announce.py`` as these structures; the clients annotate what they read with them; the
OpenAPI document's response schemas for them are generated from them
(``server/api/wire_schema.py``), so a field added here is added everywhere at once and a
field a view forgets is a type error before it is a failing test.

``Annotated[..., Doc(...)]`` carries what the document says of a field, ``Pattern``,
``Length``, ``Range`` and ``Keys`` the bounds it promises; ``DateTime`` and ``Date`` are
ISO 8601 strings. A few payloads mirror a server dataclass (``Settings``, ``ReportFigures``):
tests pin their keys to the dataclass's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, NotRequired, Required, TypedDict

from shared import booking_code
from shared.calling_order import Reason
from shared.errors import ErrorCode
from shared.opening_hours import WEEKDAYS
from shared.printer_health import PrinterState
from shared.states import CounterState, DeviceKind, Priority, Role, TicketSource, TicketState
from shared.text import SHOWN_TEXT_PATTERN
from shared.waits import WaitKind


@dataclass(frozen=True)
class Doc:
    """What the OpenAPI document says of a field (and an example, where one helps)."""

    text: str = ""
    example: str | None = None


@dataclass(frozen=True)
class Format:
    """A string's JSON Schema format (``date``, ``date-time``)."""

    name: str


@dataclass(frozen=True)
class Pattern:
    """The regular expression a string matches."""

    regex: str


@dataclass(frozen=True)
class Length:
    """How long a string (in characters) or a list (in items) may be."""

    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Range:
    """The bounds of a number, both inclusive."""

    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Keys:
    """The only keys an object of arbitrary keys (a ``dict``) may have."""

    names: tuple[str, ...]


DateTime = Annotated[str, Format("date-time")]
Date = Annotated[str, Format("date")]
Clock = Annotated[
    str,
    Pattern(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"),
    Doc("a time of day in the hall, HH:MM; 24:00 = until midnight"),
]
Count = Annotated[int, Range(minimum=0)]


class AgencyBrief(TypedDict):
    """An agency as a ticket or counter names it: enough to label and colour it."""

    id: int
    code: str
    short_name: str
    colour: str


class ServiceBrief(TypedDict):
    """A ticket's service, as staff clients label it."""

    id: int
    code: str
    name: str


class CounterBrief(TypedDict):
    """The counter a ticket is called at."""

    id: int
    label: str


class Ticket(TypedDict):
    """A ticket as staff clients see it (no personal data exists to leak)."""

    id: int
    number: Annotated[str, Doc(example="DK-007")]
    prefix: str
    sequence: int
    service: ServiceBrief
    agency: AgencyBrief
    priority: Priority
    source: TicketSource
    state: TicketState
    service_date: Date
    issued_at: DateTime
    queued_at: DateTime
    called_at: DateTime | None
    started_at: DateTime | None
    finished_at: DateTime | None
    call_count: int
    counter: CounterBrief | None
    target_counter_id: int | None
    booked_for: DateTime | None
    printed: bool | None


class AreaZone(TypedDict):
    """One zone of a waiting area and the counters there that call the line."""

    code: str
    name: str
    counters: list[str]


class WaitingArea(TypedDict):
    """Where the visitor waits: the zones and counters of the line, or of the one counter
    the ticket is sent to or called at."""

    text: Annotated[str, Doc(example="Lantai 1 — Zona A (Loket 1–3)")]
    zones: list[AreaZone]


class PublicTicket(TypedDict):
    """What the visitor's phone sees: no ids, no staff data."""

    number: str
    service: Annotated[str, Doc("the service's name")]
    agency: AgencyBrief
    priority: Priority
    state: TicketState
    service_date: Date
    issued_at: DateTime
    called_at: DateTime | None
    counter: Annotated[str | None, Doc("the calling counter's label")]
    area: WaitingArea | None


class Counter(TypedDict):
    """A counter and who holds it: what counter clients, boards and the monitor draw."""

    id: int
    label: str
    agency_id: int
    zone: Annotated[str, Doc("the zone's code")]
    state: CounterState
    officer_id: Annotated[
        int | None,
        Doc("the user holding the counter open (only they operate it); null when closed"),
    ]
    current_ticket_id: int | None
    service_ids: list[int]
    state_since: DateTime | None
    calls_since_priority: Annotated[
        int, Doc("calls since its last priority ticket (the priority turn)")
    ]


class LineStats(TypedDict):
    """One service's line: waiting and estimated wait."""

    service_id: int
    waiting: int
    open_counters: int
    paused_counters: Annotated[
        int, Doc("the line's counters on a break since the day began (with none open: a break)")
    ]
    average_service_minutes: float
    estimated_wait_minutes: int
    longest_wait_seconds: int


class Agency(TypedDict):
    """An agency of the hall as the configuration lists it."""

    id: int
    code: str
    name: str
    short_name: str
    colour: str
    position: int
    active: bool


class Zone(TypedDict):
    """A zone (floor, wing) with its boards and counters."""

    id: int
    code: str
    name: str


class ErrorDetail(TypedDict):
    """The body of every error answer."""

    code: ErrorCode
    message: str
    details: NotRequired[
        Annotated[dict[str, object], Doc("e.g. the field that failed, retry_after, quota")]
    ]
    request_id: NotRequired[
        Annotated[
            str,
            Doc(
                "a server fault (5xx): the id of the request, also in the X-Request-Id "
                "header and on the server's log lines"
            ),
        ]
    ]


class Error(TypedDict):
    """Every error: a stable code for programs, a message for people."""

    error: ErrorDetail


# --- snapshots: a room's whole state, reloaded on connect or after a gap in seq ----------

Seq = Annotated[int, Doc("the room's last push seq: apply pushes with a greater seq only")]


class CounterOnBoard(Counter):
    """A counter with its agency and the ticket it holds."""

    agency: AgencyBrief
    ticket: Ticket | None


class CounterToday(TypedDict):
    """Tickets finished (done) at the counter today; service time = finish - start."""

    served: int
    average_service_seconds: float | None


class CounterAtAgency(CounterOnBoard):
    """A counter with its agency, the ticket it holds and today's figures."""

    today: CounterToday


class LastCall(TypedDict):
    """A ticket's newest call (each ticket once, newest first)."""

    number: str
    prefix: str
    sequence: int
    counter: str | None
    counter_id: int
    agency: AgencyBrief
    at: DateTime
    recall: bool
    times: Annotated[int, Doc("calls of the ticket at that counter")]


class ZoneSnapshot(TypedDict):
    """What a display board of one zone shows: its counters, last calls, waiting lines."""

    zone: Zone
    seq: Seq
    today: Date
    counters: list[CounterOnBoard]
    last_calls: list[LastCall]
    last_calls_limit: Annotated[int, Doc("how many tickets the list holds at most (keep as many)")]
    lines: list[LineStats]


class AgencySnapshot(TypedDict):
    """What an agency's counters and supervisor need: counters with today's figures,
    waiting tickets, today's no-shows, lines."""

    agency: AgencyBrief
    seq: Seq
    today: Date
    counters: list[CounterAtAgency]
    waiting: list[Ticket]
    no_shows: Annotated[
        list[Ticket], Doc("today's no-shows, most recently marked first (at most 50)")
    ]
    lines: list[LineStats]


class HallSnapshot(TypedDict):
    """Every line and counter of the hall (the monitor's and the kiosks' view)."""

    seq: Seq
    today: Date
    lines: list[LineStats]
    counters: list[CounterOnBoard]


# --- push events (shared.events names them; docs/design.md#push-protocol) ------------------


class TicketEvent(TypedDict):
    """``ticket.issued`` / ``ticket.updated`` to staff rooms."""

    ticket: Ticket


class PhoneTicketEvent(TypedDict):
    """``ticket.updated`` / ``ticket.called`` to the ticket's own room (the visitor's
    phone): its public view only."""

    ticket: PublicTicket


class CallingCounter(TypedDict):
    """The counter a call is made at, with its zone for the boards."""

    id: int
    label: str
    zone: str


class Announcement(TypedDict):
    """The call-out's words, ready in both languages."""

    id: str
    en: str


class TicketCalledEvent(TypedDict):
    """``ticket.called``: the call the boards show and speak."""

    ticket: Ticket
    counter: CallingCounter
    recall: bool
    call_count: int
    announce: Announcement


class CounterEvent(TypedDict):
    """``counter.updated``."""

    counter: Counter


class QueueStatsEvent(TypedDict):
    """``queue.stats``: one line's counts, to staff rooms and the line's phones."""

    line: LineStats


class ConfigEvent(TypedDict):
    """``config.updated``: what changed; clients reload their configuration."""

    what: str


PushPayload = (
    TicketEvent
    | PhoneTicketEvent
    | TicketCalledEvent
    | CounterEvent
    | QueueStatsEvent
    | ConfigEvent
)


# --- tickets and counters as the REST answers give them (server/api/) ---------------------


class IssuedTicket(Ticket):
    """The ticket as its issuer gets it."""

    status_code: Annotated[
        str,
        Length(max=32),
        Doc("the key of the public status page (the QR); only the issuer gets it"),
    ]
    area: WaitingArea | None


class QueuedTicket(Ticket):
    """A waiting ticket in a counter's calling order."""

    reason: Annotated[
        Reason,
        Doc(
            "why it is at its place: sent to this counter, a booking whose slot has come, "
            "priority, or first come"
        ),
    ]


class WaitEstimate(TypedDict):
    """A visitor's place and wait (server/domain/estimates.py), as their ticket is told."""

    people_ahead: Annotated[int, Doc("calls before this ticket by the calling order")]
    estimated_wait_minutes: Annotated[int, Doc("the wait as shown: whole minutes, rounded up")]
    estimated_wait_seconds: Annotated[
        int, Doc("the same estimate to the second (docs/estimate.md), for measuring it")
    ]
    open_counters: Annotated[int, Doc("counters open for its line now (0: nobody can call it yet)")]
    wait: Annotated[
        WaitKind,
        Doc(
            "how to word the wait (shared/waits.py): none open and none on a break "
            "(closed), counters on a break with no return known yet (paused), on a break "
            "and back in about the estimated minutes (break), next, under a minute (soon), "
            "or the estimated minutes (wait)"
        ),
    ]


class Issued(WaitEstimate):
    """The new ticket (or, on a replay, the first attempt's)."""

    ticket: IssuedTicket


class Requeued(WaitEstimate):
    """The ticket back in its line."""

    ticket: Ticket


class TicketChanged(TypedDict):
    """The ticket after the change."""

    ticket: Ticket


class TicketStatus(WaitEstimate):
    """A visitor's ticket by its QR code: its public view, place and wait, and its room's
    seq."""

    ticket: PublicTicket
    seq: Seq


class CounterAndTicket(TypedDict):
    """The counter after the command; ticket is null when it holds none."""

    counter: Counter
    ticket: Ticket | None


class CounterStatus(CounterAndTicket):
    """The counter and its ticket, with the counter room's seq."""

    seq: Seq


class CounterWaiting(TypedDict):
    """A counter's waiting tickets in calling order and its lines."""

    counter: Counter
    tickets: Annotated[
        list[QueuedTicket], Doc("in the order next takes them (shared/calling_order.py)")
    ]
    lines: list[LineStats]


class CounterQueue(CounterWaiting):
    """A counter's waiting tickets and lines, with the counter room's seq."""

    seq: Seq


class LineOutlook(TypedDict):
    """Another line as an officer sees it before sending a visitor there."""

    service_id: int
    open_now: Annotated[bool, Doc("takes tickets now (hours, holidays)")]
    staffed: Annotated[bool, Doc("some active counter serves it")]
    open_counters: int
    paused_counters: Annotated[int, Doc("its counters on a break since the day began")]
    waiting: int
    estimated_wait_minutes: int


class DeviceHealthReport(TypedDict, total=False):
    """What a device last said of itself, each field as it was last reported."""

    printer: Annotated[PrinterState, Doc("the printer's state as the kiosk last saw it")]
    message: Annotated[str | None, Length(max=300), Pattern(SHOWN_TEXT_PATTERN)]
    version: Annotated[str, Length(max=40), Pattern(SHOWN_TEXT_PATTERN)]
    reported_at: Required[DateTime]


class DeviceHealth(TypedDict):
    """A device's health after its report."""

    health: Annotated[DeviceHealthReport, Doc("the last report merged over earlier ones")]


# --- the configuration (GET /config, /settings) ----------------------------------------------

OpeningHours = Annotated[
    dict[str, Annotated[list[Clock], Length(min=2, max=2)]],
    Keys(WEEKDAYS),
    Doc("opening hours per weekday in site time; a missing day is closed"),
]


class ServiceStandard(TypedDict):
    """A service's *standar pelayanan* as visitors read it before they queue: what to
    bring (one line each), the fee and how long until it is done; empty texts and an
    empty list where the hall has not written them."""

    requirements: Annotated[list[Annotated[str, Length(max=200)]], Length(max=20)]
    fee: Annotated[str, Length(max=200)]
    completion: Annotated[str, Length(max=200)]


class ServiceDefinition(TypedDict):
    """A service as configured: its line's prefix, hours, quota, targets and standard."""

    id: int
    code: str
    name: str
    agency_id: int
    prefix: str
    position: int
    active: bool
    daily_quota: int | None
    hours: OpeningHours
    priority_offered: bool
    target_wait_minutes: int
    typical_minutes: float
    standard: ServiceStandard


class Service(ServiceDefinition):
    """A service as the configuration lists it: with today's remaining quota and where
    its visitors wait (null: no counter serves it)."""

    remaining_quota: int | None
    area: WaitingArea | None
    booking_enabled: Annotated[
        bool, Doc("takes bookings (antrean online): the kiosk offers the booking check-in")
    ]


class Settings(TypedDict):
    """The site settings (defaults where unset): one key per field of the server's
    SiteSettings."""

    site_name: str
    site_short_name: str
    timezone: str
    number_separator: str
    number_width: int
    priority_every_n: int
    no_show_after_calls: int
    no_show_return_places: int
    callout_template_id: str
    callout_template_en: str
    ticket_footer: str
    ticket_survey_line: Annotated[
        int,
        Range(minimum=0, maximum=1),
        Doc("1: the ticket says its QR rates the service once served (the SKM survey)"),
    ]
    notice_ahead_threshold: int
    notice_ahead_minutes: int
    estimate_sample_size: int
    estimate_min_samples: int
    officer_token_hours: int
    default_language: str
    booking_no_show_limit: int
    booking_block_days: int
    logo: str


class ConfigSite(TypedDict):
    """The hall, its time zone and the server's idea of now."""

    name: str
    short_name: str
    timezone: str
    today: Date
    server_time: DateTime


class Holiday(TypedDict):
    """A day the hall is closed."""

    date: Date
    name: str


class SpecialOpening(TypedDict):
    """A special opening (buka khusus): the services in scope take tickets on that date in
    those hours, even on a holiday."""

    date: Date
    opens: Clock
    closes: Clock
    agency_id: Annotated[int | None, Doc("the agency it opens; null: the whole hall")]
    name: str


class Config(TypedDict):
    """Everything a client needs to draw the hall: site, settings, zones, agencies,
    services, counters, holidays and special openings."""

    site: ConfigSite
    settings: Settings
    zones: list[Zone]
    agencies: list[Agency]
    services: list[Service]
    counters: list[Counter]
    holidays: list[Holiday]
    special_openings: Annotated[
        list[SpecialOpening], Doc("special openings from today on, by date")
    ]


# --- login (POST /auth/login, /auth/logout, GET /auth/me) -------------------------------------


class UserAgency(TypedDict):
    """The agency a supervisor or officer belongs to."""

    id: int
    code: str
    short_name: str


class LoginUser(TypedDict):
    """The officer who logged in."""

    id: int
    username: str
    display_name: str
    role: Role
    agency: UserAgency | None


class Login(TypedDict):
    """An officer's bearer token and who it belongs to."""

    token: Annotated[str, Doc("an officer token, ant_u_...")]
    expires_at: DateTime
    user: LoginUser


class LoggedOut(TypedDict):
    """The token is revoked."""

    ok: Literal[True]


class Me(TypedDict):
    """Who a token belongs to: a user (role, agency) or a device (kind, zone, counter)."""

    kind: Literal["user", "device"]
    id: int
    role: Role | None
    device_kind: DeviceKind | None
    agency_code: str | None
    zone: str | None
    counter_id: int | None


# --- reports (GET /reports; server/domain/reports.py) --------------------------------------

ReportPeriodKind = Literal["day", "range", "month"]
"""``reports.PeriodKind``'s values (a test keeps them equal)."""
ReportGrouping = Literal["agency", "service", "counter", "officer"]
"""``reports.Grouping``'s values (a test keeps them equal)."""
Seconds = Annotated[float | None, Doc("seconds; null where nothing was measured")]
Share = Annotated[float | None, Range(minimum=0), Doc("0 to 1; null without a denominator")]


class ReportFigures(TypedDict):
    """One row's figures (or the total): counts, times in seconds, shares 0 to 1."""

    issued: Count
    served: Count
    no_show: Count
    cancelled: Count
    transferred: Count
    expired: Count
    calls: Annotated[
        Count, Doc("waits measured: the denominator of service_level and the averages")
    ]
    within_target: Annotated[Count, Doc("calls that waited no longer than their service's target")]
    avg_wait: Seconds
    p90_wait: Annotated[
        Seconds, Doc("seconds, nearest rank: the ceil(0.9 n)-th of the n sorted waits")
    ]
    max_wait: Seconds
    avg_service: Seconds
    service_level: Share
    open_seconds: Annotated[
        float | None,
        Doc("a counter's open (not paused) time; null unless grouped by counter, and in the total"),
    ]
    utilisation: Annotated[Share, Doc("service time ÷ open time; counter rows only")]
    booked: Annotated[Count, Doc("tickets from a booking's check-in (source booking)")]
    online_share: Annotated[Share, Doc("booked ÷ issued")]
    avg_wait_booked: Annotated[
        Seconds, Doc("booked visitors: from the slot's start (or arrival, when later) to the call")
    ]
    avg_wait_walk_in: Annotated[Seconds, Doc("every other ticket: from entry to the call")]


class ReportRow(TypedDict):
    """One row of the report: an agency, service, counter or officer."""

    id: Annotated[
        int | None,
        Doc("the agency, service, counter or user id; null for calls no officer made"),
    ]
    label: str
    detail: Annotated[str, Doc("a code, the owning agency or a user name")]
    figures: ReportFigures


class ReportPeriod(TypedDict):
    """Service dates, both inclusive, in the hall's time zone."""

    kind: ReportPeriodKind
    first: Date
    last: Date


class ReportAgency(TypedDict):
    """The one agency a report is about."""

    code: str
    short_name: str


class HourCount(TypedDict):
    """Arrivals and tickets served in one local hour."""

    hour: Annotated[int, Range(minimum=0, maximum=23)]
    arrivals: Count
    served: Count


class DayCount(TypedDict):
    """Tickets issued and served on one day."""

    date: Date
    issued: Count
    served: Count


class ReportDefinitions(TypedDict):
    """How each figure is computed, in Indonesian and English."""

    id: list[str]
    en: list[str]


class BookingReportFigures(TypedDict):
    """What became of the bookings of a service's day (or of the period's total)."""

    made: Annotated[Count, Doc("every booking of the day, cancelled ones too")]
    checked_in: Count
    no_show: Count
    cancelled: Count
    late: Annotated[Count, Doc("checked in after the window: given a walk-in ticket")]
    no_show_share: Annotated[Share, Doc("no_show ÷ (checked_in + no_show)")]
    avg_minutes_before_slot: Annotated[
        float | None,
        Doc("check-in time against the slot's start: positive = before it; null: none"),
    ]
    on_time_share: Annotated[Share, Doc("check-ins at or before the slot's start ÷ check-ins")]


class BookingReportRow(TypedDict):
    """One service's bookings on one day."""

    service_id: int
    code: str
    name: str
    date: Date
    figures: BookingReportFigures


class Report(TypedDict):
    """The reports page's figures."""

    period: ReportPeriod
    group: ReportGrouping
    agency: Annotated[ReportAgency | None, Doc("the one agency reported; null for the whole hall")]
    timezone: str
    rows_count_issued: Annotated[
        bool,
        Doc(
            "false when grouped by counter or officer: issued and cancelled belong to a line "
            "(nobody called them), so only the total counts them"
        ),
    ]
    rows: list[ReportRow]
    total: ReportFigures
    by_hour: Annotated[
        list[HourCount],
        Length(min=24, max=24),
        Doc("arrivals and served per local hour, 0 to 23"),
    ]
    by_day: Annotated[list[DayCount], Doc("every day of the period, in order")]
    bookings: Annotated[
        list[BookingReportRow], Doc("per service and day with bookings, in the hall's order")
    ]
    bookings_total: BookingReportFigures
    definitions: ReportDefinitions


# --- the satisfaction survey (GET /reports/skm; server/domain/skm/, docs/skm.md) ---------

SkmPeriodKind = Literal["day", "month", "semester", "year"]
SkmGrade = Literal["A", "B", "C", "D"]
"""``skm.index.Grade``'s values (a test keeps them equal)."""
Nrr = Annotated[float, Range(minimum=1, maximum=4), Doc("an average on 1..4, to 4 decimals")]


class SkmElementScore(TypedDict):
    """One element's NRR (sum of its answers ÷ their number) and the NRR interval's grade."""

    code: Annotated[str, Doc("U1..U9, in the order of PermenPANRB 14/2017's Lampiran")]
    name_id: str
    name_en: str
    nrr: Nrr
    grade: SkmGrade


class SkmIndex(TypedDict):
    """The IKM of a group of responses, as PermenPANRB 14/2017 computes it."""

    elements: Annotated[list[SkmElementScore], Length(min=9, max=9)]
    weighted: Annotated[
        float, Doc("the sum of NRR × 1/9 (the regulation's 0.111, exact): 1..4, to 4 decimals")
    ]
    ikm: Annotated[
        float, Range(minimum=25, maximum=100), Doc("weighted × 25, to 2 decimals (half up)")
    ]
    grade: Annotated[SkmGrade, Doc("by the 2-decimal ikm: A ≥ 88.31, B ≥ 76.61, C ≥ 65.00")]
    grade_id: Annotated[str, Doc("Sangat Baik, Baik, Kurang Baik, Tidak Baik")]
    grade_en: str


class SkmRow(TypedDict):
    """One group's survey figures: an agency, service, counter, officer, hour or wait band."""

    id: Annotated[int | None, Doc("the agency, service, counter or user id, or the hour")]
    label: str
    respondents: Count
    population: Annotated[Count, Doc("visitors served (tickets done) in the period; 0 if n/a")]
    minimum_sample: Annotated[Count, Doc("Krejcie–Morgan for the population, to the nearest")]
    below_sample: bool
    suppressed: Annotated[
        bool, Doc("fewer respondents than the anonymity floor: the index is withheld")
    ]
    index: Annotated[SkmIndex | None, Doc("null without respondents, or when suppressed")]


class SkmProfileCount(TypedDict):
    """How many respondents chose one option of a profile field (null: not given)."""

    value: str | None
    count: Count


class SkmExtraScore(TypedDict):
    """One of the unit's own questions: reported apart, never part of the IKM."""

    question_id: int
    question: str
    answers: Count
    average: Annotated[float | None, Doc("mean answer on 1..4, to 4 decimals")]


class SkmReportPeriod(TypedDict):
    """Service dates, both inclusive, in the hall's time zone."""

    kind: SkmPeriodKind
    first: Date
    last: Date


class SkmReport(TypedDict):
    """The survey's figures for a period: never one visitor's answers (docs/skm.md)."""

    regulation: Annotated[str, Doc("the regulation the computation follows")]
    period: SkmReportPeriod
    group: ReportGrouping
    agency: Annotated[ReportAgency | None, Doc("the one agency reported; null for the whole hall")]
    anonymity_floor: Annotated[
        int, Doc("counter, officer, hour and wait rows under this many respondents are withheld")
    ]
    rows: list[SkmRow]
    total: SkmRow
    lowest: Annotated[list[SkmElementScore], Doc("the lowest NRR first: what to improve")]
    profile: Annotated[
        dict[str, list[SkmProfileCount]],
        Doc("gender, age_group, education, occupation: each option, then not given"),
    ]
    by_hour: Annotated[list[SkmRow], Doc("by the local hour the visit was finished")]
    over_target: Annotated[SkmRow, Doc("visitors who waited longer than their service's target")]
    within_target: SkmRow
    extra: list[SkmExtraScore]
    suggestions: Annotated[Count, Doc("suggestions and complaints written (their text: the page)")]


# --- the survey where visitors answer (docs/skm.md#where-visitors-answer) -----------------


class SurveyVisit(TypedDict):
    """The visit a counter's survey tablet asks about: no personal data, the number and
    service only, for the visitor to recognise their own."""

    ticket_id: Annotated[int, Doc("what the tablet sends back with the answers")]
    number: str
    service: str
    agency: AgencyBrief
    finished_at: DateTime
    closes_at: Annotated[DateTime, Doc("after this the tablet may no longer answer for it")]


class CounterSurvey(TypedDict):
    """What a counter's survey tablet shows now: a visit to ask about, or nothing (idle)."""

    counter: CallingCounter
    asking: Annotated[
        SurveyVisit | None,
        Doc("the visit the counter just finished, while it may be answered; null: idle"),
    ]
    form_version: Annotated[
        str, Doc("fingerprint of the questions' wording: a page showing another reloads")
    ]
    now: Annotated[DateTime, Doc("the server's clock: a tablet's own may be wrong")]


class KioskSurveyVisit(TypedDict):
    """A visit done today, found at the kiosk by the number printed on its ticket."""

    number: str
    service: str
    agency: AgencyBrief


class SurveyAnswered(TypedDict):
    """An answer stored: the visit it was for."""

    number: str
    answered_at: DateTime


# --- check-in (POST /bookings/{code}/check-in; server/api/booking_check_in.py) ------------


CHECK_IN_CODE_PATTERN = f"^[{booking_code.ALPHABET}]{{{booking_code.LENGTH}}}$"


class CheckedInBooking(TypedDict):
    """The booking a check-in turned into a ticket: what the kiosk prints beside the number."""

    code: Annotated[str, Pattern(CHECK_IN_CODE_PATTERN), Doc(example="K7QM3XHD")]
    slot_start: Annotated[DateTime, Doc("the booked slot's start")]
    slot_minutes: int
    late: Annotated[
        bool, Doc("checked in after the window: a walk-in ticket at the back of the line")
    ]


class CheckedIn(Issued):
    """A booking's ticket: new (201), or the one it got before (200, nothing new to print)."""

    booking: CheckedInBooking
    already_checked_in: bool


# --- bookings (antrean online: docs/booking.md) -------------------------------------------

BookingCode = Annotated[
    str, Pattern(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"), Doc(example="K7QM-3XHD")
]
DayStatus = Literal["open", "full", "holiday", "closed", "passed", "not_offered"]


class BookableService(TypedDict):
    """A service that takes bookings, with what a visitor reads before choosing it."""

    id: int
    code: str
    name: str
    agency: AgencyBrief
    standard: ServiceStandard
    nik_required: Annotated[bool, Doc("the booker must give a NIK (16 digits)")]
    days_ahead: Annotated[int, Doc("today and this many days after it can be booked")]
    slot_minutes: int


class BookableServices(TypedDict):
    """The services that take bookings, in the hall's order."""

    services: list[BookableService]


class BookingSlot(TypedDict):
    """One slot of a day: when, how many places are left, whether it may be taken now."""

    start: DateTime
    end: DateTime
    time: Annotated[str, Doc("its start in the hall's time, HH:MM", example="09:30")]
    left: Count
    open: Annotated[bool, Doc("places left and not past the cut-off")]


class BookingDay(TypedDict):
    """A day as a visitor may book it."""

    date: Date
    status: Annotated[
        DayStatus,
        Doc(
            "open: a slot may be taken; full: none left; holiday; closed: the service is "
            "not open that day; passed: every slot is past the cut-off; not_offered"
        ),
    ]
    slots: list[BookingSlot]


class BookingDays(TypedDict):
    """The days a service offers, from today to its last bookable day."""

    service: BookableService
    timezone: str
    days: list[BookingDay]


class PublicBooking(TypedDict):
    """A booking as its code shows it: no name, phone or NIK."""

    code: BookingCode
    state: Annotated[str, Doc("booked, checked_in, cancelled or no_show")]
    service: ServiceBrief
    agency: AgencyBrief
    date: Date
    slot_start: DateTime
    slot_end: DateTime
    area: Annotated[WaitingArea | None, Doc("where the service's visitors wait")]
    requirements: Annotated[list[str], Doc("what to bring")]
    late: bool
    cancelled_by: Annotated[
        Literal["visitor", "staff", "closure"] | None, Doc("who cancelled it, when cancelled")
    ]
    cancel_reason: Annotated[
        str | None, Doc("the hall's reason, when the hall cancelled it (never the visitor's)")
    ]


class BookingMade(TypedDict):
    """A new booking, with the secret of its cancel/reschedule link: given only here."""

    booking: PublicBooking
    manage_secret: Annotated[
        str, Doc("cancels or reschedules this booking; stored only hashed, never shown again")
    ]
    status_path: Annotated[str, Doc("the booking's status page", example="/b/K7QM3XHD")]
    manage_path: Annotated[str, Doc("the visitor's cancel/reschedule page, with the secret")]


class BookingChanged(TypedDict):
    """A booking after a cancel or a move."""

    booking: PublicBooking


class BookingsFound(TypedDict):
    """A lost code's look-up: the day's active bookings that match."""

    bookings: list[PublicBooking]
