"""The per-process cache of resolved tokens: a few seconds, bounded, least recently used
dropped first, and never past the login's own expiry."""

from __future__ import annotations

import datetime as dt

from server.domain.access import Principal
from server.principal_cache import PrincipalCache

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)


class Ticking:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def officer(user_id: int) -> Principal:
    return Principal(kind="user", id=user_id)


def test_a_token_is_remembered_for_its_seconds_then_looked_up_again() -> None:
    clock = Ticking()
    cache = PrincipalCache(seconds=5, timer=clock)
    cache.put("h1", officer(1), None)
    clock.seconds = 4.9
    assert cache.get("h1", NOW) == officer(1)
    clock.seconds = 5.1
    assert cache.get("h1", NOW) is None


def test_a_full_cache_drops_the_least_recently_used_not_everything() -> None:
    cache = PrincipalCache(maxsize=3, timer=Ticking())
    for n in (1, 2, 3):
        cache.put(f"h{n}", officer(n), None)
    assert cache.get("h1", NOW) == officer(1)  # used: h2 is now the oldest in use
    cache.put("h4", officer(4), None)
    assert len(cache) == 3
    assert cache.get("h2", NOW) is None
    assert [cache.get(f"h{n}", NOW) for n in (1, 3, 4)] == [officer(1), officer(3), officer(4)]


def test_a_login_that_expires_is_not_trusted_past_its_expiry() -> None:
    cache = PrincipalCache(timer=Ticking())
    cache.put("h1", officer(1), NOW + dt.timedelta(seconds=2))
    assert cache.get("h1", NOW) == officer(1)
    assert cache.get("h1", NOW + dt.timedelta(seconds=2)) is None


def test_a_forgotten_token_is_looked_up_again_at_once() -> None:
    cache = PrincipalCache(timer=Ticking())
    cache.put("h1", officer(1), None)
    cache.forget("h1")
    cache.forget("never-there")
    assert cache.get("h1", NOW) is None
