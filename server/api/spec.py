"""The OpenAPI 3.1 document of the REST API, built from what the handlers enforce.

Request bodies are not written out here: they come from the very ``Field`` schemas the
handlers validate with (``schema_openapi(ISSUE_SCHEMA)`` and so on), so the document
cannot promise a field the server refuses, or miss one it takes. Error statuses come from
``server.errors.STATUS`` and the error codes from ``shared.errors.ErrorCode``, each
defined once. Response schemas are generated (``wire_schema.py``) from the payload types in
``shared.wire`` that the builders return and the clients read, so a payload that grows a
field grows it in the document too; ``tests/server/test_openapi.py`` checks every route
is documented and validates real answers against these schemas.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from server.api.auth import LOGIN_SCHEMA
from server.api.bookings import BOOK_SCHEMA, LOOKUP_SCHEMA, RESCHEDULE_SCHEMA
from server.api.bookings import CANCEL_SCHEMA as BOOKING_CANCEL_SCHEMA
from server.api.counters import CALL_SCHEMA, EMPTY, OPEN_SCHEMA, TRANSFER_SCHEMA
from server.api.devices import HEALTH_SCHEMA
from server.api.survey import ANSWER_SCHEMA as SURVEY_ANSWER_SCHEMA
from server.api.survey import KIOSK_ANSWER_SCHEMA, KIOSK_LOOKUP_SCHEMA
from server.api.tickets import (
    CANCEL_SCHEMA,
    IDEMPOTENCY_HEADER,
    ISSUE_SCHEMA,
    MAX_KEY_LENGTH,
    PRINTED_SCHEMA,
    REQUEUE_SCHEMA,
)
from server.api.validation import Schema, schema_openapi
from server.api.wire_schema import payload_schema
from server.domain.auth import DEVICE_TOKEN_PREFIX, USER_TOKEN_PREFIX
from server.domain.reports import MAX_DAYS, Grouping, PeriodKind
from server.domain.settings import MULTILINE as MULTILINE_SETTINGS
from server.errors import STATUS
from server.report_requests import MAX_PARAM, SKM_PERIODS
from shared import text, wire
from shared.errors import ErrorCode

API = "/api/v1"
REPLAYED_HEADER = "Idempotent-Replayed"

JsonSchema = dict[str, Any]

# --- schema building blocks ----------------------------------------------------------

STRING: JsonSchema = {"type": "string"}
INTEGER: JsonSchema = {"type": "integer"}


def ref(name: str) -> JsonSchema:
    return {"$ref": f"#/components/schemas/{name}"}


def enum(values: Any) -> JsonSchema:
    return {"type": "string", "enum": [str(v) for v in values]}


# --- response shapes (shared.wire) -------------------------------------------------------

# Every answer's payload, typed in shared.wire, by the name the document gives it: the
# schemas are generated, so the builders, the clients and the document share one
# definition. A payload listed here is a $ref wherever another contains it.
WIRE_REFS: dict[type, str] = {
    wire.Error: "Error",
    wire.AgencyBrief: "AgencyBrief",
    wire.Agency: "Agency",
    wire.Zone: "Zone",
    wire.WaitingArea: "WaitingArea",
    wire.Ticket: "Ticket",
    wire.IssuedTicket: "IssuedTicket",
    wire.QueuedTicket: "QueuedTicket",
    wire.PublicTicket: "PublicTicket",
    wire.Counter: "Counter",
    wire.LineStats: "LineStats",
    wire.CounterOnBoard: "CounterOnBoard",
    wire.CounterToday: "CounterToday",
    wire.CounterAtAgency: "CounterAtAgency",
    wire.LastCall: "LastCall",
    wire.ZoneSnapshot: "ZoneSnapshot",
    wire.AgencySnapshot: "AgencySnapshot",
    wire.HallSnapshot: "HallSnapshot",
    wire.Service: "Service",
    wire.LineOutlook: "LineOutlook",
    wire.Issued: "Issued",
    wire.CheckedIn: "CheckedIn",
    wire.Requeued: "Requeued",
    wire.TicketChanged: "TicketChanged",
    wire.TicketStatus: "TicketStatus",
    wire.CounterAndTicket: "CounterAndTicket",
    wire.CounterStatus: "CounterStatus",
    wire.CounterQueue: "CounterQueue",
    wire.Settings: "Settings",
    wire.Config: "Config",
    wire.Login: "Login",
    wire.LoggedOut: "LoggedOut",
    wire.Me: "Me",
    wire.DeviceHealth: "DeviceHealth",
    wire.ReportFigures: "ReportFigures",
    wire.ReportRow: "ReportRow",
    wire.Report: "Report",
    wire.SkmElementScore: "SkmElementScore",
    wire.SkmIndex: "SkmIndex",
    wire.SkmRow: "SkmRow",
    wire.SkmReport: "SkmReport",
    wire.SurveyVisit: "SurveyVisit",
    wire.CounterSurvey: "CounterSurvey",
    wire.SurveyAnswered: "SurveyAnswered",
    wire.KioskSurveyVisit: "KioskSurveyVisit",
    wire.BookableService: "BookableService",
    wire.BookableServices: "BookableServices",
    wire.BookingSlot: "BookingSlot",
    wire.BookingDay: "BookingDay",
    wire.BookingDays: "BookingDays",
    wire.PublicBooking: "PublicBooking",
    wire.BookingMade: "BookingMade",
    wire.BookingChanged: "BookingChanged",
    wire.BookingsFound: "BookingsFound",
}


def _schemas() -> dict[str, JsonSchema]:
    schemas = {name: payload_schema(payload, WIRE_REFS) for payload, name in WIRE_REFS.items()}
    schemas["OpenApiDocument"] = {"type": "object", "description": "this document"}
    return schemas


def _text_pattern(multiline: bool) -> str:
    """No control characters in a shown text (shared/text.py), line feeds where allowed."""
    return text.MULTILINE_TEXT_PATTERN if multiline else text.SHOWN_TEXT_PATTERN


def _settings_change() -> JsonSchema:
    """PATCH /settings takes any non-empty subset of the settings, validated together."""
    # The logo's version is set only by uploading a logo in the console.
    every = {k: v for k, v in _schemas()["Settings"]["properties"].items() if k != "logo"}
    for key, schema in every.items():
        if schema.get("type") == "string":
            every[key] = {**schema, "pattern": _text_pattern(key in MULTILINE_SETTINGS)}
    return {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": every,
        "description": "ranges, time zone names and call-out templates are checked too",
    }


# --- the operations -----------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One route as the document describes it.

    ``errors`` are the codes the handler and the domain functions it calls raise; the
    ones every route of a kind shares (a missing token, a bad body, a busy database) are
    added by ``_error_codes``.
    """

    method: str
    path: str
    operation_id: str  # the Flask view function's name
    tag: str
    summary: str
    response: str  # component schema of the success body
    status: int = 200
    # A second success with the same body (a check-in repeated: 200 beside 201).
    also: tuple[int, str] | None = None
    body: Schema | None = None  # what the handler passes to json_body()
    lenient_body: JsonSchema | None = None  # a body read without json_body (PATCH /settings)
    errors: tuple[ErrorCode, ...] = ()
    public: bool = False  # no bearer token needed
    writes: bool = False  # runs as a command: a concurrent write may win (conflict)
    idempotent: bool = False  # takes an Idempotency-Key
    uses_database: bool = True
    query: tuple[tuple[str, JsonSchema], ...] = ()  # the query string's parameters


