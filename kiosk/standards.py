"""A service's *standar pelayanan* as the kiosk shows it: requirements, fee, time to complete.

Visitors who read the requirements before queueing do not wait an hour to be sent home for
a missing photocopy. The texts come from the service in ``GET /api/v1/config`` (its
``standard``), written once in the console, so every kiosk and the ticket page agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class StandardError(ValueError):
    """A standard the kiosk cannot show; the message names the field."""


@dataclass(frozen=True)
class ServiceStandard:
    """What a visitor must bring and pay for one service, and how long it takes, shown
    before they take a number."""

    requirements: tuple[str, ...] = ()
    fee: str | None = None
    completion: str | None = None  # e.g. "Selesai di hari yang sama"

    @property
    def empty(self) -> bool:
        return not (self.requirements or self.fee or self.completion)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "standard") -> ServiceStandard:
        unknown = sorted(set(data) - {"requirements", "fee", "completion"})
        if unknown:
            raise StandardError(f"{where}: unknown field(s) {', '.join(unknown)}")
        requirements = data.get("requirements", [])
        if not isinstance(requirements, list) or not all(
            isinstance(r, str) and r.strip() for r in requirements
        ):
            raise StandardError(f"{where}: requirements must be a list of texts")
        for key in ("fee", "completion"):
            if key in data and not isinstance(data[key], str):
                raise StandardError(f"{where}: {key} must be a text")
        return cls(
            requirements=tuple(r.strip() for r in requirements),
            fee=(data.get("fee") or "").strip() or None,
            completion=(data.get("completion") or "").strip() or None,
        )
