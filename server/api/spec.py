"""The OpenAPI 3.1 document of the REST API, built from what the handlers enforce.

Request bodies are not written out here: they come from the very ``Field`` schemas the
handlers validate with (``schema_openapi(ISSUE_SCHEMA)`` and so on), so the document
cannot promise a field the server refuses, or miss one it takes. Error statuses come from
``server.errors.STATUS`` and the error codes from ``shared.errors.ErrorCode``, each
defined once. Response shapes mirror ``server/domain/payloads.py`` and ``snapshots.py``;
``tests/server/test_openapi.py`` checks every route is documented and validates real
answers against these schemas, so a view that grows a field fails a test until the
document says so.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from server.api.auth import LOGIN_SCHEMA
from server.api.counters import CALL_SCHEMA, EMPTY, OPEN_SCHEMA, TRANSFER_SCHEMA
from server.api.devices import HEALTH_SCHEMA
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
from server.domain.schedule import WEEKDAYS
from server.domain.settings import MULTILINE as MULTILINE_SETTINGS
from server.domain.settings import SiteSettings
from server.errors import STATUS
from server.models import DeviceKind, Role
from server.report_requests import MAX_PARAM
from shared import text, wire
from shared.calling_order import Reason
from shared.errors import ErrorCode

API = "/api/v1"
REPLAYED_HEADER = "Idempotent-Replayed"

JsonSchema = dict[str, Any]

# --- schema building blocks ----------------------------------------------------------

STRING: JsonSchema = {"type": "string"}
INTEGER: JsonSchema = {"type": "integer"}
NUMBER: JsonSchema = {"type": "number"}
BOOLEAN: JsonSchema = {"type": "boolean"}
DATE: JsonSchema = {"type": "string", "format": "date"}
DATE_TIME: JsonSchema = {"type": "string", "format": "date-time"}
CLOCK: JsonSchema = {
    "type": "string",
    "pattern": r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$",
    "description": "a time of day in the hall, HH:MM; 24:00 = until midnight",
}
SEQ: JsonSchema = {
    "type": "integer",
    "description": "the room's last push seq: apply pushes with a greater seq only",
}
_PYTHON_TYPES = {"int": INTEGER, "float": NUMBER, "str": STRING, "bool": BOOLEAN}


def ref(name: str) -> JsonSchema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: JsonSchema) -> JsonSchema:
    """``schema`` or null, the JSON Schema 2020-12 way (3.1 has no ``nullable``)."""
    if "$ref" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def enum(values: Any) -> JsonSchema:
    return {"type": "string", "enum": [str(v) for v in values]}


def array(items: JsonSchema) -> JsonSchema:
    return {"type": "array", "items": items}


def obj(properties: dict[str, JsonSchema], description: str = "") -> JsonSchema:
    """An object whose keys are all always present, and no others: the payloads' shape."""
    schema: JsonSchema = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(properties),
    }
    if description:
        schema["description"] = description
    return schema


def from_dataclass(cls: type, description: str) -> JsonSchema:
    """A flat dataclass of ints, floats and strings as an object schema."""
    return obj({f.name: _PYTHON_TYPES[str(f.type)] for f in dataclasses.fields(cls)}, description)


ESTIMATE: dict[str, JsonSchema] = {
    "people_ahead": {**INTEGER, "description": "calls before this ticket by the calling order"},
    "estimated_wait_minutes": INTEGER,
    "open_counters": {
        **INTEGER,
        "description": "counters open for its line now (0: nobody can call it yet)",
    },
    "wait": {
        **enum(["closed", "next", "soon", "wait"]),
        "description": "how to word the wait (shared/waits.py): no open counter, next, "
        "under a minute, or the estimated minutes",
    },
}


def ticket_in_line(description: str, ticket: str = "Ticket") -> JsonSchema:
    return obj({"ticket": ref(ticket), **ESTIMATE}, description)


# --- response shapes (server/domain/payloads.py, snapshots.py, the api modules) --------------

# The payloads typed in shared.wire, by the name the document gives them: generated, so
# the payloads, the clients and the document share one definition.
WIRE_REFS: dict[type, str] = {
    wire.Error: "Error",
    wire.AgencyBrief: "AgencyBrief",
    wire.Agency: "Agency",
    wire.Zone: "Zone",
    wire.WaitingArea: "WaitingArea",
    wire.Ticket: "Ticket",
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
}


