"""The hall the simulation plays, learnt the way any client learns it: ``GET /config`` for
agencies, services, counters and zones, ``GET /auth/me`` for what each device token is.

The simulation needs logins like the hall's people: device tokens (kiosks, boards), the
officers' user names and password, and an admin for the reports. ``Credentials`` holds
them; ``demo_credentials`` reads the demo's (``scripts/demo`` writes the tokens to
``instance/demo/tokens.json``; the demo's officers are ``petugas.<agency>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from server.demo.seed import ADMIN_PASSWORD, ADMIN_USER, OFFICER_PASSWORD, officer_username
from server.demo.tokens import read_tokens
from server.simulation.plan import CounterShape, HallShape, ServiceShape
from shared import wire
from shared.api_client import ApiClient

DEMO_TOKENS = Path("instance/demo/tokens.json")


@dataclass
class Credentials:
    """Who the simulation may act as. ``officers``: user names, tried per agency (None:
    the demo's ``petugas.<code>``)."""

    device_tokens: dict[str, str]
    officer_password: str = OFFICER_PASSWORD
    officers: list[str] | None = None
    admin: tuple[str, str] = (ADMIN_USER, ADMIN_PASSWORD)


def demo_credentials(tokens_file: Path = DEMO_TOKENS) -> Credentials:
    return Credentials(device_tokens=read_tokens(tokens_file))


@dataclass(frozen=True)
class Device:
    """A device token and what the server says it is."""

    name: str
    token: str
    kind: str
    zone: str | None
    counter_id: int | None = None


@dataclass
class Hall:
    """The hall's shape for the planner, its devices, and the officer logins per agency."""

    shape: HallShape
    today: str
    kiosks: list[Device]
    boards: list[Device]
    # Counter terminals: their PCs report in as the counter client does, so the monitor
    # does not count the simulated hall's desks as silent.
    terminals: list[Device] = field(default_factory=list)
    # Survey tablets: their page asks every minute what to show, so the monitor does
    # not count a tablet the simulation identified as silent either.
    tablets: list[Device] = field(default_factory=list)
    officers: dict[str, list[str]] = field(default_factory=dict)
    zones: list[str] = field(default_factory=list)
    no_show_after_calls: int = 3
    # Below this many finished services of a line the server estimates from the
    # service's typical minutes, which a sped-up day does not speed up.
    estimate_min_samples: int = 5


def discover(url: str, credentials: Credentials, agencies: list[str] | None = None) -> Hall:
    """Read the hall from the server and sort the credentials' devices and officers.

    ``agencies``: play only these agency codes (None: every agency that has counters and
    an officer login). Raises ValueError when nothing can be played.
    """
    client = ApiClient(url)
    try:
        client.login(*credentials.admin)
        config = client.config()
        client.logout()
        devices = [_identify(url, name, token) for name, token in credentials.device_tokens.items()]
    finally:
        client.close()
    codes = {a["id"]: a["code"] for a in config["agencies"] if a.get("active", True)}
    wanted = set(agencies) if agencies else set(codes.values())
    if credentials.officers is None:
        officers = {code: [officer_username(code)] for code in sorted(wanted)}
    else:
        officers = _officers_by_agency(url, credentials)
    shape = hall_shape(config, {c for c in wanted if officers.get(c)})
    if not shape.services:
        raise ValueError("no agency to play: no counters, services or officers found")
    return Hall(
        shape=shape,
        today=config["site"]["today"],
        kiosks=[d for d in devices if d.kind == "kiosk"],
        boards=[d for d in devices if d.kind == "display"],
        terminals=[d for d in devices if d.kind == "counter"],
        tablets=[d for d in devices if d.kind == "survey" and d.counter_id is not None],
        officers=officers,
        zones=[z["code"] for z in config["zones"]],
        no_show_after_calls=int(config["settings"].get("no_show_after_calls", 3)),
        estimate_min_samples=int(config["settings"].get("estimate_min_samples", 5)),
    )


def _officers_by_agency(url: str, credentials: Credentials) -> dict[str, list[str]]:
    """The listed officers by agency, as the server knows them (one login each)."""
    found: dict[str, list[str]] = {}
    for username in credentials.officers or []:
        client = ApiClient(url)
        try:
            client.login(username, credentials.officer_password)
            code = client.get("/auth/me").get("agency_code")
            client.logout()
        finally:
            client.close()
        if code:
            found.setdefault(str(code), []).append(username)
    return found


def _identify(url: str, name: str, token: str) -> Device:
    client = ApiClient(url, token)
    try:
        me = client.me()
    finally:
        client.close()
    return Device(
        name, token, str(me.get("device_kind") or ""), me.get("zone"), me.get("counter_id")
    )


def hall_shape(config: wire.Config, agencies: set[str]) -> HallShape:
    """Services and counters of ``agencies`` from a ``GET /config`` body, each service
    weighted by its agency's counters (the hall sizes desks to demand) times its share of
    the agency's capacity (counters serving it per typical minute)."""
    code_of = {a["id"]: a["code"] for a in config["agencies"]}
    counters = [
        c
        for c in config["counters"]
        if code_of.get(c["agency_id"]) in agencies and c.get("active", True) and c["service_ids"]
    ]
    per_agency: dict[str, int] = {}
    serving: dict[int, int] = {}
    for counter in counters:
        code = code_of[counter["agency_id"]]
        per_agency[code] = per_agency.get(code, 0) + 1
        for sid in counter["service_ids"]:
            serving[sid] = serving.get(sid, 0) + 1
    services = [s for s in config["services"] if s["id"] in serving and s.get("active", True)]
    capacity = {s["id"]: serving[s["id"]] / max(float(s["typical_minutes"]), 0.5) for s in services}
    agency_capacity: dict[str, float] = {}
    for s in services:
        code = code_of[s["agency_id"]]
        agency_capacity[code] = agency_capacity.get(code, 0.0) + capacity[s["id"]]
    shapes = tuple(
        ServiceShape(
            id=s["id"],
            code=s["code"],
            agency_code=code_of[s["agency_id"]],
            typical_minutes=float(s["typical_minutes"]),
            priority_offered=bool(s["priority_offered"]),
            weight=per_agency[code_of[s["agency_id"]]]
            * capacity[s["id"]]
            / agency_capacity[code_of[s["agency_id"]]],
        )
        for s in sorted(services, key=lambda s: s["id"])
    )
    played = {s.id for s in shapes}
    return HallShape(
        services=shapes,
        counters=tuple(
            CounterShape(
                id=c["id"],
                label=c["label"],
                agency_code=code_of[c["agency_id"]],
                zone=c["zone"],
                service_ids=tuple(sid for sid in c["service_ids"] if sid in played),
            )
            for c in sorted(counters, key=lambda c: c["id"])
        ),
    )
