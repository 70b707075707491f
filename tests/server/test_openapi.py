"""The served OpenAPI document says what the server really does: every route, the bodies
the handlers validate, and the answers (successes and refusals) real requests get."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from server.api.auth import LOGIN_SCHEMA
from server.api.counters import CALL_SCHEMA, EMPTY, OPEN_SCHEMA, TRANSFER_SCHEMA
from server.api.devices import HEALTH_SCHEMA
from server.api.spec import build_document
from server.api.tickets import (
    CANCEL_SCHEMA,
    ISSUE_SCHEMA,
    PRINTED_SCHEMA,
    REQUEUE_SCHEMA,
)
from server.api.validation import Schema, schema_openapi
from shared.errors import ErrorCode
from tests.conftest import Api
from tests.factories import PASSWORD, Hall
from tests.server.api.test_snapshots_config_api import add_special_openings

DOCUMENT_URL = "/api/openapi.json"
DOCUMENT_URI = "urn:antre:openapi"
TICKETS = "/api/v1/tickets"
# Flask adds these to every rule by itself; the document describes the real methods.
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
JSON_METHODS = ("get", "post", "put", "patch", "delete")
JSONSCHEMA_MISSING = "jsonschema is not installed (it belongs in the test extras)"


def openapi_path(flask_rule: str) -> str:
    """``/counters/<int:counter_id>/open`` -> ``/counters/{counter_id}/open``."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", flask_rule)


def served_operations(app: Flask) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) -> view function name, for every route under /api."""
    served = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        for method in (rule.methods or set()) - IMPLICIT_METHODS:
            served[(openapi_path(rule.rule), method.lower())] = rule.endpoint.rsplit(".", 1)[-1]
    return served


def documented_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in JSON_METHODS
    }


def escape_pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class DocumentedAnswers:
    """Validates a real answer against the schema the document gives for its route and status."""

    def __init__(self, app: Flask, document: dict[str, Any]) -> None:
        self.jsonschema = pytest.importorskip("jsonschema", reason=JSONSCHEMA_MISSING)
        referencing = pytest.importorskip("referencing", reason=JSONSCHEMA_MISSING)
        from referencing.jsonschema import DRAFT202012

        self.app = app
        self.document = document
        self.registry = referencing.Registry().with_resource(
            DOCUMENT_URI, DRAFT202012.create_resource(document)
        )

    def errors(self, pointer: str, instance: Any) -> list[str]:
        """What is wrong with ``instance`` by the schema at ``pointer`` in the document."""
        validator_class = self.jsonschema.Draft202012Validator
        validator = validator_class(
            {"$ref": f"{DOCUMENT_URI}#{pointer}"},
            registry=self.registry,
            format_checker=validator_class.FORMAT_CHECKER,
        )
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(instance)
        ]

    def template_of(self, response: Any) -> str:
        adapter = self.app.url_map.bind("localhost")
        rule, _ = adapter.match(
            response.request.path, method=response.request.method, return_rule=True
        )
        return openapi_path(rule.rule)

    def check(self, response: Any) -> Any:
        """The answer's JSON, after asserting the document describes exactly that answer."""
        template = self.template_of(response)
        method = response.request.method.lower()
        status = str(response.status_code)
        operation = self.document["paths"][template][method]
        assert status in operation["responses"], (
            f"{method.upper()} {template} answered {status}, which the document does not list: "
            f"{response.get_json()}"
        )
        pointer = "/".join(
            [
                "",
                "paths",
                escape_pointer(template),
                method,
                "responses",
                status,
                "content",
                escape_pointer("application/json"),
                "schema",
            ]
        )
        body = response.get_json()
        problems = self.errors(pointer, body)
        assert not problems, f"{method.upper()} {template} {status}: {problems}\n{body}"
        return body


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api.client.get(DOCUMENT_URL)
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


@pytest.fixture
def documented(app: Flask, document: dict[str, Any]) -> DocumentedAnswers:
    return DocumentedAnswers(app, document)


# --- the routes -----------------------------------------------------------------------