E = ErrorCode


def _counter_command(
    action: str, operation_id: str, summary: str, *errors: ErrorCode, body: Schema = EMPTY
) -> Operation:
    return Operation(
        "post",
        f"{API}/counters/{{counter_id}}/{action}",
        operation_id,
        "counters",
        summary,
        "CounterAndTicket",
        body=body,
        # Every command: the counter is open under another user (only they drive it).
        errors=(E.NOT_FOUND, E.FORBIDDEN, E.COUNTER_TAKEN, *errors),
        writes=True,
    )


def operations() -> list[Operation]:
    closed, paused, idle = E.COUNTER_CLOSED, E.COUNTER_PAUSED, E.COUNTER_IDLE
    return [
        Operation(
            "post",
            f"{API}/auth/login",
            "login",
            "auth",
            "Exchange an officer's user name and password for a bearer token",
            "Login",
            body=LOGIN_SCHEMA,
            errors=(E.INVALID_CREDENTIALS, E.TOO_MANY_ATTEMPTS),
            public=True,
        ),
        Operation(
            "post", f"{API}/auth/logout", "logout", "auth", "Revoke this officer token", "LoggedOut"
        ),
        Operation("get", f"{API}/auth/me", "me", "auth", "Who this token belongs to", "Me"),
        Operation(
            "get",
            f"{API}/config",
            "get_config",
            "config",
            "Agencies, services, counters, zones, holidays, special openings and settings",
            "Config",
        ),
        Operation(
            "get",
            f"{API}/settings",
            "get_settings",
            "config",
            "The site settings (staff)",
            "Settings",
            errors=(E.FORBIDDEN,),
        ),
        Operation(
            "patch",
            f"{API}/settings",
            "patch_settings",
            "config",
            "Change site settings (admin); pushed as config.updated",
            "Settings",
            lenient_body=_settings_change(),
            errors=(E.FORBIDDEN,),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/tickets",
            "issue",
            "tickets",
            "Issue a ticket (kiosk, or staff at a counter)",
            "Issued",
            status=201,
            body=ISSUE_SCHEMA,
            errors=(
                E.FORBIDDEN,
                E.NOT_FOUND,
                E.PRIORITY_NOT_OFFERED,
                E.IDEMPOTENCY_KEY_REUSED,
                E.SERVICE_CLOSED,
                E.QUOTA_EXHAUSTED,
                E.SERVICE_UNSTAFFED,
            ),
            writes=True,
            idempotent=True,
        ),
        Operation(
            "get",
            f"{API}/tickets/{{status_code}}",
            "public_status",
            "tickets",
            "A visitor's ticket by the code in its QR: place in line and estimated wait. "
            "An address asking too many unknown codes is told to wait (any code, alike)",
            "TicketStatus",
            errors=(E.NOT_FOUND, E.TOO_MANY_ATTEMPTS),
            public=True,
        ),
        Operation(
            "post",
            f"{API}/tickets/{{ticket_id}}/printed",
            "report_printed",
            "tickets",
            "The issuing kiosk reports whether the ticket printed or was only shown",
            "TicketChanged",
            body=PRINTED_SCHEMA,
            errors=(E.NOT_FOUND, E.FORBIDDEN),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/tickets/{{ticket_id}}/cancel",
            "cancel",
            "tickets",
            "Cancel a waiting ticket (staff of its agency)",
            "TicketChanged",
            body=CANCEL_SCHEMA,
            errors=(E.NOT_FOUND, E.FORBIDDEN, E.INVALID_TRANSITION),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/tickets/{{ticket_id}}/requeue",
            "requeue",
            "tickets",
            "Put a returning no-show back in line a few places down",
            "Requeued",
            body=REQUEUE_SCHEMA,
            errors=(E.NOT_FOUND, E.FORBIDDEN, E.INVALID_TRANSITION),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/bookings/{{code}}/check-in",
            "check_in_booking",
            "bookings",
            "Check a booking in (a kiosk; staff of the booking's agency; an admin): its ticket",
            "CheckedIn",
            status=201,
            also=(200, "OK: it had been checked in already; the same ticket, nothing to print"),
            errors=(
                E.FORBIDDEN,
                E.NOT_FOUND,
                E.OUTSIDE_CHECK_IN_WINDOW,
                E.BOOKING_NOT_ACTIVE,
                E.SERVICE_CLOSED,
                E.QUOTA_EXHAUSTED,
                E.SERVICE_UNSTAFFED,
            ),
            writes=True,
        ),
        _counter_command(
            "open",
            "open_counter",
            "Open the counter (an admin or the agency's supervisor may take it over)",
            body=OPEN_SCHEMA,
        ),
        _counter_command("pause", "pause_counter", "Pause the counter", E.INVALID_TRANSITION),
        _counter_command(
            "resume", "resume_counter", "Resume a paused counter", E.INVALID_TRANSITION
        ),
        _counter_command(
            "close", "close_counter", "Close the counter", E.INVALID_TRANSITION, E.COUNTER_BUSY
        ),
        _counter_command(
            "next",
            "call_next",
            "Finish the current ticket and call the next; ticket is null when nobody waits",
            closed,
            paused,
        ),
        _counter_command(
            "call",
            "call_ticket",
            "Call one chosen waiting ticket",
            closed,
            paused,
            E.INVALID_TRANSITION,
            E.SERVICE_NOT_AT_COUNTER,
            body=CALL_SCHEMA,
        ),
        _counter_command(
            "recall", "recall", "Call the current number again", closed, idle, E.INVALID_TRANSITION
        ),
        _counter_command(
            "start",
            "start",
            "The visitor sat down: service starts",
            closed,
            idle,
            E.INVALID_TRANSITION,
        ),
        _counter_command("finish", "finish", "Finish the current ticket", closed, idle),
        _counter_command(
            "no-show",
            "no_show",
            "Mark the called visitor as not come (after enough calls)",
            closed,
            idle,
            E.NOT_CALLED_ENOUGH,
            E.INVALID_TRANSITION,
        ),
        _counter_command(
            "transfer",
            "transfer",
            "Send the current visitor to another service or one counter",
            closed,
            idle,
            E.SERVICE_CLOSED,
            E.SERVICE_UNSTAFFED,
            body=TRANSFER_SCHEMA,
        ),
        Operation(
            "get",
            f"{API}/counters/{{counter_id}}",
            "counter_status",
            "counters",
            "The counter and its ticket, with the counter room's seq",
            "CounterStatus",
            errors=(E.NOT_FOUND,),
        ),
        Operation(
            "get",
            f"{API}/counters/{{counter_id}}/queue",
            "counter_queue",
            "counters",
            "Waiting tickets of the counter's lines (transfers to it first), with line stats",
            "CounterQueue",
            errors=(E.NOT_FOUND,),
        ),
        Operation(
            "get",
            f"{API}/services/{{service_id}}/line",
            "service_line",
            "services",
            "Whether a service takes tickets now and how its line stands (staff, counters)",
            "LineOutlook",
            errors=(E.FORBIDDEN, E.NOT_FOUND),
        ),
        Operation(
            "post",
            f"{API}/devices/me/health",
            "report_health",
            "devices",
            "A device reports its health (printer state)",
            "DeviceHealth",
            body=HEALTH_SCHEMA,
            errors=(E.FORBIDDEN,),
            writes=True,
        ),
        Operation(
            "get",
            f"{API}/displays/{{zone_code}}/snapshot",
            "display_snapshot",
            "snapshots",
            "What a display board of one zone shows, with the zone room's seq",
            "ZoneSnapshot",
            errors=(E.FORBIDDEN, E.NOT_FOUND),
        ),
        Operation(
            "get",
            f"{API}/agencies/{{agency_code}}/snapshot",
            "agency_room_snapshot",
            "snapshots",
            "An agency's counters, waiting tickets and lines, with the agency room's seq",
            "AgencySnapshot",
            errors=(E.FORBIDDEN, E.NOT_FOUND),
        ),
        Operation(
            "get",
            f"{API}/hall/snapshot",
            "hall_room_snapshot",
            "snapshots",
            "Every line and counter of the hall, with the hall room's seq",
            "HallSnapshot",
            errors=(E.FORBIDDEN,),
        ),
        Operation(
            "get",
            f"{API}/reports",
            "reports",
            "reports",
            "Report figures for a day, a date range or a month, by agency, service, counter "
            "or officer (admins; supervisors for their own agency only)",
            "Report",
            errors=(E.FORBIDDEN, E.VALIDATION_ERROR),
            query=REPORT_QUERY,
        ),
        Operation(
            "get",
            f"{API}/reports/skm",
            "skm_reports",
            "reports",
            "The satisfaction survey (SKM) and its index (IKM, PermenPANRB 14/2017) for a day, "
            "month, semester or year, by agency, service, counter or officer: aggregates only "
            "(admins; supervisors for their own agency only)",
            "SkmReport",
            errors=(E.FORBIDDEN, E.VALIDATION_ERROR),
            query=SKM_QUERY,
        ),
        *survey_operations(),
        *booking_operations(),
        Operation(
            "get",
            "/api/openapi.json",
            "openapi_document",
            "meta",
            "This document",
            "OpenApiDocument",
            public=True,
            uses_database=False,
        ),
    ]


