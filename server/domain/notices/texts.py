"""The words of each notice, Indonesian first, English when the visitor chose it.

``_TEXTS`` holds the defaults, one entry per notice kind: the console's editor
(``/admin/notices/texts``) lists every kind found here, and a kind's default Indonesian
text is also the list of placeholders its edited texts may use, in the order the
WhatsApp Cloud template of the kind takes them as ``{{1}}``, ``{{2}}`` … (so a kind added
here is editable, checked and sendable as a template with nothing else to write).

An admin's edits are kept in ``notice_texts`` (``stored_texts`` reads them, through the
catalog cache: no statement on the queue's path while nothing changed) and win over the
defaults. Nothing personal: the ticket's number, the counter's label, the service's name
and the ticket's own status link only; every text must carry ``{link}``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.errors import DomainError
from server.models import NoticeText
from shared.errors import ErrorCode
from shared.text import refused_character

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
    # "ahead" when the estimated wait, not the count, reached the hall's setting.
    "ahead_minutes": {
        "id": "Nomor antrean {number}: sekitar {minutes} menit lagi giliran Anda "
        "({ahead} orang di depan). Mohon kembali ke ruang tunggu. {link}",
        "en": "Ticket {number}: about {minutes} minutes to your turn "
        "({ahead} people ahead). Please come back to the waiting area. {link}",
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
    # The bot's answer to Start from the ticket page (``opt_in.bind_telegram``).
    "subscribed": {
        "id": "Pemberitahuan untuk nomor antrean {number} aktif. Kami kabari saat giliran "
        "Anda hampir tiba dan saat nomor Anda dipanggil. Kirim STOP untuk berhenti. {link}",
        "en": "Notices for ticket {number} are on: we tell you when your turn is near and "
        "when you are called. Send STOP to stop them. {link}",
    },
    "booking_confirmed": {
        "id": "Booking {code} tercatat: {service}, {date} pukul {time}. "
        "Check-in di kios dengan kode atau QR di halaman ini: {link}",
        "en": "Booking {code} is confirmed: {service}, {date} at {time}. "
        "Check in at the kiosk with the code or the QR on this page: {link}",
    },
    "booking_reminder_day": {
        "id": "Pengingat: booking {code} besok, {date} pukul {time}, {service}. "
        "Check-in di kios dengan kode atau QR: {link}",
        "en": "Reminder: booking {code} is tomorrow, {date} at {time}, {service}. "
        "Check in at the kiosk with the code or the QR: {link}",
    },
    "booking_reminder_hour": {
        "id": "Pengingat: booking {code} mulai pukul {time}, {service}. "
        "Check-in di kios dengan kode atau QR: {link}",
        "en": "Reminder: booking {code} starts at {time}, {service}. "
        "Check in at the kiosk with the code or the QR: {link}",
    },
    "booking_cancelled": {
        "id": "Mohon maaf, booking {code} ({service}, {date} pukul {time}) dibatalkan oleh "
        "MPP. Alasannya, dan booking jam lain: {link}",
        "en": "We are sorry: booking {code} ({service}, {date} at {time}) was cancelled by "
        "the hall. Why, and another booking: {link}",
    },
    # The bot's answer to Start from the booking's status page (``booking_opt_in``).
    "booking_subscribed": {
        "id": "Pemberitahuan untuk booking {code} aktif. Kami kirim pengingat sehari dan "
        "satu jam sebelum jadwal. Kirim STOP untuk berhenti. {link}",
        "en": "Notices for booking {code} are on: a reminder the day before and an hour "
        "before. Send STOP to stop them. {link}",
    },
}

LANGUAGES = ("id", "en")
# The rendered message goes into ``notices.body`` (1000 characters); a text of this
# length still fits with a long service name and status link filled in. WhatsApp's own
# limits (4096 for a text, 1024 for a template's body) and Telegram's (4096) are higher.
MAX_TEXT = 700
# An SMS holds 160 plain characters (70 with any character outside GSM 7-bit), 306 in
# two parts: shown beside the preview as a guide, not enforced (a longer text goes out
# in more parts, each one paid to the hall's SMS gateway).
SMS_PART = 160
# What each placeholder stands for, for the editor's list and its preview.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "number": ("nomor antrean", "ticket number"),
    "counter": ("nama loket", "counter label"),
    "service": ("nama layanan", "service name"),
    "ahead": ("jumlah orang di depan", "people ahead"),
    "minutes": ("perkiraan menit tunggu", "estimated minutes of waiting"),
    "link": (
        "tautan status tiket atau booking (wajib)",
        "the status link of the ticket or booking (required)",
    ),
    "code": ("kode booking", "booking code"),
    "date": ("tanggal booking", "the booking's date"),
    "time": ("jam booking", "the booking's time"),
}
SAMPLE_VALUES: dict[str, object] = {
    "number": "DK-012",
    "counter": "Loket 3",
    "service": "Kartu Keluarga",
    "ahead": 3,
    "minutes": 10,
    "link": "https://mpp.example.go.id/t/Hk3pQ9zX",
    "code": "K7QM-3XHD",
    "date": "Selasa, 1 Desember 2026",
    "time": "10.00",
}
_FORMATTER = string.Formatter()


def kinds() -> list[str]:
    """Every notice kind that has texts, in the order they are defined."""
    return list(_TEXTS)


def default_text(kind: str, language: str) -> str:
    words = _TEXTS[kind]
    return words.get(language, words["id"])


def placeholders(kind: str) -> tuple[str, ...]:
    """The placeholders a kind's texts may use, in the order of its default Indonesian
    text: also the order of its WhatsApp template's parameters."""
    found: list[str] = []
    for _, name, _, _ in _FORMATTER.parse(default_text(kind, "id")):
        if name and name not in found:
            found.append(name)
    return tuple(found)


