"""The printed ticket's survey line: under the QR, the hall's setting decides whether the
ticket says that the same code rates the service once served (docs/skm.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.printer import PrinterConfig, TicketPrinter
from kiosk.ticket_layout import Text, TicketLayout
from kiosk.ticket_printing import KioskPrinter
from tests.conftest import Api
from tests.factories import Hall
from tests.kiosk.fake_printer import FakeNetworkPrinter, raster_images
from tests.kiosk.test_printer_text import issued_from
from tests.kiosk.test_ticket_layout import answer, lines, scan


def with_line(language: str = "id", paper_mm: int = 80) -> TicketLayout:
    return TicketLayout.from_issue(
        answer(),
        site_name="MPP Kabupaten Tangerang",
        public_url="http://antre.mpp.local/",
        survey_line=True,
        language=language,
        paper_mm=paper_mm,
    )


def test_the_survey_line_comes_right_under_the_qrs_own_line_in_the_tickets_language() -> None:
    for language, scan_words, first_words in (
        ("id", "Pindai untuk cek posisi antrean", "Nilai layanan kami"),
        ("en", "Scan to follow your queue", "Rate our service"),
    ):
        text = lines(with_line(language))
        after_scan = text[text.index(scan_words) + 1]
        assert after_scan.startswith(first_words)


def test_on_narrow_paper_the_survey_line_wraps_within_the_line() -> None:
    ticket = with_line(paper_mm=58)
    survey = [b for b in ticket.blocks() if isinstance(b, Text) and b.bold and "QR" in b.content]
    joined = " ".join(b.content for b in ticket.blocks() if isinstance(b, Text))
    assert "Nilai layanan kami: pindai kode QR ini setelah dilayani" in joined
    assert survey and all(len(b.content) <= 32 for b in survey)


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as printer:
        yield printer


def print_one(api: Api, hall: Hall, fake: FakeNetworkPrinter) -> bytes:
    """A ticket issued by the kiosk and printed on a network printer, with the hall's
    settings as ``GET /api/v1/config`` gives them; the bytes the printer received."""
    kiosk = api.as_device("kiosk")
    config = PrinterConfig(kind="network", host=fake.host, port=fake.port, timeout=1.0)
    printer = KioskPrinter(TicketPrinter(config), server_url="http://antre.mpp.local")
    printer.apply_config(kiosk.get("/api/v1/config").get_json())
    issued = issued_from(kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp}))
    printer.print_issued(issued, "id")
    [job] = fake.wait_for_closed(1)
    return bytes(job.printed)


def test_by_default_the_printed_ticket_invites_the_survey_and_its_qr_opens_the_ticket_page(
    api: Api, hall: Hall, fake_printer: FakeNetworkPrinter
) -> None:
    printed = print_one(api, hall, fake_printer)

    # wrapped evenly over two lines of the 80 mm paper's 48 characters
    assert b"Nilai layanan kami: pindai\n" in printed
    assert b"kode QR ini setelah dilayani\n" in printed
    [qr] = raster_images(printed)
    [link] = scan(qr)
    assert link.startswith("http://antre.mpp.local/t/")
    assert printed.index(b"Pindai untuk cek") < printed.index(b"Nilai layanan kami")


def test_a_hall_that_turns_the_line_off_prints_none(
    api: Api, hall: Hall, fake_printer: FakeNetworkPrinter
) -> None:
    admin = api.as_user("admin")
    changed = admin.patch("/api/v1/settings", json={"ticket_survey_line": 0})
    assert changed.status_code == 200, changed.get_json()

    printed = print_one(api, hall, fake_printer)

    assert b"Nilai layanan" not in printed
    assert b"Pindai untuk cek posisi antrean" in printed
