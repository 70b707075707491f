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
    assert app.ensure_sync(view) is view
