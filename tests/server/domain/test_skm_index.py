"""The IKM arithmetic of PermenPANRB 14/2017, checked against sums done by hand, the
regulation's interval borders and the published Krejcie–Morgan table."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from server.domain.skm.index import (
    Grade,
    compute_index,
    minimum_sample,
    nrr_grade,
    rounded,
    unit_grade,
)
from server.domain.skm.questionnaire import ELEMENTS, PROFILE


def index_of(answers: list[list[int]]):  # type: ignore[no-untyped-def]
    """The index of respondents' answers, each a list of nine values (U1..U9)."""
    totals = [sum(r[i] for r in answers) for i in range(9)]
    return compute_index(totals, [len(answers)] * 9)


def test_everyone_answering_4_gives_exactly_100_and_an_a() -> None:
    index = index_of([[4] * 9] * 7)
    assert index is not None
    assert index.unit == 100
    assert index.unit_rounded == Decimal("100.00")
    assert index.grade == Grade.A
    assert index.grade.label_id == "Sangat Baik"


def test_the_regulations_rounded_weight_would_not_reach_100() -> None:
    # Why the weight is 1/9 and not the 0.111 printed in the regulation.
    assert 4 * 9 * Decimal("0.111") * 25 == Decimal("99.900")


def test_everyone_answering_1_gives_exactly_25_and_a_d() -> None:
    index = index_of([[1] * 9] * 3)
    assert index is not None
    assert index.unit == 25
    assert index.grade == Grade.D
    assert index.grade.label_id == "Tidak Baik"


def test_a_realistic_mix_equals_the_hand_count() -> None:
    answers = [
        # U1 U2 U3 U4 U5 U6 U7 U8 U9
        [3, 3, 2, 4, 3, 3, 4, 3, 3],
        [4, 3, 2, 4, 3, 4, 4, 3, 2],
        [3, 3, 3, 4, 3, 4, 3, 2, 3],
        [3, 4, 3, 4, 3, 3, 4, 3, 3],
        [2, 3, 2, 4, 3, 3, 4, 3, 3],
    ]
    index = index_of(answers)
    assert index is not None
    # By hand: NRR = column sums / 5.
    assert [float(v) for v in index.nrr] == [3.0, 3.2, 2.4, 4.0, 3.0, 3.4, 3.8, 2.8, 2.8]
    # Sum of NRR = 28.4; weighted = 28.4 / 9 = 3.1556; × 25 = 78.888… → 78.89, B.
    assert index.weighted == Fraction(284, 90)
    assert index.unit_rounded == Decimal("78.89")
    assert index.grade == Grade.B
    # U3's 2.4 is below 2.5996 (D), U8's and U9's 2.8 are in 2.60–3.064 (C).
    assert nrr_grade(index.nrr[2]) == Grade.D
    assert nrr_grade(index.nrr[7]) == Grade.C
    assert nrr_grade(index.nrr[6]) == Grade.A


def test_answers_landing_exactly_on_65_are_a_c_and_one_point_less_a_d() -> None:
    # Five respondents, 117 points in all: 117 / 45 × 25 = 65.00 exactly.
    on_border = [[3] * 9, [3] * 9, [2] * 9, [2] * 9, [3] * 9]
    assert sum(map(sum, on_border)) == 117
    index = index_of(on_border)
    assert index is not None and index.unit == 65
    assert index.grade == Grade.C
    below = [[3] * 9, [3] * 9, [2] * 9, [2] * 9, [3] * 8 + [2]]
    index = index_of(below)
    assert index is not None and index.grade == Grade.D  # 116 / 45 × 25 = 64.44


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100", Grade.A),
        ("88.31", Grade.A),
        ("88.305", Grade.A),  # rounds to 88.31
        ("88.3049", Grade.B),  # rounds to 88.30
        ("88.30", Grade.B),
        ("76.61", Grade.B),
        ("76.605", Grade.B),
        ("76.60", Grade.C),
        ("65.00", Grade.C),
        ("64.995", Grade.C),  # rounds to 65.00
        ("64.99", Grade.D),
        ("25", Grade.D),
    ],
)
def test_the_unit_intervals_classify_their_borders(value: str, grade: Grade) -> None:
    assert unit_grade(Fraction(value)) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("4", Grade.A),
        ("3.5324", Grade.A),
        ("3.5323", Grade.B),
        ("3.532", Grade.B),
        ("3.0644", Grade.B),
        ("3.064", Grade.C),
        ("2.60", Grade.C),
        ("2.5996", Grade.D),
        ("1", Grade.D),
    ],
)
def test_the_nrr_intervals_classify_their_borders(value: str, grade: Grade) -> None:
    assert nrr_grade(Fraction(value)) == grade


