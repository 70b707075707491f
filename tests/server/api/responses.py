"""Reading the API's answers in tests: the one error shape, and a successful body."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape of the API: ``{"error": {"code", "message"}}`` with its status."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json, response.get_data(as_text=True)[:500]
    error: dict[str, Any] = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def ok(response: Any) -> dict[str, Any]:
    """The JSON body of a 200 answer (a counter command: the counter and its ticket)."""
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body
