"""What the console's account, device and settings forms share: reading a field, wording
the domain's refusals beside the field they are about, and answering with a secret once.

The domain names the broken rule in its error's details (``field``, ``rule`` and the
rule's figures); this module shows that rule's sentence (``server.domain.form_wording``,
where every console form's wording lives) in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Response, make_response, request

from server.domain import form_wording as wording
from server.domain.errors import DomainError
from server.domain.form_wording import Problem
from server.state import app_state
from server.web.i18n import id_en
from shared.errors import ErrorCode

T = TypeVar("T")
Errors = dict[str, str]


def field_message(exc: DomainError) -> str:
    """A refusal in the page's language, from the rule the domain names in its details."""
    d = exc.details
    rule = d.get("rule")
    if rule is None and d.get("field") == "password":
        rule = "password"
    if rule is None and exc.code == ErrorCode.NOT_FOUND:
        rule = "not_found"
    problem = wording.for_rule(rule, d) if isinstance(rule, str) else None
    return worded(problem) if problem is not None else exc.message


def worded(problem: Problem) -> str:
    """A form problem in the page's language."""
    return id_en(problem.id, problem.en)


def form_errors(exc: DomainError) -> Errors:
    """{field: message} for a refusal a form can show beside a field; re-raised when it is
    not about a field (forbidden, another agency: the error page says so)."""
    name = exc.details.get("field")
    if exc.code == ErrorCode.FORBIDDEN or not isinstance(name, str):
        raise exc
    return {name: field_message(exc)}


def attempt(work: Callable[[], T]) -> tuple[T | None, Errors]:
    """The work's result, or the field messages of the refusal that stopped it."""
    try:
        return work(), {}
    except DomainError as exc:
        return None, form_errors(exc)


def text_field(name: str, limit: int = 300) -> str:
    """A form field as text, cut to ``limit`` (the domain refuses what is still too long)."""
    value = request.form.get(name, "")
    return value.strip()[:limit]


def secret_page(body: str, status: int) -> Response:
    """A page that shows a secret once: never stored by the browser or a proxy."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def forget_tokens(hashes: Iterable[str]) -> None:
    """This process stops trusting these tokens now; the others within the principal
    cache's few seconds (``server.principal_cache.CACHE_SECONDS``)."""
    cache = app_state().principals
    for key in hashes:
        cache.forget(key)
