"""The Antre server: REST API, Socket.IO push and (later) the web pages."""

from server.app import create_app

__all__ = ["create_app"]
