"""The cookie session keeps its signing serializer, but never past a change of key."""

from __future__ import annotations

from flask import Flask, request, session

from server.cookie_session import KeptSerializerSessions


def session_app(secret: str) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    app.session_interface = KeptSerializerSessions()

    @app.post("/remember/<word>")
    def remember(word: str) -> str:
        session["word"] = word
        return "ok"

    @app.get("/recall")
    def recall() -> str:
        return str(session.get("word", "-"))

    return app


def test_a_cookie_written_by_one_request_is_read_by_the_next() -> None:
    client = session_app("first key " * 4).test_client()

    client.post("/remember/antre")

    assert client.get("/recall").text == "antre"
    assert client.get("/recall").text == "antre"


def test_a_new_secret_key_refuses_cookies_signed_with_the_old_one() -> None:
    app = session_app("first key " * 4)
    client = app.test_client()
    client.post("/remember/antre")
    assert client.get("/recall").text == "antre"

    app.secret_key = "second key " * 4

    assert client.get("/recall").text == "-"
    client.post("/remember/baru")
    assert client.get("/recall").text == "baru"


def test_the_old_key_reads_its_cookies_while_it_is_a_fallback() -> None:
    app = session_app("first key " * 4)
    client = app.test_client()
    client.post("/remember/antre")
    assert client.get("/recall").text == "antre"

    app.secret_key = "second key " * 4
    app.config["SECRET_KEY_FALLBACKS"] = ["first key " * 4]
    assert client.get("/recall").text == "antre"

    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/recall").text == "-"


def test_one_serializer_serves_every_request_under_one_key() -> None:
    app = session_app("first key " * 4)
    interface = app.session_interface
    assert isinstance(interface, KeptSerializerSessions)

    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)


def test_a_request_without_a_cookie_gets_an_empty_session_without_reading_cookies() -> None:
    app = session_app("first key " * 4)
    seen: dict[str, object] = {}

    @app.get("/peek")
    def peek() -> str:
        seen["parsed"] = "cookies" in request.__dict__  # Werkzeug keeps what it parsed there
        seen["empty"] = not session
        return "ok"

    app.test_client().get("/peek")

    assert seen == {"parsed": False, "empty": True}


def test_without_a_secret_key_the_session_refuses_to_be_written_as_flasks_does() -> None:
    app = session_app("first key " * 4)
    app.secret_key = None
    app.config["TESTING"] = False

    assert app.test_client().post("/remember/antre").status_code == 500
