"""Registering kiosks, display boards and counter terminals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Counter, Device, DeviceKind, Zone
from shared.errors import ErrorCode

from .auth import DEVICE_TOKEN_PREFIX, new_token, token_hash
from .errors import DomainError
from .users import find_agency


def register_device(
    session: Session,
    name: str,
    kind: str,
    zone_code: str | None,
    agency_code: str | None,
    counter_id: int | None,
    now: dt.datetime,
) -> tuple[Device, str]:
    """Create a device and return it with its token (the only time the token exists
    in clear: the database keeps its hash)."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "a device name is 1 to 100 characters")
    try:
        kind_value = DeviceKind(kind)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"unknown device kind {kind}") from None
    zone = None
    if zone_code is not None:
        zone = session.scalar(select(Zone).where(Zone.code == zone_code))
        if zone is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no zone {zone_code}")
    if kind_value == DeviceKind.DISPLAY and zone is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "a display shows one zone: give --zone")
    agency = find_agency(session, agency_code)
    counter = None
    if counter_id is not None:
        counter = session.get(Counter, counter_id)
        if counter is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no counter {counter_id}")
        if agency is not None and counter.agency_id != agency.id:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "that counter belongs to another agency")
        agency = counter.agency
    if kind_value == DeviceKind.COUNTER and agency is None:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "a counter terminal needs --agency or --counter"
        )
    if session.scalar(select(Device.id).where(Device.name == name)) is not None:
        raise DomainError(ErrorCode.CONFLICT, f"a device named {name} exists already")
    token = new_token(DEVICE_TOKEN_PREFIX)
    device = Device(
        kind=kind_value,
        name=name,
        token_hash=token_hash(token),
        zone_id=zone.id if zone else None,
        agency_id=agency.id if agency else None,
        counter_id=counter.id if counter else None,
        active=True,
        created_at=now,
        health={},
    )
    session.add(device)
    session.flush()
    return device, token


def renew_token(session: Session, device: Device) -> str:
    """A new token for ``device``; the old one stops working at once."""
    token = new_token(DEVICE_TOKEN_PREFIX)
    device.token_hash = token_hash(token)
    session.flush()
    return token