def survey_operations() -> list[Operation]:
    """The counter's survey tablet (server/api/survey.py; docs/skm.md)."""
    return [
        Operation(
            "get",
            f"{API}/survey/counters/{{counter_id}}",
            "counter_survey",
            "survey",
            "What the counter's survey tablet asks about now: the visit its counter just "
            "finished, or nothing (the tablet registered at that counter only)",
            "CounterSurvey",
            errors=(E.FORBIDDEN, E.NOT_FOUND),
        ),
        Operation(
            "post",
            f"{API}/survey/counters/{{counter_id}}/answers",
            "counter_survey_answer",
            "survey",
            "A visitor's answers on the counter's tablet, only for the visit that counter "
            "finished last, within 10 minutes, once",
            "SurveyAnswered",
            status=201,
            body=SURVEY_ANSWER_SCHEMA,
            errors=(E.FORBIDDEN, E.NOT_FOUND, E.SURVEY_CLOSED, E.ALREADY_ANSWERED),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/survey/kiosk/lookup",
            "kiosk_survey_lookup",
            "survey",
            "The kiosk's survey page: a visit done today, by the number printed on its ticket "
            "(kiosks only)",
            "KioskSurveyVisit",
            body=KIOSK_LOOKUP_SCHEMA,
            errors=(E.FORBIDDEN, E.NOT_FOUND, E.SURVEY_CLOSED, E.ALREADY_ANSWERED),
        ),
        Operation(
            "post",
            f"{API}/survey/kiosk/answers",
            "kiosk_survey_answer",
            "survey",
            "A visitor's answers at the kiosk, for a ticket done today, once (kiosks only)",
            "SurveyAnswered",
            status=201,
            body=KIOSK_ANSWER_SCHEMA,
            errors=(E.FORBIDDEN, E.NOT_FOUND, E.SURVEY_CLOSED, E.ALREADY_ANSWERED),
            writes=True,
        ),
    ]


