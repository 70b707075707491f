"""The promise ladder (bench/ladder_app.py) replaces functions of the issue path by name:
a rename must stop it, not leave a rung that measures nothing."""

from __future__ import annotations

import importlib

import pytest

from bench import ladder_app


@pytest.mark.parametrize("part", ladder_app.PARTS)
def test_every_part_names_a_function_the_issue_path_has(part: str) -> None:
    for module_name, name, _ in ladder_app.TARGETS[part]:
        assert callable(getattr(importlib.import_module(module_name), name, None)), (
            f"{module_name}.{name}"
        )


def test_an_unknown_part_stops_the_bench_before_anything_is_replaced() -> None:
    with pytest.raises(SystemExit, match="unknown parts"):
        ladder_app.leave_out({"estimate", "quota"})
    from server.domain import estimates, tickets

    assert tickets.estimate_now is estimates.estimate_now
