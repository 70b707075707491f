"""A real server on a throwaway database, for the screenshot tools (by hand, not tests).

The tools that photograph pages of a seeded database start it the same way: in its own
process on a free port of 127.0.0.1, with none of the caller's ``ANTRE_*`` settings and a
fresh secret, waited for until ``ready_path`` answers, and stopped afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def serving(
    database_url: str, ready_path: str, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The server's base URL while the ``with`` block runs; ``settings``: ``ANTRE_*``
    variables the pictures need (a notice channel, say)."""
    sys.path.insert(0, str(REPO))  # run as a script: the repository's tests package
    from tests.e2e.live import free_port, wait_until

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env.update(ANTRE_DATABASE_URL=database_url, ANTRE_SECRET_KEY=secrets.token_urlsafe(32))
    env.update(settings or {})
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            requests.get(f"{url}{ready_path}", timeout=1)
        except requests.RequestException:
            return False
        return True

    try:
        wait_until(answers, 20, "the server")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
