"""The ticket a visitor takes home: what it says, in which order, on paper and on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image, ImageChops

from kiosk.texts import TEXTS
from kiosk.ticket_layout import (
    WORDS,
    Feed,
    Logo,
    Qr,
    Rule,
    Text,
    TicketLayout,
    render_escpos,
    render_image,
)
from shared.waits import WAIT_KINDS
from tests.kiosk.fake_printer import raster_images

ESC_INIT = b"\x1b@"
RASTER_IMAGE = b"\x1dv0"  # GS v 0: what python-escpos sends for qr(native=False) and images
CUT = b"\x1dV"


def answer(**ticket: Any) -> dict[str, Any]:
    """What POST /api/v1/tickets answers (server/domain/payloads.py ticket_payload), trimmed."""
    people_ahead = ticket.pop("people_ahead", 3)
    wait = ticket.pop("estimated_wait_minutes", 15)
    open_counters = ticket.pop("open_counters", 2)
    told = {"wait": ticket.pop("wait")} if "wait" in ticket else {}
    base = {
        "id": 7,
        "number": "DK-012",
        "prefix": "DK",
        "sequence": 12,
        "status_code": "q7Hk2xPzR4mWc9Ta",
        "service": {"id": 1, "code": "ktp", "name": "Perekaman KTP-el"},
        "agency": {"id": 1, "code": "DK", "short_name": "Disdukcapil", "colour": "#0B5394"},
        "priority": "none",
        "source": "kiosk",
        "state": "waiting",
        "issued_at": "2026-11-30T02:00:00+00:00",  # 09.00 in Jakarta
        "area": {"text": "Lantai 1 — Zona A (Loket 1–3)"},
    }
    base.update(ticket)
    return {
        "ticket": base,
        "people_ahead": people_ahead,
        "estimated_wait_minutes": wait,
        "open_counters": open_counters,
        **told,
    }


def layout(language: str = "id", paper_mm: int = 80, **ticket: Any) -> TicketLayout:
    return TicketLayout.from_issue(
        answer(**ticket),
        site_name="MPP Kabupaten Tangerang",
        public_url="http://antre.mpp.local/",
        footer="Terima kasih. Simpan tiket ini sampai nomor Anda dipanggil.",
        language=language,
        paper_mm=paper_mm,
    )


def scan(image: Image.Image) -> list[str]:
    """What a phone camera reads in the picture: the texts of the QR codes it finds."""
    return [found.text for found in zxingcpp.read_barcodes(image)]


def lines(ticket: TicketLayout) -> list[str]:
    return [b.content for b in ticket.blocks() if isinstance(b, Text)]


def printed(ticket: TicketLayout) -> bytes:
    printer = Dummy()
    render_escpos(ticket, printer)
    return printer.output


def test_ticket_reads_top_to_bottom_site_agency_service_number_time_wait_qr_footer() -> None:
    ticket = layout(priority="elderly")
    kinds = [type(b).__name__ for b in ticket.blocks()]
    text = lines(ticket)

    order = [
        text.index("MPP Kabupaten Tangerang"),
        text.index("Disdukcapil"),
        text.index("Perekaman KTP-el"),
        text.index("DK-012"),
        text.index(" PRIORITAS – LANSIA "),
        text.index("Senin, 30 November 2026 09.00"),
        text.index("Antrean di depan Anda: 3"),
    ]
    assert order == sorted(order)
    qr_at = kinds.index("Qr")
    assert kinds.count("Qr") == 1
    assert [b for b in ticket.blocks()[qr_at + 1 :] if isinstance(b, Text)][-1].content == (
        "sampai nomor Anda dipanggil."
    )


def test_the_number_is_the_largest_print() -> None:
    for paper_mm in (58, 80):
        blocks = [b for b in layout(paper_mm=paper_mm).blocks() if isinstance(b, Text)]
        biggest = max(blocks, key=lambda b: b.size)
        assert biggest.content == "DK-012"
        assert biggest.bold
        assert [b for b in blocks if b.size == biggest.size] == [biggest]


def test_qr_opens_the_tickets_public_status_page() -> None:
    qrs = [b for b in layout().blocks() if isinstance(b, Qr)]
    assert qrs == [Qr("http://antre.mpp.local/t/q7Hk2xPzR4mWc9Ta")]


def test_time_is_printed_in_indonesian_in_the_halls_time_zone() -> None:
    # 16.30 UTC on Sunday is 23.30 the same Sunday in Jakarta; 17.30 UTC is Monday 00.30.
    assert "Minggu, 29 November 2026 23.30" in lines(layout(issued_at="2026-11-29T16:30:00Z"))
    assert "Senin, 30 November 2026 00.30" in lines(layout(issued_at="2026-11-29T17:30:00Z"))


def test_time_in_english_for_an_english_kiosk() -> None:
    assert "Monday, 30 November 2026 09:00" in lines(layout(language="en"))


@pytest.mark.parametrize(
    ("priority", "indonesian", "english"),
    [
        ("elderly", "PRIORITAS – LANSIA", "PRIORITY – ELDERLY"),
        ("disabled", "PRIORITAS – DISABILITAS", "PRIORITY – DISABILITY"),
        ("pregnant", "PRIORITAS – IBU HAMIL", "PRIORITY – PREGNANT"),
        ("child", "PRIORITAS – ANAK", "PRIORITY – CHILD"),
    ],
)
def test_priority_ticket_carries_its_mark_in_both_languages(
    priority: str, indonesian: str, english: str
) -> None:
    marks_id = [b for b in layout(priority=priority).blocks() if isinstance(b, Text) and b.invert]
    marks_en = [
        b for b in layout("en", priority=priority).blocks() if isinstance(b, Text) and b.invert
    ]
    assert [b.content.strip() for b in marks_id] == [indonesian]
    assert [b.content.strip() for b in marks_en] == [english]


def test_regular_ticket_has_no_priority_mark() -> None:
    text = " ".join(lines(layout()))
    assert "PRIORITAS" not in text
    assert not [b for b in layout().blocks() if isinstance(b, Text) and b.invert]


def test_people_ahead_and_estimated_wait_in_the_visitors_language() -> None:
    indonesian = lines(layout(people_ahead=4, estimated_wait_minutes=24))
    ahead = indonesian.index("Antrean di depan Anda: 4")
    assert indonesian[ahead + 1] == "Perkiraan tunggu: ±24 menit"
    english = lines(layout("en", people_ahead=4, estimated_wait_minutes=24))
    assert "People ahead of you: 4" in english
    assert "Estimated wait: about 24 min" in english


def test_first_in_line_is_told_they_are_next_not_zero_minutes() -> None:
    text = lines(layout(people_ahead=0, estimated_wait_minutes=0))
    assert "Antrean di depan Anda: 0 · Anda berikutnya" in text
    assert not [line for line in text if "±0" in line]


def test_nobody_ahead_of_a_line_no_counter_has_opened_is_not_told_they_are_next() -> None:
    text = lines(layout(people_ahead=0, estimated_wait_minutes=0, open_counters=0))
    assert "Anda berikutnya" not in " ".join(text)
    assert "Menunggu loket dibuka" in " ".join(text)


def test_a_line_on_a_break_is_told_so_on_paper_with_the_wait_where_the_server_knows_it() -> None:
    on_break = lines(
        layout(people_ahead=2, estimated_wait_minutes=35, open_counters=0, wait="break")
    )
    assert "Antrean di depan Anda: 2" in on_break
    assert "Istirahat, perkiraan ±35 menit" in on_break
    paused = " ".join(lines(layout(people_ahead=2, open_counters=0, wait="paused")))
    assert "Loket sedang istirahat" in paused
    assert "±" not in paused and "Menunggu loket dibuka" not in paused
    english = " ".join(
        lines(layout("en", estimated_wait_minutes=35, open_counters=0, wait="break"))
    )
    assert "Counters on break: about 35 min" in english


def test_a_wording_the_kiosk_does_not_know_falls_back_to_the_figures() -> None:
    """A newer server's wording, or none from an older one: the kiosk words the figures."""
    for told in ({"wait": "later"}, {"wait": None}, {}):
        text = " ".join(lines(layout(people_ahead=0, open_counters=0, **told)))
        assert "Menunggu loket dibuka" in text


