"""The browser display board (``/board/<zone>``): a display token, live calls, no token in URLs."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.models import Device
from tests.e2e.live import LiveServer, wait_until
from tests.web.conftest import NewPage

TV = {"width": 1920, "height": 1080}

# Installed before the board's own scripts: the browser's voices become the test's
# (VOICE_LANG), every sentence given to speak() is recorded and "said" at once, and every
# WebAudio oscillator start is recorded as a tone of a chime. Headless Chromium has no
# voices of its own, and its audio goes nowhere, so these are what can be observed.
SOUND_RECORDER = """(() => {
  const heard = [];
  window.heardSounds = heard;
  const voice = { lang: "VOICE_LANG", name: "Test voice", voiceURI: "test",
                  localService: true, default: true };
  function Utterance(text) { this.text = text; this.onend = null; this.onerror = null; }
  window.SpeechSynthesisUtterance = Utterance;
  const synth = {
    onvoiceschanged: null,
    speaking: false,
    getVoices: () => [voice],
    speak(utterance) {
      heard.push({ kind: "speech", text: utterance.text, lang: utterance.lang });
      setTimeout(() => { if (utterance.onend) utterance.onend(); }, 50);
    },
    cancel() {},
  };
  Object.defineProperty(window, "speechSynthesis", { configurable: true, get: () => synth });
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    heard.push({ kind: "tone", at: performance.now() });
    return start.apply(this, args);
  };
})();"""


def record_sounds(page: Page, voice_lang: str) -> None:
    page.add_init_script(SOUND_RECORDER.replace("VOICE_LANG", voice_lang))


def sounds(page: Page) -> list[str]:
    """What the board played, in order: "chime" for each chime, and each sentence said.

    A chime's tones are all started in one go (one JavaScript task), calls are seconds
    apart: tones within half a second of a chime's first belong to it."""
    played: list[str] = []
    chime_at = None
    for sound in page.evaluate("window.heardSounds"):
        if sound["kind"] == "speech":
            played.append(sound["text"])
            chime_at = None
        elif chime_at is None or sound["at"] - chime_at > 500:
            played.append("chime")
            chime_at = sound["at"]
    return played


def two_quick_calls(server: LiveServer) -> list[str]:
    """Two tickets called one right after the other at Loket 1 (zone A); returns the
    Indonesian words the board's data carries for each call, first call first."""
    hall = server.hall
    kiosk = server.device("kiosk")
    first, second = kiosk.issue(hall.ktp), kiosk.issue(hall.ktp)
    officer = server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    assert officer.counter(hall.c1, "next")["ticket"]["number"] == first["number"]
    assert officer.counter(hall.c1, "next")["ticket"]["number"] == second["number"]
    data = requests.get(
        f"{server.url}/board/zona-a/data.json",
        headers={"Authorization": f"Bearer {hall.tokens['display-a']}"},
        timeout=5,
    ).json()
    words = {call["number"]: call["announce"]["id"] for call in data["last_calls"]}
    return [words[first["number"]], words[second["number"]]]


def open_board_with_sound(server: LiveServer, page: Page) -> None:
    page.goto(f"{server.url}/board/zona-a#token={server.hall.tokens['display-a']}")
    expect(page.locator(".tile")).to_have_count(3)
    page.click("#sound")  # "Aktifkan suara": the gesture the browser wants for sound
    expect(page.locator("#sound")).to_be_hidden()


