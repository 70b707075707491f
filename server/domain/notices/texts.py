"""The words of each notice, Indonesian first, English when the visitor chose it.

Plain templates in one place (the console's editor comes later). Nothing personal:
the ticket's number, the counter's label, the service's name and the ticket's own
status link only.
"""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "called": {
        "id": "Nomor antrean {number} dipanggil. Silakan ke {counter} sekarang. {link}",
        "en": "Ticket {number} is called. Please go to {counter} now. {link}",
    },
    "ahead": {
        "id": "Nomor antrean {number}: {ahead} orang lagi sebelum Anda. "
        "Mohon kembali ke ruang tunggu. {link}",
        "en": "Ticket {number}: {ahead} people ahead of you. "
        "Please come back to the waiting area. {link}",
    },
    "transferred": {
        "id": "Nomor antrean {number} dipindahkan ke layanan {service}. "
        "Nomor Anda tetap; tunggu panggilan berikutnya. {link}",
        "en": "Ticket {number} was transferred to {service}. "
        "Your number stays the same; wait to be called. {link}",
    },
    "survey": {
        "id": "Terima kasih. Bagaimana layanan kami untuk nomor {number}? "
        "Isi survei kepuasan di sini: {link}",
        "en": "Thank you. How was our service for ticket {number}? Rate it here: {link}",
    },
}


def _text(kind: str, language: str, **values: object) -> str:
    words = _TEXTS[kind]
    return words.get(language, words["id"]).format(**values)


def called(language: str, number: str, counter: str, link: str) -> str:
    return _text("called", language, number=number, counter=counter, link=link)


def ahead(language: str, number: str, ahead: int, link: str) -> str:
    return _text("ahead", language, number=number, ahead=ahead, link=link)


def transferred(language: str, number: str, service: str, link: str) -> str:
    return _text("transferred", language, number=number, service=service, link=link)


def survey(language: str, number: str, link: str) -> str:
    return _text("survey", language, number=number, link=link)
