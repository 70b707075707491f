"""What the console says about a submitted form's problems, in Indonesian and English.

The domain decides *that* a field is wrong; this module is the one place that says *how*
it is put to the person at the console. Each problem is written once, named for what it
means, with both languages side by side, so a translator reviews one file and the rule
modules (``admin_catalog``, ``admin_hours``, ``users``, ``settings`` …) hold no wording
of their own. Problems with a figure in them (a length, a range, a code) are small
functions; the rest are constants.

Two families meet here. The catalogue's forms (``admin_catalog.Fields``) name a
``Problem`` directly. The account, device and settings rules raise a ``DomainError``
whose details name the broken ``rule`` and its figures; ``for_rule`` words those. Some
sentences look alike across the families but are not the same words (``between`` and
``must_be_between``): they are kept apart because the pages already show them so, and
nothing a user sees was to change when the wording moved here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .auth import MIN_PASSWORD_LENGTH


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field, in both languages of the console."""

    id: str
    en: str


# --- any field ------------------------------------------------------------------------

REQUIRED = Problem("Wajib diisi.", "Required.")
NO_CONTROL_CHARACTERS = Problem("Tanpa karakter kontrol.", "No control characters.")
NOT_A_WHOLE_NUMBER = Problem("Isi dengan bilangan bulat.", "Enter a whole number.")
MUST_BE_WHOLE_NUMBER = Problem("Harus bilangan bulat.", "Must be a whole number.")
NOT_A_NUMBER = Problem("Isi dengan angka, mis. 7,5.", "Enter a number, e.g. 7.5.")
NOT_A_DATE = Problem("Tanggal tidak sah (TTTT-BB-HH).", "Not a valid date (YYYY-MM-DD).")
MUST_NOT_BE_EMPTY = Problem("Tidak boleh kosong.", "Must not be empty.")
CHOOSE_AN_OPTION = Problem("Pilih salah satu pilihan.", "Choose one of the options.")
ALREADY_IN_USE = Problem("Sudah dipakai.", "Already in use.")
NOT_FOUND = Problem("Tidak ditemukan.", "Not found.")
TEXTS_ONLY = Problem("Isi dengan teks.", "Enter text.")


def at_most_characters(limit: object) -> Problem:
    """A text longer than the field keeps."""
    return Problem(f"Paling banyak {limit} karakter.", f"At most {limit} characters.")


def at_most_lines(limit: object) -> Problem:
    """A list typed one entry per line (a service's requirements) that is too long."""
    return Problem(f"Paling banyak {limit} baris.", f"At most {limit} lines.")


def line_too_long(number: int, limit: object) -> Problem:
    """One line of such a list that is longer than the field keeps."""
    return Problem(
        f"Baris {number}: paling banyak {limit} karakter.",
        f"Line {number}: at most {limit} characters.",
    )


def holiday_cancel_reason(name: str) -> Problem:
    """The reason stored on bookings a new holiday cancels, read by the visitor on the
    booking's status page (the Indonesian one is stored: a reason is one text)."""
    return Problem(f"Hari libur: {name}.", f"Holiday: {name}.")


def one_to_characters(limit: object) -> Problem:
    """A text that must be there and fit (a call-out template's words)."""
    return Problem(f"Isi 1 sampai {limit} karakter.", f"Enter 1 to {limit} characters.")


def _figure(number: float) -> str:
    # A whole number as typed; a decimal without trailing zeros (0.5, 600), as the
    # decimal fields have always shown their bounds.
    return str(number) if isinstance(number, int) else f"{number:g}"


def between(low: float, high: float) -> Problem:
    """A catalogue number outside its bounds."""
    lo, hi = _figure(low), _figure(high)
    return Problem(f"Antara {lo} dan {hi}.", f"Between {lo} and {hi}.")


def must_be_between(low: object, high: object) -> Problem:
    """A setting's number outside its bounds (the settings page's own sentence)."""
    return Problem(f"Harus antara {low} dan {high}.", f"Must be between {low} and {high}.")


# --- opening hours --------------------------------------------------------------------

NOT_A_TIME = Problem(
    "Jam seperti 07.30 atau 07:30 (00.00–24.00).", "Times like 07.30 or 07:30 (00.00–24.00)."
)
OPEN_BEFORE_CLOSE = Problem("Jam buka harus sebelum jam tutup.", "Opening must be before closing.")
OPENING_AND_CLOSING_NEEDED = Problem(
    "Isi jam buka dan jam tutup.", "Enter opening and closing times."
)
HOURS_UNREADABLE = Problem("Jam layanan tidak terbaca.", "The opening hours could not be read.")


