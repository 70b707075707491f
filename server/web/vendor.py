"""Third-party browser code, installed from the npm registry by the set-up command
(``frontend/package-lock.json`` pins it) and served from here, so a hall LAN without
internet still gets it."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_file

from server.domain.errors import DomainError
from server.web import bp
from shared.errors import ErrorCode

NODE_MODULES = Path(__file__).resolve().parents[2] / "frontend" / "node_modules"

# URL name -> file under node_modules. Only these are served (no path from the URL).
FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
}


@bp.get("/vendor/<name>")
def vendor_file(name: str) -> Response:
    relative = FILES.get(name)
    path = NODE_MODULES / relative if relative else None
    if path is None or not path.is_file():
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"{name} is not installed: run scripts/setup (it installs frontend/ with npm)",
        )
    response = send_file(path, mimetype="text/javascript", max_age=24 * 3600)
    return response
