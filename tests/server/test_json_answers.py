"""The API's answers are the JSON Flask's own provider wrote, only written faster."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import uuid
from dataclasses import dataclass

import pytest
from flask import Flask, jsonify
from markupsafe import Markup

from server import json_answers


@pytest.fixture()
def bare() -> Flask:
    app = Flask("answers")
    json_answers.init_app(app)
    return app


@dataclass
class Line:
    service_id: int
    waiting: int
    _note: str = ""  # named with "_": written all the same


class Kind(enum.Enum):
    WAIT = "wait"


def test_an_answer_keeps_the_order_the_view_built_and_ends_with_a_newline(bare: Flask) -> None:
    with bare.app_context():
        response = jsonify({"ticket": {"number": "A-001", "id": 7}, "people_ahead": 3})

    assert response.mimetype == "application/json"
    assert response.get_data() == b'{"ticket":{"number":"A-001","id":7},"people_ahead":3}\n'


def test_values_json_cannot_write_are_written_as_flask_wrote_them(bare: Flask) -> None:
    moment = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
    value = {
        "when": moment,
        "day": dt.date(2026, 12, 7),
        "amount": decimal.Decimal("12.50"),
        "id": uuid.UUID(int=1),
        "line": Line(4, 2, "pagi"),
        "markup": Markup("<b>Loket 1</b>"),
        # A count by service id: keys that are not text, written as text.
        "by_service": {4: 2, 5: 0},
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "note": "Café ☕",
    }
    with bare.app_context():
        ours = jsonify(value).get_json()
    flask = Flask("flask's own")
    with flask.app_context():
        theirs = flask.json.loads(flask.json.dumps(value))

    assert ours == theirs
    assert ours["when"] == "Mon, 07 Dec 2026 08:30:00 GMT"
    assert ours["line"] == {"service_id": 4, "waiting": 2, "_note": "pagi"}
    assert ours["by_service"] == {"4": 2, "5": 0}


def test_an_integer_orjson_refuses_is_still_written(bare: Flask) -> None:
    big = 2**70
    with bare.app_context():
        response = jsonify({"n": big})
        text = bare.json.dumps({"n": big})

    assert json.loads(response.get_data()) == {"n": big}
    assert json.loads(text) == {"n": big}


def test_what_no_json_can_hold_is_refused_as_before(bare: Flask) -> None:
    with bare.app_context(), pytest.raises(TypeError):
        jsonify({"t": dt.time(8, 0)})
    with bare.app_context(), pytest.raises(TypeError):
        jsonify({"s": {1, 2}})


def test_what_flask_refused_or_no_reader_takes_is_written_plainly(bare: Flask) -> None:
    with bare.app_context():
        answer = jsonify({"kind": Kind.WAIT, "ratio": float("nan")}).get_data()

    assert answer == b'{"kind":"wait","ratio":null}\n'


def test_the_server_answers_through_it(app: Flask) -> None:
    """The app factory installs it: the kiosk's answers are written by orjson."""
    assert isinstance(app.json, json_answers.OrjsonProvider)