def test_every_api_route_is_in_the_document_with_its_methods(
    app: Flask, document: dict[str, Any]
) -> None:
    missing = set(served_operations(app)) - set(documented_operations(document))
    assert not missing, f"served but not documented: {sorted(missing)}"


def test_every_documented_operation_is_a_real_route(app: Flask, document: dict[str, Any]) -> None:
    invented = set(documented_operations(document)) - set(served_operations(app))
    assert not invented, f"documented but not served: {sorted(invented)}"


def test_operation_ids_name_the_view_functions_that_serve_them(
    app: Flask, document: dict[str, Any]
) -> None:
    served = served_operations(app)
    for key, operation in documented_operations(document).items():
        assert operation["operationId"] == served[key], key


def test_the_served_document_is_the_built_one(document: dict[str, Any]) -> None:
    assert document == build_document()
    assert document["info"]["title"] == "Antre API"
    assert document["servers"] == [{"url": "/"}]


# --- the request bodies -------------------------------------------------------------------

HANDLER_SCHEMAS: list[tuple[str, str, Schema]] = [
    ("/api/v1/auth/login", "post", LOGIN_SCHEMA),
    ("/api/v1/tickets", "post", ISSUE_SCHEMA),
    ("/api/v1/tickets/{ticket_id}/printed", "post", PRINTED_SCHEMA),
    ("/api/v1/tickets/{ticket_id}/cancel", "post", CANCEL_SCHEMA),
    ("/api/v1/tickets/{ticket_id}/requeue", "post", REQUEUE_SCHEMA),
    ("/api/v1/counters/{counter_id}/open", "post", OPEN_SCHEMA),
    ("/api/v1/counters/{counter_id}/call", "post", CALL_SCHEMA),
    ("/api/v1/counters/{counter_id}/transfer", "post", TRANSFER_SCHEMA),
    ("/api/v1/counters/{counter_id}/next", "post", EMPTY),
    ("/api/v1/counters/{counter_id}/finish", "post", EMPTY),
    ("/api/v1/devices/me/health", "post", HEALTH_SCHEMA),
]


@pytest.mark.parametrize(
    ("path", "method", "schema"),
    HANDLER_SCHEMAS,
    ids=[f"{method} {path}" for path, method, _ in HANDLER_SCHEMAS],
)
def test_request_bodies_are_the_schemas_the_handlers_validate_with(
    document: dict[str, Any], path: str, method: str, schema: Schema
) -> None:
    body = document["paths"][path][method]["requestBody"]
    assert body["content"]["application/json"]["schema"] == schema_openapi(schema)
    assert body["required"] == any(field.required for field in schema.values())


def test_a_null_the_server_accepts_is_allowed_by_the_documented_body(
    api: Api, hall: Hall, documented: DocumentedAnswers
) -> None:
    """OpenAPI 3.1 is JSON Schema 2020-12, where ``nullable`` means nothing: a null must be
    in the field's type, or a client generated from the document refuses what works."""
    kiosk = api.as_device("kiosk")
    body = {"service_id": hall.ktp, "printed": None}
    assert kiosk.post(TICKETS, json=body).status_code == 201

    pointer = "/paths/~1api~1v1~1tickets/post/requestBody/content/application~1json/schema"
    assert documented.errors(pointer, body) == []


# --- who needs a token --------------------------------------------------------------------

PATH_VALUES = {
    "{counter_id}": "1",
    "{ticket_id}": "1",
    "{service_id}": "1",
    "{status_code}": "no-such-code",
    "{zone_code}": "zona-a",
    "{agency_code}": "DK",
}


def concrete(path: str) -> str:
    for placeholder, value in PATH_VALUES.items():
        path = path.replace(placeholder, value)
    return path


def test_routes_documented_with_a_bearer_token_refuse_a_caller_without_one(
    api: Api, document: dict[str, Any]
) -> None:
    for (path, method), operation in documented_operations(document).items():
        response = api.client.open(concrete(path), method=method.upper(), json={})
        if operation["security"]:
            assert response.status_code == 401, (method, path)
            assert response.get_json()["error"]["code"] == "unauthenticated"
        else:
            assert response.status_code != 401 or (
                response.get_json()["error"]["code"] != "unauthenticated"
            ), (method, path)


