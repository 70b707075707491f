"""REST API under ``/api/v1``: one blueprint, one module per area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from server.api import auth, config, counters, devices, reports, snapshots, tickets  # noqa: E402, F401
