"""Every text key a client names in its code is in its catalogue.

A missing key is not an error at run time: ``tr`` shows the key itself (a screen saying
``session.logged_out`` instead of "Anda sudah keluar."), so only a test can catch a
renamed or mistyped key. Keys built at run time (``f"action.{action}"``) are checked by
the tests of the code that builds them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from counter_client.texts import TEXTS as COUNTER_TEXTS
from display_board.texts import TEXTS as BOARD_TEXTS
from kiosk.texts import TEXTS as KIOSK_TEXTS

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_]+)+$")
CATALOGUES: dict[str, Mapping[str, object]] = {
    "counter_client": COUNTER_TEXTS,
    "kiosk": KIOSK_TEXTS,
    "display_board": BOARD_TEXTS,
}


# Dotted words that are not text keys: logger names and file names.
NOT_KEYS = re.compile(r"^antre\.|\.(png|wav|toml|part)$")


def literal_keys(package: str) -> set[tuple[str, str]]:
    """String literals in the package shaped like a text key (``session.logged_out``),
    logger and file names left out."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / package).rglob("*.py"):
        if path.name == "texts.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if KEY.match(value) and not NOT_KEYS.search(value):
                    found.add((str(path.relative_to(ROOT)), value))
    return found


@pytest.mark.parametrize("package", sorted(CATALOGUES))
def test_every_key_named_in_the_code_is_in_the_catalogue(package: str) -> None:
    catalogue = CATALOGUES[package]
    keys = literal_keys(package)
    assert keys, "the scan finds the keys the code names"
    assert {(where, key) for where, key in keys if key not in catalogue} == set()
