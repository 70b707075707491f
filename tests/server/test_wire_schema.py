"""The OpenAPI document's payload schemas come from the payload types themselves
(shared.wire): what a view returns, what a client reads and what the document promises
are one definition."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired, TypedDict, get_type_hints

import pytest

from server import models
from server.api.spec import WIRE_REFS, build_document
from server.api.wire_schema import payload_schema, type_schema
from shared import states, wire
from shared.errors import ErrorCode


class Sample(TypedDict):
    """A sample payload."""

    count: int
    share: float | None
    state: states.CounterState
    names: list[str]
    at: wire.DateTime
    note: NotRequired[Annotated[str, wire.Doc("said only sometimes", example="hi")]]
    brief: wire.AgencyBrief


def test_a_payload_becomes_a_closed_object_of_its_keys() -> None:
    schema = payload_schema(Sample, {wire.AgencyBrief: "AgencyBrief"})
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == list(get_type_hints(Sample))
    assert schema["required"] == ["count", "share", "state", "names", "at", "brief"]
    assert schema["description"] == "A sample payload."
    props = schema["properties"]
    assert props["count"] == {"type": "integer"}
    assert props["share"] == {"type": ["number", "null"]}
    assert props["state"] == {"type": "string", "enum": ["closed", "open", "paused"]}
    assert props["names"] == {"type": "array", "items": {"type": "string"}}
    assert props["at"] == {"type": "string", "format": "date-time"}
    assert props["note"] == {
        "type": "string",
        "description": "said only sometimes",
        "examples": ["hi"],
    }
    assert props["brief"] == {"$ref": "#/components/schemas/AgencyBrief"}


def test_a_payload_not_named_is_written_out_where_it_is_used() -> None:
    inline = payload_schema(Sample, {})["properties"]["brief"]
    assert inline["type"] == "object"
    assert inline["required"] == ["id", "code", "short_name", "colour"]


def test_a_nullable_reference_is_any_of_it_or_null() -> None:
    schema = type_schema(wire.WaitingArea | None, {wire.WaitingArea: "WaitingArea"})
    assert schema == {"anyOf": [{"$ref": "#/components/schemas/WaitingArea"}, {"type": "null"}]}


def test_literals_are_a_const_or_an_enum_of_their_json_type() -> None:
    assert type_schema(Literal[True], {}) == {"type": "boolean", "const": True}
    assert type_schema(Literal["user", "device"], {}) == {
        "type": "string",
        "enum": ["user", "device"],
    }


def test_an_object_of_arbitrary_keys_states_its_values_and_the_keys_allowed() -> None:
    hours = Annotated[dict[str, list[wire.Clock]], wire.Keys(("mon", "tue"))]
    schema = type_schema(hours, {})
    assert schema["type"] == "object"
    assert schema["propertyNames"] == {"enum": ["mon", "tue"]}
    clock = schema["additionalProperties"]["items"]
    assert clock["type"] == "string"
    assert clock["pattern"].startswith("^(([01]")
    assert type_schema(dict[str, object], {}) == {"type": "object"}


def test_a_length_counts_a_lists_items_and_a_strings_characters() -> None:
    pair = type_schema(Annotated[list[int], wire.Length(min=2, max=2)], {})
    assert (pair["minItems"], pair["maxItems"]) == (2, 2)
    note = type_schema(Annotated[str | None, wire.Length(max=300)], {})
    assert note == {"type": ["string", "null"], "maxLength": 300}


def test_a_range_bounds_a_number_and_a_pattern_a_string() -> None:
    assert type_schema(Annotated[int, wire.Range(minimum=0, maximum=23)], {}) == {
        "type": "integer",
        "minimum": 0,
        "maximum": 23,
    }
    assert type_schema(Annotated[str, wire.Pattern("^a$")], {}) == {
        "type": "string",
        "pattern": "^a$",
    }


def test_a_type_the_wire_does_not_use_is_refused_not_guessed() -> None:
    with pytest.raises(TypeError):
        type_schema(int | str, {})
    with pytest.raises(TypeError):
        type_schema(bytes, {})
    with pytest.raises(TypeError):
        type_schema(Literal["one", 2], {})


def test_the_document_uses_the_generated_schemas() -> None:
    schemas = build_document()["components"]["schemas"]
    for payload, name in WIRE_REFS.items():
        assert schemas[name] == payload_schema(payload, WIRE_REFS), name
    assert schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"] == [
        code.value for code in ErrorCode
    ]


def test_the_server_stores_the_words_the_wire_carries() -> None:
    assert models.TicketState is states.TicketState
    assert models.Priority is states.Priority
    assert models.TicketSource is states.TicketSource
    assert models.CounterState is states.CounterState
    assert models.Role is states.Role
    assert models.DeviceKind is states.DeviceKind
