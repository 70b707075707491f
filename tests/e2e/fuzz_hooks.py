"""Schemathesis hooks for ``test_openapi_fuzz.py`` (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

from typing import Any

import schemathesis

# Negative cases add random headers, an empty Content-Length among them. The HTTP server
# (eventlet) refuses a request it cannot frame with its own empty 400 before the
# application sees it; the document describes the application, so only these headers
# are taken out of a case.
FRAMING_HEADERS = {"content-length", "transfer-encoding"}


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    for headers in (case.headers, kwargs.get("headers")):
        for name in [n for n in headers or {} if n.lower() in FRAMING_HEADERS]:
            del headers[name]
