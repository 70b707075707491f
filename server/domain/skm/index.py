"""The IKM as PermenPANRB 14/2017 computes it, in exact fractions, and the minimum sample.

Step by step (docs/skm.md#the-computation):
1. NRR per element = sum of the answers' values (1..4) ÷ number of answers to it;
2. NRR tertimbang = NRR × 1/9 per element, summed: the IKM on 1..4;
3. IKM unit = that × 25, on 25..100;
4. the grade by the regulation's intervals, on the value rounded to 2 decimals (half up):
   88.31–100 A, 76.61–88.30 B, 65.00–76.60 C, 25.00–64.99 D. An element's NRR is graded
   the same way on 4 decimals: 3.5324–4.00 A, 3.0644–3.532 B, 2.60–3.064 C, 1.00–2.5996 D.

The regulation writes the weight as 0.111 (its rounding of 1/9). With 0.111 a unit where
everyone answered 4 would score 4 × 9 × 0.111 × 25 = 99.9, not 100; Antre uses 1/9
exactly, so all 4s give 100.00 and all 1s 25.00. Fractions (not floats) keep every
intermediate exact, so a value on an interval's border lands where a hand count puts it.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

WEIGHT = Fraction(1, 9)
SCALE = 25
# Krejcie & Morgan (1970), the table the SKM guidance points to: chi-square for 1 degree
# of freedom at 95 %, the proportion giving the largest sample, a 5 % margin.
CHI_SQUARE = Fraction("3.841")
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


class Grade(enum.StrEnum):
    """*Mutu pelayanan*: the regulation's four grades."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label_id(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]


_LABELS = {
    Grade.A: ("Sangat Baik", "Very good"),
    Grade.B: ("Baik", "Good"),
    Grade.C: ("Kurang Baik", "Not good enough"),
    Grade.D: ("Tidak Baik", "Poor"),
}
# Lower bounds of the intervals, highest first; a value below the last is D.
UNIT_FLOORS = (
    (Decimal("88.31"), Grade.A),
    (Decimal("76.61"), Grade.B),
    (Decimal("65.00"), Grade.C),
)
NRR_FLOORS = (
    (Decimal("3.5324"), Grade.A),
    (Decimal("3.0644"), Grade.B),
    (Decimal("2.60"), Grade.C),
)


def rounded(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, as a hand count on paper would."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def unit_grade(ikm_unit: Fraction) -> Grade:
    """The grade of an IKM on 25..100, on its value rounded to 2 decimals: so 88.305 is
    88.31 (A) and 88.3049 is 88.30 (B); nothing falls between two intervals."""
    return _grade(rounded(ikm_unit, 2), UNIT_FLOORS)


def nrr_grade(nrr: Fraction) -> Grade:
    """The grade of one element's NRR on 1..4, on its value rounded to 4 decimals."""
    return _grade(rounded(nrr, 4), NRR_FLOORS)


def _grade(value: Decimal, floors: tuple[tuple[Decimal, Grade], ...]) -> Grade:
    for floor, grade in floors:
        if value >= floor:
            return grade
    return Grade.D


def nrr(total: int, answers: int) -> Fraction | None:
    """An element's *nilai rata-rata*; None when nobody answered it."""
    return Fraction(total, answers) if answers else None


@dataclass(frozen=True)
class Index:
    """The IKM of one group of responses: the NRR of each element (Lampiran order), the
    weighted sum on 1..4, the unit value on 25..100 and its grade."""

    nrr: tuple[Fraction, ...]
    weighted: Fraction
    unit: Fraction

    @property
    def grade(self) -> Grade:
        return unit_grade(self.unit)

    @property
    def unit_rounded(self) -> Decimal:
        return rounded(self.unit, 2)


def compute_index(totals: Sequence[int], answers: Sequence[int]) -> Index | None:
    """The IKM from each element's sum of values and count of answers; None when an
    element has no answer (the weighted sum needs all nine)."""
    values = [nrr(t, n) for t, n in zip(totals, answers, strict=True)]
    if not values or any(v is None for v in values):
        return None
    nrrs = tuple(v for v in values if v is not None)
    weighted = sum((v * WEIGHT for v in nrrs), Fraction(0))
    return Index(nrrs, weighted, weighted * SCALE)


def minimum_sample(population: int) -> int:
    """Krejcie–Morgan: s = χ²·N·P(1−P) ÷ (d²·(N−1) + χ²·P(1−P)); the respondents the
    guidance asks for when ``population`` visitors were served.

    Rounded to the nearest whole respondent (half up), not up: that is how the published
    table was made, and units check their sample against the table. Rounding up would
    disagree with it at 45 of its 90 entries (N=50 gives 44.34: the table says 44)."""
    if population <= 0:
        return 0
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    s = population * spread / (MARGIN**2 * (population - 1) + spread)
    return math.floor(s + Fraction(1, 2))
