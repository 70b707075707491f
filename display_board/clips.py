"""Recorded-voice call-outs: which clips, in which order, say one call.

Many Indonesian halls call numbers with a voice recorded word by word (a staff member
or a professional speaker), which sounds better than a synthetic voice. A number is
said with the same words as everywhere else in Antre (``shared.callout``): 12 is
"dua" + "belas", 111 "seratus" + "sebelas", 240 "dua" + "ratus" + "empat" + "puluh",
so a hall records each word once. Clip names are the file names without ``.wav``;
docs/display.md lists them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.callout import ID_LETTERS, CallOut, number_words_id

# Said between and around the variable parts of a call.
PHRASES = ("nomor_antrean", "silakan_menuju_loket", "loket")
NUMBER_WORDS = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus", "seribu", "ribu",
)  # fmt: skip
LETTERS = tuple(f"huruf_{letter.lower()}" for letter in ID_LETTERS)

PLACEHOLDERS = ("{prefix}", "{number}", "{counter}", "{counter_number}", "{agency}")
DEFAULT_SEQUENCE = (
    "nomor_antrean",
    "{prefix}",
    "{number}",
    "silakan_menuju_loket",
    "{counter_number}",
    "{agency}",
)

_PARTS_OF_LABEL = re.compile(r"\d+|[^\W\d_]+")


@dataclass(frozen=True)
class Clip:
    """One recording to play; an optional one is skipped when the hall has not made it."""

    name: str
    optional: bool = False

    def file(self, folder: Path) -> Path:
        return folder / f"{self.name}.wav"


def number_clips(n: int) -> list[str]:
    """The word clips of a number: ``12`` -> ``["dua", "belas"]``."""
    return number_words_id(n).split()


def letter_clip(letter: str) -> str:
    return f"huruf_{letter.lower()}"


def prefix_clips(prefix: str) -> list[str]:
    """The letters of a series prefix (digits in it as number words): ``DK`` -> de, ka."""
    out: list[str] = []
    for ch in prefix.upper():
        if ch in ID_LETTERS:
            out.append(letter_clip(ch))
        elif ch.isdigit():
            out.extend(number_clips(int(ch)))
    return out


def label_clips(label: str) -> list[str]:
    """A counter label word by word: numbers as words, a lone letter by its name, other
    words as clips of their own ("Loket 3A" -> loket, tiga, huruf_a)."""
    out: list[str] = []
    for part in _PARTS_OF_LABEL.findall(label):
        if part.isdigit():
            out.extend(number_clips(int(part)))
        elif len(part) == 1 and part.upper() in ID_LETTERS:
            out.append(letter_clip(part))
        else:
            out.append(part.lower())
    return out


def counter_number_clips(label: str) -> list[str]:
    """The label after its first word, for halls that record "silakan menuju loket" as
    one phrase ("Loket 12" -> dua, belas); a label of one word is said whole."""
    parts = _PARTS_OF_LABEL.findall(label)
    if len(parts) > 1 and not parts[0].isdigit():
        return label_clips(" ".join(parts[1:]))
    return label_clips(label)


def agency_clip(agency_code: str) -> str:
    return f"instansi_{agency_code.lower()}"


class ClipSequence:
    """Turns one call into the ordered clips to play, after a hall's sequence template."""

    def __init__(self, sequence: Sequence[str] = DEFAULT_SEQUENCE) -> None:
        for item in sequence:
            if item.startswith("{") and item not in PLACEHOLDERS:
                raise ValueError(
                    f"unknown placeholder {item}; use one of {', '.join(PLACEHOLDERS)}"
                )
        self.sequence = tuple(sequence)

    def for_call(self, callout: CallOut, agency_code: str = "") -> list[Clip]:
        clips: list[Clip] = []
        for item in self.sequence:
            if item == "{prefix}":
                clips += [Clip(name) for name in prefix_clips(callout.prefix)]
            elif item == "{number}":
                clips += [Clip(name) for name in number_clips(callout.sequence)]
            elif item == "{counter}":
                clips += [Clip(name) for name in label_clips(callout.counter_label)]
            elif item == "{counter_number}":
                clips += [Clip(name) for name in counter_number_clips(callout.counter_label)]
            elif item == "{agency}":
                # Optional: a hall may record some agencies' names, or none.
                if agency_code:
                    clips.append(Clip(agency_clip(agency_code), optional=True))
            elif item.endswith("?"):
                clips.append(Clip(item[:-1], optional=True))
            else:
                clips.append(Clip(item))
        return clips


def vocabulary() -> tuple[str, ...]:
    """Every clip a hall needs for the default sequence with numbers up to 999 and
    counter labels "Loket N" (agency names are extra and optional)."""
    return PHRASES[:2] + NUMBER_WORDS[:16] + LETTERS


def missing_clips(folder: Path, names: Sequence[str] = ()) -> list[str]:
    """Which of ``names`` (default: the whole vocabulary) have no WAV in ``folder``."""
    return [name for name in (names or vocabulary()) if not (folder / f"{name}.wav").is_file()]
