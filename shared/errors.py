"""The error codes of the API: one enumeration, shared by the server and the clients.

The server maps each code to an HTTP status (``server/errors.py``); clients map it to
a message in the visitor's or officer's language (``shared/i18n.py``).
"""

from __future__ import annotations

from enum import StrEnum

# Every HTTP answer carries the id of its request; a server fault's body repeats it, so a
# person can quote it and an admin find that request's lines in the server's log.
REQUEST_ID_HEADER = "X-Request-Id"


class ErrorCode(StrEnum):
    """Every code an API error can carry; the server and the clients both match on these,
    never on message text."""

    # caller mistakes
    VALIDATION_ERROR = "validation_error"
    MALFORMED_JSON = "malformed_json"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    # authentication / authorisation
    UNAUTHENTICATED = "unauthenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    FORBIDDEN = "forbidden"
    # the queue says no
    SERVICE_CLOSED = "service_closed"
    QUOTA_EXHAUSTED = "quota_exhausted"
    SERVICE_UNSTAFFED = "service_unstaffed"
    PRIORITY_NOT_OFFERED = "priority_not_offered"
    INVALID_TRANSITION = "invalid_transition"
    COUNTER_CLOSED = "counter_closed"
    COUNTER_PAUSED = "counter_paused"
    COUNTER_BUSY = "counter_busy"
    COUNTER_IDLE = "counter_idle"
    COUNTER_TAKEN = "counter_taken"
    NOT_CALLED_ENOUGH = "not_called_enough"
    SERVICE_NOT_AT_COUNTER = "service_not_at_counter"
    CONFLICT = "conflict"
    # bookings (antrean online)
    SLOT_FULL = "slot_full"
    BOOKING_CLOSED = "booking_closed"
    DUPLICATE_BOOKING = "duplicate_booking"
    BOOKING_BLOCKED = "booking_blocked"
    OUTSIDE_CHECK_IN_WINDOW = "outside_check_in_window"
    BOOKING_NOT_ACTIVE = "booking_not_active"
    # the satisfaction survey (SKM)
    ALREADY_ANSWERED = "already_answered"
    SURVEY_CLOSED = "survey_closed"
    # the server's own trouble
    UNAVAILABLE = "unavailable"
    INTERNAL_ERROR = "internal_error"
