"""Officer login and logout; ``me`` tells any token's owner who they are."""

from __future__ import annotations

from flask import Response, jsonify, request

from server.api import bp
from server.api.validation import Field, json_body
from server.domain import auth
from server.login import password_login
from server.principal import bearer_token, current_principal
from server.state import app_state
from shared import wire

LOGIN_SCHEMA = {
    "username": Field("string", required=True, min_length=1, max_length=64),
    "password": Field("string", required=True, min_length=1, max_length=200, shown=False),
}


@bp.post("/auth/login")
def login() -> Response:
    """Password to bearer token. Failures are throttled per user name and per address."""
    body = json_body(LOGIN_SCHEMA)
    token, expires, view = password_login(
        body["username"], body["password"], request.remote_addr or "unknown"
    )
    answer: wire.Login = {"token": token, "expires_at": expires.isoformat(), "user": view}
    return jsonify(answer)


@bp.post("/auth/logout")
def logout() -> Response:
    who = current_principal()
    token = bearer_token()
    if who.kind == "user" and token:
        state = app_state()
        with state.db.write() as session:
            auth.logout(session, token)
        state.principals.forget(auth.token_hash(token))
    answer: wire.LoggedOut = {"ok": True}
    return jsonify(answer)


@bp.get("/auth/me")
def me() -> Response:
    who = current_principal()
    answer: wire.Me = {
        # A REST caller is a user or a device (a visitor's ticket only subscribes).
        "kind": "user" if who.kind == "user" else "device",
        "id": who.id,
        "role": who.role,
        "device_kind": who.device_kind,
        "agency_code": who.agency_code,
        "zone": who.zone_code,
        "counter_id": who.counter_id,
    }
    return jsonify(answer)
