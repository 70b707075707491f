"""One way for the visitors' pages (booking, the ticket's survey and notices) to be
counted and to refuse.

Each visitor page counts against the per-address page budget (``public_limit``) and
answers a refusal as a page of its own, in words the visitor reads. The refusal is also
hung on the view as ``visitor_refusal``, so the blueprint's error handler can answer a
refusal raised before the view runs (the CSRF check of every form) the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from server import public_limit
from server.domain.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
Refusal = Callable[[DomainError], Any]


def visitor_view(refusal: Refusal) -> Callable[[F], F]:
    """The decorator of a visitor page whose refusals ``refusal`` words."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                public_limit.check("page")
                return view(*args, **kwargs)
            except DomainError as exc:
                return refusal(exc)

        wrapped.visitor_refusal = refusal  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
