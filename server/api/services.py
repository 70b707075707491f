"""Staff queries about one service's line (the transfer dialog's warning)."""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bp
from server.commands import run_query
from server.domain import access
from server.domain.context import Ctx
from server.domain.lines import line_outlook
from server.domain.tickets import load_service
from server.principal import current_principal
from shared import wire


@bp.get("/services/<int:service_id>/line")
def service_line(service_id: int) -> Response:
    """Any agency's line, for staff and counter terminals: counts only, no tickets."""
    who = current_principal()
    if not access.can_see_lines(who):
        raise access.forbidden("only staff and counter terminals see lines")

    def query(ctx: Ctx) -> wire.LineOutlook:
        return line_outlook(ctx, load_service(ctx.session, service_id))

    return jsonify(run_query(query))