def _refuse(field: str, message: str, rule: str, **details: object) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field, rule=rule, **details)


def require_known(kind: str, language: str) -> None:
    """A refusal (``not_found``) for a kind or language that has no text."""
    if kind not in _TEXTS or language not in LANGUAGES:
        raise DomainError(
            ErrorCode.NOT_FOUND, f"no notice text {kind}.{language}", field=f"{kind}.{language}"
        )


def check_text(kind: str, language: str, text: str) -> str:
    """``text`` if it may replace the kind's words in ``language``, else a refusal naming
    the rule broken (``notice_*`` rules, worded by ``form_wording``). Only placeholders of
    the kind, written plainly (``{number}``, never ``{number.x}`` or ``{number!r}``), and
    ``{link}`` always: every message carries the ticket's status link."""
    require_known(kind, language)
    field = f"{kind}.{language}"
    if not text.strip():
        raise _refuse(field, f"{field} must not be empty", "empty")
    if len(text) > MAX_TEXT:
        raise _refuse(field, f"{field} is too long", "too_long", max=MAX_TEXT)
    if refused_character(text, newlines=True) is not None:
        raise _refuse(field, f"{field} must not contain control characters", "control")
    allowed = placeholders(kind)
    used: list[str] = []
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise _refuse(field, f"{field}: {exc}", "notice_braces") from exc
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion:
            raise _refuse(field, f"{field}: write {{{name}}} plainly", "notice_braces")
        if name not in allowed:
            raise _refuse(
                field, f"{field}: unknown placeholder {{{name}}}", "notice_placeholder",
                placeholder=name, allowed=list(allowed),
            )  # fmt: skip
        used.append(name)
    if "link" not in used:
        raise _refuse(field, f"{field} must contain {{link}}", "notice_link")
    return text


@dataclass(frozen=True)
class NoticeTexts:
    """The hall's texts: the admin's edits over the defaults, as one transaction read
    them (kept by the catalog cache while the configuration is unchanged)."""

    edited: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def text(self, kind: str, language: str) -> str:
        language = language if language in LANGUAGES else "id"
        return self.edited.get((kind, language)) or default_text(kind, language)

    def render(self, kind: str, language: str, values: Mapping[str, object]) -> str:
        """The message for a visitor. An edited text that no longer checks (the kind's
        placeholders changed since) gives way to the default rather than failing a call."""
        language = language if language in LANGUAGES else "id"
        text = self.text(kind, language)
        try:
            check_text(kind, language, text)
        except DomainError:
            text = default_text(kind, language)
        return text.format_map(dict(values))

    def is_edited(self, kind: str, language: str) -> bool:
        return (kind, language) in self.edited


