"""The Flask application Antre serves with: what it does differently from Flask's own."""

from __future__ import annotations

from typing import Any

from flask import Flask


def test_the_app_asks_once_whether_a_view_is_a_coroutine(app: Flask) -> None:
    from server.app import AntreFlask

    assert isinstance(app, AntreFlask)
    asked: list[object] = []
    original = Flask.ensure_sync

    def counting(self: Flask, func: Any) -> Any:
        asked.append(func)
        return original(self, func)

    @app.get("/sync-view-for-the-test")
    def view() -> str:
        return "ok"

    Flask.ensure_sync = counting  # type: ignore[method-assign]
    try:
        answers = [app.test_client().get("/sync-view-for-the-test") for _ in range(3)]
    finally:
        Flask.ensure_sync = original  # type: ignore[method-assign]

    assert [a.get_data(as_text=True) for a in answers] == ["ok"] * 3
    assert asked.count(view) == 1
    assert app.ensure_sync(view) is view  # a plain function: run as it is


def test_a_method_bound_anew_or_a_closure_past_the_cap_is_asked_each_time_and_not_kept(
    app: Flask,
) -> None:
    from server.app import MOST_SYNCED, AntreFlask

    assert isinstance(app, AntreFlask)

    class View:
        def dispatch(self) -> str:
            return "ok"

    for _ in range(3):
        bound = View().dispatch  # as a view class's method comes, per request
        assert app.ensure_sync(bound) == bound
    closures = []
    for i in range(MOST_SYNCED + 10):

        def after(response: Any, i: int = i) -> Any:  # as after_this_request's, per request
            return response

        closures.append(after)
        assert app.ensure_sync(after) is after

    assert len(app._synced) <= MOST_SYNCED
    assert not any(isinstance(key, type(View().dispatch)) for key in app._synced)
