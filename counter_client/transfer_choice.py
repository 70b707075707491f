"""Where a visitor can be sent, and what the officer must know before sending them.

The transfer dialog shows these; the rules live here, without widgets:

- services of every agency, grouped by agency in the hall's order, without the one the
  visitor is in already; a service no counter serves is listed but cannot be chosen (the
  server refuses it, ``service_unstaffed``), so an officer looking for it learns why;
- the counters a visitor can be sent to (open or paused, never closed, never this one),
  grouped the same way; when there are none the dialog says why the list is empty;
- a search over names, short names, codes and labels, word by word, in any order;
- the warning for a line that will not call the visitor soon (``GET /services/<id>/line``:
  closed now, or no counter of it open), so the officer can tell the visitor.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypedDict

from counter_client.hall import Hall
from shared import wire


class TransferBody(TypedDict, total=False):
    """The body of ``POST /counters/<id>/transfer``: one of the two targets, and where in
    its line the visitor goes."""

    service_id: int
    counter_id: int
    position: Literal["front", "back"]


@dataclass(frozen=True)
class Target:
    """A service or counter a visitor can be sent to, as the transfer dialog lists it;
    ``body`` is the transfer request for it."""

    kind: str  # "service" or "counter": the key of the transfer body (service_id, counter_id)
    id: int
    name: str  # "Perubahan KK", "Loket 4"
    detail: str  # a counter's services; empty for a service
    agency_id: int
    available: bool = True  # False: listed for the officer's information, not choosable
    state: str = ""  # a counter's state (open, paused)
    words: str = ""  # what the search looks in, folded

    def body(self, position: Literal["front", "back"]) -> TransferBody:
        if self.kind == "counter":
            return TransferBody(counter_id=self.id, position=position)
        return TransferBody(service_id=self.id, position=position)


@dataclass(frozen=True)
class AgencyGroup:
    """One agency's heading in the transfer dialog with the targets listed under it."""

    agency_id: int
    name: str  # "Disdukcapil — Dinas Kependudukan dan Pencatatan Sipil"
    targets: tuple[Target, ...]


def fold(text: str) -> str:
    """Lower case without accents, for a search that forgives both."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matches(target: Target, group: AgencyGroup, query: str) -> bool:
    """Every word typed appears in the target's or its agency's names."""
    haystack = f"{target.words} {fold(group.name)}"
    return all(word in haystack for word in fold(query).split())


def _agency_title(agency: wire.Agency | None) -> str:
    if agency is None:
        return ""
    short, name = str(agency.get("short_name") or ""), str(agency.get("name") or "")
    return f"{short} — {name}" if short and name and short != name else (short or name)


def _groups(hall: Hall, targets: Iterable[Target]) -> list[AgencyGroup]:
    by_agency: dict[int, list[Target]] = {}
    for target in targets:
        by_agency.setdefault(target.agency_id, []).append(target)
    order = sorted(by_agency, key=lambda aid: (hall.agency_position(aid), aid))
    return [
        AgencyGroup(aid, _agency_title(hall.agencies.get(aid)), tuple(by_agency[aid]))
        for aid in order
    ]


def staffed(service: wire.Service) -> bool:
    """Whether some counter serves the service (the configuration's ``area``; a server
    without the field is taken at its word when the transfer is sent)."""
    return "area" not in service or service["area"] is not None


def service_groups(hall: Hall, current_service_id: int | None) -> list[AgencyGroup]:
    """Every active service of every agency but the visitor's own, by agency."""
    targets = [
        Target(
            kind="service",
            id=int(service["id"]),
            name=str(service.get("name", "")),
            detail="",
            agency_id=int(service.get("agency_id") or 0),
            available=staffed(service),
            words=fold(f"{service.get('name', '')} {service.get('code', '')}"),
        )
        for service in hall.transfer_services()
        if int(service["id"]) != current_service_id
    ]
    return _groups(hall, targets)


def counter_groups(
    hall: Hall, live: Mapping[int, wire.Counter], own_counter_id: int | None
) -> list[AgencyGroup]:
    """The counters that would call a visitor sent to them: open or paused, not this one.
    States are live for the officer's agency, as of the last configuration for others."""
    targets = []
    for counter in hall.counters.values():
        seen = live.get(int(counter["id"]))
        current: wire.Counter = {**counter, **seen} if seen else counter
        state = str(current.get("state") or "closed")
        if int(current["id"]) == own_counter_id or state == "closed":
            continue
        services = [hall.service_name(int(sid)) for sid in counter["service_ids"]]
        detail = " · ".join(name for name in services if name)
        targets.append(
            Target(
                kind="counter",
                id=int(current["id"]),
                name=str(current.get("label", "")),
                detail=detail,
                agency_id=int(current.get("agency_id") or 0),
                state=state,
                words=fold(f"{current.get('label', '')} {detail}"),
            )
        )
    return _groups(hall, targets)


@dataclass(frozen=True)
class Outlook:
    """What the officer is told about the chosen target: a text key with its values, and
    whether it is a warning (the visitor will not be called soon)."""

    key: str
    params: Mapping[str, int | str]
    warning: bool


def line_outlook(line: wire.LineOutlook) -> Outlook:
    """``GET /services/<id>/line`` in the officer's terms."""
    if not line.get("staffed", True):
        return Outlook("transfer.line.unstaffed", {}, True)
    if not line.get("open_now", True):
        return Outlook("transfer.line.closed", {}, True)
    counters = int(line.get("open_counters") or 0)
    if counters == 0 and int(line.get("paused_counters") or 0) > 0:
        return Outlook("transfer.line.break", {}, True)  # lunch: back soon, not closed
    if counters == 0:
        return Outlook("transfer.line.no_counter", {}, True)
    params = {
        "counters": counters,
        "waiting": int(line.get("waiting") or 0),
        "minutes": int(line.get("estimated_wait_minutes") or 0),
    }
    return Outlook("transfer.line.open", params, False)


def counter_outlook(target: Target) -> Outlook:
    if target.state == "paused":
        return Outlook("transfer.counter.paused", {"counter": target.name}, True)
    return Outlook("transfer.counter.open", {"counter": target.name}, False)