def test_the_nrr_and_unit_borders_are_the_same_scale() -> None:
    # 88.31 / 25 = 3.5324, 76.61 / 25 = 3.0644, 65 / 25 = 2.6: one grade either way.
    for unit, nrr in (("88.31", "3.5324"), ("76.61", "3.0644"), ("65.00", "2.60")):
        assert Fraction(unit) / 25 == Fraction(nrr)


def test_an_element_nobody_answered_gives_no_index() -> None:
    assert compute_index([0] * 9, [0] * 9) is None


def test_rounding_is_half_up() -> None:
    assert rounded(Fraction("78.885"), 2) == Decimal("78.89")
    assert rounded(Fraction(2, 3), 4) == Decimal("0.6667")


# Krejcie & Morgan (1970), Table 1 (N: S), the table the SKM guidance reproduces.
KREJCIE_MORGAN = (
    "10:10 15:14 20:19 25:24 30:28 35:32 40:36 45:40 50:44 55:48 60:52 65:56 70:59 75:63 "
    "80:66 85:70 90:73 95:76 100:80 110:86 120:92 130:97 140:103 150:108 160:113 170:118 "
    "180:123 190:127 200:132 210:136 220:140 230:144 240:148 250:152 260:155 270:159 "
    "280:162 290:165 300:169 320:175 340:181 360:186 380:191 400:196 420:201 440:205 "
    "460:210 480:214 500:217 550:226 600:234 650:242 700:248 750:254 800:260 850:265 "
    "900:269 950:274 1000:278 1100:285 1200:291 1300:297 1400:302 1500:306 1600:310 "
    "1700:313 1800:317 1900:320 2000:322 2200:327 2400:331 2600:335 2800:338 3000:341 "
    "3500:346 4000:351 4500:354 5000:357 6000:361 7000:364 8000:367 9000:368 10000:370 "
    "15000:375 20000:377 30000:379 40000:380 50000:381 75000:382 1000000:384"
)


def test_the_minimum_sample_matches_every_entry_of_the_krejcie_morgan_table() -> None:
    table = [tuple(map(int, pair.split(":"))) for pair in KREJCIE_MORGAN.split()]
    assert len(table) == 90
    assert {n: minimum_sample(n) for n, _ in table} == dict(table)


def test_nobody_served_needs_no_sample() -> None:
    assert minimum_sample(0) == 0
    assert minimum_sample(1) == 1


def test_the_questionnaire_follows_the_lampirans_order() -> None:
    # The Bab lists complaints handling before facilities; the Lampiran asks facilities
    # (8) before complaints handling (9). Reports number the elements as the Lampiran.
    assert [e.code for e in ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    assert ELEMENTS[7].name_id == "Sarana dan prasarana"
    assert ELEMENTS[8].name_id == "Penanganan pengaduan, saran dan masukan"
    assert ELEMENTS[3].id.levels == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert all(len(e.id.levels) == len(e.en.levels) == 4 for e in ELEMENTS)


def test_the_profile_fields_have_distinct_stored_values() -> None:
    for spec in PROFILE:
        assert len(set(spec.values)) == len(spec.values)
