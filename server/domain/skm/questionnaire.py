"""The SKM questionnaire: the nine elements of PermenPANRB No. 14 Tahun 2017 in the order
of its Lampiran's sample questionnaire, the respondent's profile, and the unit's wording.

The order matters and is easy to get wrong: the regulation's Bab lists the *ruang
lingkup* with complaints handling (h) before facilities (i), while its Lampiran asks about
facilities (8) before complaints handling (9). Reports number the elements U1..U9 as the
Lampiran does (docs/skm.md says which source was followed). The answer levels are the
Lampiran's, 1 the worst and 4 the best; for cost the best is "Gratis".

The admin may reword any question or level (``set_wording``); an element's code, place
and weight never change, so the IKM is computed the same way whatever the wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import SURVEY_ELEMENTS, SurveyExtraQuestion, SurveyWording
from shared.errors import ErrorCode
from shared.text import refused_character

from ..context import Ctx
from ..errors import DomainError, not_found

QUESTION_MAX = 300
LEVEL_MAX = 60
LEVELS = 4


@dataclass(frozen=True)
class Wording:
    """A question and its four answer levels (index 0 is value 1), in one language."""

    question: str
    levels: tuple[str, str, str, str]


@dataclass(frozen=True)
class Element:
    """One *unsur* of the regulation: its code (U1..U9, the Lampiran's numbering), its name
    in the regulation's ruang lingkup, and the wording in Indonesian and English."""

    code: str
    name_id: str
    name_en: str
    id: Wording
    en: Wording

    @property
    def column(self) -> str:
        """The ``survey_responses`` column holding this element's value."""
        return self.code.lower()

    def wording(self, language: str) -> Wording:
        return self.en if language == "en" else self.id


def _element(
    code: str, names: tuple[str, str], id_: tuple[str, ...], en: tuple[str, ...]
) -> Element:
    return Element(
        code,
        names[0],
        names[1],
        Wording(id_[0], (id_[1], id_[2], id_[3], id_[4])),
        Wording(en[0], (en[1], en[2], en[3], en[4])),
    )


# The Lampiran's sample questionnaire, question by question, in its order. The English is
# ours (a translation for the language switch, not the regulation's).
ELEMENTS: tuple[Element, ...] = (
    _element(
        "U1",
        ("Persyaratan", "Requirements"),
        (
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
            "jenis pelayanannya?",
            "Tidak sesuai",
            "Kurang sesuai",
            "Sesuai",
            "Sangat sesuai",
        ),
        (
            "How well did the requirements match the kind of service?",
            "Not matching",
            "Poorly matching",
            "Matching",
            "Fully matching",
        ),
    ),
    _element(
        "U2",
        ("Sistem, mekanisme, dan prosedur", "System, mechanism and procedure"),
        (
            "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            "Tidak mudah",
            "Kurang mudah",
            "Mudah",
            "Sangat mudah",
        ),
        (
            "How easy was the service procedure at this unit?",
            "Not easy",
            "Not very easy",
            "Easy",
            "Very easy",
        ),
    ),
    _element(
        "U3",
        ("Waktu penyelesaian", "Completion time"),
        (
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            "Tidak cepat",
            "Kurang cepat",
            "Cepat",
            "Sangat cepat",
        ),
        (
            "How fast was the service?",
            "Not fast",
            "Not very fast",
            "Fast",
            "Very fast",
        ),
    ),
    _element(
        "U4",
        ("Biaya/tarif", "Cost/fee"),
        (
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            "Sangat mahal",
            "Cukup mahal",
            "Murah",
            "Gratis",
        ),
        (
            "How fair was the cost or fee of the service?",
            "Very expensive",
            "Rather expensive",
            "Cheap",
            "Free",
        ),
    ),
    _element(
        "U5",
        ("Produk spesifikasi jenis pelayanan", "Service product"),
        (
            "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
            "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
            "Tidak sesuai",
            "Kurang sesuai",
            "Sesuai",
            "Sangat sesuai",
        ),
        (
            "How well did what you received match what the service standard lists?",
            "Not matching",
            "Poorly matching",
            "Matching",
            "Fully matching",
        ),
    ),
    _element(
        "U6",
        ("Kompetensi pelaksana", "Staff competence"),
        (
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            "Tidak kompeten",
            "Kurang kompeten",
            "Kompeten",
            "Sangat kompeten",
        ),
        (
            "How competent was the officer who served you?",
            "Not competent",
            "Not very competent",
            "Competent",
            "Very competent",
        ),
    ),
    _element(
        "U7",
        ("Perilaku pelaksana", "Staff conduct"),
        (
            "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
            "kesopanan dan keramahan?",
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
        (
            "How polite and friendly was the officer?",
            "Not polite or friendly",
            "Not very polite or friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ),
    ),
    _element(
        "U8",
        ("Sarana dan prasarana", "Facilities"),
        (
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            "Buruk",
            "Cukup",
            "Baik",
            "Sangat baik",
        ),
        (
            "How good were the facilities?",
            "Poor",
            "Fair",
            "Good",
            "Very good",
        ),
    ),
    _element(
        "U9",
        ("Penanganan pengaduan, saran dan masukan", "Handling of complaints and suggestions"),
        (
            "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
        (
            "How are complaints from service users handled?",
            "There is no way to complain",
            "There is one but it does not work",
            "It works, not fully",
            "Well managed",
        ),
    ),
)
assert len(ELEMENTS) == SURVEY_ELEMENTS
ELEMENT_CODES = tuple(e.code for e in ELEMENTS)
BY_CODE = {e.code: e for e in ELEMENTS}


@dataclass(frozen=True)
class ProfileField:
    """A respondent field: its stored options and their labels (Indonesian, English)."""

    name: str
    label_id: str
    label_en: str
    options: tuple[tuple[str, str, str], ...]  # (stored value, label id, label en)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _, _ in self.options)


# The respondent's profile as the Lampiran's form and units' forms carry it; the Lampiran
# asks the age in years, Antre asks an age group (less identifying, same tables).
PROFILE: tuple[ProfileField, ...] = (
    ProfileField(
        "gender",
        "Jenis kelamin",
        "Gender",
        (("l", "Laki-laki", "Male"), ("p", "Perempuan", "Female")),
    ),
    ProfileField(
        "age_group",
        "Usia",
        "Age",
        (
            ("under_20", "< 20 tahun", "under 20"),
            ("20_29", "20–29 tahun", "20–29"),
            ("30_39", "30–39 tahun", "30–39"),
            ("40_49", "40–49 tahun", "40–49"),
            ("50_59", "50–59 tahun", "50–59"),
            ("60_plus", "60 tahun ke atas", "60 or over"),
        ),
    ),
    ProfileField(
        "education",
        "Pendidikan",
        "Education",
        (
            ("sd", "SD ke bawah", "Primary or less"),
            ("smp", "SMP", "Junior high"),
            ("sma", "SMA/SMK", "Senior high"),
            ("diploma", "D1–D4", "Diploma"),
            ("s1", "S1", "Bachelor's"),
            ("s2", "S2", "Master's"),
            ("s3", "S3", "Doctorate"),
        ),
    ),
    ProfileField(
        "occupation",
        "Pekerjaan",
        "Occupation",
        (
            ("pns", "PNS", "Civil servant"),
            ("tni", "TNI", "Armed forces"),
            ("polri", "POLRI", "Police"),
            ("swasta", "Swasta", "Private sector"),
            ("wirausaha", "Wirausaha", "Self-employed"),
            ("pelajar", "Pelajar/Mahasiswa", "Student"),
            ("lainnya", "Lainnya", "Other"),
        ),
    ),
)
PROFILE_BY_NAME = {f.name: f for f in PROFILE}


@dataclass(frozen=True)
class Question:
    """A question as a form shows it: the nine elements with the unit's wording, then the
    unit's extra questions (``element`` None, keyed by ``extra_id``)."""

    key: str  # "U1".."U9", or "X<id>" for an extra question
    id: Wording
    en: Wording
    element: Element | None = None
    extra_id: int | None = None
    required: bool = True


def questionnaire(session: Session) -> list[Question]:
    """The questions to ask now: the nine elements in the Lampiran's order with the unit's
    wording where it has its own, then its active extra questions."""
    own = {w.element: w for w in session.scalars(select(SurveyWording))}
    questions = []
    for element in ELEMENTS:
        row = own.get(element.code)
        if row is None:
            questions.append(Question(element.code, element.id, element.en, element=element))
        else:
            questions.append(
                Question(
                    element.code,
                    Wording(row.question_id, _four(row.levels_id)),
                    Wording(row.question_en, _four(row.levels_en)),
                    element=element,
                )
            )
    extras = session.scalars(
        select(SurveyExtraQuestion)
        .where(SurveyExtraQuestion.active.is_(True))
        .order_by(SurveyExtraQuestion.position, SurveyExtraQuestion.id)
    )
    for extra in extras:
        questions.append(
            Question(
                f"X{extra.id}",
                Wording(extra.question_id, _four(extra.levels_id)),
                Wording(extra.question_en, _four(extra.levels_en)),
                extra_id=extra.id,
                required=extra.required,
            )
        )
    return questions


def _four(levels: list[str]) -> tuple[str, str, str, str]:
    return (levels[0], levels[1], levels[2], levels[3])


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name)


def _text(value: Any, field_name: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise _invalid(field_name, "text is required")
    text = " ".join(value.split())
    if not text:
        raise _invalid(field_name, "must not be empty")
    if len(text) > max_length:
        raise _invalid(field_name, f"at most {max_length} characters")
    if refused_character(text) is not None:
        raise _invalid(field_name, "no control characters")
    return text


def _levels(value: Any, field_name: str) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) != LEVELS:
        raise _invalid(field_name, "exactly four answer levels, worst first")
    return [_text(level, f"{field_name}[{i}]", LEVEL_MAX) for i, level in enumerate(value)]


def _checked_wording(id_: Wording, en: Wording) -> tuple[str, str, list[str], list[str]]:
    return (
        _text(id_.question, "question_id", QUESTION_MAX),
        _text(en.question, "question_en", QUESTION_MAX),
        _levels(list(id_.levels), "levels_id"),
        _levels(list(en.levels), "levels_en"),
    )


def set_wording(ctx: Ctx, code: str, id_: Wording, en: Wording) -> None:
    """The unit's own wording of one element; its computation is untouched."""
    if code not in BY_CODE:
        raise not_found("survey element")
    q_id, q_en, l_id, l_en = _checked_wording(id_, en)
    row = ctx.session.get(SurveyWording, code)
    if row is None:
        row = SurveyWording(element=code)
        ctx.session.add(row)
    row.question_id, row.question_en, row.levels_id, row.levels_en = q_id, q_en, l_id, l_en
    row.updated_at = ctx.now
    row.updated_by = ctx.actor.user_id


def reset_wording(ctx: Ctx, code: str) -> None:
    """Back to the regulation's wording for one element."""
    if code not in BY_CODE:
        raise not_found("survey element")
    row = ctx.session.get(SurveyWording, code)
    if row is not None:
        ctx.session.delete(row)


def add_extra_question(
    ctx: Ctx, id_: Wording, en: Wording, *, required: bool = False
) -> SurveyExtraQuestion:
    """A question of the unit's own, asked after the nine and reported apart from the IKM."""
    q_id, q_en, l_id, l_en = _checked_wording(id_, en)
    last = ctx.session.scalars(
        select(SurveyExtraQuestion.position).order_by(SurveyExtraQuestion.position.desc())
    ).first()
    row = SurveyExtraQuestion(
        position=(last or 0) + 1,
        question_id=q_id,
        question_en=q_en,
        levels_id=l_id,
        levels_en=l_en,
        required=required,
        active=True,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def retire_extra_question(ctx: Ctx, question_id: int) -> None:
    """No longer asked; its past answers stay in the extra questions' report."""
    row = ctx.session.get(SurveyExtraQuestion, question_id)
    if row is None:
        raise not_found("survey question")
    row.active = False
