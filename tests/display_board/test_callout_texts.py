"""The words each call is announced with: the site's template through the server, or
the board's own template, in Indonesian and English."""

from __future__ import annotations

import pytest

from display_board.announcements import (
    announcement_from_called,
    announcement_from_last_call,
    split_number,
)
from display_board.clips import ClipSequence
from shared.callout import DEFAULT_TEMPLATE_EN, DEFAULT_TEMPLATE_ID, CallOut

TABLE = [
    # number, counter, Indonesian, English
    ("A-001", "Loket 1",
     "Nomor antrean, a, satu, silakan menuju loket satu, Informasi",
     "Ticket number, A, one, please go to counter one, Informasi"),
    ("B-010", "Loket 2",
     "Nomor antrean, be, sepuluh, silakan menuju loket dua, Informasi",
     "Ticket number, B, ten, please go to counter two, Informasi"),
    ("C-011", "Loket 10",
     "Nomor antrean, ce, sebelas, silakan menuju loket sepuluh, Informasi",
     "Ticket number, C, eleven, please go to counter ten, Informasi"),
    ("D-100", "Loket 11",
     "Nomor antrean, de, seratus, silakan menuju loket sebelas, Informasi",
     "Ticket number, D, one hundred, please go to counter eleven, Informasi"),
    ("P-999", "Loket 77",
     "Nomor antrean, pe, sembilan ratus sembilan puluh sembilan, silakan menuju loket "
     "tujuh puluh tujuh, Informasi",
     "Ticket number, P, nine hundred ninety-nine, please go to counter seventy-seven, "
     "Informasi"),
    ("DK-012", "Loket 3",
     "Nomor antrean, de ka, dua belas, silakan menuju loket tiga, Informasi",
     "Ticket number, D K, twelve, please go to counter three, Informasi"),
    ("BK-215", "Loket 40",
     "Nomor antrean, be ka, dua ratus lima belas, silakan menuju loket empat puluh, Informasi",
     "Ticket number, B K, two hundred fifteen, please go to counter forty, Informasi"),
]  # fmt: skip


def ticket(number: str, counter: str) -> dict[str, object]:
    prefix, sequence = number.split("-")
    return {
        "id": 1, "number": number, "prefix": prefix, "sequence": int(sequence),
        "call_count": 1, "called_at": "2026-11-30T02:00:00+00:00", "state": "called",
        "counter": {"id": 9, "label": counter},
        "agency": {"code": "FO", "short_name": "Informasi", "colour": "#3949AB"},
    }  # fmt: skip


def last_call(number: str, counter: str) -> dict[str, object]:
    t = ticket(number, counter)
    return {"number": number, "counter": counter, "counter_id": 9, "agency": t["agency"],
            "at": t["called_at"], "recall": False}  # fmt: skip


def test_a_listed_number_is_split_by_the_sites_format() -> None:
    assert split_number("DK-012") == ("DK", 12)
    assert split_number("DK012", "") == ("DK", 12)
    assert split_number("A/0999", "/") == ("A", 999)
    with pytest.raises(ValueError):
        split_number("DK-")


@pytest.mark.parametrize(("number", "counter", "indonesian", "english"), TABLE)
def test_a_call_is_announced_in_these_words(
    number: str, counter: str, indonesian: str, english: str
) -> None:
    # As the server words it (shared.callout, the site's default templates) ...
    callout = CallOut(number.split("-")[0], int(number.split("-")[1]), counter, "Informasi")
    assert callout.text_id(DEFAULT_TEMPLATE_ID) == indonesian
    assert callout.text_en(DEFAULT_TEMPLATE_EN) == english
    # ... as the board takes it from a ticket.called push ...
    pushed = announcement_from_called(
        {"ticket": ticket(number, counter), "counter": {"id": 9, "label": counter},
         "announce": {"id": indonesian, "en": english}}
    )  # fmt: skip
    assert (pushed.text("id"), pushed.text("en")) == (indonesian, english)
    # ... and as it words a call it found in a snapshot after a reconnect.
    found = announcement_from_last_call(last_call(number, counter), {"id": "", "en": ""})
    assert (found.text("id"), found.text("en")) == (indonesian, english)


def test_the_board_may_word_calls_its_own_way() -> None:
    pushed = announcement_from_called(
        {"ticket": ticket("DK-012", "Loket 3"), "announce": {"id": "site words"}}
    )
    assert pushed.text("id") == "site words"
    mine = "Antrean {prefix} {number}, ke {counter}"
    assert pushed.text("id", mine) == "Antrean de ka dua belas, ke loket tiga"


def test_a_snapshot_call_uses_the_sites_own_template() -> None:
    found = announcement_from_last_call(
        last_call("DK-012", "Loket 3"), {"id": "Panggilan {prefix} {number} di {counter}"}
    )
    assert found.text("id") == "Panggilan de ka dua belas di loket tiga"
    assert found.text("en").startswith("Ticket number, D K, twelve")


@pytest.mark.parametrize(
    ("number", "counter", "clips"),
    [
        ("A-001", "Loket 1", ["huruf_a", "satu", "silakan_menuju_loket", "satu"]),
        ("B-010", "Loket 2", ["huruf_b", "sepuluh", "silakan_menuju_loket", "dua"]),
        ("C-011", "Loket 10", ["huruf_c", "sebelas", "silakan_menuju_loket", "sepuluh"]),
        ("D-100", "Loket 11", ["huruf_d", "seratus", "silakan_menuju_loket", "sebelas"]),
        ("P-999", "Loket 77", ["huruf_p", "sembilan", "ratus", "sembilan", "puluh", "sembilan",
                               "silakan_menuju_loket", "tujuh", "puluh", "tujuh"]),
        ("DK-012", "Loket 3", ["huruf_d", "huruf_k", "dua", "belas", "silakan_menuju_loket",
                               "tiga"]),
    ],
)  # fmt: skip
def test_the_same_calls_in_recorded_clips(number: str, counter: str, clips: list[str]) -> None:
    announcement = announcement_from_called({"ticket": ticket(number, counter)})
    names = [c.name for c in ClipSequence().for_call(announcement.callout) if not c.optional]
    assert names == ["nomor_antrean", *clips]


def test_a_last_call_with_prefix_and_sequence_is_not_parsed_from_its_number() -> None:
    call = {**last_call("DK-012", "Loket 3"), "prefix": "DK", "sequence": 12}
    # A board set up with another separator would read "DK-" as the prefix.
    found = announcement_from_last_call(call, {"id": "", "en": ""}, separator="/")
    assert (found.callout.prefix, found.callout.sequence) == ("DK", 12)
