"""The pages MPP staff and visitors open in a browser, served by the same process as
the API: the admin console, the hall monitor, reports, the visitor's ticket page and a
browser display board. Everything they load comes from this server (no CDN): the hall
LAN has no internet."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/web",
)

# One module per page or area; each registers its routes on ``bp``.
from server.web import (  # noqa: E402, F401
    admin_bookings,
    admin_catalog,
    admin_devices,
    admin_hours,
    admin_notice_channels,
    admin_notice_texts,
    admin_notices,
    admin_settings,
    admin_survey,
    admin_users,
    agency_styles,
    board,
    booking_pages,
    console_auth,
    home,
    monitor,
    reports,
    skm_reports,
    survey_tablet,
    ticket_notices,
    ticket_page,
    ticket_survey,
    vendor,
)
