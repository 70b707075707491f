"""Widgets of the counter client: they show the shift and forward presses."""
