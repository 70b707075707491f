"""The OpenAPI document, built from the same route table and schemas the server enforces."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__)


@bp.get("/api/openapi.json")
def openapi_document() -> Response:
    from server.api.spec import build_document

    return jsonify(build_document())
