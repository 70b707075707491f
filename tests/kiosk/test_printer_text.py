"""Only printable characters of the printer's code page reach it.

The security review found ESC p (kick the cash drawer) and GS V (cut) in the ESC/POS
output, taken from a site name and a footer an admin had typed. The server now refuses
them at input, but a row stored before that, or an older server, may still send them:
the kiosk drops every control character on its way to ``text()``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from kiosk.printer import PrinterConfig, TicketPrinter, render_job
from kiosk.ticket_layout import TicketLayout, printable
from kiosk.ticket_printing import KioskPrinter
from server.models import Setting
from shared.api_client import Issued
from tests.conftest import Api
from tests.factories import Hall
from tests.kiosk.test_ticket_layout import answer

DRAWER_KICK = b"\x1bp"  # ESC p m t1 t2
CUT = b"\x1dV"  # GS V: python-escpos sends one, at the end of the ticket

DIRTY_SITE = "MPP\x1bp\x00\x19\xfa Tangerang\x07"
DIRTY_FOOTER = "Terima kasih\x1dV\x00\x0b\x9bJ\x7f"


def job(site_name: str, footer: str) -> bytes:
    layout = TicketLayout.from_issue(
        answer(), site_name=site_name, public_url="http://antre.mpp.local/", footer=footer
    )
    return render_job(layout)


def test_control_characters_in_the_site_name_and_footer_never_reach_the_printer() -> None:
    printed = job(DIRTY_SITE, DIRTY_FOOTER)

    assert DRAWER_KICK not in printed
    assert printed.count(CUT) == 1 and printed.endswith(CUT + b"\x00")
    # The same bytes as the text without its controls (GS and VT end a line, as in
    # Python's ``splitlines``): nothing else changed.
    assert printed == job("MPPpú Tangerang", "Terima kasih\nV\nJ")


def test_characters_the_code_page_lacks_are_printed_as_question_marks() -> None:
    assert job("MPP 北京", "") == job("MPP ??", "")


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Loket 1–3 · Zona A", "Loket 1-3 · Zona A"),
        ("Café", "Café"),
        ("a\u200bb\u202ec", "abc"),  # zero width space, right-to-left override
        ("tab\there", "tabhere"),
        ("😀", "?"),
    ],
)
def test_printable_keeps_what_the_code_page_prints(typed: str, printed: str) -> None:
    assert printable(typed) == printed


def issued_from(response: Any) -> Issued:
    body = response.get_json()
    return Issued(
        ticket=body["ticket"],
        people_ahead=body["people_ahead"],
        estimated_wait_minutes=body["estimated_wait_minutes"],
        replayed=False,
        open_counters=body.get("open_counters", 1),
    )


def test_a_site_name_and_footer_stored_before_the_check_never_reach_the_printer(
    app: Flask, api: Api, hall: Hall
) -> None:
    with app.extensions["antre"].db.write() as session:
        session.add(Setting(key="site_name", value=DIRTY_SITE))
        session.add(Setting(key="ticket_footer", value=DIRTY_FOOTER))
    kiosk = api.as_device("kiosk")
    printer = KioskPrinter(TicketPrinter(PrinterConfig(kind="dummy")), server_url="http://x")
    printer.apply_config(kiosk.get("/api/v1/config").get_json())

    printer.print_issued(
        issued_from(kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp})), "id"
    )

    printed = printer.printer.last_job
    assert printed is not None
    assert DRAWER_KICK not in printed
    assert printed.count(CUT) == 1
