"""Indonesian by default, English by a switch: ``?lang=en`` (or ``id``) on any page sets
a cookie that later pages follow.

Texts are written as Indonesian/English pairs where they are used (``id_en("Antrean",
"Queue")``) rather than as catalogue keys: a page and both its languages read together,
and a missing translation cannot happen.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Response, current_app, g, request

LANGUAGES = ("id", "en")
COOKIE = "antre_lang"
# The months as both languages name them, for dates written out on pages and files.
MONTH_NAMES = (
    ("Januari", "January"),
    ("Februari", "February"),
    ("Maret", "March"),
    ("April", "April"),
    ("Mei", "May"),
    ("Juni", "June"),
    ("Juli", "July"),
    ("Agustus", "August"),
    ("September", "September"),
    ("Oktober", "October"),
    ("November", "November"),
    ("Desember", "December"),
)


def current_lang() -> str:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    stored = request.cookies.get(COOKIE)
    if stored in LANGUAGES:
        return stored
    return _site_default()


def _site_default() -> str:
    """The language the admin chose for the site (settings), once per request."""
    cached = g.get("antre_site_lang")
    if cached is None:
        from server.domain.settings import load_settings
        from server.state import app_state

        with app_state().db.read() as session:
            cached = load_settings(session).default_language
        cached = cached if cached in LANGUAGES else "id"
        g.antre_site_lang = cached
    return cached  # type: ignore[no-any-return]


def id_en(indonesian: str, english: str) -> str:
    """The text in the page's language."""
    lang = g.get("antre_lang") or current_lang()
    return english if lang == "en" else indonesian


def lang_url(lang: str) -> str:
    """This page in another language, keeping its query (a booking's manage link keeps
    its secret): a link of the query alone, so the page never repeats its own address (a
    ticket's "not found" is the same page whatever code was asked). A page answering a
    form sent by POST names the page to switch on instead (``g.antre_lang_target``): a
    GET of the form's address may not exist."""
    target = g.get("antre_lang_target")
    parts = urlsplit(target or "?" + request.query_string.decode("utf-8", "replace"))
    args = {k: v for k, v in parse_qsl(parts.query) if k != "lang"}
    return f"{parts.path}?{urlencode({**args, 'lang': lang})}"


def remember_choice(response: Response) -> Response:
    """Keep an explicit ``?lang=`` for the next pages (a year; not a secret)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
