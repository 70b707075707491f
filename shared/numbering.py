"""How a ticket number is written: prefix, separator, zero-padded sequence (``DK-007``)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEPARATOR = "-"
DEFAULT_WIDTH = 3


@dataclass(frozen=True)
class NumberFormat:
    """The site's numbering format; changed in the site settings."""

    separator: str = DEFAULT_SEPARATOR
    width: int = DEFAULT_WIDTH

    def format(self, prefix: str, sequence: int) -> str:
        """``format("DK", 7)`` -> ``"DK-007"``; a sequence longer than the width is kept whole."""
        return f"{prefix}{self.separator}{sequence:0{self.width}d}"
