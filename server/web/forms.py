"""What the console's account, device and settings forms share: reading a field, wording
the domain's refusals beside the field they are about, and answering with a secret once.

The domain names the broken rule in its error's details (``field``, ``rule`` and the
rule's figures); this module turns that into a sentence in the page's language, so the
rules stay in ``server.domain`` and only their wording lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Response, make_response, request

from server.domain.auth import MIN_PASSWORD_LENGTH
from server.domain.errors import DomainError
from server.state import app_state
from server.web.i18n import id_en
from shared.errors import ErrorCode

T = TypeVar("T")
Errors = dict[str, str]


def field_message(exc: DomainError) -> str:
    """A refusal in the page's language, from the rule the domain names in its details."""
    d = exc.details
    rule = d.get("rule")
    texts: dict[str, tuple[str, str]] = {
        "required": ("Wajib diisi.", "Required."),
        "whole_number": ("Harus bilangan bulat.", "Must be a whole number."),
        "range": (
            f"Harus antara {d.get('low')} dan {d.get('high')}.",
            f"Must be between {d.get('low')} and {d.get('high')}.",
        ),
        "too_long": (
            f"Paling banyak {d.get('max')} karakter.",
            f"At most {d.get('max')} characters.",
        ),
        "length": (
            f"Isi 1 sampai {d.get('max')} karakter.",
            f"Enter 1 to {d.get('max')} characters.",
        ),
        "empty": ("Tidak boleh kosong.", "Must not be empty."),
        "control": ("Tanpa karakter kontrol.", "No control characters."),
        "choice": ("Pilih salah satu pilihan.", "Choose one of the options."),
        "timezone": ("Zona waktu tidak dikenal.", "Unknown time zone."),
        "template": (
            "Hanya boleh memakai {prefix}, {number}, {counter} dan {agency}.",
            "Only {prefix}, {number}, {counter} and {agency} may be used.",
        ),
        "template_missing": (
            "Kalimat panggilan harus memuat " + " dan ".join(d.get("missing", [])) + ".",
            "The call-out must contain " + " and ".join(d.get("missing", [])) + ".",
        ),
        "username": (
            "2–64 huruf kecil, angka, titik, tanda hubung atau garis bawah.",
            "2–64 lowercase letters, digits, dots, dashes or underscores.",
        ),
        "password": (
            f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
        ),
        "exists": ("Sudah dipakai.", "Already in use."),
        "not_found": ("Tidak ditemukan.", "Not found."),
        "admin_no_agency": (
            "Admin tidak terikat pada instansi: kosongkan.",
            "An admin has no agency: leave it empty.",
        ),
        "other_agency": (
            "Loket itu milik instansi lain.",
            "That counter belongs to another agency.",
        ),
        "not_here": ("Hanya untuk PC loket.", "Only for a counter PC."),
        "image_type": (
            "Logo harus gambar PNG atau JPEG.",
            "The logo must be a PNG or JPEG image.",
        ),
        "image_size": (
            f"Logo paling besar {d.get('max_kb')} KB.",
            f"The logo may be at most {d.get('max_kb')} KB.",
        ),
        "image_dimensions": (
            f"Logo paling besar {d.get('max_side')} piksel per sisi.",
            f"The logo may be at most {d.get('max_side')} pixels on a side.",
        ),
    }
    if rule is None and d.get("field") == "password":
        rule = "password"
    if rule is None and exc.code == ErrorCode.NOT_FOUND:
        rule = "not_found"
    pair = texts.get(rule) if isinstance(rule, str) else None
    return id_en(*pair) if pair else exc.message


def form_errors(exc: DomainError) -> Errors:
    """{field: message} for a refusal a form can show beside a field; re-raised when it is
    not about a field (forbidden, another agency: the error page says so)."""
    name = exc.details.get("field")
    if exc.code == ErrorCode.FORBIDDEN or not isinstance(name, str):
        raise exc
    return {name: field_message(exc)}


def attempt(work: Callable[[], T]) -> tuple[T | None, Errors]:
    """The work's result, or the field messages of the refusal that stopped it."""
    try:
        return work(), {}
    except DomainError as exc:
        return None, form_errors(exc)


def text_field(name: str, limit: int = 300) -> str:
    """A form field as text, cut to ``limit`` (the domain refuses what is still too long)."""
    value = request.form.get(name, "")
    return value.strip()[:limit]


def secret_page(body: str, status: int) -> Response:
    """A page that shows a secret once: never stored by the browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def forget_tokens(hashes: Iterable[str]) -> None:
    """This process stops trusting these tokens now; the others within the principal
    cache's few seconds (``server.principal_cache.CACHE_SECONDS``)."""
    cache = app_state().principals
    for key in hashes:
        cache.forget(key)
