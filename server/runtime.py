"""What the API needs from the process it runs in, without knowing which one it is.

The entry point (``server.entry``) decides between eventlet and threads; this module
only holds the hooks it installs, so no other module imports eventlet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _run_inline(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


_offload: Callable[..., Any] = _run_inline


def offload(fn: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy work (password hashing) where it does not stall other requests:
    a real OS thread under eventlet, the calling thread in threading mode."""
    return _offload(fn, *args)  # type: ignore[no-any-return]


def install_offload(runner: Callable[..., Any]) -> None:
    global _offload
    _offload = runner


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
