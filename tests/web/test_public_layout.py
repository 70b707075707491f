"""The pages a visitor opens without a login (the ticket page, the booking pages) share
one layout: the same head, the same top bar and the same ID/EN switch."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import Api
from tests.factories import Hall


def top_bar(page: str) -> str:
    found = re.search(r'<header class="top">(.*?)</header>', page, re.S)
    assert found is not None
    # The site name links to the start of the booking pages; on a ticket it is text.
    return re.sub(r'<(a|span) class="site"[^>]*>(.*?)</\1>', r"<site>\2</site>", found.group(1))


def head(page: str) -> str:
    found = re.search(r"<head>(.*?)<title>", page, re.S)
    assert found is not None
    return found.group(1)


def test_the_ticket_page_and_the_booking_pages_share_one_layout(
    app: Flask, api: Api, hall: Hall
) -> None:
    code = api.as_device("kiosk").issue(hall.ktp)["status_code"]
    client = app.test_client()
    pages = [
        client.get(f"/t/{code}").get_data(as_text=True),
        client.get("/t/unknown-code").get_data(as_text=True),
        client.get("/booking").get_data(as_text=True),
        client.get("/b/ZZZZZZZZ").get_data(as_text=True),
    ]
    assert len({top_bar(page) for page in pages}) == 1
    assert len({head(page) for page in pages}) == 1
    assert 'href="?lang=en"' in top_bar(pages[0])
