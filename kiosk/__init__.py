"""The touch kiosk: ``antre-kiosk --config kiosk.toml`` (see docs/kiosk.md)."""