def unknown_weekday(day: str) -> Problem:
    return Problem(f"Hari tidak dikenal: {day}.", f"Unknown weekday: {day}.")


CHOOSE_SCOPE = Problem("Pilih seluruh mal atau satu instansi.", "Choose the hall or an agency.")
STALE_PREVIEW = Problem(
    "Isian atau layanan berubah sejak pratinjau: periksa lagi, lalu terapkan.",
    "The form or the services changed since the preview: check again, then apply.",
)
SPECIAL_OPENING_TAKEN = Problem(
    "Sudah ada buka khusus untuk cakupan ini pada tanggal ini.",
    "This scope already has a special opening on this date.",
)

# --- the catalogue: agencies, services, counters, zones, holidays ---------------------

AGENCY_CODE_HINT = Problem(
    "2–8 huruf besar/angka, diawali huruf (mis. DK).",
    "2–8 capital letters/digits, starting with a letter (e.g. DK).",
)
SERVICE_CODE_HINT = Problem(
    "2–16 huruf besar, angka atau -, mis. DK-KTP.",
    "2–16 capital letters, digits or -, e.g. DK-KTP.",
)
PREFIX_HINT = Problem(
    "1–4 huruf besar/angka, diawali huruf (mis. DK).",
    "1–4 capital letters/digits, starting with a letter (e.g. DK).",
)
ZONE_CODE_HINT = Problem(
    "Huruf kecil, angka atau -, mis. lantai1-a.",
    "Lowercase letters, digits or -, e.g. floor1-a.",
)
NOT_A_COLOUR = Problem("Warna seperti #1E5AA8.", "A colour like #1E5AA8.")
CHOOSE_AGENCY = Problem("Pilih instansi.", "Choose an agency.")
CHOOSE_ZONE = Problem("Pilih zona.", "Choose a zone.")
NOT_A_SERVICE_CHOICE = Problem("Pilihan layanan tidak sah.", "Not a valid service choice.")
SERVICE_OF_OTHER_AGENCY = Problem(
    "Loket hanya melayani layanan instansinya sendiri.",
    "A counter serves only its own agency's services.",
)
COUNTER_STILL_OPEN = Problem(
    "Loket masih buka: tutup loket dulu, lalu nonaktifkan.",
    "The counter is still open: close it first, then deactivate it.",
)
ALREADY_A_HOLIDAY = Problem("Tanggal ini sudah hari libur.", "This date is a holiday already.")


# A row with history is deactivated, not deleted (said when a delete is refused).
AGENCY_KEPT = Problem(
    "Instansi ini punya layanan, loket, pengguna atau perangkat: nonaktifkan saja.",
    "This agency has services, counters, users or devices: deactivate it instead.",
)
SERVICE_KEPT = Problem(
    "Layanan ini sudah punya nomor antrean: nonaktifkan saja.",
    "This service has tickets: deactivate it instead.",
)
COUNTER_KEPT = Problem(
    "Loket ini punya riwayat atau perangkat: nonaktifkan saja.",
    "This counter has history or a device: deactivate it instead.",
)
ZONE_KEPT = Problem(
    "Masih ada loket atau papan di zona ini: pindahkan dulu.",
    "Counters or display boards are in this zone: move them first.",
)


def code_taken(code: str) -> Problem:
    return Problem(f"Kode {code} sudah dipakai.", f"Code {code} is taken.")


def prefix_of_other_agency(prefix: str, owner: str) -> Problem:
    """Two agencies' visitors would hold the same number."""
    return Problem(
        f"Awalan {prefix} dipakai instansi {owner}.", f"Prefix {prefix} belongs to {owner}."
    )


def label_taken_in_zone(label: str) -> Problem:
    """Two counters of one zone with one name: the board could not say which."""
    return Problem(
        f"Sudah ada {label} di zona ini: papan akan membingungkan.",
        f"{label} exists in this zone already: the board would be ambiguous.",
    )


# --- reports: the period and agency asked for -----------------------------------------

OTHER_AGENCYS_REPORT = Problem(
    "Supervisor hanya melihat laporan instansinya sendiri.",
    "A supervisor sees only their own agency's reports.",
)
UNKNOWN_AGENCY = Problem("Instansi tidak dikenal.", "Unknown agency.")

# --- accounts, devices and settings (worded from a DomainError's ``rule``) ------------

