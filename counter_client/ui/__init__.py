"""Widgets of the counter client: they show the session and forward presses."""
