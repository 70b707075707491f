"""The kiosk's widgets: they show ``KioskState`` and forward taps to ``KioskFlow``."""