# Every booking call: a caller who is not a partner app, staff, kiosk or counter PC is
# forbidden; an address over its budget is told to wait (server/public_limit.py).
BOOKING_ERRORS = (E.FORBIDDEN, E.TOO_MANY_ATTEMPTS)


def booking_operations() -> list[Operation]:
    """The booking API for partner apps (server/api/bookings.py; docs/booking.md#api)."""
    return [
        Operation(
            "get",
            f"{API}/booking/services",
            "bookable_services",
            "bookings",
            "The services that take bookings, with their standar pelayanan",
            "BookableServices",
            errors=BOOKING_ERRORS,
        ),
        Operation(
            "get",
            f"{API}/booking/services/{{service_id}}/days",
            "booking_days",
            "bookings",
            "A service's bookable days, from today, each with its status and its slots' "
            "places left",
            "BookingDays",
            errors=(*BOOKING_ERRORS, E.NOT_FOUND),
        ),
        Operation(
            "post",
            f"{API}/bookings",
            "book",
            "bookings",
            "Book a slot for a visitor; the answer's manage_secret is given only here",
            "BookingMade",
            status=201,
            body=BOOK_SCHEMA,
            errors=(
                *BOOKING_ERRORS,
                E.NOT_FOUND,
                E.SLOT_FULL,
                E.BOOKING_CLOSED,
                E.DUPLICATE_BOOKING,
                E.BOOKING_BLOCKED,
            ),
            writes=True,
        ),
        Operation(
            "get",
            f"{API}/bookings/{{code}}",
            "read_booking",
            "bookings",
            "A booking by its code (no personal data)",
            "PublicBooking",
            errors=(*BOOKING_ERRORS, E.NOT_FOUND),
        ),
        Operation(
            "post",
            f"{API}/bookings/{{code}}/cancel",
            "cancel_booking",
            "bookings",
            "Cancel a booking with its link's secret (a wrong secret: not_found)",
            "BookingChanged",
            body=BOOKING_CANCEL_SCHEMA,
            errors=(*BOOKING_ERRORS, E.NOT_FOUND, E.BOOKING_NOT_ACTIVE),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/bookings/{{code}}/reschedule",
            "reschedule_booking",
            "bookings",
            "Move a booking to another slot of its service, with its link's secret",
            "BookingChanged",
            body=RESCHEDULE_SCHEMA,
            errors=(
                *BOOKING_ERRORS,
                E.NOT_FOUND,
                E.BOOKING_NOT_ACTIVE,
                E.SLOT_FULL,
                E.BOOKING_CLOSED,
                E.DUPLICATE_BOOKING,
                E.BOOKING_BLOCKED,
            ),
            writes=True,
        ),
        Operation(
            "post",
            f"{API}/booking/lookup",
            "lookup_bookings",
            "bookings",
            "Find a lost code: the day's active bookings of a phone number, or of a NIK's "
            "last four digits at one service",
            "BookingsFound",
            body=LOOKUP_SCHEMA,
            errors=BOOKING_ERRORS,
        ),
    ]


