"""The per-application objects the adapters share (database, config, clock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

from server.config import ServerConfig
from server.db import Database
from server.domain.catalog import Catalog
from server.principal_cache import PrincipalCache


@dataclass
class AppState:
    """The objects every adapter of one application shares, kept in ``app.extensions``:
    config, database, clock, the principal cache and the catalog."""

    config: ServerConfig
    db: Database
    clock: Callable[[], dt.datetime]
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    catalog: Catalog = field(default_factory=Catalog)


def app_state() -> AppState:
    state: AppState = current_app.extensions["antre"]
    return state
