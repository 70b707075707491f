"""Notices leave the hall here: the provider adapters (``fonnte``, ``telegram``), the
channels a configuration turns on (``channels``) and the worker that sends the queued
notices (``worker``). The rules they follow are in ``server.domain.notices``."""
