"""Connections one process may hold: as many as asked, within its open-files limit."""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest

from server.cli import FILES_RESERVED, connection_capacity
from server.config import ConfigError, load_config


@pytest.fixture
def low_soft_limit() -> Iterator[int]:
    """This process's soft open-files limit lowered to 512 (a shell's 1024, or less)."""
    saved = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(512, saved[1]), saved[1]))
    try:
        yield saved[1]
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, saved)


def test_a_low_soft_limit_is_raised_to_the_hard_one(low_soft_limit: int) -> None:
    capacity = connection_capacity(1_000_000)
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == low_soft_limit
    assert capacity == low_soft_limit - FILES_RESERVED


def test_the_configured_number_wins_when_the_limit_allows_it(low_soft_limit: int) -> None:
    assert connection_capacity(300) == min(300, low_soft_limit - FILES_RESERVED)


def test_max_connections_is_a_setting() -> None:
    assert load_config(None, env={}).max_connections == 10_000
    assert load_config(None, env={"ANTRE_MAX_CONNECTIONS": "5000"}).max_connections == 5000
    with pytest.raises(ConfigError, match="ANTRE_MAX_CONNECTIONS"):
        load_config(None, env={"ANTRE_MAX_CONNECTIONS": "0"})
