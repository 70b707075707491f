"""The Qt clients' ApiError carries the server's request id, so an officer who sees
"internal error" can give the admin the id that finds the traceback in the log."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from shared.api_client import ApiClient, ApiError
from shared.errors import ErrorCode

FAULT = "/api/v1/test-only/fault"


def _broken_view() -> Any:
    raise RuntimeError("the handler broke")


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """The test app, with a route that fails, over real HTTP on a free port."""
    app.add_url_rule(FAULT, "test_fault", _broken_view)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_a_server_fault_reaches_the_client_with_the_id_the_log_has(
    base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = ApiClient(base_url)
    with pytest.raises(ApiError) as failed:
        client.get("/test-only/fault")
    client.close()

    error = failed.value
    assert (error.code, error.status) == (ErrorCode.INTERNAL_ERROR, 500)
    assert error.request_id
    assert f"request_id={error.request_id}" in caplog.text


def test_a_refusal_carries_the_request_id_of_its_header(base_url: str) -> None:
    client = ApiClient(base_url)
    ids = set()
    for _ in range(2):
        with pytest.raises(ApiError) as refused:
            client.get("/tickets/no-such-ticket")
        assert refused.value.code == ErrorCode.NOT_FOUND
        ids.add(refused.value.request_id)
    client.close()

    assert None not in ids
    assert len(ids) == 2
