"""Registering kiosks, display boards, counter terminals and survey tablets, and ending
their tokens.

A token exists in clear only in the answer that creates it (registration or renewal);
the database keeps its hash. Revoking or renewing returns the old hash so the caller's
principal cache forgets it at once (other processes within that cache's few seconds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Counter, Device, DeviceKind, Zone
from shared import printer_health
from shared.errors import ErrorCode
from shared.text import describe, refused_character

from . import access
from .access import Principal
from .auth import DEVICE_TOKEN_PREFIX, new_token, token_hash
from .context import Ctx
from .errors import DomainError
from .users import find_agency

MAX_NAME = 100
# Devices that stand at one counter. A survey tablet also takes its counter's agency, so
# a supervisor's monitor lists it with their counters' terminals; it reads nothing of the
# agency (access.can_read_agency is for counter terminals only).
AT_A_COUNTER = (DeviceKind.COUNTER, DeviceKind.SURVEY)


def _invalid(field_name: str, message: str, rule: str, **details: Any) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name, rule=rule, **details)


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
    if not 1 <= len(name) <= MAX_NAME:
        raise _invalid("name", "a device name is 1 to 100 characters", "length", max=MAX_NAME)
    refused = refused_character(name)
    if refused is not None:
        raise _invalid(
            "name", f"a device name must not contain control characters ({describe(refused)})",
            "control",
        )  # fmt: skip
    try:
        kind_value = DeviceKind(kind)
    except ValueError:
        raise _invalid("kind", f"unknown device kind {kind}", "choice") from None
    zone = None
    if zone_code is not None:
        zone = session.scalar(select(Zone).where(Zone.code == zone_code))
        if zone is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no zone {zone_code}", field="zone")
    if kind_value == DeviceKind.DISPLAY and zone is None:
        raise _invalid("zone", "a display shows one zone: give --zone", "required")
    if agency_code is not None and kind_value not in AT_A_COUNTER:
        # A kiosk serves the whole hall and a display its zone: an agency stored on them
        # would read like a permission they do not have (access.can_read_agency).
        raise _invalid(
            "agency",
            f"a {kind_value.value} serves the whole hall or its zone, not one agency: "
            "leave out --agency (only a counter terminal belongs to an agency)",
            "not_here",
        )
    agency = find_agency(session, agency_code)
    counter = None
    if counter_id is not None:
        if kind_value not in AT_A_COUNTER:
            raise _invalid(
                "counter", "only a counter terminal or survey tablet belongs to a counter",
                "not_here",
            )  # fmt: skip
        counter = session.get(Counter, counter_id)
        if counter is None or not counter.active:
            raise DomainError(ErrorCode.NOT_FOUND, f"no counter {counter_id}", field="counter")
        if agency is not None and counter.agency_id != agency.id:
            raise _invalid("counter", "that counter belongs to another agency", "other_agency")
        agency = counter.agency
    if kind_value == DeviceKind.COUNTER and agency is None:
        raise _invalid("counter", "a counter terminal needs --agency or --counter", "required")
    if kind_value == DeviceKind.SURVEY and counter is None:
        # It asks about the visits of one counter only (responses.for_counter).
        raise _invalid(
            "counter", "a survey tablet stands at one counter: give --counter", "required"
        )
    if session.scalar(select(Device.id).where(Device.name == name)) is not None:
        raise DomainError(
            ErrorCode.CONFLICT, f"a device named {name} exists already", field="name", rule="exists"
        )
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
    """A new token for ``device``; the old one stops working at once. A revoked device
    comes back into use with it (a replaced kiosk PC keeps its name and history)."""
    token = new_token(DEVICE_TOKEN_PREFIX)
    device.token_hash = token_hash(token)
    device.active = True
    session.flush()
    return token


def revoke_device(session: Session, device: Device) -> str:
    """Stop ``device``'s token from working; returns its hash for the cache to forget.

    The row stays: tickets and events name the device that issued them.
    """
    device.active = False
    session.flush()
    return device.token_hash


def get_device(session: Session, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None:
        raise DomainError(ErrorCode.NOT_FOUND, "device not found")
    return device


# Kiosks first: their printers are what staff most often need to look at.
KIND_ORDER = (
    DeviceKind.KIOSK,
    DeviceKind.DISPLAY,
    DeviceKind.COUNTER,
    DeviceKind.SURVEY,
    DeviceKind.PORTAL,
)


def list_devices(session: Session) -> list[Device]:
    """Active before revoked, then kiosks, boards, counter PCs, each by name."""
    found = session.scalars(select(Device).order_by(Device.name))
    return sorted(found, key=lambda d: (not d.active, KIND_ORDER.index(d.kind)))


def printer_level(device: Device) -> str | None:
    """ "ok", "warn" or "bad" for a kiosk's last printer report; None when it has none."""
    state = (device.health or {}).get("printer")
    if device.kind != DeviceKind.KIOSK or not isinstance(state, str):
        return None
    return printer_health.level(state)


def record_health(ctx: Ctx, who: Principal, report: Mapping[str, Any]) -> dict[str, Any]:
    """A device's own health report, merged into what it said before.

    A report may carry only what changed (a kiosk sends its printer state, a counter PC
    only its version), so earlier fields stay until the device says otherwise; the
    report's time and the device's last-seen time are the server's clock.
    """
    if who.kind != "device":
        raise access.forbidden("only devices report their health")
    device = ctx.session.get(Device, who.id)
    if device is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "the device is no longer registered")
    device.health = {**(device.health or {}), **report, "reported_at": ctx.now.isoformat()}
    device.last_seen_at = ctx.now
    return dict(device.health)
