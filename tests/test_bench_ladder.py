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


@pytest.mark.parametrize("part", ladder_app.PARTS)
def test_every_stand_in_named_by_text_can_be_imported(part: str) -> None:
    for _, _, stand_in in ladder_app.TARGETS[part]:
        if isinstance(stand_in, str):
            where, _, function = stand_in.partition(":")
            assert callable(getattr(importlib.import_module(where), function, None)), stand_in