UNKNOWN_TIME_ZONE = Problem("Zona waktu tidak dikenal.", "Unknown time zone.")
CALL_OUT_PLACEHOLDERS = Problem(
    "Hanya boleh memakai {prefix}, {number}, {counter} dan {agency}.",
    "Only {prefix}, {number}, {counter} and {agency} may be used.",
)
USERNAME_HINT = Problem(
    "2–64 huruf kecil, angka, titik, tanda hubung atau garis bawah.",
    "2–64 lowercase letters, digits, dots, dashes or underscores.",
)
ADMIN_HAS_NO_AGENCY = Problem(
    "Admin tidak terikat pada instansi: kosongkan.",
    "An admin has no agency: leave it empty.",
)
COUNTER_OF_OTHER_AGENCY = Problem(
    "Loket itu milik instansi lain.", "That counter belongs to another agency."
)
COUNTER_PC_ONLY = Problem("Hanya untuk PC loket.", "Only for a counter PC.")
LOGO_NOT_AN_IMAGE = Problem(
    "Logo harus gambar PNG atau JPEG.", "The logo must be a PNG or JPEG image."
)


def call_out_missing(placeholders: list[str]) -> Problem:
    """A call-out template that leaves out what a visitor listens for."""
    return Problem(
        "Kalimat panggilan harus memuat " + " dan ".join(placeholders) + ".",
        "The call-out must contain " + " and ".join(placeholders) + ".",
    )


NOTICE_NEEDS_LINK = Problem(
    "Teks harus memuat {link}: setiap pesan membawa tautan status tiket.",
    "The text must contain {link}: every message carries the ticket's status link.",
)
NOTICE_BRACES = Problem(
    "Kurung kurawal tidak sah: tulis penanda polos seperti {number}, "
    "dan {{ atau }} untuk kurung kurawal biasa.",
    "Braces not valid: write placeholders plainly like {number}, and {{ or }} for a brace itself.",
)


def notice_placeholder(name: object, allowed: object) -> Problem:
    """A notice text naming a placeholder its kind does not fill."""
    listed = " ".join(f"{{{item}}}" for item in allowed) if isinstance(allowed, list) else ""
    return Problem(
        f"Penanda {{{name}}} tidak dikenal untuk pesan ini. Yang boleh: {listed}.",
        f"Placeholder {{{name}}} is not known for this message. Allowed: {listed}.",
    )


def password_too_short(minimum: int) -> Problem:
    return Problem(
        f"Kata sandi minimal {minimum} karakter.",
        f"A password needs at least {minimum} characters.",
    )


def logo_too_large(max_kb: object) -> Problem:
    return Problem(f"Logo paling besar {max_kb} KB.", f"The logo may be at most {max_kb} KB.")


def logo_too_wide(max_side: object) -> Problem:
    return Problem(
        f"Logo paling besar {max_side} piksel per sisi.",
        f"The logo may be at most {max_side} pixels on a side.",
    )


RULES: dict[str, Callable[[Mapping[str, Any]], Problem]] = {
    "required": lambda d: REQUIRED,
    "whole_number": lambda d: MUST_BE_WHOLE_NUMBER,
    "range": lambda d: must_be_between(d.get("low"), d.get("high")),
    "too_long": lambda d: at_most_characters(d.get("max")),
    "length": lambda d: one_to_characters(d.get("max")),
    "empty": lambda d: MUST_NOT_BE_EMPTY,
    "control": lambda d: NO_CONTROL_CHARACTERS,
    "choice": lambda d: CHOOSE_AN_OPTION,
    "timezone": lambda d: UNKNOWN_TIME_ZONE,
    "template": lambda d: CALL_OUT_PLACEHOLDERS,
    "template_missing": lambda d: call_out_missing(list(d.get("missing", []))),
    "username": lambda d: USERNAME_HINT,
    "password": lambda d: password_too_short(MIN_PASSWORD_LENGTH),
    "exists": lambda d: ALREADY_IN_USE,
    "not_found": lambda d: NOT_FOUND,
    "admin_no_agency": lambda d: ADMIN_HAS_NO_AGENCY,
    "other_agency": lambda d: COUNTER_OF_OTHER_AGENCY,
    "not_here": lambda d: COUNTER_PC_ONLY,
    "image_type": lambda d: LOGO_NOT_AN_IMAGE,
    "image_size": lambda d: logo_too_large(d.get("max_kb")),
    "image_dimensions": lambda d: logo_too_wide(d.get("max_side")),
    "notice_link": lambda d: NOTICE_NEEDS_LINK,
    "notice_braces": lambda d: NOTICE_BRACES,
    "notice_placeholder": lambda d: notice_placeholder(d.get("placeholder"), d.get("allowed")),
}
"""The rules a ``DomainError`` names in its details (``rule``), each worded from the
details' figures (``max``, ``low``/``high``, ``missing`` …)."""