DEFAULT_TEXTS = NoticeTexts()


def stored_texts(session: Session) -> NoticeTexts:
    """The edited texts (one statement; ``CatalogSnapshot.notice_texts`` keeps them)."""
    rows = session.execute(select(NoticeText.kind, NoticeText.language, NoticeText.text))
    return NoticeTexts({(kind, lang): text for kind, lang, text in rows if kind in _TEXTS})


# --- WhatsApp Cloud templates ----------------------------------------------------------

# The approved template of each kind, unless ``[notify] whatsapp_templates`` names
# another; a kind not listed uses ``antre_<kind>``.
TEMPLATE_NAMES: dict[str, str] = {
    "called": "antre_dipanggil",
    "ahead": "antre_hampir",
    "ahead_minutes": "antre_hampir_menit",
    "transferred": "antre_dipindah",
    "survey": "antre_survei",
    "booking_confirmed": "antre_booking_tercatat",
    "booking_reminder_day": "antre_booking_besok",
    "booking_reminder_hour": "antre_booking_sejam",
    "booking_cancelled": "antre_booking_batal",
}
# The confirmations after Start: only ever sent to a Telegram chat (the bot's answer), so
# no WhatsApp template is submitted for them.
TELEGRAM_ONLY = frozenset({"subscribed", "booking_subscribed"})
# Meta refuses a template body that ends (or starts) with a variable, and the status
# link is the last placeholder of every default text: the template adds this sentence
# after it (true on the Cloud API, whose webhook hears STOP).
TEMPLATE_TAIL = {"id": "Balas STOP untuk berhenti.", "en": "Reply STOP to stop."}


def template_name(kind: str, names: Mapping[str, str]) -> str:
    return names.get(kind) or TEMPLATE_NAMES.get(kind) or f"antre_{kind}"


def template_parameters(kind: str, values: Mapping[str, object]) -> list[str]:
    """The template's ``{{1}}``, ``{{2}}`` … in order (``placeholders``)."""
    return [str(values[name]) for name in placeholders(kind)]


def template_body(kind: str, language: str) -> str:
    """The body to submit to Meta for the kind in ``language``: the default text with
    ``{{n}}`` for each placeholder, and ``TEMPLATE_TAIL`` after the link."""
    order = placeholders(kind)
    parts: list[str] = []
    for literal, name, _, _ in _FORMATTER.parse(default_text(kind, language)):
        parts.append(literal)
        if name is not None:
            parts.append("{{" + str(order.index(name) + 1) + "}}")
    return "".join(parts).rstrip() + " " + TEMPLATE_TAIL.get(language, TEMPLATE_TAIL["id"])


# --- the words each trigger fills in (``NoticeTexts.render``, ``template_parameters``) --


def called(number: str, counter: str, link: str) -> dict[str, object]:
    return {"number": number, "counter": counter, "link": link}


def ahead(number: str, ahead: int, link: str) -> dict[str, object]:
    return {"number": number, "ahead": ahead, "link": link}


def ahead_minutes(number: str, minutes: int, ahead: int, link: str) -> dict[str, object]:
    return {"number": number, "minutes": minutes, "ahead": ahead, "link": link}


def transferred(number: str, service: str, link: str) -> dict[str, object]:
    return {"number": number, "service": service, "link": link}


def survey(number: str, link: str) -> dict[str, object]:
    return {"number": number, "link": link}


def subscribed(number: str, link: str) -> dict[str, object]:
    return {"number": number, "link": link}


def booking(code: str, service: str, date: str, time: str, link: str) -> dict[str, object]:
    """A booking's notice (``booking_*`` kinds): its code, service, slot and status page."""
    return {"code": code, "service": service, "date": date, "time": time, "link": link}


def booking_subscribed(code: str, link: str) -> dict[str, object]:
    return {"code": code, "link": link}
