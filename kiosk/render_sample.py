"""Render a demo ticket on 58 and 80 mm paper for the docs: ``python -m kiosk.render_sample docs/``.

The answer below has the shape ``POST /api/v1/tickets`` returns, so the pictures show exactly
what a kiosk prints for a real ticket.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kiosk.ticket_layout import TicketLayout, render_image

SITE_NAME = "MPP Kabupaten Tangerang"
FOOTER = "Terima kasih. Simpan tiket ini sampai nomor Anda dipanggil."
PUBLIC_URL = "http://antre.mpp.local"


def demo_answer(priority: str) -> dict[str, Any]:
    """A Disdukcapil ticket issued on Monday 30 November 2026 at 09.00 Jakarta time."""
    return {
        "ticket": {
            "number": "DK-012",
            "prefix": "DK",
            "sequence": 12,
            "status_code": "q7Hk2xPzR4mWc9Ta",
            "service": {"name": "Perekaman/cetak ulang KTP-el"},
            "agency": {"short_name": "Disdukcapil", "colour": "#0B5394"},
            "priority": priority,
            "issued_at": "2026-11-30T02:00:00+00:00",
            "area": {"text": "Lantai 1 — Zona A (Loket 1–4)"},
        },
        "people_ahead": 4,
        "estimated_wait_minutes": 24,
        "open_counters": 3,
    }


def render_samples(folder: Path) -> list[Path]:
    """Write ``ticket-58mm.png`` (a priority ticket for an elderly visitor) and
    ``ticket-80mm.png`` (a regular one) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for paper_mm, priority in ((58, "elderly"), (80, "none")):
        layout = TicketLayout.from_issue(
            demo_answer(priority),
            site_name=SITE_NAME,
            public_url=PUBLIC_URL,
            footer=FOOTER,
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