def for_rule(rule: str, details: Mapping[str, Any]) -> Problem | None:
    """The wording of a broken rule, or None for a rule the console has no sentence for
    (the error's own English message is shown then)."""
    word = RULES.get(rule)
    return word(details) if word is not None else None


# --- bookings (the console's booking settings and bands) ------------------------------

BANDS_OVERLAP = Problem("Rentang waktu tidak boleh tumpang tindih.", "Time bands must not overlap.")


def _per_service(services: Sequence[tuple[str, int]]) -> str:
    """ "Perekaman KTP-el: 2, Perubahan KK: 1": the services a closure hits, and how many
    bookings of each."""
    return ", ".join(f"{name}: {count}" for name, count in services)


def bookings_on_closed_day(count: int, services: Sequence[tuple[str, int]] = ()) -> Problem:
    """A holiday added on a day with bookings: what saving it does to them."""
    which = f" ({_per_service(services)})" if services else ""
    return Problem(
        f"Ada {count} pemesanan pada hari ini{which}. Centang untuk tetap menambahkan hari "
        "libur dan membatalkannya; pemesan melihat alasannya di halaman pemesanan.",
        f"There are {count} bookings on this day{which}. Tick to add the holiday anyway and "
        "cancel them; the visitors see the reason on their booking's page.",
    )


def bookings_outside_new_hours(count: int, services: Sequence[tuple[str, int]]) -> Problem:
    """New weekly hours, or a special opening changed or deleted, that leave bookings not
    checked in outside the hours their slot needs: what saving does to them."""
    return Problem(
        f"{count} pemesanan yang belum check-in jatuh di luar jam buka yang baru "
        f"({_per_service(services)}). Centang untuk tetap menyimpan dan membatalkannya; "
        "pemesan melihat alasannya di halaman pemesanan.",
        f"{count} bookings not checked in fall outside the new opening hours "
        f"({_per_service(services)}). Tick to save anyway and cancel them; the visitors "
        "see the reason on their booking's page.",
    )


def bookings_held_by_opening(count: int, services: Sequence[tuple[str, int]]) -> Problem:
    """A special opening about to be deleted that alone holds bookings open: what
    deleting it does to them."""
    return Problem(
        f"{count} pemesanan yang belum check-in hanya tertampung oleh buka khusus ini "
        f"({_per_service(services)}). Centang untuk tetap menghapusnya dan membatalkan "
        "pemesanan itu; pemesan melihat alasannya di halaman pemesanan.",
        f"{count} bookings not checked in are held open by this special opening alone "
        f"({_per_service(services)}). Tick to delete it anyway and cancel them; the "
        "visitors see the reason on their booking's page.",
    )


def special_opening_cancel_reason(name: str) -> Problem:
    """The reason stored on bookings a changed special opening cancels (the Indonesian
    one is stored, as for a holiday)."""
    which = f" ({name})" if name else ""
    return Problem(
        f"Buka khusus{which} diubah: layanan tutup pada jam itu.",
        f"The special opening{which} changed: the service is closed at that time.",
    )


def special_opening_deleted_reason(name: str) -> Problem:
    """The reason stored on bookings a deleted special opening cancels: the visitor is
    told it was withdrawn, not changed."""
    which = f" ({name})" if name else ""
    return Problem(
        f"Buka khusus{which} ditiadakan: layanan tutup pada jam itu.",
        f"The special opening{which} was called off: the service is closed at that time.",
    )


def bookings_of_deactivated(count: int, services: Sequence[tuple[str, int]]) -> Problem:
    """A service or an agency about to be deactivated that has bookings not checked in
    from today on: what saving does to them (an inactive service gives no ticket)."""
    return Problem(
        f"{count} pemesanan yang belum check-in, dari hari ini ke depan, tidak dapat dilayani "
        f"bila dinonaktifkan ({_per_service(services)}). Centang untuk tetap menyimpan dan "
        "membatalkannya; pemesan melihat alasannya di halaman pemesanan.",
        f"{count} bookings not checked in, from today on, cannot be served once this is "
        f"deactivated ({_per_service(services)}). Tick to save anyway and cancel them; the "
        "visitors see the reason on their booking's page.",
    )


DEACTIVATED_CANCEL_REASON = Problem(
    "Layanan dihentikan: tidak dilayani lagi di mal ini.",
    "The service was withdrawn: it is no longer served at this hall.",
)
"""The reason stored on bookings cancelled because their service (or its agency) was
deactivated."""


HOURS_CANCEL_REASON = Problem(
    "Jam layanan diubah: layanan tutup pada jam itu.",
    "The opening hours changed: the service is closed at that time.",
)
"""The reason stored on bookings that new weekly hours of their service cancel."""