def test_a_wait_under_a_minute_reads_soon_not_zero_minutes() -> None:
    text = lines(layout(people_ahead=2, estimated_wait_minutes=0))
    assert "Antrean di depan Anda: 2 · segera" in text


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_the_ticket_says_where_to_wait_on_paper(paper_mm: int) -> None:
    ticket = layout(paper_mm=paper_mm)
    said = " ".join(lines(ticket))
    assert "Tunggu di: Lantai 1 — Zona A (Loket 1–3)" in said
    assert not [line for line in lines(ticket) if line.startswith("—")]
    data = printed(ticket)
    assert b"Tunggu di:" in data and b"Lantai 1 - Zona A (Loket 1-3)" in data
    english = " ".join(lines(layout("en", paper_mm=paper_mm)))
    assert "Wait at: Lantai 1 — Zona A (Loket 1–3)" in english


def test_long_service_names_wrap_to_the_paper_width() -> None:
    name = "Pelayanan Administrasi Kependudukan: Perekaman dan Pencetakan Ulang KTP Elektronik"
    narrow = layout(paper_mm=58, service={"name": name})
    wide = layout(paper_mm=80, service={"name": name})

    for ticket, columns in ((narrow, 32), (wide, 48)):
        for block in ticket.blocks():
            if isinstance(block, Text):
                assert len(block.content) * block.size <= columns, block
    service_lines = [line for line in lines(narrow) if line in name]
    assert len(service_lines) == 3
    assert " ".join(service_lines) == name
    assert len([line for line in lines(wide) if line in name]) == 2


