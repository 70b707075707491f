"""How a ticket number is written on the ticket and the boards."""

from __future__ import annotations

import dataclasses

import pytest

from shared.numbering import DEFAULT_SEPARATOR, DEFAULT_WIDTH, NumberFormat


@pytest.mark.parametrize(
    ("separator", "width", "prefix", "sequence", "written"),
    [
        ("-", 3, "DK", 7, "DK-007"),
        ("-", 3, "A", 1, "A-001"),
        ("-", 3, "SM", 999, "SM-999"),
        ("", 4, "DK", 12, "DK0012"),
        (".", 2, "P", 5, "P.05"),
        (" ", 1, "IM", 3, "IM 3"),
    ],
)
def test_prefix_separator_and_zero_padded_sequence(
    separator: str, width: int, prefix: str, sequence: int, written: str
) -> None:
    assert NumberFormat(separator=separator, width=width).format(prefix, sequence) == written


def test_the_default_is_a_dash_and_three_digits() -> None:
    assert (DEFAULT_SEPARATOR, DEFAULT_WIDTH) == ("-", 3)
    assert NumberFormat().format("DK", 12) == "DK-012"


def test_a_sequence_longer_than_the_width_is_written_whole() -> None:
    """A busy day past 999 must not wrap to a number someone already holds."""
    assert NumberFormat().format("DK", 1000) == "DK-1000"
    assert NumberFormat(width=2).format("DK", 123) == "DK-123"


def test_numbers_of_one_day_are_all_different() -> None:
    fmt = NumberFormat()
    written = {fmt.format("DK", n) for n in range(1, 2501)}
    assert len(written) == 2500


def test_a_format_cannot_be_changed_in_place() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        NumberFormat().width = 4  # type: ignore[misc]
