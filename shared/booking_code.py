"""Booking codes: short, read aloud and typed without mistakes, unguessable enough.

Eight symbols of a 32-letter alphabet without I, L, O and U (40 random bits; as Douglas
Crockford chose his Base32 letters: no letter that reads as a digit, none that spells a
word by accident). A code is shown in two groups, ``K7QM-3XHD``; what a visitor types or
a scanner sends is read forgivingly: any case, spaces and dashes ignored, O read as 0
and I or L as 1. A scanned QR may carry the booking's status link
(``https://…/b/K7QM3XHD``): its last path part is the code.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    """A fresh random code (the caller makes sure it is not taken)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def read_code(text: str) -> str | None:
    """The code in what a visitor typed or a scanner sent, or None when it cannot be one
    (the same None for any wrong input: the caller answers all of them alike)."""
    if len(text) > 300:
        return None
    text = text.strip()
    if "/" in text:  # a scanned status link
        text = text.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    cleaned = re.sub(r"[\s-]", "", text).upper().translate(_READ_AS)
    return cleaned if _CODE.fullmatch(cleaned) else None


def shown(code: str) -> str:
    """``K7QM3XHD`` as people read it: ``K7QM-3XHD``."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