PATH_PARAMETERS: dict[str, JsonSchema] = {
    "counter_id": INTEGER,
    "ticket_id": INTEGER,
    "service_id": INTEGER,
    "status_code": {**STRING, "maxLength": 32, "description": "the code in the ticket's QR"},
    "zone_code": STRING,
    "agency_code": STRING,
    "code": {
        **STRING,
        "maxLength": 300,
        "description": "a booking's code as typed or scanned (any case, dashes ignored)",
    },
}


def _query_text(description: str, **extra: Any) -> JsonSchema:
    return {**STRING, "maxLength": MAX_PARAM, "description": description, **extra}


REPORT_QUERY: tuple[tuple[str, JsonSchema], ...] = (
    ("period", {**enum(PeriodKind), "default": PeriodKind.DAY.value}),
    ("date", _query_text("period=day: the service date (default today)", format="date")),
    (
        "from",
        _query_text("period=range: the first date (default the 1st of this month)", format="date"),
    ),
    (
        "to",
        _query_text(
            f"period=range: the last date, at most {MAX_DAYS} days after from (default today)",
            format="date",
        ),
    ),
    ("month", _query_text("period=month: YYYY-MM (default this month)", pattern=r"^\d{4}-\d{2}$")),
    ("group", {**enum(Grouping), "default": Grouping.SERVICE.value}),
    (
        "agency",
        _query_text(
            "an agency code (admins; default the whole hall); a supervisor "
            "always gets their own agency, another code is forbidden"
        ),
    ),
)

