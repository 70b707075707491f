"""The console's message log over HTTP: reasons in Indonesian on the Indonesian console
(as stored on the English one), and one ticket's consents and notices, reached from the
log by the ticket's number, masked and without bodies."""

from __future__ import annotations

import datetime as dt
import html

from flask import Flask
from sqlalchemy import select

from server.domain.notices.queueing import enqueue_notice, subscribe, unsubscribe
from server.models import NoticeState, Ticket
from server.state import AppState
from tests.conftest import Api
from tests.web.test_admin_people_forms import Console, text


def two_tickets_with_notices(app: Flask, api: Api) -> tuple[int, str, int]:
    """A ticket told by WhatsApp and Telegram (one failed), and another with one notice."""
    kiosk = api.as_device("kiosk")
    first, second = kiosk.issue(api.hall.ktp), kiosk.issue(api.hall.ktp)
    state: AppState = app.extensions["antre"]
    now = state.clock()
    with state.db.write() as session:
        whatsapp = subscribe(
            session, channel="whatsapp", address="081234567890", now=now, ticket_id=first["id"]
        )
        telegram = subscribe(
            session, channel="telegram", address="987654321", now=now, ticket_id=first["id"],
            language="en",
        )  # fmt: skip
        other = subscribe(
            session, channel="whatsapp", address="081299990000", now=now, ticket_id=second["id"]
        )
        for n, (sub, reason) in enumerate(
            ((whatsapp, None), (telegram, "Telegram: Forbidden: bot was blocked by the user"),
             (other, None))
        ):  # fmt: skip
            notice = enqueue_notice(
                session, sub, kind="called", now=now, deadline=now + dt.timedelta(hours=1),
                body="Nomor antrean DK-001 dipanggil. Silakan ke Loket 1", idempotency_key=f"k{n}",
            )  # fmt: skip
            assert notice is not None
            if reason:
                notice.state, notice.reason = NoticeState.FAILED, reason
        unsubscribe(session, telegram, now)
    return first["id"], first["number"], second["id"]


def test_the_log_says_reasons_in_indonesian_and_in_english_as_stored(app: Flask, api: Api) -> None:
    two_tickets_with_notices(app, api)
    admin = Console(app, "admin")
    page = html.unescape(text(admin.get("/admin/notices")))
    assert ">Pengunjung memblokir bot Telegram</td>" in page
    english = html.unescape(text(admin.get("/admin/notices?lang=en")))
    assert ">Telegram: Forbidden: bot was blocked by the user</td>" in english


def test_one_tickets_notices_are_reached_from_the_log_by_its_number(app: Flask, api: Api) -> None:
    ticket_id, number, other_id = two_tickets_with_notices(app, api)
    admin = Console(app, "admin")
    log = text(admin.get("/admin/notices"))
    link = f'href="/admin/notices/tickets/{ticket_id}" class="ticket-link">{number}</a>'
    assert link in log

    page = text(admin.get(f"/admin/notices/tickets/{ticket_id}"))
    assert page.count('data-notice="') == 2  # not the other ticket's
    assert "+62 812-****-7890" in page and "Telegram …321" in page
    assert "081234567890" not in page and "987654321" not in page and "9999" not in page
    assert "dipanggil. Silakan" not in page  # no bodies
    assert page.count("<td>EN</td>") == 1 and "Pengunjung memblokir bot Telegram" in page

    assert admin.get("/admin/notices/tickets/999999").status_code == 404
    assert Console(app, "sup.dk").get(f"/admin/notices/tickets/{other_id}").status_code == 403


def test_a_ticket_nobody_asked_notices_for_says_so(app: Flask, api: Api) -> None:
    api.as_device("kiosk").issue(api.hall.ktp)
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        ticket_id = session.scalars(select(Ticket.id)).first()
    page = text(Console(app, "admin").get(f"/admin/notices/tickets/{ticket_id}"))
    assert "Pengunjung tidak minta dikabari." in page and "Belum ada pesan." in page
