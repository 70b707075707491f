"""Which characters a text from outside may hold, and what the output edges keep.

Two rules, both here so the server's readers, the console's forms, the domain's own
checks and the clients' output agree:

* **Any text** (a password, a token, a room name included) must be Unicode scalar values
  without NUL: JSON may carry a lone UTF-16 surrogate (``"\\ud800"``), which no UTF-8
  page, log line or database row can hold, and PostgreSQL's ``text`` refuses NUL.
  Refused where a JSON body or a socket payload is read.
* **A shown text** (printed on a ticket, exported to a report, shown on a page or a board)
  also holds no control characters: C0 (U+0000-U+001F), DEL and C1 (U+007F-U+009F). A
  thermal printer takes ESC p (open the cash drawer) or GS V (cut) from inside a site
  name, and openpyxl refuses to write most of them. Only a field that is meant to hold
  several lines (the ticket's footer) may hold a line feed.

Rows stored before these rules were enforced may still hold such characters, so the
printer and the exports also drop them on their way out (``without_controls``).
"""

from __future__ import annotations

import re

# For the OpenAPI document (ECMA-262 syntax, which Python's ``re`` reads alike): a shown
# text's characters. Surrogates are left out: JSON readers refuse them before any schema.
SHOWN_TEXT_PATTERN = r"^[^\u0000-\u001F\u007F-\u009F]*$"
MULTILINE_TEXT_PATTERN = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$"

_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def is_text(value: str) -> bool:
    """Whether ``value`` can be stored and encoded at all: no NUL, no lone surrogate."""
    return _NOT_TEXT.search(value) is None


def refused_character(value: str, *, newlines: bool = False) -> str | None:
    """The first character a shown text may not hold (a control, NUL, a lone surrogate),
    or None when ``value`` is fit to print; ``newlines`` lets a line feed through."""
    found = (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).search(value)
    return None if found is None else found.group()


def describe(char: str) -> str:
    """A refused character named for an error message (``U+001B``), never echoed raw."""
    return f"U+{ord(char):04X}"


def without_controls(value: str, *, newlines: bool = False) -> str:
    """``value`` with every character a shown text may not hold removed: for output
    edges that must also survive rows stored before the input was checked."""
    return (_CONTROL_BUT_NEWLINE if newlines else _CONTROL).sub("", value)


def first_unfit(value: object) -> tuple[str, str] | None:
    """In a parsed JSON value, the first string (object keys included) that is not text:
    (where, as ``a.b[2]``, or ``body``; what is wrong with it), or None when all are.

    Walked with a stack, not recursion: the JSON parser accepts nesting close to the
    interpreter's recursion limit, and a check must not be what overflows it."""
    pending: list[tuple[str, object]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str) and not is_text(item):
            return (path or "body", _not_text_reason(item))
        if isinstance(item, dict):
            for key in item:
                if isinstance(key, str) and not is_text(key):
                    return (path or "body", _not_text_reason(key))
            inner = [(f"{path}.{key}" if path else str(key), v) for key, v in item.items()]
            pending.extend(reversed(inner))
        elif isinstance(item, list):
            pending.extend(reversed([(f"{path}[{i}]", v) for i, v in enumerate(item)]))
    return None


def _not_text_reason(value: str) -> str:
    if "\x00" in value:
        return "must not contain NUL (U+0000)"
    return "must be valid Unicode text (no lone surrogate)"
