"""Booking codes are read forgivingly and never mistaken for one another."""

from __future__ import annotations

import pytest

from shared.booking_code import ALPHABET, LENGTH, new_code, read_code, shown


def test_a_new_code_uses_only_letters_that_cannot_be_misread() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM3XHD",
        "k7qm-3xhd",
        " K7QM 3XHD ",
        "https://antre.mpp.local/b/K7QM3XHD",
        "http://10.0.0.5:5080/b/k7qm-3xhd?lang=en",
    ],
)
def test_what_a_visitor_types_or_a_scanner_sends_is_read_as_the_code(typed: str) -> None:
    assert read_code(typed) == "K7QM3XHD"


def test_letters_that_look_like_digits_are_read_as_the_digits() -> None:
    assert read_code("AOBI-CL22") == "A0B1C122"


@pytest.mark.parametrize(
    "typed", ["", "K7QM3XH", "K7QM3XHDE", "K7QM3XHU", "K7QM3XH!", "x" * 400, "/b/", "\x00" * 8]
)
def test_anything_else_is_not_a_code(typed: str) -> None:
    assert read_code(typed) is None


def test_a_code_is_shown_in_two_groups() -> None:
    assert shown("K7QM3XHD") == "K7QM-3XHD"
