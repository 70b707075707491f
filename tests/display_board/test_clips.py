"""The recorded-voice back-end: which clips say a number, a prefix, a counter, a whole call."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import pytest

from display_board.announcements import announcement_from_called
from display_board.clips import (
    LETTERS,
    NUMBER_WORDS,
    PHRASES,
    ClipSequence,
    counter_number_clips,
    label_clips,
    missing_clips,
    number_clips,
    prefix_clips,
    vocabulary,
)
from display_board.speech import ClipSpeech, SpeechUnavailable
from shared.callout import CallOut
from tests.display_board.conftest import tone

SPOT_CHECKS = {
    0: ["nol"],
    1: ["satu"],
    7: ["tujuh"],
    10: ["sepuluh"],
    11: ["sebelas"],
    12: ["dua", "belas"],
    19: ["sembilan", "belas"],
    20: ["dua", "puluh"],
    21: ["dua", "puluh", "satu"],
    99: ["sembilan", "puluh", "sembilan"],
    100: ["seratus"],
    101: ["seratus", "satu"],
    110: ["seratus", "sepuluh"],
    111: ["seratus", "sebelas"],
    115: ["seratus", "lima", "belas"],
    200: ["dua", "ratus"],
    240: ["dua", "ratus", "empat", "puluh"],
    305: ["tiga", "ratus", "lima"],
    512: ["lima", "ratus", "dua", "belas"],
    999: ["sembilan", "ratus", "sembilan", "puluh", "sembilan"],
}


@pytest.mark.parametrize(("n", "clips"), sorted(SPOT_CHECKS.items()))
def test_a_number_is_said_with_these_clips(n: int, clips: list[str]) -> None:
    assert number_clips(n) == clips


# What a listener adds up on hearing the clips, written apart from the code under test.
_VALUE = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "sembilan": 9,
}  # fmt: skip


def heard_as(clips: list[str]) -> int:
    total, unit = 0, 0
    for clip in clips:
        if clip in _VALUE:
            unit = _VALUE[clip]
        elif clip == "sepuluh":
            total += 10
        elif clip == "sebelas":
            total += 11
        elif clip == "seratus":
            total += 100
        elif clip == "belas":
            total, unit = total + 10 + unit, 0
        elif clip == "puluh":
            total, unit = total + 10 * unit, 0
        elif clip == "ratus":
            total, unit = total + 100 * unit, 0
        else:
            raise AssertionError(f"{clip} is not a number clip")
    return total + unit


def test_every_number_from_0_to_999_is_heard_back_as_itself_from_known_clips() -> None:
    lengths = set()
    for n in range(1000):
        clips = number_clips(n)
        assert clips and set(clips) <= set(NUMBER_WORDS), n
        assert heard_as(clips) == n, (n, clips)
        lengths.add(len(clips))
        # Indonesian never says "satu puluh", "satu ratus" or "satu belas", and "nol" is
        # only ever zero itself.
        for pair in itertools.pairwise(clips):
            assert pair not in {("satu", "puluh"), ("satu", "ratus"), ("satu", "belas")}, n
        assert "nol" not in clips or n == 0
        # A scale word always follows a unit, and never starts the number.
        assert clips[0] not in ("puluh", "ratus", "belas")
    assert lengths == {1, 2, 3, 4, 5}


def test_the_numbers_of_a_day_need_only_sixteen_word_clips() -> None:
    used = {clip for n in range(1000) for clip in number_clips(n)}
    assert used == set(NUMBER_WORDS[:16])
    assert set(vocabulary()) == used | {"nomor_antrean", "silakan_menuju_loket"} | set(LETTERS)


@pytest.mark.parametrize(
    ("prefix", "clips"),
    [
        ("A", ["huruf_a"]),
        ("DK", ["huruf_d", "huruf_k"]),
        ("PT", ["huruf_p", "huruf_t"]),
        ("B2", ["huruf_b", "dua"]),
    ],
)
def test_a_prefix_is_said_letter_by_letter(prefix: str, clips: list[str]) -> None:
    assert prefix_clips(prefix) == clips


def test_counter_labels_are_said_word_by_word() -> None:
    assert label_clips("Loket 3") == ["loket", "tiga"]
    assert label_clips("Loket 12A") == ["loket", "dua", "belas", "huruf_a"]
    assert counter_number_clips("Loket 21") == ["dua", "puluh", "satu"]
    assert counter_number_clips("Informasi") == ["informasi"]


def test_a_whole_call_in_the_default_sequence() -> None:
    call = CallOut(prefix="DK", sequence=12, counter_label="Loket 3", agency_name="Disdukcapil")
    clips = ClipSequence().for_call(call, agency_code="DK")
    assert [c.name for c in clips] == [
        "nomor_antrean", "huruf_d", "huruf_k", "dua", "belas",
        "silakan_menuju_loket", "tiga", "instansi_dk",
    ]  # fmt: skip
    assert [c.name for c in clips if c.optional] == ["instansi_dk"]


def test_a_hall_may_order_its_own_clips() -> None:
    sequence = ClipSequence(["nomor_antrean", "{prefix}", "{number}", "{counter}", "terima_kasih?"])
    call = CallOut(prefix="A", sequence=100, counter_label="Loket 7", agency_name="")
    clips = sequence.for_call(call)
    assert [c.name for c in clips] == [
        "nomor_antrean", "huruf_a", "seratus", "loket", "tujuh", "terima_kasih",
    ]  # fmt: skip
    assert clips[-1].optional
    with pytest.raises(ValueError, match="unknown placeholder"):
        ClipSequence(["{loket}"])


def recorded_hall(folder: Path, *, without: tuple[str, ...] = ()) -> Path:
    folder.mkdir()
    for i, name in enumerate(PHRASES + NUMBER_WORDS + LETTERS):
        if name not in without:
            tone(folder / f"{name}.wav", frequency=200.0 + 7 * i)
    return folder


def called(prefix: str, sequence: int, label: str = "Loket 3") -> dict[str, object]:
    number = f"{prefix}-{sequence:03d}"
    ticket = {
        "id": sequence, "number": number, "prefix": prefix, "sequence": sequence,
        "call_count": 1, "called_at": "2026-11-30T02:00:00+00:00",
        "agency": {"code": prefix, "short_name": "Disdukcapil", "colour": "#AD1457"},
    }  # fmt: skip
    return {"ticket": ticket, "counter": {"id": 3, "label": label}, "recall": False}


def test_the_clip_back_end_plays_one_joined_file_in_order(tmp_path: Path) -> None:
    folder = recorded_hall(tmp_path / "clips")
    speech = ClipSpeech(folder, tmp_path)
    announcement = announcement_from_called(called("DK", 12))
    files = speech.files(announcement)
    assert [f.stem for f in files] == [
        "nomor_antrean", "huruf_d", "huruf_k", "dua", "belas", "silakan_menuju_loket", "tiga",
    ]  # fmt: skip
    (part,) = speech.prepare(announcement, "id", "")
    assert part.temporary
    with wave.open(str(part.path), "rb") as joined:
        frames = joined.getnframes()
    singles = 0
    for f in files:
        with wave.open(str(f), "rb") as single:
            singles += single.getnframes()
    assert frames == singles


def test_a_missing_clip_makes_the_back_end_give_way(tmp_path: Path) -> None:
    folder = recorded_hall(tmp_path / "clips", without=("belas",))
    speech = ClipSpeech(folder, tmp_path)
    assert missing_clips(folder) == ["belas"]
    with pytest.raises(SpeechUnavailable, match="belas"):
        speech.prepare(announcement_from_called(called("DK", 12)), "id", "")
    # a number without "belas" is still said
    assert speech.prepare(announcement_from_called(called("DK", 21)), "id", "")