def _schemas() -> dict[str, JsonSchema]:
    wired = {name: payload_schema(payload, WIRE_REFS) for payload, name in WIRE_REFS.items()}
    settings = from_dataclass(SiteSettings, "the site settings (defaults where unset)")
    schemas: dict[str, JsonSchema] = {
        **wired,
        "Service": obj(
            {
                "id": INTEGER,
                "code": STRING,
                "name": STRING,
                "agency_id": INTEGER,
                "prefix": STRING,
                "position": INTEGER,
                "active": BOOLEAN,
                "daily_quota": nullable(INTEGER),
                "hours": {
                    "type": "object",
                    "description": "opening hours per weekday in site time; a missing day "
                    "is closed",
                    "propertyNames": {"enum": list(WEEKDAYS)},
                    "additionalProperties": {**array(CLOCK), "minItems": 2, "maxItems": 2},
                },
                "priority_offered": BOOLEAN,
                "target_wait_minutes": INTEGER,
                "typical_minutes": NUMBER,
                "remaining_quota": nullable(INTEGER),
                "area": nullable(ref("WaitingArea")),
            }
        ),
        "LineOutlook": obj(
            {
                "service_id": INTEGER,
                "open_now": {**BOOLEAN, "description": "takes tickets now (hours, holidays)"},
                "staffed": {**BOOLEAN, "description": "some active counter serves it"},
                "open_counters": INTEGER,
                "waiting": INTEGER,
                "estimated_wait_minutes": INTEGER,
            },
            "another line as an officer sees it before sending a visitor there",
        ),
        "Issued": ticket_in_line(
            "the new ticket (or, on a replay, the first attempt's)", "IssuedTicket"
        ),
        "Requeued": ticket_in_line("the ticket back in its line"),
        "TicketChanged": obj({"ticket": ref("Ticket")}),
        "TicketStatus": obj(
            {
                "ticket": ref("PublicTicket"),
                **ESTIMATE,
                "seq": SEQ,
            }
        ),
        "CounterAndTicket": obj(
            {"counter": ref("Counter"), "ticket": nullable(ref("Ticket"))},
            "the counter after the command; ticket is null when it holds none",
        ),
        "CounterStatus": obj(
            {"counter": ref("Counter"), "ticket": nullable(ref("Ticket")), "seq": SEQ}
        ),
        "CounterQueue": obj(
            {
                "counter": ref("Counter"),
                "tickets": {
                    **array(ref("QueuedTicket")),
                    "description": "in the order next takes them (shared/calling_order.py)",
                },
                "lines": array(ref("LineStats")),
                "seq": SEQ,
            }
        ),
        "Settings": settings,
        "Config": obj(
            {
                "site": obj(
                    {
                        "name": STRING,
                        "short_name": STRING,
                        "timezone": STRING,
                        "today": DATE,
                        "server_time": DATE_TIME,
                    }
                ),
                "settings": ref("Settings"),
                "zones": array(ref("Zone")),
                "agencies": array(ref("Agency")),
                "services": array(ref("Service")),
                "counters": array(ref("Counter")),
                "holidays": array(obj({"date": DATE, "name": STRING})),
                "special_openings": {
                    **array(
                        obj(
                            {
                                "date": DATE,
                                "opens": CLOCK,
                                "closes": CLOCK,
                                "agency_id": {
                                    **nullable(INTEGER),
                                    "description": "the agency it opens; null: the whole hall",
                                },
                                "name": STRING,
                            },
                            "a special opening (buka khusus): the services in scope take "
                            "tickets on that date in those hours, even on a holiday",
                        )
                    ),
                    "description": "special openings from today on, by date",
                },
            }
        ),
        "Login": obj(
            {
                "token": {**STRING, "description": f"an officer token, {USER_TOKEN_PREFIX}..."},
                "expires_at": DATE_TIME,
                "user": obj(
                    {
                        "id": INTEGER,
                        "username": STRING,
                        "display_name": STRING,
                        "role": enum(Role),
                        "agency": nullable(
                            obj({"id": INTEGER, "code": STRING, "short_name": STRING})
                        ),
                    }
                ),
            }
        ),
        "LoggedOut": obj({"ok": {"const": True}}),
        "Me": obj(
            {
                "kind": enum(("user", "device")),
                "id": INTEGER,
                "role": nullable(enum(Role)),
                "device_kind": nullable(enum(DeviceKind)),
                "agency_code": nullable(STRING),
                "zone": nullable(STRING),
                "counter_id": nullable(INTEGER),
            }
        ),
        "DeviceHealth": obj(
            {
                "health": {
                    "type": "object",
                    "description": "the last report merged over earlier ones",
                    "properties": {
                        **schema_openapi(HEALTH_SCHEMA)["properties"],
                        "reported_at": DATE_TIME,
                    },
                    "required": ["reported_at"],
                }
            }
        ),
        "OpenApiDocument": {"type": "object", "description": "this document"},
        **_report_schemas(),
    }
    issued = copy.deepcopy(schemas["Ticket"])
    issued["properties"]["status_code"] = {
        **STRING,
        "maxLength": 32,
        "description": "the key of the public status page (the QR); only the issuer gets it",
    }
    issued["required"].append("status_code")
    issued["properties"]["area"] = nullable(ref("WaitingArea"))
    issued["required"].append("area")
    issued["description"] = "the ticket as its issuer gets it"
    schemas["IssuedTicket"] = issued
    queued = copy.deepcopy(schemas["Ticket"])
    queued["properties"]["reason"] = {
        **enum(Reason),
        "description": "why it is at its place: sent to this counter, a booking whose slot "
        "has come, priority, or first come",
    }
    queued["required"].append("reason")
    queued["description"] = "a waiting ticket in a counter's calling order"
    schemas["QueuedTicket"] = queued
    return schemas


