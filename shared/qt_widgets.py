"""Small widget helpers the PyQt6 clients share."""

from __future__ import annotations

from PyQt6.QtWidgets import QWidget


def restyle(widget: QWidget, name: str) -> bool:
    """Switch ``widget`` to another stylesheet rule (its object name); Qt applies a rule
    chosen by name only after the style is polished again. True when it changed."""
    if widget.objectName() == name:
        return False
    widget.setObjectName(name)
    style = widget.style()
    if style is not None:
        style.unpolish(widget)
        style.polish(widget)
    return True
