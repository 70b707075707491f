"""Schemathesis against a real ``antre-server``: whatever the document allows (and what
it does not), the server answers without a 5xx, with a status, a body, headers and a
content type the document lists for that operation.

Run as an admin, a kiosk and an officer over the seeded test hall, through
schemathesis's own command line (its pytest plugin does not run under pytest 9).
Bounded and repeatable: the deterministic coverage phase (boundaries, missing and
unexpected values) plus a few fuzzed examples per operation in schemathesis's
deterministic mode (the same cases every run), no shrinking, every failing operation
reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import REPO, LiveServer, running_server

pytest.importorskip("schemathesis", reason="schemathesis is in the test extras")

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "content_type_conformance",
    "response_headers_conformance",
)
# Fuzzed examples per operation, after the coverage phase's own cases: the three
# identities stay near a minute and a half on two shared cores.
EXAMPLES = 10
RUN_TIMEOUT = 120


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(tmp_path_factory.mktemp("fuzz-server")) as live:
        yield live


def token_of(server: LiveServer, identity: str) -> str:
    if identity == "kiosk":
        return server.hall.tokens["kiosk"]
    client = server.officer("admin" if identity == "admin" else "petugas.dk")
    return str(client.token)


def schemathesis_run(
    server: LiveServer, token: str, workdir: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}/api/openapi.json"),
        *("--checks", ",".join(CHECKS)),
        *("--header", f"Authorization: Bearer {token}"),
        *("--phases", "examples,coverage,fuzzing"),
        *("--max-examples", str(EXAMPLES)),
        *("--no-shrink", "--generation-deterministic"),
        *("--workers", "1", "--request-timeout", "10", "--no-color"),
        # Revoking the token the run itself uses would turn the rest of the run into
        # 401s; logout has its own tests (tests/server/api/test_auth.py).
        *("--exclude-operation-id", "logout"),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.e2e.fuzz_hooks",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        command,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("identity", ["admin", "kiosk", "officer"])
def test_the_server_answers_as_its_openapi_document_says(
    server: LiveServer, identity: str, tmp_path: Path
) -> None:
    run = schemathesis_run(server, token_of(server, identity), tmp_path)

    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
    assert "Traceback" not in server.log_text()
