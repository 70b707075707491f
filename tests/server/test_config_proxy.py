"""Behind nginx: the client's own address counts, not the proxy's."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from server.cli import serve_behind_proxies
from server.config import ConfigError, load_config
from server.models import LoginThrottle
from server.state import AppState


def failed_login_from(app: Flask, forwarded_for: str) -> None:
    response = app.test_client().post(
        "/api/v1/auth/login",
        json={"username": "petugas.dk", "password": "salah-sekali"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert response.status_code == 401


def throttled_addresses(app: Flask) -> set[str]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        keys = session.scalars(select(LoginThrottle.key))
        return {key for key in keys if key.startswith("addr:")}


def test_behind_one_proxy_failed_logins_count_against_the_visitors_address(app: Flask) -> None:
    serve_behind_proxies(app, 1)
    failed_login_from(app, "192.168.10.31")
    assert throttled_addresses(app) == {"addr:192.168.10.31"}


def test_without_a_proxy_setting_a_forwarded_header_is_not_believed(app: Flask) -> None:
    serve_behind_proxies(app, 0)
    failed_login_from(app, "192.168.10.31")
    assert throttled_addresses(app) == {"addr:127.0.0.1"}


def test_proxy_hops_is_a_small_whole_number() -> None:
    assert load_config(None, env={}).proxy_hops == 0
    assert load_config(None, env={"ANTRE_PROXY_HOPS": "1"}).proxy_hops == 1
    with pytest.raises(ConfigError, match="ANTRE_PROXY_HOPS"):
        load_config(None, env={"ANTRE_PROXY_HOPS": "many"})
