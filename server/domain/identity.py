"""A booker's identity: the mobile number and NIK as the hall may keep them.

Personal data lives only in the booking's row (docs/booking.md#personal-data): the phone
in the normalised ``+628…`` form (to reach the visitor and find a lost code), the NIK
encrypted with the server's key (AES-GCM: only the server can read it back), and for
both a keyed hash (HMAC-SHA256 with a key derived from the server's secret), so "one
active booking per person" is a unique index on the hash rather than a search through
decrypted rows, and a leaked database does not give the numbers away by hashing all
16-digit NIKs. The last four NIK digits are kept in clear for look-up, as halls do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Indonesian mobile numbers: 08xx written at home, +628xx / 628xx from abroad or a
# contact list; 10 to 13 digits after the leading 0 (Kominfo's numbering plan).
_MOBILE = re.compile(r"\+628[1-9][0-9]{7,10}")
# NIK: 2 digits province, 2 regency, 2 district, 6 date of birth (day + 40 for women),
# 4 a serial number that is never 0000 (Dukcapil's layout).
_NIK = re.compile(r"[1-9][0-9]{15}")
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97}
)


def normalise_phone(text: str) -> str | None:
    """``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…`` → ``+6281234567890``; None
    when it is not an Indonesian mobile number."""
    digits = re.sub(r"[\s().-]", "", text.strip())
    if digits.startswith("+62"):
        digits = digits[3:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    number = "+62" + digits
    return number if _MOBILE.fullmatch(number) else None


def masked_phone(phone: str | None) -> str:
    """``+6281234567890`` as staff lists show it: ``+62 812-****-7890``."""
    if not phone or len(phone) < 10:
        return ""
    return f"+62 {phone[3:6]}-****-{phone[-4:]}"


def nik_problem(text: str) -> str | None:
    """Why ``text`` cannot be a NIK (its shape only: the hall cannot ask Dukcapil), or None."""
    if not _NIK.fullmatch(text):
        return "a NIK is 16 digits"
    if int(text[:2]) not in _PROVINCES:
        return "the first two digits are not a province code"
    day, month = int(text[6:8]), int(text[8:10])
    if not (1 <= day <= 31 or 41 <= day <= 71) or not 1 <= month <= 12:
        return "digits 7 to 12 are not a date of birth"
    if text[12:] == "0000":
        return "the last four digits cannot be 0000"
    return None


@dataclass(frozen=True)
class PersonalDataKey:
    """The keys the server derives from its secret for personal data: one to encrypt, one
    to hash. The secret must stay the same across restarts and processes
    (``[security] secret_key``), or stored NIKs become unreadable."""

    encryption: bytes
    hashing: bytes

    @classmethod
    def from_secret(cls, secret: str) -> PersonalDataKey:
        root = secret.encode()
        return cls(
            encryption=hmac.new(root, b"antre personal data encryption v1", "sha256").digest(),
            hashing=hmac.new(root, b"antre personal data hashing v1", "sha256").digest(),
        )

    def digest(self, kind: str, value: str) -> str:
        """A keyed hash of ``value`` (``kind`` keeps a phone and a NIK apart)."""
        return hmac.new(self.hashing, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def encrypt(self, value: str, purpose: bytes = b"antre-nik") -> str:
        """``value`` sealed; ``purpose`` (the associated data) keeps a NIK from opening as
        another kind of secret sealed with the same key, and the reverse."""
        nonce = os.urandom(12)
        sealed = AESGCM(self.encryption).encrypt(nonce, value.encode(), purpose)
        return "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str, purpose: bytes = b"antre-nik") -> str | None:
        """The value, or None when it was sealed with another key or purpose, or is damaged."""
        if not stored.startswith("v1:"):
            return None
        try:
            raw = base64.urlsafe_b64decode(stored[3:])
            return AESGCM(self.encryption).decrypt(raw[:12], raw[12:], purpose).decode()
        except (InvalidTag, ValueError):
            return None
