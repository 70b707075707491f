"""Flask's JSON answers written by orjson.

Every API answer is JSON, and the kiosk's issue answers a ticket of some twenty fields:
Flask's own provider (the standard library's encoder, a pass over the value to convert
what it cannot write) took about 20 µs of it, orjson takes a few. What is written is the
same JSON as before, key order included; only the spelling of some values differs (text
outside ASCII as UTF-8 instead of ``\\u`` escapes, ``1e-05`` as ``0.00001``), which every
JSON reader takes alike.

Values the standard encoder cannot write are converted as Flask converts them: a date
or datetime as an HTTP date, a ``Decimal`` as its text, a dataclass as
``dataclasses.asdict`` gives it, an object with ``__html__`` as that markup. What orjson
refuses and the standard encoder writes (an integer past 64 bits) is written by the
latter. Where the two differ otherwise, this is the stricter or plainer JSON: a float
that is not a number is ``null`` (Flask wrote ``NaN``, which no JSON reader takes), an
``Enum`` member is its value (Flask refused it), and a debug server's answers are not
indented.

Reading request bodies stays with the standard library
(``server.api.validation.read_json``): it is where every broken body becomes a 400.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
from typing import Any, cast

import orjson
from flask import Flask, Response
from flask.json.provider import JSONProvider
from werkzeug.http import http_date

# Keys that are not text (a count by service id) written as text, as json.dumps does;
# dates and dataclasses handed to ``_default``, to be written as Flask wrote them.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)
_ANSWER = _OPTIONS | orjson.OPT_APPEND_NEWLINE


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):  # a datetime too (passed through to here)
        return http_date(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)  # its fields named with "_" too, as Flask does
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonProvider(JSONProvider):
    """``app.json``: ``jsonify`` and every ``return dict`` of a view go through here."""

    mimetype = "application/json"

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # options of the standard encoder (indent, sort_keys, ...): its way
            kwargs.setdefault("default", _default)
            return json.dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=_default, option=_OPTIONS).decode()
        except TypeError:  # what orjson refuses and json writes (an int past 64 bits)
            return json.dumps(obj, default=_default)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=_default, option=_ANSWER)
        except TypeError:  # what orjson refuses and json writes (an int past 64 bits)
            body = f"{json.dumps(obj, default=_default)}\n".encode()
        answer = cast(type[Response], self._app.response_class)  # a Flask app's
        return answer(body, mimetype=self.mimetype)


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
