"""A booker's phone and NIK: read in the forms people write them, kept as the hall may."""

from __future__ import annotations

import pytest

from server.domain.identity import PersonalDataKey, masked_phone, nik_problem, normalise_phone


@pytest.mark.parametrize(
    "typed",
    ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "(0812) 3456.7890"],
)
def test_a_mobile_number_is_kept_in_one_form(typed: str) -> None:
    assert normalise_phone(typed) == "+6281234567890"


@pytest.mark.parametrize(
    "typed", ["", "0212345678", "+6521234567890", "0812", "08123456789012345", "0812abc45678"]
)
def test_landlines_foreign_and_broken_numbers_are_refused(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_staff_see_a_phone_masked() -> None:
    assert masked_phone("+6281234567890") == "+62 812-****-7890"
    assert masked_phone(None) == ""


def test_a_nik_of_the_right_shape_passes() -> None:
    assert nik_problem("3603125708900001") is None  # Banten, born 17-08-1990 (woman: 57)
    assert nik_problem("3603121708900001") is None


@pytest.mark.parametrize(
    ("nik", "why"),
    [
        ("360312170890001", "16 digits"),
        ("36031217089000a1", "16 digits"),
        ("9903121708900001", "province"),
        ("3603123208900001", "date of birth"),
        ("3603121713900001", "date of birth"),
        ("3603121708900000", "0000"),
    ],
)
def test_a_nik_of_the_wrong_shape_is_refused_with_the_reason(nik: str, why: str) -> None:
    problem = nik_problem(nik)
    assert problem is not None and why in problem


def test_a_nik_is_sealed_so_only_the_same_key_reads_it() -> None:
    key = PersonalDataKey.from_secret("a secret of the hall, long enough")
    sealed = key.encrypt("3603121708900001")
    assert "3603121708900001" not in sealed and sealed != key.encrypt("3603121708900001")
    assert key.decrypt(sealed) == "3603121708900001"
    other = PersonalDataKey.from_secret("another hall's secret, long enough")
    assert other.decrypt(sealed) is None
    assert key.decrypt("v1:broken") is None and key.decrypt("plain") is None


def test_the_keyed_hash_is_stable_per_key_and_kind() -> None:
    key = PersonalDataKey.from_secret("a secret of the hall, long enough")
    assert key.digest("phone", "+6281234567890") == key.digest("phone", "+6281234567890")
    assert key.digest("phone", "x") != key.digest("nik", "x")
    other = PersonalDataKey.from_secret("another hall's secret, long enough")
    assert other.digest("phone", "x") != key.digest("phone", "x")
