"""REST API under ``/api/v1``: one blueprint, one module per area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from server.api import (  # noqa: E402, F401
    auth,
    booking_check_in,
    bookings,
    config,
    counters,
    devices,
    reports,
    services,
    skm_reports,
    snapshots,
    survey,
    tickets,
)
