"""Request bodies checked against small declarative schemas.

The same schemas produce the request part of the OpenAPI document, so what the
document promises is what the server enforces.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from server.domain.errors import DomainError
from shared import text
from shared.errors import ErrorCode

# Every integer the API takes lands in a 32-bit column somewhere (ids, counts, minutes):
# a bigger one is a caller's mistake, and must not reach the database as an overflow.
INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class Field:
    """One field a handler takes: its type and limits, checked on every request and
    written into the OpenAPI document from this same definition."""

    kind: str  # "string" | "integer" | "boolean" | "datetime" | "object"
    required: bool = False
    nullable: bool = False
    min_length: int = 0
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    description: str = ""
    # A string that is printed, exported or shown: no control characters
    # (``shared.text``); ``multiline`` lets line feeds through. A password is not shown.
    shown: bool = True
    multiline: bool = False

    def openapi(self) -> dict[str, Any]:
        schema: dict[str, Any] = {}
        if self.kind == "datetime":
            schema = {"type": "string", "format": "date-time"}
        else:
            schema = {"type": self.kind}
        if self.kind == "string":
            schema["maxLength"] = self.max_length
            if self.min_length:
                schema["minLength"] = self.min_length
            if self.shown and not self.choices:
                schema["pattern"] = (
                    text.MULTILINE_TEXT_PATTERN if self.multiline else text.SHOWN_TEXT_PATTERN
                )
        if self.kind == "integer":
            schema["minimum"] = -INT_MAX if self.minimum is None else self.minimum
            schema["maximum"] = INT_MAX if self.maximum is None else self.maximum
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.nullable:
            # OpenAPI 3.1 (JSON Schema): null is one more type, not a "nullable" flag.
            schema["type"] = [schema["type"], "null"]
            if "enum" in schema:
                schema["enum"].append(None)
        if self.description:
            schema["description"] = self.description
        return schema


Schema = dict[str, Field]


def schema_openapi(schema: Schema) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: f.openapi() for name, f in schema.items()},
        "required": [name for name, f in schema.items() if f.required],
    }


def invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, f"{field}: {message}", field=field)


def _string(name: str, spec: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    if not spec.min_length <= len(value) <= spec.max_length:
        raise invalid(name, f"length must be {spec.min_length} to {spec.max_length}")
    if spec.choices and value not in spec.choices:
        raise invalid(name, f"must be one of {', '.join(spec.choices)}")
    refused = text.refused_character(value, newlines=spec.multiline) if spec.shown else None
    if refused is not None:
        raise invalid(name, f"must not contain control characters ({text.describe(refused)})")
    return value


def _integer(name: str, spec: Field, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid(name, "must be an integer")
    low = -INT_MAX if spec.minimum is None else spec.minimum
    high = INT_MAX if spec.maximum is None else spec.maximum
    if value < low:
        raise invalid(name, f"must be at least {low}")
    if value > high:
        raise invalid(name, f"must be at most {high}")
    return value


def _boolean(name: str, spec: Field, value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid(name, "must be true or false")
    return value


def _datetime(name: str, spec: Field, value: Any) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise invalid(name, "must be an ISO 8601 date-time with a time zone")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise invalid(name, "must be an ISO 8601 date-time with a time zone") from None
    if moment.tzinfo is None:
        raise invalid(name, "must include a time zone offset")
    try:
        # Year 1 at +14:00 is a moment before year 1 in UTC: Python cannot hold it.
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise invalid(name, "is out of range") from None
    return moment


def _object(name: str, spec: Field, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(name, "must be an object")
    return value


_CHECKS: dict[str, Callable[[str, Field, Any], Any]] = {
    "string": _string,
    "integer": _integer,
    "boolean": _boolean,
    "datetime": _datetime,
    "object": _object,
}


def _check(name: str, spec: Field, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise invalid(name, "must not be null")
    return _CHECKS[spec.kind](name, spec, value)


def validate(schema: Schema, body: Any) -> dict[str, Any]:
    """Return the checked fields of ``body``; refuse unknown fields and wrong types."""
    if not isinstance(body, dict):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "the body must be a JSON object")
    unknown = sorted(set(body) - set(schema))
    if unknown:
        raise invalid(unknown[0], "unknown field")
    out: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in body:
            if spec.required:
                raise invalid(name, "is required")
            continue
        out[name] = _check(name, spec, body[name])
    return out


def read_json(*, empty: Any = None) -> Any:
    """The request's body parsed as JSON; ``empty`` when there is no body.

    Parsed here rather than by ``request.get_json`` so that every way a body can be
    broken (bad syntax, bad UTF-8, nesting deep enough to exhaust the parser's recursion)
    is the caller's 400, never a 500. Valid JSON that is not text (a lone surrogate such
    as ``"\\ud800"``, or NUL; ``shared.text``) is refused here too, for every field of
    every body, as a 422 naming the field: stored, it would break each page showing it.
    """
    raw = request.get_data(cache=True)
    if not raw:
        return empty
    if not request.is_json:
        raise DomainError(ErrorCode.MALFORMED_JSON, "send the body as application/json")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise DomainError(ErrorCode.MALFORMED_JSON, "the body is not valid JSON") from None
    unfit = text.first_unfit(body)
    if unfit is not None:
        raise invalid(*unfit)
    return body


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON body, validated. An empty body counts as ``{}``."""
    return validate(schema, read_json(empty={}))


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def check_request_text() -> None:
    """Refuse a request whose path, query or form fields hold a NUL (``%00``): routes
    look path parameters and form fields (an agency's code, a zone) up in the database,
    and PostgreSQL's text refuses a NUL (a 500). No browser form sends one.

    Run before every view of every blueprint (``create_app``); JSON bodies are checked
    where they are read (``read_json``). Werkzeug already decodes bad UTF-8 in a URL or
    a form, surrogates included, to U+FFFD, so NUL is what is left to refuse.
    """
    if not text.is_text(request.path):
        raise invalid("path", "must not contain NUL (%00)")
    # No query string, no field to check (and no MultiDict built for it on every request).
    fields = [request.args] if request.environ.get("QUERY_STRING") else []
    if request.mimetype in FORM_TYPES:
        request.get_data(cache=True)  # kept for read_json: the form parser would consume it
        fields.append(request.form)
    for found in fields:
        for name, value in found.items(multi=True):
            if not (text.is_text(name) and text.is_text(value)):
                where = name if text.is_text(name) else "query"
                raise invalid(where, "must not contain NUL (%00)")
