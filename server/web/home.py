"""The console's front door, its navigation, and how its pages show an error."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for

from server.domain.errors import DomainError
from server.domain.settings import load_settings
from server.errors import STATUS, error_response
from server.models import Role
from server.state import app_state
from server.web import bp
from server.web.console_auth import staff_page
from server.web.i18n import id_en

# (endpoint, Indonesian, English, roles). A page appears once its module defines it.
NAVIGATION: tuple[tuple[str, str, str, tuple[Role, ...]], ...] = (
    ("web.monitor", "Monitor", "Monitor", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.reports", "Laporan", "Reports", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.skm_report", "SKM", "Survey", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.admin_agencies", "Instansi", "Agencies", (Role.ADMIN,)),
    ("web.admin_services", "Layanan", "Services", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.admin_bookings", "Pemesanan", "Bookings", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.admin_counters", "Loket", "Counters", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.admin_zones", "Zona", "Zones", (Role.ADMIN,)),
    ("web.admin_holidays", "Hari libur", "Holidays", (Role.ADMIN,)),
    (
        "web.admin_special_openings",
        "Buka khusus",
        "Special openings",
        (Role.ADMIN, Role.SUPERVISOR),
    ),
    ("web.admin_users", "Pengguna", "Users", (Role.ADMIN, Role.SUPERVISOR)),
    ("web.admin_devices", "Perangkat", "Devices", (Role.ADMIN,)),
    ("web.admin_survey", "Kuesioner", "Questionnaire", (Role.ADMIN,)),
    ("web.admin_settings", "Pengaturan", "Settings", (Role.ADMIN,)),
)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    def navigation() -> list[dict[str, Any]]:
        who = g.get("antre_user")
        if who is None:
            return []
        return [
            {
                "endpoint": endpoint,
                "url": url_for(endpoint),
                "label": id_en(indonesian, english),
                "active": request.endpoint == endpoint,
            }
            for endpoint, indonesian, english, roles in NAVIGATION
            if endpoint in current_app.view_functions and who.role in roles
        ]

    def site() -> dict[str, str]:
        cached = g.get("antre_site")
        if cached is None:
            with app_state().db.read() as session:
                settings = load_settings(session)
                cached = {
                    "name": settings.site_name,
                    "short_name": settings.site_short_name,
                    "logo": url_for("web.site_logo", v=settings.logo) if settings.logo else "",
                }
            g.antre_site = cached
        return cached  # type: ignore[no-any-return]

    return {"navigation": navigation, "site": site}


@bp.get("/")
@staff_page()
def home() -> Any:
    for endpoint, _, _, roles in NAVIGATION:
        if endpoint in current_app.view_functions and g.antre_user.role in roles:
            return redirect(url_for(endpoint))
    return render_template("home.html")


@bp.errorhandler(DomainError)
def _page_error(exc: DomainError) -> Any:
    """A page's own fetches get the API's JSON error; a person gets a readable page (a
    visitor's page its own kind of page, even for a refusal raised before its view)."""
    view = current_app.view_functions.get(request.endpoint or "")
    visitor_refusal = getattr(view, "visitor_refusal", None)
    if visitor_refusal is not None:
        return visitor_refusal(exc)
    accept = request.accept_mimetypes
    if accept.accept_json and not accept.accept_html:
        return error_response(exc.code, exc.message, exc.details or None)
    status = STATUS.get(exc.code, 400)
    if exc.details.get("reason") == "csrf":
        text = id_en(
            "Formulir ini sudah kedaluwarsa (sesi berakhir atau server dimulai ulang). "
            "Muat ulang halaman lalu coba lagi.",
            "This form has expired (the session ended or the server restarted). "
            "Reload the page and try again.",
        )
    else:
        text = exc.message
    return render_template("error.html", status=status, message=text), status
