"""User-facing text in Indonesian (the default) and English: one catalogue per client,
merged with the messages for the API's error codes, looked up by key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from shared.errors import ErrorCode

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"

ERRORS: Final[dict[str, dict[str, str]]] = {
    ErrorCode.SERVICE_CLOSED: {
        "id": "Layanan ini sedang tutup. Silakan datang kembali pada jam layanan.",
        "en": "This service is closed now. Please come back during service hours.",
    },
    ErrorCode.QUOTA_EXHAUSTED: {
        "id": "Kuota antrean layanan ini untuk hari ini sudah habis.",
        "en": "Today's ticket quota for this service is used up.",
    },
    ErrorCode.SERVICE_UNSTAFFED: {
        "id": "Belum ada loket yang melayani layanan ini. Silakan bertanya ke petugas informasi.",
        "en": "No counter serves this service yet. Please ask at the information desk.",
    },
    ErrorCode.PRIORITY_NOT_OFFERED: {
        "id": "Layanan ini tidak menyediakan antrean prioritas.",
        "en": "This service has no priority line.",
    },
    ErrorCode.SLOT_FULL: {
        "id": "Slot waktu ini sudah penuh. Silakan pilih waktu lain.",
        "en": "This time slot is full. Please choose another time.",
    },
    ErrorCode.BOOKING_CLOSED: {
        "id": "Pemesanan untuk waktu ini tidak dibuka.",
        "en": "Booking is not open for this time.",
    },
    ErrorCode.DUPLICATE_BOOKING: {
        "id": "Nomor ini sudah punya pemesanan aktif untuk layanan ini pada hari itu.",
        "en": "This number already has an active booking for this service on that day.",
    },
    ErrorCode.BOOKING_BLOCKED: {
        "id": "Pemesanan diblokir sementara karena beberapa pemesanan tidak didatangi.",
        "en": "Booking is blocked for a while: several bookings were not kept.",
    },
    ErrorCode.OUTSIDE_CHECK_IN_WINDOW: {
        "id": "Belum atau sudah lewat waktu check-in pemesanan ini.",
        "en": "This booking cannot be checked in at this time.",
    },
    ErrorCode.BOOKING_NOT_ACTIVE: {
        "id": "Pemesanan ini sudah dibatalkan atau tidak berlaku lagi.",
        "en": "This booking was cancelled or is no longer valid.",
    },
    ErrorCode.ALREADY_ANSWERED: {
        "id": "Survei untuk nomor antrean ini sudah diisi. Terima kasih.",
        "en": "The survey for this ticket has already been answered. Thank you.",
    },
    ErrorCode.SURVEY_CLOSED: {
        "id": "Survei untuk nomor antrean ini tidak dapat diisi di sini atau sudah ditutup.",
        "en": "The survey for this ticket cannot be answered here, or is closed.",
    },
    ErrorCode.UNAVAILABLE: {
        "id": "Layanan sementara tidak tersedia. Mohon tunggu sebentar.",
        "en": "The service is temporarily unavailable. Please wait a moment.",
    },
    ErrorCode.UNAUTHENTICATED: {
        "id": "Perangkat ini belum terdaftar atau tokennya tidak berlaku. Hubungi petugas.",
        "en": "This device is not registered or its token is invalid. Please call staff.",
    },
    ErrorCode.INVALID_CREDENTIALS: {
        "id": "Nama pengguna atau kata sandi salah.",
        "en": "Wrong user name or password.",
    },
    ErrorCode.TOO_MANY_ATTEMPTS: {
        "id": "Terlalu banyak percobaan masuk. Coba lagi sebentar lagi.",
        "en": "Too many login attempts. Try again in a moment.",
    },
    ErrorCode.FORBIDDEN: {
        "id": "Anda tidak berwenang melakukan ini.",
        "en": "You are not allowed to do this.",
    },
    ErrorCode.NOT_FOUND: {"id": "Data tidak ditemukan.", "en": "Not found."},
    ErrorCode.INVALID_TRANSITION: {
        "id": "Tindakan ini tidak dapat dilakukan pada status antrean sekarang.",
        "en": "This action is not possible in the ticket's current state.",
    },
    ErrorCode.COUNTER_CLOSED: {
        "id": "Loket masih tutup. Buka loket dulu.",
        "en": "Open the counter first.",
    },
    ErrorCode.COUNTER_PAUSED: {
        "id": "Loket sedang istirahat. Lanjutkan dulu.",
        "en": "The counter is paused. Resume it first.",
    },
    ErrorCode.COUNTER_BUSY: {
        "id": "Selesaikan atau alihkan antrean yang sedang dilayani dulu.",
        "en": "Finish or transfer the current ticket first.",
    },
    ErrorCode.COUNTER_IDLE: {
        "id": "Loket ini belum memanggil antrean.",
        "en": "This counter has not called a ticket.",
    },
    ErrorCode.COUNTER_TAKEN: {
        "id": "Loket ini sedang dipakai petugas lain.",
        "en": "Another officer is using this counter.",
    },
    ErrorCode.NOT_CALLED_ENOUGH: {
        "id": "Panggil nomor ini beberapa kali lagi sebelum menandai tidak hadir.",
        "en": "Call this number again before marking it as no-show.",
    },
    ErrorCode.SERVICE_NOT_AT_COUNTER: {
        "id": "Antrean ini bukan untuk layanan loket ini.",
        "en": "This ticket is not for this counter's services.",
    },
}

GENERIC_ERROR: Final = {
    "id": "Terjadi kesalahan. Silakan coba lagi atau hubungi petugas.",
    "en": "Something went wrong. Please try again or call staff.",
}


class Catalogue:
    """Texts by key and language; a missing translation falls back to Indonesian."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]]) -> None:
        self._texts = {**texts, **{f"error.{code}": text for code, text in ERRORS.items()}}

    def text(self, key: str, language: str, **params: object) -> str:
        entry = self._texts.get(key)
        if entry is None:
            return key
        template = entry.get(language) or entry[DEFAULT_LANGUAGE]
        return template.format(**params) if params else template

    def error(self, code: str, language: str) -> str:
        """The message for an API error code (a generic one for codes without their own)."""
        entry = ERRORS.get(code, GENERIC_ERROR)
        return entry.get(language) or entry[DEFAULT_LANGUAGE]

    def has(self, key: str) -> bool:
        return key in self._texts
