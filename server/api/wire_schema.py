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
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from shared.wire import Doc, Format, Keys, Length, Pattern, Range

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
    """The schema of one field's type: scalars, enums, literals, lists, objects of arbitrary
    keys (``dict``), nested payloads, ``X | None`` and ``Annotated`` notes."""
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
        return _mapping(get_args(hint)[1], refs)
    if origin is Literal:
        return _literal(get_args(hint))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if is_typeddict(hint):
        name = refs.get(hint)
        return {"$ref": f"#/components/schemas/{name}"} if name else payload_schema(hint, refs)
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    raise TypeError(f"no JSON Schema for {hint!r}")


def _mapping(values: Any, refs: Mapping[type, str]) -> JsonSchema:
    """A ``dict[str, X]``: any keys (``Keys`` narrows them), each value an X; a
    ``dict[str, object]`` says nothing of its values."""
    if values is object:
        return {"type": "object"}
    return {"type": "object", "additionalProperties": type_schema(values, refs)}


_JSON_TYPES: dict[type, str] = {bool: "boolean", int: "integer", str: "string"}


def _literal(values: tuple[Any, ...]) -> JsonSchema:
    """One value is a ``const``, several an ``enum`` (strings, or a flag that is always
    true)."""
    kinds = {_JSON_TYPES[type(value)] for value in values}
    if len(kinds) != 1:
        raise TypeError(f"a literal's values must be of one JSON type, not {values!r}")
    if len(values) == 1:
        return {"type": kinds.pop(), "const": values[0]}
    return {"type": kinds.pop(), "enum": list(values)}


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
        elif isinstance(note, Pattern):
            out["pattern"] = note.regex
        elif isinstance(note, Length):
            out.update(_length(out, note))
        elif isinstance(note, Range):
            out.update(_bounds(("minimum", note.minimum), ("maximum", note.maximum)))
        elif isinstance(note, Keys):
            out["propertyNames"] = {"enum": list(note.names)}
    return out


def _length(schema: JsonSchema, note: Length) -> JsonSchema:
    """A list's length counts items, a string's characters."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    unit = "Items" if "array" in kinds else "Length"
    return _bounds((f"min{unit}", note.min), (f"max{unit}", note.max))


def _bounds(*bounds: tuple[str, int | None]) -> JsonSchema:
    return {key: value for key, value in bounds if value is not None}


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
