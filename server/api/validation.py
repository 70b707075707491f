"""Request bodies checked against small declarative schemas.

The same schemas produce the request part of the OpenAPI document, so what the
document promises is what the server enforces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import request

from server.domain.errors import DomainError
from shared.errors import ErrorCode


@dataclass(frozen=True)
class Field:
    kind: str  # "string" | "integer" | "boolean" | "datetime" | "object"
    required: bool = False
    nullable: bool = False
    min_length: int = 0
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    description: str = ""

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
        if self.kind == "integer":
            if self.minimum is not None:
                schema["minimum"] = self.minimum
            if self.maximum is not None:
                schema["maximum"] = self.maximum
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.nullable:
            schema["nullable"] = True
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


def _check(name: str, spec: Field, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise invalid(name, "must not be null")
    if spec.kind == "string":
        if not isinstance(value, str):
            raise invalid(name, "must be a string")
        if not spec.min_length <= len(value) <= spec.max_length:
            raise invalid(name, f"length must be {spec.min_length} to {spec.max_length}")
        if spec.choices and value not in spec.choices:
            raise invalid(name, f"must be one of {', '.join(spec.choices)}")
        return value
    if spec.kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(name, "must be an integer")
        if spec.minimum is not None and value < spec.minimum:
            raise invalid(name, f"must be at least {spec.minimum}")
        if spec.maximum is not None and value > spec.maximum:
            raise invalid(name, f"must be at most {spec.maximum}")
        return value
    if spec.kind == "boolean":
        if not isinstance(value, bool):
            raise invalid(name, "must be true or false")
        return value
    if spec.kind == "datetime":
        if not isinstance(value, str) or len(value) > 40:
            raise invalid(name, "must be an ISO 8601 date-time with a time zone")
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise invalid(name, "must be an ISO 8601 date-time with a time zone") from None
        if moment.tzinfo is None:
            raise invalid(name, "must include a time zone offset")
        return moment
    if spec.kind == "object":
        if not isinstance(value, dict):
            raise invalid(name, "must be an object")
        return value
    raise AssertionError(spec.kind)


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


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON body, validated. An empty body counts as ``{}``."""
    if not request.get_data(cache=True):
        return validate(schema, {})
    if not request.is_json:
        raise DomainError(ErrorCode.MALFORMED_JSON, "send the body as application/json")
    body = request.get_json(silent=True)
    if body is None:
        raise DomainError(ErrorCode.MALFORMED_JSON, "the body is not valid JSON")
    return validate(schema, body)
