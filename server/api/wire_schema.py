"""JSON Schemas of the typed wire payloads (``shared.wire``) for the OpenAPI document.

The payload types are what the payload builders return and the clients read; generating their
schemas from the same types leaves the document nothing to drift from. A payload named
in ``refs`` becomes a ``$ref`` wherever another one contains it; the others are inlined.
"""

from __future__ import annotations

import enum
import inspect
import types
from collections.abc import Mapping
from typing import (
    Annotated,
    Any,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from shared.wire import Doc, Format

JsonSchema = dict[str, Any]

_SCALARS: dict[object, JsonSchema] = {
    int: {"type": "integer"},
    float: {"type": "number"},
    str: {"type": "string"},
    bool: {"type": "boolean"},
}


def payload_schema(payload: type, refs: Mapping[type, str]) -> JsonSchema:
    """The object schema of one TypedDict: every key it declares (the required ones
    required), no others, described by its docstring."""
    hints = get_type_hints(payload, include_extras=True)
    total: bool = getattr(payload, "__total__", True)
    schema: JsonSchema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: type_schema(hint, refs) for name, hint in hints.items()},
        "required": [name for name, hint in hints.items() if _required(hint, total)],
    }
    doc = inspect.getdoc(payload)
    if doc:
        schema["description"] = " ".join(doc.split())
    return schema


def _required(hint: Any, total: bool) -> bool:
    """Read off the type itself: with postponed annotations a TypedDict's own
    ``__required_keys__`` cannot see ``NotRequired`` on Python 3.11."""
    origin = get_origin(hint)
    if origin is NotRequired:
        return False
    return origin is Required or total


def type_schema(hint: Any, refs: Mapping[type, str]) -> JsonSchema:
    """The schema of one field's type: scalars, enums, lists, plain objects, nested
    payloads, ``X | None`` and ``Annotated`` notes."""
    origin = get_origin(hint)
    if origin in (Required, NotRequired):
        return type_schema(get_args(hint)[0], refs)
    if origin is Annotated:
        base, *notes = get_args(hint)
        return _annotated(type_schema(base, refs), notes)
    if origin in (Union, types.UnionType):
        return _union(get_args(hint), refs)
    if origin is list:
        return {"type": "array", "items": type_schema(get_args(hint)[0], refs)}
    if origin is dict:
        return {"type": "object"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if is_typeddict(hint):
        name = refs.get(hint)
        return {"$ref": f"#/components/schemas/{name}"} if name else payload_schema(hint, refs)
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    raise TypeError(f"no JSON Schema for {hint!r}")


def _annotated(schema: JsonSchema, notes: list[object]) -> JsonSchema:
    out = dict(schema)
    for note in notes:
        if isinstance(note, Doc):
            if note.text:
                out["description"] = note.text
            if note.example is not None:
                out["examples"] = [note.example]
        elif isinstance(note, Format):
            out["format"] = note.name
    return out


def _union(members: tuple[Any, ...], refs: Mapping[type, str]) -> JsonSchema:
    """Only ``X | None`` is on the wire: null or X, the JSON Schema 2020-12 way."""
    others = [m for m in members if m is not type(None)]
    if len(others) != 1 or len(others) == len(members):
        raise TypeError(f"only X | None is supported, not {members!r}")
    inner = type_schema(others[0], refs)
    if "$ref" in inner or "type" not in inner:
        return {"anyOf": [inner, {"type": "null"}]}
    nullable = {**inner, "type": [inner["type"], "null"]}
    if "enum" in inner:
        nullable["enum"] = [*inner["enum"], None]
    return nullable
