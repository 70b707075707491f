"""The demo phone alone: it answers as Fonnte answers the adapter's form, shows what it
received on its page (numbers masked, text escaped) and forgets all but the newest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import requests

from server.demo.phone import MAX_MESSAGES, DemoPhone, Inbox

TOKEN = "demo-phone-token-1"


@pytest.fixture
def phone() -> Iterator[DemoPhone]:
    running = DemoPhone(TOKEN).start()
    yield running
    running.close()


def send(phone: DemoPhone, target: str, message: str, token: str = TOKEN) -> requests.Response:
    """``POST /send`` as ``server.notify.fonnte`` sends it: a form, the bare token."""
    return requests.post(
        f"{phone.url}/send",
        headers={"Authorization": token},
        data={"target": target, "message": message, "countryCode": "62"},
        timeout=5,
    )


def page(phone: DemoPhone) -> str:
    response = requests.get(f"{phone.url}/", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def test_a_message_sent_as_the_adapter_sends_it_is_queued_and_shown_masked_and_escaped(
    phone: DemoPhone,
) -> None:
    answer = send(phone, "6281234567890", "Nomor <b>DK-001</b> & silakan ke Loket 1")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["process"], body["target"]) == (True, "pending", ["6281234567890"])
    assert len(body["id"]) == 1 and body["id"][0].isdigit()
    shown = page(phone)
    assert "Ponsel demo" in shown and 'http-equiv="refresh"' in shown
    assert "+62 812-****-7890" in shown
    assert "Nomor &lt;b&gt;DK-001&lt;/b&gt; &amp; silakan ke Loket 1" in shown
    assert "6281234567890" not in shown and "<b>DK-001" not in shown


def test_the_page_lists_each_number_with_its_newest_message_first_and_links_the_ticket_page(
    phone: DemoPhone,
) -> None:
    send(phone, "081111112222", "pertama http://127.0.0.1:5080/t/AbC")
    send(phone, "081333334444", "untuk nomor lain")
    send(phone, "081111112222", "kedua")

    shown = page(phone)

    assert shown.index("+62 811-****-2222") < shown.index("+62 813-****-4444")
    assert shown.index("kedua") < shown.index("pertama")
    assert '<a href="http://127.0.0.1:5080/t/AbC">' in shown


def test_a_wrong_token_gets_fontes_refusal_and_nothing_is_kept(phone: DemoPhone) -> None:
    answer = send(phone, "6281234567890", "halo", token="someone-else")

    assert answer.status_code == 200
    assert answer.json() == {"status": False, "reason": "token invalid"}
    assert "Belum ada pesan" in page(phone)


def test_a_number_that_is_no_indonesian_mobile_is_an_invalid_target(phone: DemoPhone) -> None:
    assert send(phone, "12345", "halo").json() == {"status": False, "reason": "target invalid"}


def test_only_the_newest_messages_are_kept() -> None:
    inbox = Inbox(limit=3)
    for n in range(5):
        inbox.receive("+6281234567890", f"pesan {n}")

    assert [m.text for m in inbox.newest_first()] == ["pesan 4", "pesan 3", "pesan 2"]
    assert Inbox().newest_first() == [] and MAX_MESSAGES == 200


def test_the_phone_keeps_the_number_masked_only() -> None:
    at = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
    inbox = Inbox(clock=lambda: at)
    inbox.receive("+6281234567890", "halo")

    (message,) = inbox.newest_first()
    assert (message.number, message.at) == ("+62 812-****-7890", at)
    assert "1234567890" not in repr(vars(message))
