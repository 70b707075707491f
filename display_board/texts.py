"""Every text the board shows, in Indonesian (default) and English; dates in the hall's words."""

from __future__ import annotations

import datetime as dt

from shared.i18n import Catalogue

TEXTS = {
    "call.title": {"id": "NOMOR ANTREAN", "en": "NOW CALLING"},
    "call.recall": {"id": "PANGGILAN ULANG", "en": "CALLED AGAIN"},
    "call.to": {"id": "silakan menuju", "en": "please go to"},
    "call.none": {"id": "Belum ada panggilan", "en": "No calls yet"},
    "call.latest": {"id": "PANGGILAN TERAKHIR", "en": "LAST CALL"},
    "counters.title": {"id": "Loket", "en": "Counters"},
    "counters.page": {"id": "Halaman {page}/{pages}", "en": "Page {page}/{pages}"},
    "counter.closed": {"id": "Tutup", "en": "Closed"},
    "counter.paused": {"id": "Istirahat", "en": "On break"},
    "counter.idle": {"id": "—", "en": "—"},
    "counter.serving": {"id": "dilayani", "en": "serving"},
    "counter.called": {"id": "dipanggil", "en": "called"},
    "last_calls.title": {"id": "Panggilan sebelumnya", "en": "Previous calls"},
    "last_calls.times": {"id": "×{n}", "en": "×{n}"},
    "waiting.title": {"id": "Menunggu", "en": "Waiting"},
    "waiting.people": {"id": "{n} orang", "en": "{n} people"},
    "waiting.minutes": {"id": "±{m} mnt", "en": "~{m} min"},
    "offline": {"id": "Terputus dari server — menyambung ulang…", "en": "Offline — reconnecting…"},
    "offline.short": {"id": "Terputus", "en": "Offline"},
    "loading": {"id": "Menghubungkan ke server…", "en": "Connecting to the server…"},
    "loading.short": {"id": "Menghubungkan…", "en": "Connecting…"},
}

_DAYS = {
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "id": [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip

CATALOGUE = Catalogue(TEXTS)


def tr(key: str, language: str, **params: object) -> str:
    return CATALOGUE.text(key, language, **params)


def long_date(day: dt.date, language: str) -> str:
    """``Senin, 30 November 2026`` / ``Monday, 30 November 2026``."""
    lang = language if language in _DAYS else "id"
    return f"{_DAYS[lang][day.weekday()]}, {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def clock(moment: dt.datetime) -> str:
    """Hall clocks in Indonesia write ``10.21`` (a dot, 24 hours)."""
    return f"{moment.hour:02d}.{moment.minute:02d}"