def test_a_long_number_shrinks_to_stay_on_one_line() -> None:
    ticket = layout(paper_mm=58, number="DKC-1234")
    number = next(b for b in ticket.blocks() if isinstance(b, Text) and b.content == "DKC-1234")
    assert len("DKC-1234") * number.size * 12 <= 384


def test_footer_comes_from_the_site_settings_and_may_be_left_out() -> None:
    ticket = TicketLayout.from_issue(
        answer(), site_name="MPP", public_url="http://x", footer="", paper_mm=58
    )
    assert not any(isinstance(b, Rule) for b in ticket.blocks()[3:])
    assert lines(ticket)[-1] == "Pindai untuk cek posisi antrean"


def test_unknown_paper_width_or_language_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="58 or 80"):
        layout(paper_mm=76)
    with pytest.raises(ValueError, match="language"):
        layout(language="jv")
    incomplete = answer()
    del incomplete["ticket"]["status_code"]
    with pytest.raises(ValueError, match="status_code"):
        TicketLayout.from_issue(incomplete, site_name="MPP", public_url="http://x")


# --- on paper ------------------------------------------------------------------------------


def test_printed_ticket_starts_with_init_carries_number_and_qr_and_ends_with_cut() -> None:
    data = printed(layout())
    assert data.startswith(ESC_INIT)
    assert b"DK-012" in data
    assert b"Disdukcapil" in data
    assert data.count(RASTER_IMAGE) == 1
    assert data.index(b"DK-012") < data.index(RASTER_IMAGE) < data.rindex(CUT)
    assert data.endswith(b"\x1bd\x06" + CUT + b"\x00")  # feed past the cutter, full cut


def test_number_is_printed_magnified_with_gs_exclamation() -> None:
    data = printed(layout(paper_mm=58))
    size = 5 - 1  # GS ! n: (width - 1) << 4 | (height - 1)
    magnified = b"\x1d!" + bytes([size << 4 | size])
    assert magnified in data
    assert data.index(magnified) < data.index(b"DK-012")