def test_only_login_the_public_ticket_page_and_the_document_need_no_token(
    document: dict[str, Any],
) -> None:
    public = {key for key, op in documented_operations(document).items() if op["security"] == []}
    assert public == {
        ("/api/v1/auth/login", "post"),
        ("/api/v1/tickets/{status_code}", "get"),
        (DOCUMENT_URL, "get"),
    }
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert "ant_d_" in bearer["description"]
    assert "ant_u_" in bearer["description"]


def test_the_error_schema_lists_every_error_code(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["properties"]["code"]["enum"] == [code.value for code in ErrorCode]


# --- real answers against the document ----------------------------------------------------


def test_a_ticket_from_the_kiosk_to_the_counter_answers_as_documented(
    api: Api, hall: Hall, documented: DocumentedAnswers
) -> None:
    kiosk = api.as_device("kiosk")
    key = {"Idempotency-Key": "kiosk-1-0001"}
    issued = documented.check(kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key))
    replay = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)
    assert documented.check(replay)["ticket"]["id"] == issued["ticket"]["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    replayed_header = documented.document["paths"][TICKETS]["post"]["responses"]["201"]["headers"]
    assert "Idempotent-Replayed" in replayed_header

    status_code = issued["ticket"]["status_code"]
    page = documented.check(api.client.get(f"{TICKETS}/{status_code}"))
    assert page["ticket"]["number"] == issued["ticket"]["number"]

    officer = api.as_user("petugas.dk")
    documented.check(officer.counter(hall.c1, "open"))
    called = documented.check(officer.counter(hall.c1, "next"))
    assert called["ticket"]["number"] == issued["ticket"]["number"]
    assert documented.check(officer.counter(hall.c1, "recall"))["ticket"]["call_count"] == 2
    documented.check(officer.counter(hall.c1, "start"))
    documented.check(officer.counter(hall.c1, "finish"))
    assert documented.check(officer.counter(hall.c1, "next"))["ticket"] is None

    documented.check(officer.get(f"/api/v1/counters/{hall.c1}"))
    documented.check(officer.get(f"/api/v1/counters/{hall.c1}/queue"))
    board = documented.check(api.as_device("display-a").get("/api/v1/displays/zona-a/snapshot"))
    assert [(c["number"], c["times"]) for c in board["last_calls"]] == [
        (issued["ticket"]["number"], 2)
    ]
    documented.check(kiosk.get("/api/v1/config"))
    assert documented.check(api.client.get(f"{TICKETS}/{status_code}"))["ticket"]["state"] == "done"


def test_the_configuration_with_special_openings_answers_as_documented(
    app: Flask, api: Api, hall: Hall, documented: DocumentedAnswers
) -> None:
    add_special_openings(app, hall)
    config = documented.check(api.as_device("kiosk").get("/api/v1/config"))
    assert len(config["special_openings"]) == 2
    schema = documented.document["components"]["schemas"]["Config"]
    assert "special_openings" in schema["required"]


def test_staff_and_device_answers_match_the_document(
    api: Api, hall: Hall, documented: DocumentedAnswers
) -> None:
    login = api.client.post(
        "/api/v1/auth/login", json={"username": "petugas.dk", "password": PASSWORD}
    )
    officer = Api(api.client, hall, documented.check(login)["token"])
    documented.check(officer.get("/api/v1/auth/me"))
    kiosk = api.as_device("kiosk")
    documented.check(kiosk.get("/api/v1/auth/me"))

    first = kiosk.issue(hall.ktp)
    second = kiosk.issue(hall.kk)
    documented.check(kiosk.post(f"{TICKETS}/{first['id']}/printed", json={"printed": False}))
    documented.check(officer.counter(hall.c1, "open"))
    documented.check(officer.counter(hall.c1, "call", json={"ticket_id": second["id"]}))
    documented.check(officer.counter(hall.c1, "transfer", json={"service_id": hall.pkb}))
    documented.check(officer.counter(hall.c1, "next"))
    officer.counter(hall.c1, "recall")
    officer.counter(hall.c1, "recall")
    documented.check(officer.counter(hall.c1, "no-show"))
    back = documented.check(officer.post(f"{TICKETS}/{first['id']}/requeue", json={"places": 0}))
    assert back["ticket"]["state"] == "waiting"
    documented.check(officer.post(f"{TICKETS}/{first['id']}/cancel", json={"reason": "pergi"}))
    documented.check(officer.counter(hall.c1, "pause"))
    documented.check(officer.counter(hall.c1, "resume"))
    documented.check(officer.counter(hall.c1, "close"))
    documented.check(officer.get("/api/v1/agencies/DK/snapshot"))
    documented.check(officer.get("/api/v1/settings"))

    admin = api.as_user("admin")
    documented.check(admin.patch("/api/v1/settings", json={"no_show_after_calls": 2}))
    documented.check(admin.get("/api/v1/hall/snapshot"))
    health = {"printer": "paper_low", "version": "0.1.0"}
    documented.check(kiosk.post("/api/v1/devices/me/health", json=health))
    documented.check(officer.post("/api/v1/auth/logout"))


def test_refusals_answer_with_an_error_code_documented_for_that_route(
    api: Api, hall: Hall, documented: DocumentedAnswers
) -> None:
    def refused(response: Any, status: int, code: str) -> None:
        body = documented.check(response)
        assert (response.status_code, body["error"]["code"]) == (status, code)

    kiosk = api.as_device("kiosk")
    officer = api.as_user("petugas.dk")
    refused(officer.counter(hall.c2, "next"), 409, "counter_closed")
    unknown_field = {"service_id": hall.ktp, "colour": "red"}
    refused(kiosk.post(TICKETS, json=unknown_field), 422, "validation_error")
    refused(api.client.get("/api/v1/config"), 401, "unauthenticated")
    refused(api.client.get(f"{TICKETS}/no-such-code"), 404, "not_found")
    display = api.as_device("display-a")
    refused(display.post(TICKETS, json={"service_id": hall.ktp}), 403, "forbidden")
    malformed = api.client.post(
        TICKETS,
        data="{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {kiosk.token}"},
    )
    refused(malformed, 400, "malformed_json")
    wrong = {"username": "petugas.dk", "password": "salah"}
    refused(api.client.post("/api/v1/auth/login", json=wrong), 401, "invalid_credentials")

    key = {"Idempotency-Key": "kiosk-1-0002"}
    kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)
    reused = kiosk.post(TICKETS, json={"service_id": hall.kk}, headers=key)
    refused(reused, 422, "idempotency_key_reused")

    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    refused(officer.counter(hall.c1, "no-show"), 409, "not_called_enough")


