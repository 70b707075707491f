"""What one zone's board shows, as plain data: fed by a snapshot, then by push events.

The snapshot is the truth after every (re)connect or gap in ``seq``; events move it on
in between. A call the board did not hear live (the push was missed in a gap, or made
while the board was away) is found in the next snapshot's last calls and handed back to
be announced: when it is recent, or when its visitor is still being called. Calls made
before the board started are only shown.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from shared import events, wire
from shared.live import Payload, read_event
from shared.timestamps import parse_time

from .announcements import (
    Announcement,
    RecentKeys,
    announcement_from_called,
    announcement_from_last_call,
    call_key,
)

log = logging.getLogger("antre.display")

ACTIVE_STATES = ("called", "serving")
DEFAULT_COLOUR = "#37474F"
# A missed call older than this (before the newest call of the zone) is only announced
# while its visitor is still being called: after a long outage the board does not read
# out a list of numbers long since served.
MISSED_CALL_WINDOW = dt.timedelta(seconds=120)


@dataclass(frozen=True)
class AgencyShown:
    """An agency as the board shows it: its code, its name, and the colour of its tiles
    and calls."""

    code: str
    name: str
    colour: str


@dataclass(frozen=True)
class TicketShown:
    """The ticket on a counter's tile: its number, whether it is called or served, and
    how often it was called."""

    id: int
    number: str
    state: str  # called | serving
    call_count: int


@dataclass
class CounterShown:
    """One counter's tile: its label, state and agency, the visitor at it, and the
    services it serves (named on the tile)."""

    id: int
    label: str
    state: str  # open | paused | closed
    agency: AgencyShown
    service_ids: list[int]
    ticket: TicketShown | None = None


@dataclass(frozen=True)
class CallShown:
    """One call as the previous-calls list shows it and the announcer says it: number,
    counter, agency, time, and whether it is a recall."""

    number: str
    counter_id: int | None
    counter_label: str
    agency: AgencyShown
    at: str
    recall: bool = False
    # How many times the ticket has been called at its counter by this call (1: once);
    # the push says it, a snapshot's list only tells calls from recalls.
    times: int = 1


@dataclass(frozen=True)
class WaitingShown:
    """People waiting in one line (a service) or for one agency (its lines added up)."""

    name: str
    colour: str
    waiting: int
    estimated_wait_minutes: int


@dataclass
class Applied:
    """What an event asks of the board besides redrawing."""

    announcement: Announcement | None = None
    reload: bool = False  # configuration changed or the state no longer adds up
    changed: bool = False


@dataclass
class BoardModel:
    """Everything the zone's board shows, Qt-free: the snapshot's state moved on by push
    events, which the window paints and tests drive without a screen."""

    zone_code: str = ""
    zone_name: str = ""
    site_name: str = ""
    site_short_name: str = ""
    timezone: str = "Asia/Jakarta"
    templates: dict[str, str] = field(default_factory=dict)
    number_separator: str = "-"
    counters: dict[int, CounterShown] = field(default_factory=dict)
    last_calls: list[CallShown] = field(default_factory=list)
    lines: dict[int, wire.LineStats] = field(default_factory=dict)
    seq: int | None = None
    # Tickets kept in the previous calls, each once: as many as a snapshot lists
    # (its ``last_calls_limit``), so a board that heard every call shows what one that
    # just reloaded shows.
    keep_calls: int = 10
    _agencies: dict[int, wire.Agency] = field(default_factory=dict)
    _services: dict[int, wire.Service] = field(default_factory=dict)
    _known_calls: RecentKeys = field(default_factory=RecentKeys)

    @property
    def loaded(self) -> bool:
        return self.seq is not None

    @property
    def seq_or_zero(self) -> int:
        return self.seq or 0

    @property
    def room(self) -> str:
        return events.zone_room(self.zone_code)

    @property
    def latest_call(self) -> CallShown | None:
        return self.last_calls[0] if self.last_calls else None

    # --- configuration and snapshot --------------------------------------------------

    def load_config(self, config: wire.Config) -> None:
        """Names, colours, the site's call-out templates (``GET /api/v1/config``)."""
        site = config.get("site", {})
        settings = config.get("settings", {})
        self.site_name = str(site.get("name", ""))
        self.site_short_name = str(site.get("short_name", ""))
        self.timezone = str(site.get("timezone") or self.timezone)
        self.templates = {
            "id": str(settings.get("callout_template_id", "")),
            "en": str(settings.get("callout_template_en", "")),
        }
        self.number_separator = str(settings.get("number_separator", self.number_separator))
        self._agencies = {int(a["id"]): a for a in config.get("agencies", [])}
        self._services = {int(s["id"]): s for s in config.get("services", [])}
        for zone in config.get("zones", []):
            if zone.get("code") == self.zone_code:
                self.zone_name = str(zone.get("name", ""))

    def load_snapshot(self, snapshot: wire.ZoneSnapshot) -> list[Announcement]:
        """Replace everything with the snapshot; return the calls in it the board has not
        heard, to announce, oldest first (none from the first snapshot)."""
        first = not self.loaded
        zone = snapshot.get("zone", {})
        self.zone_code = str(zone.get("code", self.zone_code))
        self.zone_name = str(zone.get("name", self.zone_name))
        self.counters = {}
        still_called: set[str] = set()
        for c in snapshot.get("counters", []):
            counter = CounterShown(
                id=int(c["id"]),
                label=str(c["label"]),
                state=str(c.get("state", "closed")),
                agency=_agency(c.get("agency") or self._agencies.get(int(c["agency_id"]), {})),
                service_ids=[int(s) for s in c.get("service_ids", [])],
            )
            ticket = c.get("ticket")
            if ticket and ticket.get("state") in ACTIVE_STATES:
                counter.ticket = _ticket(ticket)
                if ticket["state"] == "called":
                    still_called.add(call_key(str(ticket["number"]), ticket.get("called_at")))
            self.counters[counter.id] = counter
        calls = list(snapshot.get("last_calls", []))
        self.last_calls = [
            CallShown(
                number=str(call["number"]),
                counter_id=call.get("counter_id"),
                counter_label=str(call.get("counter") or ""),
                agency=_agency(call.get("agency") or {}),
                at=str(call.get("at", "")),
                recall=bool(call.get("recall", False)),
                times=int(call.get("times") or 1),
            )
            for call in calls
        ]
        self.keep_calls = int(snapshot.get("last_calls_limit") or self.keep_calls)
        del self.last_calls[self.keep_calls :]
        self.lines = {int(line["service_id"]): line for line in snapshot.get("lines", [])}
        self.seq = int(snapshot.get("seq", 0))
        missed = self._missed(calls, still_called)  # remembers every call listed
        return [] if first else missed

    def _missed(self, calls: list[wire.LastCall], still_called: set[str]) -> list[Announcement]:
        times = [t for t in (parse_time(c.get("at")) for c in calls) if t is not None]
        newest = max(times, default=None)
        missed = []
        for call in reversed(calls):  # oldest first, as they were made
            key = call_key(str(call["number"]), call.get("at"))
            if not self._known_calls.add(key):
                continue
            at = parse_time(call.get("at"))
            recent = at is not None and newest is not None and newest - at <= MISSED_CALL_WINDOW
            if not (recent or key in still_called):
                continue
            try:
                missed.append(
                    announcement_from_last_call(call, self.templates, self.number_separator)
                )
            except ValueError as exc:
                log.warning("cannot announce a missed call: %s", exc)
        return missed

    # --- live events -----------------------------------------------------------------

    def apply(self, name: str, payload: Payload) -> Applied:
        """Move the state on by one event of this zone's room."""
        seq = payload.get("seq")
        if not self.loaded or payload.get("room") != self.room or not isinstance(seq, int):
            return Applied()
        if self.seq is not None and seq <= self.seq:
            return Applied()  # already in the snapshot that was loaded after it was sent
        self.seq = seq
        # The payloads as the server types them (shared.wire); read defensively below,
        # since a board must survive a server of another version.
        if name == events.TICKET_CALLED:
            return self._called(read_event(payload, wire.TicketCalledEvent))
        if name == events.TICKET_UPDATED:
            return self._ticket_updated(read_event(payload, wire.TicketEvent)["ticket"])
        if name == events.COUNTER_UPDATED:
            return self._counter_updated(read_event(payload, wire.CounterEvent)["counter"])
        if name == events.QUEUE_STATS:
            line = read_event(payload, wire.QueueStatsEvent)["line"]
            self.lines[int(line["service_id"])] = line
            return Applied(changed=True)
        if name == events.CONFIG_UPDATED:
            return Applied(reload=True)
        return Applied()

    def _called(self, payload: wire.TicketCalledEvent) -> Applied:
        announcement = announcement_from_called(payload)
        ticket = payload["ticket"]
        counter = self.counters.get(announcement.counter_id or -1)
        if counter is not None:
            counter.ticket = _ticket(ticket)
            counter.label = announcement.counter_label or counter.label
        # One line per ticket: its newest call replaces the one listed.
        self.last_calls = [c for c in self.last_calls if c.number != announcement.number]
        self.last_calls.insert(
            0,
            CallShown(
                number=announcement.number,
                counter_id=announcement.counter_id,
                counter_label=announcement.counter_label,
                agency=_agency(ticket.get("agency") or {}),
                at=str(ticket.get("called_at") or ""),
                recall=announcement.recall,
                times=int(payload.get("call_count") or ticket.get("call_count") or 1),
            ),
        )
        del self.last_calls[self.keep_calls :]
        fresh = self._known_calls.add(announcement.key)
        return Applied(announcement=announcement if fresh else None, changed=True)

    def _ticket_updated(self, ticket: wire.Ticket) -> Applied:
        called_at = ticket.get("counter")
        at = called_at["id"] if called_at else None
        active = ticket.get("state") in ACTIVE_STATES
        for counter in self.counters.values():
            holds = counter.ticket is not None and counter.ticket.id == ticket["id"]
            if holds and not (active and at == counter.id):
                counter.ticket = None
            elif active and at == counter.id:
                counter.ticket = _ticket(ticket)
        return Applied(changed=True)

    def _counter_updated(self, view: wire.Counter) -> Applied:
        counter = self.counters.get(int(view["id"]))
        if counter is None or view.get("zone") != self.zone_code:
            # A counter added to or moved out of this zone: the snapshot knows its agency.
            return Applied(reload=True)
        counter.label = str(view.get("label", counter.label))
        counter.state = str(view.get("state", counter.state))
        counter.service_ids = [int(s) for s in view.get("service_ids", counter.service_ids)]
        current = view.get("current_ticket_id")
        if current is None:
            counter.ticket = None
        elif counter.ticket is None or counter.ticket.id != current:
            counter.ticket = None
            return Applied(reload=True, changed=True)  # a ticket we never heard of
        return Applied(changed=True)

    # --- what the board lists --------------------------------------------------------

    def recent_calls(self) -> list[CallShown]:
        """One line per ticket, newest call first: a recall moves its ticket to the top
        with the number of times it has been called, instead of pushing other numbers off
        the list as a line of its own (DK-004 called three times is one line, "×3")."""
        at_counters = {
            c.ticket.number: c.ticket.call_count for c in self.counters.values() if c.ticket
        }
        # ``last_calls`` holds each ticket once already (snapshot and live alike); the
        # counter's own count wins when it knows of a call the list did not hear.
        return [
            replace(call, times=max(call.times, at_counters.get(call.number, 0)))
            for call in self.last_calls
        ]

    def service_name(self, service_id: int) -> str:
        service = self._services.get(service_id)
        return str(service.get("name", "")) if service else ""

    def services_of(self, counter: CounterShown) -> list[str]:
        return [name for name in map(self.service_name, counter.service_ids) if name]

    def waiting(self, by: str = "agency") -> list[WaitingShown]:
        """People waiting per line or per agency of this zone, in the hall's order."""
        rows = self._waiting_per_service() if by == "service" else self._waiting_per_agency()
        return [row for _, row in sorted(rows, key=lambda r: r[0])]

    def _agency_id_of(self, service_id: int) -> int:
        service = self._services.get(service_id)
        return int(service.get("agency_id", 0)) if service else 0

    def _waiting_per_service(self) -> list[tuple[tuple[int, int], WaitingShown]]:
        rows = []
        for service_id, line in self.lines.items():
            service = self._services.get(service_id)
            agency = self._agencies.get(self._agency_id_of(service_id))
            position = int(service.get("position", 0)) if service else 0
            shown = WaitingShown(
                name=str(service.get("name", "")) if service else "",
                colour=_colour(agency),
                waiting=int(line.get("waiting", 0)),
                estimated_wait_minutes=int(line.get("estimated_wait_minutes", 0)),
            )
            rows.append(((_position(agency), position), shown))
        return rows

    def _waiting_per_agency(self) -> list[tuple[tuple[int, int], WaitingShown]]:
        totals: dict[int, list[int]] = {}
        for service_id, line in self.lines.items():
            total = totals.setdefault(self._agency_id_of(service_id), [0, 0])
            total[0] += int(line.get("waiting", 0))
            total[1] = max(total[1], int(line.get("estimated_wait_minutes", 0)))
        rows = []
        for agency_id, (waiting, minutes) in totals.items():
            agency = self._agencies.get(agency_id)
            shown = WaitingShown(
                name=str(agency.get("short_name", "")) if agency else "",
                colour=_colour(agency),
                waiting=waiting,
                estimated_wait_minutes=minutes,
            )
            rows.append(((_position(agency), agency_id), shown))
        return rows


def _position(agency: wire.Agency | None) -> int:
    """Where an agency stands in the hall's order (an unknown one first)."""
    return int(agency.get("position", 0)) if agency else 0


def _colour(agency: wire.Agency | None) -> str:
    return str(agency.get("colour") or DEFAULT_COLOUR) if agency else DEFAULT_COLOUR


def _agency(brief: wire.AgencyBrief) -> AgencyShown:
    return AgencyShown(
        code=str(brief.get("code", "")),
        name=str(brief.get("short_name", "")),
        colour=str(brief.get("colour") or DEFAULT_COLOUR),
    )


def _ticket(ticket: wire.Ticket) -> TicketShown:
    return TicketShown(
        id=int(ticket["id"]),
        number=str(ticket["number"]),
        state=str(ticket.get("state", "called")),
        call_count=int(ticket.get("call_count") or 0),
    )