def _report_schemas() -> dict[str, JsonSchema]:
    """GET /reports (server/api/reports.py): the domain's figures, unrounded."""
    count = {**INTEGER, "minimum": 0}
    seconds = nullable({**NUMBER, "description": "seconds; null where nothing was measured"})
    share = nullable({**NUMBER, "minimum": 0, "description": "0 to 1; null without a denominator"})
    hour_count = obj(
        {"hour": {**INTEGER, "minimum": 0, "maximum": 23}, "arrivals": count, "served": count}
    )
    return {
        "ReportFigures": obj(
            {
                "issued": count,
                "served": count,
                "no_show": count,
                "cancelled": count,
                "transferred": count,
                "expired": count,
                "calls": {
                    **count,
                    "description": "waits measured: the denominator of "
                    "service_level and the averages",
                },
                "within_target": {
                    **count,
                    "description": "calls that waited no longer than their service's target",
                },
                "avg_wait": seconds,
                "p90_wait": {
                    **seconds,
                    "description": "seconds, nearest rank: the "
                    "ceil(0.9 n)-th of the n sorted waits",
                },
                "max_wait": seconds,
                "avg_service": seconds,
                "service_level": share,
                "open_seconds": {
                    **nullable(NUMBER),
                    "description": "a counter's open (not "
                    "paused) time; null unless grouped by counter, and in the total",
                },
                "utilisation": {
                    **share,
                    "description": "service time ÷ open time; counter rows only",
                },
            },
            "one row's figures (or the total): counts, times in seconds, shares 0 to 1",
        ),
        "ReportRow": obj(
            {
                "id": {
                    **nullable(INTEGER),
                    "description": "the agency, service, counter or "
                    "user id; null for calls no officer made",
                },
                "label": STRING,
                "detail": {**STRING, "description": "a code, the owning agency or a user name"},
                "figures": ref("ReportFigures"),
            }
        ),
        "Report": obj(
            {
                "period": obj(
                    {"kind": enum(PeriodKind), "first": DATE, "last": DATE},
                    "service dates, both inclusive, in the hall's time zone",
                ),
                "group": enum(Grouping),
                "agency": {
                    **nullable(obj({"code": STRING, "short_name": STRING})),
                    "description": "the one agency reported; null for the whole hall",
                },
                "timezone": STRING,
                "rows_count_issued": {
                    **BOOLEAN,
                    "description": "false when grouped by "
                    "counter or officer: issued and cancelled belong to a "
                    "line (nobody called them), so only the total counts "
                    "them",
                },
                "rows": array(ref("ReportRow")),
                "total": ref("ReportFigures"),
                "by_hour": {
                    **array(hour_count),
                    "minItems": 24,
                    "maxItems": 24,
                    "description": "arrivals and served per local hour, 0 to 23",
                },
                "by_day": {
                    **array(obj({"date": DATE, "issued": count, "served": count})),
                    "description": "every day of the period, in order",
                },
                "definitions": obj(
                    {"id": array(STRING), "en": array(STRING)},
                    "how each figure is computed, in Indonesian and English",
                ),
            },
            "the reports page's figures",
        ),
    }


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
            "A visitor's ticket by the code in its QR: place in line and estimated wait",
            "TicketStatus",
            errors=(E.NOT_FOUND,),
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
            "/api/openapi.json",
            "openapi_document",
            "meta",
            "This document",
            "OpenApiDocument",
            public=True,
            uses_database=False,
        ),
    ]


PATH_PARAMETERS: dict[str, JsonSchema] = {
    "counter_id": INTEGER,
    "ticket_id": INTEGER,
    "service_id": INTEGER,
    "status_code": {**STRING, "maxLength": 32, "description": "the code in the ticket's QR"},
    "zone_code": STRING,
    "agency_code": STRING,
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
    out["responses"] = {str(op.status): success, **_error_responses(op)}
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
                "counters",
                "services",
                "snapshots",
                "config",
                "devices",
                "reports",
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
