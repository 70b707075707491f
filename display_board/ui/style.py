"""Colours and type for a hall board read from ten metres: dark ground, white and yellow
text, each agency in its own colour (the demo's colours keep white text at 4.5:1 or more)."""

from __future__ import annotations

FAMILY = "DejaVu Sans"
CONDENSED = "DejaVu Sans Condensed"

BACKGROUND = "#081325"
PANEL = "#11213A"
PANEL_EDGE = "#1F3558"
HEADER = "#0C1E38"
INK = "#FFFFFF"
MUTED = "#AFC0D8"
CALLED = "#FFD23F"  # a number being called: yellow on dark, the highest contrast we have
CALLED_INK = "#111111"  # text on the yellow bar
OFFLINE = "#D32F2F"
CLOSED = "#6F819C"