def test_a_call_made_over_rest_appears_on_the_board_and_the_token_leaves_the_address_bar(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a#token={hall.tokens['display-a']}")
    expect(page.locator(".tile")).to_have_count(3)  # Loket 1-3 are in zone A
    assert "token" not in page.url
    stored = page.evaluate("localStorage.getItem('antre.board.token.zona-a')")
    assert stored == hall.tokens["display-a"]
    expect(page.locator("#call-title")).to_have_text("Belum ada panggilan")
    expect(page.locator("#offline")).to_be_hidden()

    ticket = web_server.device("kiosk").issue(hall.ktp)
    officer = web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")

    expect(page.locator("#call-number")).to_have_text(ticket["number"])
    expect(page.locator("#call-counter")).to_have_text("LOKET 1")
    expect(page.locator(f".tile[data-counter-id='{hall.c1}'] .tile-number")).to_have_text(
        ticket["number"]
    )
    # Without a click on the page the browser allows no sound: the board offers one.
    expect(page.locator("#sound")).to_be_visible()
    # The token was never sent in a URL.
    log = web_server.log_text()
    assert hall.tokens["display-a"] not in log


def test_a_board_without_a_token_asks_for_one_and_refuses_another_zones(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a")
    expect(page.locator("#setup")).to_be_visible()
    page.fill("#setup-token", web_server.hall.tokens["display-b"])
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup-error")).to_contain_text("Token tidak diterima")
    page.fill("#setup-token", web_server.hall.tokens["display-a"])
    page.click("#setup button[type=submit]")
    expect(page.locator("#setup")).to_be_hidden()
    expect(page.locator(".tile")).to_have_count(3)


def test_the_boards_data_needs_the_zones_token(web_server: LiveServer) -> None:
    url = f"{web_server.url}/board/zona-a/data.json"
    tokens = web_server.hall.tokens
    assert requests.get(url, timeout=5).status_code == 401  # nobody
    json = {"Accept": "application/json"}
    other = requests.get(
        url, headers={**json, "Authorization": f"Bearer {tokens['display-b']}"}, timeout=5
    )
    assert other.status_code == 403 and other.json()["error"]["code"] == "forbidden"
    mine = requests.get(url, headers={"Authorization": f"Bearer {tokens['display-a']}"}, timeout=5)
    assert mine.status_code == 200
    assert {c["label"] for c in mine.json()["counters"]} == {"Loket 1", "Loket 2", "Loket 3"}
    assert requests.get(f"{web_server.url}/board/nowhere", timeout=5).status_code == 404
    assert requests.get(f"{web_server.url}/board/%3Cx%3E", timeout=5).status_code == 404


def test_a_board_that_only_listens_is_seen_by_the_server(web_server: LiveServer) -> None:
    def last_seen() -> object:
        with web_server.db.read() as session:
            return session.scalar(select(Device.last_seen_at).where(Device.name == "display-b"))

    assert last_seen() is None
    with web_server.socket({"token": web_server.hall.tokens["display-b"]}):
        wait_until(last_seen, 5, "the board's socket to mark it seen")
    assert "Traceback" not in web_server.log_text()


def test_each_call_is_chimed_then_spoken_in_indonesian_once_and_in_call_order(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TV)
    record_sounds(page, "id-ID")
    open_board_with_sound(web_server, page)

    words = two_quick_calls(web_server)

    # The server's Indonesian call-out, numbers spelt for the voice, e.g.
    # "Nomor antrean, de ka, satu, silakan menuju loket satu, Disdukcapil".
    assert words[0] != words[1]
    assert all("silakan menuju loket satu" in sentence for sentence in words), words
    page.wait_for_function("window.heardSounds.filter(s => s.kind === 'speech').length >= 2")
    # The queue is empty once the second call's hold is over: anything later is a repeat.
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    assert sounds(page) == ["chime", words[0], "chime", words[1]]
    assert {s["lang"] for s in page.evaluate("window.heardSounds") if s["kind"] == "speech"} == {
        "id-ID"
    }


def test_without_an_indonesian_voice_the_board_only_chimes(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TV)
    record_sounds(page, "en-US")
    open_board_with_sound(web_server, page)

    two_quick_calls(web_server)

    page.wait_for_function("window.heardSounds.filter(s => s.kind === 'tone').length >= 8")
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    assert sounds(page) == ["chime", "chime"]