def test_unreadable_json_in_the_settings_is_a_documented_malformed_json(
    api: Api, documented: DocumentedAnswers
) -> None:
    admin = api.as_user("admin")
    response = api.client.patch(
        "/api/v1/settings",
        data=b"\x04l{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {admin.token}"},
    )

    body = documented.check(response)
    assert (response.status_code, body["error"]["code"]) == (400, "malformed_json")


def test_every_operation_that_reads_a_body_lists_400_413_and_422(
    document: dict[str, Any],
) -> None:
    for (path, method), operation in documented_operations(document).items():
        if "requestBody" not in operation:
            continue
        listed = set(operation["responses"])
        assert {"400", "413", "422"} <= listed, f"{method.upper()} {path} lists {sorted(listed)}"


def test_a_server_fault_s_request_id_is_part_of_the_documented_error(
    document: dict[str, Any], documented: DocumentedAnswers
) -> None:
    fault = {"error": {"code": "internal_error", "message": "internal error", "request_id": "ab"}}
    pointer = "/paths/~1api~1v1~1config/get/responses/500/content/application~1json/schema"

    assert documented.errors(pointer, fault) == []


# --- the document itself ------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validator = pytest.importorskip(
        "openapi_spec_validator",
        reason="openapi-spec-validator is not installed (it belongs in the test extras)",
    )
    assert document["openapi"].startswith("3.1.")
    validator.validate(document)