SKM_QUERY: tuple[tuple[str, JsonSchema], ...] = (
    ("period", {"type": "string", "enum": list(SKM_PERIODS), "default": "month"}),
    ("date", _query_text("period=day: the service date (default today)", format="date")),
    ("month", _query_text("period=month: YYYY-MM (default this month)", pattern=r"^\d{4}-\d{2}$")),
    (
        "semester",
        _query_text(
            "period=semester: YYYY-S1 (January–June) or YYYY-S2 (default this one)",
            pattern=r"^\d{4}-S[12]$",
        ),
    ),
    ("year", _query_text("period=year: YYYY (default this year)", pattern=r"^\d{4}$")),
    ("group", {**enum(Grouping), "default": Grouping.AGENCY.value}),
    (
        "agency",
        _query_text(
            "an agency code (admins; default the whole hall); a supervisor "
            "always gets their own agency, another code is forbidden"
        ),
    ),
)


# --- assembling the document --------------------------------------------------------------


def _error_codes(op: Operation) -> list[ErrorCode]:
    codes = list(op.errors)
    if not op.public:
        codes.append(E.UNAUTHENTICATED)
    if op.body is not None or op.lenient_body is not None:
        # Every body is read by read_json(): unreadable JSON (400), over the size limit
        # (413), or not what the route takes (422).
        codes += [E.MALFORMED_JSON, E.PAYLOAD_TOO_LARGE, E.VALIDATION_ERROR]
    if op.writes:
        codes.append(E.CONFLICT)
    if op.uses_database:
        codes.append(E.UNAVAILABLE)
    codes.append(E.INTERNAL_ERROR)
    return sorted(set(codes), key=list(ErrorCode).index)


