"""The per-application objects the adapters share (database, config, clock)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

from server.channel_settings import ChannelSettings
from server.config import ServerConfig
from server.db import Database
from server.domain.catalog import Catalog
from server.domain.identity import PersonalDataKey
from server.principal_cache import PrincipalCache


@dataclass
class AppState:
    """The objects every adapter of one application shares, kept in ``app.extensions``:
    config, database, clock, the principal cache, the catalog, and the key for bookers'
    personal data (derived from the server's secret, so the same in every process that
    shares it and across restarts)."""

    config: ServerConfig
    db: Database
    clock: Callable[[], dt.datetime]
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    catalog: Catalog = field(default_factory=Catalog)
    personal_data_key: PersonalDataKey = field(init=False, repr=False)
    # Set after a command that queued notices commits: the in-server worker starts its
    # round at once instead of at the end of its pause (a call notice within a second).
    notices_queued: threading.Event = field(default_factory=threading.Event, repr=False)
    # The console's notice channel settings over ``config`` (server.channel_settings).
    channel_settings: ChannelSettings = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.personal_data_key = PersonalDataKey.from_secret(self.config.secret_key)
        self.channel_settings = ChannelSettings(self.db, self.personal_data_key)

    def notice_config(self) -> ServerConfig:
        """``config`` with the notice channels the console set up: what every reader of a
        ``notify_*`` setting goes by."""
        return self.channel_settings.current(self.config)


def app_state() -> AppState:
    state: AppState = current_app.extensions["antre"]
    return state
