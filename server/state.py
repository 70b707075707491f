"""The per-application objects the adapters share (database, config, clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from server.config import ServerConfig
from server.db import Database


@dataclass
class AppState:
    config: ServerConfig
    db: Database
    clock: Callable[[], dt.datetime]


def app_state() -> AppState:
    state: AppState = current_app.extensions["antre"]
    return state
