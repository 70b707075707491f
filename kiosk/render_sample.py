"""Render a demo ticket on 58 and 80 mm paper for the docs: ``python -m kiosk.render_sample docs/``.

The answer below has the shape ``POST /api/v1/tickets`` returns, so the pictures show exactly
what a kiosk prints for a real ticket.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.ticket_layout import TicketLayout, render_image
from shared import wire
from shared.states import Priority, TicketSource, TicketState

SITE_NAME = "MPP Kabupaten Tangerang"
FOOTER = "Terima kasih. Simpan tiket ini sampai nomor Anda dipanggil."
PUBLIC_URL = "http://antre.mpp.local"


def demo_answer(priority: Priority) -> wire.Issued:
    """A Disdukcapil ticket issued on Monday 30 November 2026 at 09.00 Jakarta time."""
    agency = wire.AgencyBrief(id=1, code="DK", short_name="Disdukcapil", colour="#0B5394")
    zone = wire.AreaZone(code="A", name="Lantai 1 — Zona A", counters=["Loket 1", "Loket 4"])
    ticket = wire.IssuedTicket(
        id=12,
        number="DK-012",
        prefix="DK",
        sequence=12,
        service=wire.ServiceBrief(id=1, code="DK-KTP", name="Perekaman/cetak ulang KTP-el"),
        agency=agency,
        priority=priority,
        source=TicketSource.KIOSK,
        state=TicketState.WAITING,
        service_date="2026-11-30",
        issued_at="2026-11-30T02:00:00+00:00",
        queued_at="2026-11-30T02:00:00+00:00",
        called_at=None,
        started_at=None,
        finished_at=None,
        call_count=0,
        counter=None,
        target_counter_id=None,
        booked_for=None,
        printed=None,
        status_code="q7Hk2xPzR4mWc9Ta",
        area=wire.WaitingArea(text="Lantai 1 — Zona A (Loket 1–4)", zones=[zone]),
    )
    return wire.Issued(
        ticket=ticket,
        people_ahead=4,
        estimated_wait_minutes=24,
        estimated_wait_seconds=24 * 60,
        open_counters=3,
        wait="wait",
    )


def render_samples(folder: Path) -> list[Path]:
    """Write ``ticket-58mm.png`` (a priority ticket for an elderly visitor) and
    ``ticket-80mm.png`` (a regular one) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for paper_mm, priority in ((58, Priority.ELDERLY), (80, Priority.NONE)):
        layout = TicketLayout.from_issue(
            demo_answer(priority),
            site_name=SITE_NAME,
            public_url=PUBLIC_URL,
            footer=FOOTER,
            survey_line=True,  # the server's default ticket_survey_line
            paper_mm=paper_mm,
        )
        path = folder / f"ticket-{paper_mm}mm.png"
        render_image(layout).save(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs")
    for path in render_samples(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
