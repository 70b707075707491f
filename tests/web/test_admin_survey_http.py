"""The questionnaire's admin page: the admin rewords an element in both languages,
resets it, adds and retires the unit's own questions; none of it changes how the nine
elements make the IKM, and a supervisor has no such page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from server.domain.skm.questionnaire import ELEMENTS, questionnaire
from server.models import SurveyExtraQuestion
from server.state import AppState
from tests.conftest import Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import ok
from tests.server.api.test_skm_reports_api import serve
from tests.web.console_login import FORM_SECRET, client_session, secret
from tests.web.test_skm_report_http import MIX, answer

LEVELS_ID = ["Sangat lambat", "Lambat", "Cepat", "Sangat cepat"]
LEVELS_EN = ["Very slow", "Slow", "Fast", "Very fast"]


def wording_form(page: str, question_id: str, question_en: str) -> dict[str, str]:
    form = {
        "csrf_token": secret(FORM_SECRET, page),
        "question_id": question_id,
        "question_en": question_en,
    }
    for i in range(4):
        form[f"level_id_{i}"] = LEVELS_ID[i]
        form[f"level_en_{i}"] = LEVELS_EN[i]
    return form


def post(client: FlaskClient, path: str, form: dict[str, str] | None = None) -> str:
    page = client.get("/admin/survey").get_data(as_text=True)
    data = form if form is not None else {"csrf_token": secret(FORM_SECRET, page)}
    answer_ = client.post(path, data=data)
    assert answer_.status_code == 302, answer_.get_data(as_text=True)[:400]
    return client.get("/admin/survey").get_data(as_text=True)


def asked(app: Flask) -> dict[str, tuple[str, str]]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        return {q.key: (q.id.question, q.en.question) for q in questionnaire(session)}


def test_the_page_lists_the_nine_elements_in_the_lampirans_order(app: Flask, hall: Hall) -> None:
    html = client_session(app, "admin").get("/admin/survey").get_data(as_text=True)

    places = [html.index(f'id="{e.code}"') for e in ELEMENTS]
    assert places == sorted(places)
    assert "Sarana dan prasarana" in html and "kata-kata peraturan" in html


def test_rewording_an_element_keeps_its_place_and_the_ikm(
    app: Flask, api: Api, hall: Hall, clock: FakeClock
) -> None:
    serve(api, hall.c1, hall.ktp, 3, "petugas.dk")
    answer(app, clock, MIX, None)
    before = ok(api.as_user("admin").get("/api/v1/reports/skm"))["total"]["index"]
    admin = client_session(app, "admin")
    page = admin.get("/admin/survey").get_data(as_text=True)

    html = post(
        admin,
        "/admin/survey/U3",
        wording_form(page, "Seberapa cepat <b>urusan</b> Anda selesai?", "How fast?"),
    )
    after = ok(api.as_user("admin").get("/api/v1/reports/skm"))["total"]["index"]

    assert asked(app)["U3"] == ("Seberapa cepat <b>urusan</b> Anda selesai?", "How fast?")
    assert list(asked(app))[:9] == [e.code for e in ELEMENTS]
    assert "Seberapa cepat &lt;b&gt;urusan&lt;/b&gt;" in html and "kata-kata unit" in html
    assert after == before  # the same NRR, weights and IKM (81.48) whatever the wording
    assert (after["ikm"], after["elements"][2]["code"]) == (81.48, "U3")

    post(admin, "/admin/survey/U3/reset")
    assert asked(app)["U3"][0] == ELEMENTS[2].id.question


def test_a_wording_without_four_levels_is_refused_and_nothing_changes(
    app: Flask, hall: Hall
) -> None:
    admin = client_session(app, "admin")
    page = admin.get("/admin/survey").get_data(as_text=True)
    form = wording_form(page, "Pertanyaan baru", "New question")
    form["level_id_2"] = "   "

    html = post(admin, "/admin/survey/U1", form)

    assert asked(app)["U1"][0] == ELEMENTS[0].id.question
    assert 'class="flash error"' in html


def test_an_address_that_names_no_element_is_refused_in_words_not_a_500(
    app: Flask, hall: Hall
) -> None:
    """The element's code is in the address: a newline there once reached the
    redirect's Location header and failed the request."""
    admin = client_session(app, "admin")
    page = admin.get("/admin/survey").get_data(as_text=True)

    for path in ("/admin/survey/U%0a1", "/admin/survey/U1%0d%0a/reset", "/admin/survey/ZZ"):
        answer_ = admin.post(path, data=wording_form(page, "Pertanyaan baru", "New question"))
        assert answer_.status_code == 302
        assert answer_.headers["Location"] == "/admin/survey"
        html = admin.get("/admin/survey").get_data(as_text=True)
        assert 'class="flash error"' in html
    assert asked(app)["U1"][0] == ELEMENTS[0].id.question


def test_the_units_own_question_is_added_asked_after_the_nine_and_retired(
    app: Flask, hall: Hall
) -> None:
    admin = client_session(app, "admin")
    page = admin.get("/admin/survey").get_data(as_text=True)

    post(admin, "/admin/survey/extra", wording_form(page, "Toilet bersih?", "Clean toilets?"))
    keys = list(asked(app))
    assert keys[:9] == [e.code for e in ELEMENTS] and keys[9].startswith("X")
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        extra = session.scalars(select(SurveyExtraQuestion.id)).one()
    html = post(admin, f"/admin/survey/extra/{extra}/retire")

    assert list(asked(app)) == [e.code for e in ELEMENTS]
    assert "Toilet bersih?" in html and "dihentikan" in html


def test_a_supervisor_has_no_questionnaire_page(app: Flask, hall: Hall) -> None:
    supervisor = client_session(app, "sup.dk")

    assert supervisor.get("/admin/survey").status_code == 403
