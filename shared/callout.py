"""The words a hall hears when a number is called, in Indonesian and English.

``DK-012`` at "Loket 3" of Disdukcapil becomes "Nomor antrean, de ka, dua belas,
silakan menuju loket tiga, Disdukcapil": the prefix is read by the letters'
Indonesian names (so D and T, B and P stay distinguishable), the number as words.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass

ID_LETTERS = {
    "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge",
    "H": "ha", "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en",
    "O": "o", "P": "pe", "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u",
    "V": "ve", "W": "we", "X": "eks", "Y": "ye", "Z": "zet",
}  # fmt: skip

_ID_UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

_EN_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

DEFAULT_TEMPLATE_ID = "Nomor antrean, {prefix}, {number}, silakan menuju {counter}, {agency}"
DEFAULT_TEMPLATE_EN = "Ticket number, {prefix}, {number}, please go to {counter}, {agency}"


def number_words_id(n: int) -> str:
    """Indonesian words for 0 <= n < 1,000,000 (``11`` -> "sebelas", ``100`` -> "seratus")."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(f"out of range: {n}")
    if n < 10:
        return _ID_UNITS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_ID_UNITS[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return _join(f"{_ID_UNITS[tens]} puluh", rest, number_words_id)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_ID_UNITS[hundreds]} ratus"
        return _join(head, rest, number_words_id)
    thousands, rest = divmod(n, 1000)
    head = "seribu" if thousands == 1 else f"{number_words_id(thousands)} ribu"
    return _join(head, rest, number_words_id)


def number_words_en(n: int) -> str:
    """English words for 0 <= n < 1,000,000."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(f"out of range: {n}")
    if n < 20:
        return _EN_UNITS[n]
    if n < 100:
        tens, rest = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_UNITS[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _join(f"{_EN_UNITS[hundreds]} hundred", rest, number_words_en)
    thousands, rest = divmod(n, 1000)
    return _join(f"{number_words_en(thousands)} thousand", rest, number_words_en)


def _join(head: str, rest: int, words: Callable[[int], str]) -> str:
    return f"{head} {words(rest)}" if rest else head


def spell_prefix_id(prefix: str) -> str:
    """``"DK"`` -> "de ka"; digits become words, anything else is dropped."""
    return " ".join(_spell_chars(prefix, ID_LETTERS, _ID_UNITS))


def spell_prefix_en(prefix: str) -> str:
    """``"DK"`` -> "D K": English voices read single capitals as letter names."""
    return " ".join(_spell_chars(prefix, {c: c for c in ID_LETTERS}, _EN_UNITS[:10]))


def _spell_chars(prefix: str, letters: dict[str, str], digits: list[str]) -> list[str]:
    out: list[str] = []
    for ch in prefix.upper():
        if ch in letters:
            out.append(letters[ch])
        elif ch.isdigit():
            out.append(digits[int(ch)])
    return out


_NUMBER_IN_LABEL = re.compile(r"\d+")


def speak_label(label: str, words: Callable[[int], str]) -> str:
    """Numbers inside a counter label become words: "Loket 3" -> "loket tiga"."""
    spoken = _NUMBER_IN_LABEL.sub(lambda m: words(int(m.group())), label)
    return spoken.lower()


@dataclass(frozen=True)
class CallOut:
    """What to show and say for one call of one ticket at one counter."""

    prefix: str
    sequence: int
    counter_label: str
    agency_name: str

    def text_id(self, template: str = DEFAULT_TEMPLATE_ID) -> str:
        """The Indonesian sentence the board speaks."""
        return template.format(
            prefix=spell_prefix_id(self.prefix),
            number=number_words_id(self.sequence),
            counter=speak_label(self.counter_label, number_words_id),
            agency=self.agency_name,
        )

    def text_en(self, template: str = DEFAULT_TEMPLATE_EN) -> str:
        """The English sentence, for boards that add a second language."""
        label = speak_label(self.counter_label.replace("Loket", "Counter"), number_words_en)
        return template.format(
            prefix=spell_prefix_en(self.prefix),
            number=number_words_en(self.sequence),
            counter=label,
            agency=self.agency_name,
        )


PLACEHOLDERS = frozenset({"prefix", "number", "counter", "agency"})


def check_template(template: str) -> None:
    """Raise ValueError unless every placeholder is a plain ``{prefix}``, ``{number}``,
    ``{counter}`` or ``{agency}`` (no attribute, index, conversion or format spec: the
    template comes from an admin form and is spoken in the hall)."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"malformed template: {exc}") from exc
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise ValueError("template may only use {prefix}, {number}, {counter} and {agency}")