@pytest.mark.parametrize(("paper_mm", "width_bytes"), [(58, 384 // 8), (80, 576 // 8)])
def test_qr_is_centred_on_the_paper_width(paper_mm: int, width_bytes: int) -> None:
    data = printed(layout(paper_mm=paper_mm))
    header = data[data.index(RASTER_IMAGE) :][:8]
    assert int.from_bytes(header[4:6], "little") == width_bytes


def test_priority_mark_is_printed_in_reverse() -> None:
    data = printed(layout(priority="pregnant"))
    reverse_on = b"\x1dB\x01"
    assert data.index(reverse_on) < data.index(b"PRIORITAS - IBU HAMIL")


def test_printer_text_stays_in_the_default_code_page() -> None:
    data = printed(layout(priority="elderly", language="en"))
    assert b"PRIORITY - ELDERLY" in data
    selects = {data[i + 2] for i in range(len(data) - 2) if data[i : i + 2] == b"\x1bt"}
    assert selects <= {0}


def test_logo_is_printed_above_the_site_name_when_configured(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (600, 200), "navy").save(logo)
    ticket = TicketLayout.from_issue(
        answer(), site_name="MPP", public_url="http://x", logo_path=str(logo), paper_mm=58
    )
    assert ticket.blocks()[0] == Logo(str(logo))
    data = printed(ticket)
    assert data.count(RASTER_IMAGE) == 2
    assert data.index(RASTER_IMAGE) < data.index(b"MPP")


def test_a_missing_logo_file_leaves_the_logo_out_but_prints_the_ticket(tmp_path: Path) -> None:
    ticket = TicketLayout.from_issue(
        answer(), site_name="MPP", public_url="http://x", logo_path=str(tmp_path / "nope.png")
    )
    data = printed(ticket)
    assert data.count(RASTER_IMAGE) == 1
    assert b"DK-012" in data
    assert render_image(ticket).width == 576


# --- on screen -----------------------------------------------------------------------------


@pytest.mark.parametrize(("paper_mm", "width"), [(58, 384), (80, 576)])
def test_on_screen_ticket_is_as_wide_as_the_paper_in_dots(paper_mm: int, width: int) -> None:
    image = render_image(layout(paper_mm=paper_mm))
    assert image.width == width
    assert image.height > width  # a ticket is a strip of paper, taller than wide
    darkest, lightest = image.convert("L").getextrema()
    assert (darkest, lightest) == (0, 255)


def test_on_screen_number_is_the_tallest_text() -> None:
    def changed_height(a: TicketLayout, b: TicketLayout) -> int:
        box = ImageChops.difference(render_image(a), render_image(b)).getbbox()
        assert box is not None
        return box[3] - box[1]

    number = changed_height(layout(paper_mm=58), layout(paper_mm=58, number="DK-013"))
    agency = changed_height(
        layout(paper_mm=58), layout(paper_mm=58, agency={"short_name": "Disdukcapol"})
    )
    service = changed_height(
        layout(paper_mm=58), layout(paper_mm=58, service={"name": "Perekaman KTP-al"})
    )
    assert number > 2 * agency > 2 * service


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_a_phone_reads_the_status_link_from_the_paper_and_from_the_screen(paper_mm: int) -> None:
    ticket = layout(paper_mm=paper_mm)
    on_paper = raster_images(printed(ticket))
    on_screen = render_image(ticket)

    assert [scan(image) for image in on_paper] == [["http://antre.mpp.local/t/q7Hk2xPzR4mWc9Ta"]]
    assert scan(on_screen) == ["http://antre.mpp.local/t/q7Hk2xPzR4mWc9Ta"]


def test_feeds_and_rules_are_blocks_both_renderers_know() -> None:
    kinds = {type(b) for b in layout(priority="child").blocks()}
    assert kinds == {Text, Qr, Rule, Feed}


def test_every_wording_of_the_wait_has_its_words_on_paper_and_on_screen() -> None:
    for kind in WAIT_KINDS:
        for language in ("id", "en"):
            assert WORDS[language][kind]
            assert TEXTS[f"ticket.{kind}"][language]


def test_a_break_is_said_on_the_kiosk_s_screen_in_no_more_than_a_closed_line() -> None:
    """The closed line fits one line on a portrait 1080x1920 screen (docs/kiosk)."""
    for language in ("id", "en"):
        for kind in ("paused", "break"):
            said = TEXTS[f"ticket.{kind}"][language].format(m=99)
            assert len(said) <= len(TEXTS["ticket.closed"][language]), said