def _error_responses(op: Operation) -> dict[str, Any]:
    """One response per status, its ``code`` narrowed to what this route can answer."""
    by_status: dict[int, list[str]] = {}
    for code in _error_codes(op):
        by_status.setdefault(STATUS[code], []).append(code.value)
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        codes = by_status[status]
        response: dict[str, Any] = {
            "description": "error: " + ", ".join(codes),
            "content": {
                "application/json": {
                    "schema": {
                        "allOf": [
                            ref("Error"),
                            {"properties": {"error": {"properties": {"code": {"enum": codes}}}}},
                        ]
                    }
                }
            },
        }
        if status in (429, 503):
            response["headers"] = {
                "Retry-After": {
                    "description": "seconds to wait before trying again",
                    "schema": INTEGER,
                }
            }
        responses[str(status)] = response
    return responses


def _request_body(op: Operation) -> dict[str, Any] | None:
    if op.lenient_body is not None:
        return {"required": True, "content": {"application/json": {"schema": op.lenient_body}}}
    if op.body is None:
        return None
    body: dict[str, Any] = {
        "required": any(f.required for f in op.body.values()),
        "content": {"application/json": {"schema": schema_openapi(op.body)}},
    }
    if not body["required"]:
        body["description"] = "an empty body counts as {}"
    return body


def _operation(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {
        "description": "OK" if op.status == 200 else "Created",
        "content": {"application/json": {"schema": ref(op.response)}},
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in PATH_PARAMETERS.items()
        if f"{{{name}}}" in op.path
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in op.query
    ]
    if op.idempotent:
        parameters.append(
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": False,
                "description": "a retry with the same key (and the same request) returns the "
                "ticket of the first attempt instead of a new one; the same key with another "
                "request is refused with idempotency_key_reused",
                "schema": {**STRING, "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            }
        )
        success["headers"] = {
            REPLAYED_HEADER: {
                "description": "present when this answer repeats an earlier issue",
                "schema": {"type": "string", "enum": ["true"]},
            }
        }
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.tag],
        "summary": op.summary,
        "security": [] if op.public else [{"bearer": []}],
    }
    if parameters:
        out["parameters"] = parameters
    body = _request_body(op)
    if body is not None:
        out["requestBody"] = body
    out["responses"] = {str(op.status): success}
    if op.also is not None:
        status, description = op.also
        out["responses"][str(status)] = {**success, "description": description}
    out["responses"].update(_error_responses(op))
    return out


def _version() -> str:
    try:
        return metadata.version("antre")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


BEARER_DESCRIPTION = (
    f"Device tokens (`{DEVICE_TOKEN_PREFIX}...`) belong to a kiosk, display board or counter "
    "terminal an admin registered (`antre-server add-device`); they do not expire. "
    f"Officer tokens (`{USER_TOKEN_PREFIX}...`) come from POST /api/v1/auth/login and "
    "expire after the site's officer_token_hours. Socket.IO connects with the same token. "
    "The web console's cookie holds only a session id (`ant_s_...`), which is not a bearer "
    "token: sent here it is refused."
)


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document, a fresh copy each call."""
    paths: dict[str, dict[str, Any]] = {}
    for op in operations():
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Antre API",
            "version": _version(),
            "description": "Queue management for a Mal Pelayanan Publik: tickets, counters, "
            "display boards. Commands go over this REST API; Socket.IO only pushes, and a "
            "client that sees a gap in seq reloads a snapshot from here.",
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": name}
            for name in (
                "auth",
                "tickets",
                "bookings",
                "counters",
                "services",
                "snapshots",
                "config",
                "devices",
                "reports",
                "survey",
                "meta",
            )
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": BEARER_DESCRIPTION}
            },
            "schemas": _schemas(),
        },
    }
    return copy.deepcopy(document)
