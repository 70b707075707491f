"""The flow's printer: the server's answer becomes a ``TicketLayout``, printed by a
``TicketPrinter`` or, when that fails, rendered as the picture the screen shows.

Both come from the same layout, so the ticket on screen is the ticket the paper would
have carried: same number, same QR link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from PIL import Image

from kiosk.printer import TicketPrinter
from kiosk.ticket_layout import TicketLayout, render_image
from shared import wire
from shared.api_client import Issued


@dataclass(frozen=True)
class TicketSettings:
    """What a ticket says besides the server's answer; replaced whole on a config reload
    (one assignment, so the printing thread never sees half of it)."""

    public_url: str
    site_name: str = "Mal Pelayanan Publik"
    footer: str = ""
    survey_line: bool = False
    timezone: str = "Asia/Jakarta"
    logo_path: str | None = None


class KioskPrinter:
    """Implements ``kiosk.flow.Printer`` with a real printer connection."""

    def __init__(
        self,
        printer: TicketPrinter,
        *,
        server_url: str,
        public_url: str | None = None,
        logo_path: str | None = None,
    ) -> None:
        self.printer = printer
        self._public_url = public_url  # from the kiosk's own config: it wins
        self._server_url = server_url
        self.settings = TicketSettings(public_url=public_url or server_url, logo_path=logo_path)

    def apply_config(self, config: wire.Config) -> None:
        """Site name, footer, time zone (and the public URL, when the server knows it)
        from ``GET /api/v1/config``."""
        site = config.get("site", {})
        settings = config.get("settings", {})
        # ``public_url`` is not a field of the wire's settings (no server sends it yet):
        # read from the open object, so a server that does is followed.
        sent: Mapping[str, object] = settings
        public_url = sent.get("public_url")
        self.settings = replace(
            self.settings,
            site_name=site.get("name") or self.settings.site_name,
            timezone=site.get("timezone") or self.settings.timezone,
            footer=settings.get("ticket_footer", self.settings.footer) or "",
            # An older server does not send it: no line it never asked for.
            survey_line=settings.get("ticket_survey_line", 0) == 1,
            public_url=self._public_url
            or (public_url if isinstance(public_url, str) else "")
            or self._server_url,
        )

    def layout_for(self, issued: Issued, language: str) -> TicketLayout:
        settings = self.settings
        answer = wire.Issued(
            ticket=issued.ticket,
            people_ahead=issued.people_ahead,
            estimated_wait_minutes=issued.estimated_wait_minutes,
            # An older server sends minutes only.
            estimated_wait_seconds=(
                issued.estimated_wait_seconds
                if issued.estimated_wait_seconds is not None
                else issued.estimated_wait_minutes * 60
            ),
            open_counters=issued.open_counters,
            wait=issued.wait_kind,
        )
        return TicketLayout.from_issue(
            answer,
            site_name=settings.site_name,
            public_url=settings.public_url,
            footer=settings.footer,
            survey_line=settings.survey_line,
            timezone=settings.timezone,
            language=language,
            logo_path=settings.logo_path,
            paper_mm=self.printer.config.paper_mm,
            booked_slot=issued.booking["slot_start"] if issued.booking else None,
        )

    def print_issued(self, issued: Issued, language: str) -> str:
        """Print (the printer's status is asked first where the connection can tell);
        returns the state after printing, e.g. ``paper_low``; raises ``PrinterFault``."""
        self.printer.print_ticket(self.layout_for(issued, language))
        return self.printer.last_health.value

    def check(self) -> str:
        """The printer's state now, within its timeout; never raises."""
        return self.printer.check().value

    def image_for(self, issued: Issued, language: str) -> Image.Image:
        """The ticket as the screen shows it when the paper could not carry it."""
        return render_image(self.layout_for(issued, language))
