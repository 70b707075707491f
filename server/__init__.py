"""The Antre server: REST API, Socket.IO push and (later) the web pages.

Importing this package imports nothing else: ``server.entry`` must be able to
monkey-patch the standard library for eventlet before Flask or SQLAlchemy load.
Use ``from server.app import create_app``.
"""
