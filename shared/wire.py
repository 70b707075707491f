"""The JSON the server sends and the clients read, typed once.

REST answers and push payloads are built by ``server/domain/payloads.py`` and
``announce.py`` as these structures; the clients annotate what they read with them; the
OpenAPI document's response schemas for them are generated from them
(``server/api/wire_schema.py``), so a field added here is added everywhere at once and a
field a view forgets is a type error before it is a failing test.

``Annotated[..., Doc(...)]`` carries what the document says of a field; ``DateTime`` and
``Date`` are ISO 8601 strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, NotRequired, TypedDict

from shared.errors import ErrorCode
from shared.states import CounterState, Priority, TicketSource, TicketState


@dataclass(frozen=True)
class Doc:
    """What the OpenAPI document says of a field (and an example, where one helps)."""

    text: str = ""
    example: str | None = None


@dataclass(frozen=True)
class Format:
    """A string's JSON Schema format (``date``, ``date-time``)."""

    name: str


DateTime = Annotated[str, Format("date-time")]
Date = Annotated[str, Format("date")]


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
