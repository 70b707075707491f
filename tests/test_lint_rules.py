"""The lint rules the house style asks for stay switched on (pyproject.toml).

Every public module, class and package of the project says why it exists, and no
function grows past a cyclomatic complexity of 15. Each case hands ruff one small file
under a path of the project, through the project's own settings, and reads which codes
it reports: a rule dropped from the selection, or a package left out of it, fails here
rather than in a review months later.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "shared", "kiosk", "counter_client", "display_board", "tools", "bench")
DOCSTRING_CODES = {"D100", "D101", "D104"}
UNDOCUMENTED = "class Counter:\n    label: str\n"


def _codes(path: str, source: str) -> set[str]:
    """The codes ruff reports for ``source`` as if it were the project's file ``path``."""
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "json"]
    result = subprocess.run(
        [*command, "--stdin-filename", path, "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return {finding["code"] for finding in json.loads(result.stdout)}


def _branching(branches: int) -> str:
    """A documented module whose one function has a complexity of ``branches + 1``."""
    cases = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(branches))
    return f'"""Picks."""\n\n\ndef pick(x: int) -> int:\n    """Picks."""\n{cases}    return -1\n'


@pytest.mark.parametrize("package", PACKAGES)
def test_an_undocumented_module_and_class_are_reported_in_every_package(package: str) -> None:
    assert {"D100", "D101"} <= _codes(f"{package}/sample.py", UNDOCUMENTED)


@pytest.mark.parametrize("package", PACKAGES)
def test_an_undocumented_package_is_reported_in_every_package(package: str) -> None:
    assert "D104" in _codes(f"{package}/sample/__init__.py", "")


def test_tests_say_what_they_pin_in_their_names_not_in_docstrings() -> None:
    assert not DOCSTRING_CODES & _codes("tests/server/test_sample.py", UNDOCUMENTED)
    assert not DOCSTRING_CODES & _codes("tests/sample/__init__.py", "")


def test_a_function_past_a_complexity_of_15_is_reported() -> None:
    assert "C901" in _codes("server/domain/sample.py", _branching(15))


def test_a_function_of_complexity_15_passes() -> None:
    assert "C901" not in _codes("server/domain/sample.py", _branching(14))
