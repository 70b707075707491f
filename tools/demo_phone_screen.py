"""The demo phone's page with a few notices on it, into docs/ (by hand).

    .venv/bin/python tools/demo_phone_screen.py docs/

It starts the demo phone (``server.demo.phone``) on a free 127.0.0.1 port, sends it what a
visitor who opted in with two numbers would get, through the real Fonnte adapter and the
notices' default texts ("N people ahead", then "go to Loket 1"), and takes
docs/demo-phone.png with Debian's Chromium at phone size (390 x 844).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from server.demo.phone import DemoPhone
from server.domain.notices import texts
from server.domain.notices.sending import OutgoingNotice
from server.notify.fonnte import FonnteChannel

PHONE = {"width": 390, "height": 844}
TOKEN = "demo-phone-screenshot"
LINK = "http://127.0.0.1:5080/t/"


def send_notices(url: str) -> None:
    channel = FonnteChannel(TOKEN, base_url=url, timeout=5)
    default = texts.NoticeTexts({})
    sent = [
        ("+6281398765432", "called", texts.called("IM-004", "Loket 12", LINK + "Qm8rT2vXpL")),
        ("+6281234567890", "ahead", texts.ahead("DK-001", 2, LINK + "Xr4pZ9kLmQ")),
        ("+6281234567890", "called", texts.called("DK-001", "Loket 1", LINK + "Xr4pZ9kLmQ")),
    ]
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3)
    for n, (phone, kind, words) in enumerate(sent, start=1):
        body = default.render(kind, "id", words)
        notice = OutgoingNotice(n, "whatsapp", phone, body, None, (), "id", f"s{n}", deadline, 1)
        result = channel.send(notice)
        assert result.provider_message_id, result.reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    phone = DemoPhone(TOKEN).start()
    try:
        send_notices(phone.url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport=PHONE, locale="id-ID")
            page.goto(f"{phone.url}/")
            page.screenshot(path=str(args.out / "demo-phone.png"))
            browser.close()
    finally:
        phone.close()


if __name__ == "__main__":
    main()
