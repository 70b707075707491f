"""The words the hall hears when a number is called (docs/design.md#call-out):
``DK-012`` -> "Nomor antrean, de ka, dua belas, silakan menuju loket tiga, Disdukcapil"."""

from __future__ import annotations

import itertools

import pytest

from shared.callout import (
    DEFAULT_TEMPLATE_EN,
    DEFAULT_TEMPLATE_ID,
    CallOut,
    check_template,
    number_words_en,
    number_words_id,
    spell_prefix_id,
)

PREFIX_AND_NUMBER = "{prefix}, {number}"


@pytest.mark.parametrize(
    ("prefix", "sequence", "spoken"),
    [
        ("A", 1, "a, satu"),
        ("B", 10, "be, sepuluh"),
        ("C", 11, "ce, sebelas"),
        ("D", 100, "de, seratus"),
        ("P", 999, "pe, sembilan ratus sembilan puluh sembilan"),
        ("T", 12, "te, dua belas"),
        ("Q", 20, "ki, dua puluh"),
        ("X", 101, "eks, seratus satu"),
        ("Z", 110, "zet, seratus sepuluh"),
        ("W", 111, "we, seratus sebelas"),
        ("V", 215, "ve, dua ratus lima belas"),
        ("DK", 7, "de ka, tujuh"),
        ("SM", 1000, "es em, seribu"),
    ],
)
def test_a_number_is_read_by_its_letters_and_as_words(
    prefix: str, sequence: int, spoken: str
) -> None:
    callout = CallOut(prefix, sequence, "Loket 1", "Disdukcapil")
    assert callout.text_id(PREFIX_AND_NUMBER) == spoken


def test_the_whole_indonesian_call() -> None:
    callout = CallOut(prefix="DK", sequence=12, counter_label="Loket 3", agency_name="Disdukcapil")
    assert callout.text_id() == (
        "Nomor antrean, de ka, dua belas, silakan menuju loket tiga, Disdukcapil"
    )


def test_the_whole_english_call() -> None:
    callout = CallOut(prefix="DK", sequence=12, counter_label="Loket 3", agency_name="Disdukcapil")
    assert callout.text_en() == (
        "Ticket number, D K, twelve, please go to counter three, Disdukcapil"
    )


def test_letters_that_sound_alike_keep_distinct_names() -> None:
    spoken = [spell_prefix_id(letter) for letter in "BPDT"]
    assert spoken == ["be", "pe", "de", "te"]


def test_a_two_digit_counter_label_is_spoken_as_a_number() -> None:
    callout = CallOut(prefix="IM", sequence=5, counter_label="Loket 21", agency_name="Imigrasi")
    assert callout.text_id() == (
        "Nomor antrean, i em, lima, silakan menuju loket dua puluh satu, Imigrasi"
    )


_UNITS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4,
    "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
}  # fmt: skip
_SE = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
_SCALE = {"puluh": 10, "ratus": 100}


def read_back(words: str) -> int:
    """The number a listener hears in Indonesian words below a thousand."""
    total, unit = 0, 0
    for word in words.split(" "):
        if word in _UNITS:
            unit = _UNITS[word]
        elif word in _SE:
            total += _SE[word]
        elif word == "belas":
            total, unit = total + 10 + unit, 0
        elif word in _SCALE:
            total, unit = total + unit * _SCALE[word], 0
        else:
            raise AssertionError(f"not a number word: {word!r} in {words!r}")
    return total + unit


def test_every_number_up_to_999_is_spoken_and_heard_back_as_itself() -> None:
    for n in range(1000):
        words = number_words_id(n)
        assert words and words == words.strip() and "  " not in words, n
        assert read_back(words) == n, (n, words)


def test_one_ten_hundred_use_the_se_forms() -> None:
    """Indonesian says "seratus", never "satu ratus" (nor "satu puluh", "satu belas")."""
    for n in range(1, 1000):
        words = number_words_id(n).split(" ")
        pairs = set(itertools.pairwise(words))
        assert not pairs & {("satu", "ratus"), ("satu", "puluh"), ("satu", "belas")}, n
        assert "nol" not in words, n  # zero is never spoken inside a number


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "zero"), (13, "thirteen"), (40, "forty"), (42, "forty-two"), (305, "three hundred five")],
)
def test_english_number_words(n: int, words: str) -> None:
    assert number_words_en(n) == words


@pytest.mark.parametrize("n", [-1, 1_000_000])
def test_numbers_out_of_range_are_refused(n: int) -> None:
    with pytest.raises(ValueError):
        number_words_id(n)
    with pytest.raises(ValueError):
        number_words_en(n)


@pytest.mark.parametrize(
    "template",
    [
        DEFAULT_TEMPLATE_ID,
        DEFAULT_TEMPLATE_EN,
        "{prefix} {number}",
        "Antrean {prefix}-{number} ke {counter} ({agency}), {{harap tenang}}",
        "Tanpa isian",
    ],
)
def test_templates_with_the_known_placeholders_are_accepted(template: str) -> None:
    check_template(template)


@pytest.mark.parametrize(
    "template",
    [
        "Nomor {nomor}",  # unknown name
        "Nomor {0}",  # positional
        "Nomor {}",
        "Nomor {prefix",  # unclosed
        "Nomor prefix}",
        "{counter[0]}",  # indexing into a value
        "{prefix.foo}",  # attribute lookups reach into Python objects
        "{prefix.upper}",
    ],
)
def test_templates_with_anything_else_are_refused(template: str) -> None:
    with pytest.raises(ValueError):
        check_template(template)
