"""The one way an adapter calls a provider: a POST with a timeout, whose failures are
sorted into temporary and permanent and described without the request's URL.

The URL matters: Telegram puts the bot's token in the path, and a ``requests``
exception's text repeats the URL. So no exception text leaves this module, only the
kind of failure.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from typing import Any

import requests

from server.domain.notices.sending import SendResult

# urllib3 logs every request line at DEBUG, and Telegram's request line holds the bot's
# token: a server run with the DEBUG level must not write it out.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

# Retry-After beyond this is taken as "not today": the notice's deadline decides.
MAX_RETRY_AFTER_SECONDS = 3600.0


def post(
    session: requests.Session,
    url: str,
    *,
    timeout: float,
    data: dict[str, str] | None = None,
    json: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response | SendResult:
    """The provider's response, or a temporary ``SendResult`` when there was none
    (timeout, refused connection, broken TLS)."""
    try:
        return session.post(
            url, data=data, json=json, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        return SendResult.temporary(f"no answer within {timeout:g} s")
    except requests.ConnectionError:
        return SendResult.temporary("cannot connect to the provider")
    except requests.RequestException as exc:
        return SendResult.temporary(f"request failed ({type(exc).__name__})")


def retry_after(response: requests.Response) -> float | None:
    """The Retry-After header in seconds (a number or an HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(0.0, seconds), MAX_RETRY_AFTER_SECONDS)


def json_body(response: requests.Response) -> dict[str, Any] | None:
    """The response's JSON object, or None when it is not one (an HTML error page)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def by_status(response: requests.Response) -> SendResult | None:
    """The result a status code alone decides (429, 5xx), else None."""
    if response.status_code == 429:
        return SendResult.temporary("rate limited (HTTP 429)", retry_after(response))
    if response.status_code >= 500:
        return SendResult.temporary(f"provider error (HTTP {response.status_code})")
    return None


# Five digits or more, single spaces or hyphens between them allowed: a provider's
# message may repeat the visitor's phone number (written any way) or Telegram chat id
# (five digits for the oldest accounts). What is lost with them, a long error code in
# the text, the adapters keep apart (Meta's code) or never needed.
_NUMBER = re.compile(r"\+?\d(?:[ -]?\d){4,}")


def scrubbed(text: str, limit: int = 120) -> str:
    """A provider's own words, fit for a reason (stored, logged, shown on the console):
    no phone number or chat id, one line, short. Every adapter passes a provider's text
    through here before keeping it."""
    return _NUMBER.sub("…", " ".join(text.split()))[:limit]
