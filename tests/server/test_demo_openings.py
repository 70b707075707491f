"""The demo hall's special opening: a Disdukcapil Saturday a little ahead of the day the
demo is seeded, which opens Disdukcapil's services and no one else's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.db import Database
from server.demo.seed import seed_demo
from server.models import Agency, Service, SpecialOpening
from shared.opening_hours import SpecialDay, open_at, parse_clock

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_the_demo_opens_disdukcapil_on_the_saturday_after_next(database_url: str) -> None:
    wednesday = dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)
    db = Database(database_url)
    try:
        with db.write() as session:
            seed_demo(session, wednesday.astimezone(dt.UTC))
        with db.read() as session:
            (row,) = session.scalars(select(SpecialOpening)).all()
            opening = (row.date, row.opens, row.closes, row.agency_id, row.name)
            agencies = {a.id: a.code for a in session.scalars(select(Agency))}
            services = {s.code: (s.hours, s.agency_id) for s in session.scalars(select(Service))}
    finally:
        db.dispose()

    day, opens, closes, agency, name = opening
    assert day == dt.date(2026, 12, 12)  # not the coming Saturday: the one after
    assert agencies[agency] == "DK" and name.startswith("Buka khusus Sabtu")
    special = [SpecialDay(day, parse_clock(opens), parse_clock(closes), agency)]
    saturday_nine = dt.datetime(2026, 12, 12, 9, 0, tzinfo=JAKARTA)
    for code, expected in (("DK-KTP", True), ("FO-INFO", False)):
        hours, agency_id = services[code]
        assert open_at(hours, (), special, saturday_nine, agency_id) is expected, code
