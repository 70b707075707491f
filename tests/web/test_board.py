"""The browser display board (``/board/<zone>``): a display token, live calls, no token in URLs."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient
from playwright.sync_api import Page, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from display_board.clips import ClipSequence, vocabulary
from display_board.wavfiles import write_mono16
from server.app import create_app
from server.config import ServerConfig
from server.models import Counter, CounterService, CounterState, Device
from shared.callout import CallOut
from tests.e2e.live import LiveServer, running_server, wait_until
from tests.factories import Hall
from tests.web.conftest import NewPage, wait_for_true

TV: ViewportSize = {"width": 1920, "height": 1080}

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
  const play = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (...args) {
    heard.push({ kind: "clip", seconds: this.buffer.duration });
    return play.apply(this, args);
  };
})();"""


def record_sounds(page: Page, voice_lang: str) -> None:
    page.add_init_script(SOUND_RECORDER.replace("VOICE_LANG", voice_lang))


def sounds(page: Page, clips: dict[int, str] | None = None) -> list[str]:
    """What the board played, in order: "chime" for each chime, each sentence said, and
    each recorded clip by its name (``clips``: name by length in milliseconds).

    A chime's tones are all started in one go (one JavaScript task), calls are seconds
    apart: tones within half a second of a chime's first belong to it."""
    played: list[str] = []
    chime_at = None
    for sound in page.evaluate("window.heardSounds"):
        if sound["kind"] == "speech":
            played.append(sound["text"])
            chime_at = None
        elif sound["kind"] == "clip":
            played.append((clips or {}).get(round(sound["seconds"] * 1000), "?"))
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
    wait_for_true(page, "window.heardSounds.filter(s => s.kind === 'speech').length >= 2")
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

    wait_for_true(page, "window.heardSounds.filter(s => s.kind === 'tone').length >= 8")
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    assert sounds(page) == ["chime", "chime"]
    # and the setup line tells whoever looks after the board, sound on or not
    expect(page.locator("#voice-note")).to_contain_text("tidak punya suara bahasa Indonesia")
    expect(page.locator("#voice-note")).to_contain_text("hanya ditandai bel")


# --- the recorded words the server offers (``[board] clips_dir``) ---------------------------


def clip_client(database_url: str, folder: Path | None) -> FlaskClient:
    config = ServerConfig(
        database_url=database_url,
        async_mode="threading",
        secret_key="x" * 32,
        board_clips_dir=folder,
    )
    return create_app(config).test_client()


def test_the_servers_clips_are_listed_and_served_with_caching_headers(
    database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "suara"
    folder.mkdir()
    for name in ("nomor_antrean", "huruf_d"):
        write_mono16(folder / f"{name}.wav", [0.0] * 220, 22050)
    (folder / "Catatan Rekaman.wav").write_bytes(b"not a clip name")
    (folder / "daftar.txt").write_text("not a clip", encoding="utf-8")
    (tmp_path / "rahasia.wav").write_bytes(b"outside the folder")
    client = clip_client(database_url, folder)

    index = client.get("/board/clips/index.json")
    assert index.status_code == 200 and index.json == {"clips": ["huruf_d", "nomor_antrean"]}
    assert index.headers["Cache-Control"] == "no-cache"

    clip = client.get("/board/clips/nomor_antrean.wav")
    assert clip.status_code == 200 and clip.mimetype == "audio/wav"
    assert clip.data == (folder / "nomor_antrean.wav").read_bytes()
    assert "max-age=300" in clip.headers["Cache-Control"]
    assert clip.headers["ETag"] and clip.headers["Last-Modified"]
    clip.close()  # the file send_file opened
    again = client.get(
        "/board/clips/nomor_antrean.wav", headers={"If-None-Match": clip.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    again.close()

    missing = client.get("/board/clips/huruf_q.wav", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    for path in (
        "/board/clips/../rahasia.wav",
        "/board/clips/..%2Frahasia.wav",
        "/board/clips/%2E%2E%2Frahasia.wav",
        "/board/clips/Catatan%20Rekaman.wav",
        "/board/clips/daftar.txt",
        "/board/clips/..wav",
    ):
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert b"outside the folder" not in refused.data and b"not a clip" not in refused.data


def test_without_a_clips_folder_no_clip_is_offered(database_url: str) -> None:
    client = clip_client(database_url, None)
    assert client.get("/board/clips/index.json").json == {"clips": []}
    assert client.get("/board/clips/nomor_antrean.wav").status_code == 404


def test_a_board_page_with_a_bad_page_time_says_so(web_server: LiveServer) -> None:
    url = f"{web_server.url}/board/zona-a"
    assert requests.get(url, params={"page_seconds": "5"}, timeout=5).status_code == 200
    for bad in ("1", "500", "x", "-3", "²"):
        refused = requests.get(url, params={"page_seconds": bad}, timeout=5)
        assert refused.status_code == 422 and "page_seconds" in refused.text, bad


# --- recalls: one line per ticket ----------------------------------------------------------


def history(page: Page) -> list[str]:
    """The previous calls as shown: "DK-001 ×3 Loket 1" per line."""
    return [" ".join(t.split()) for t in page.locator("#history li").all_inner_texts()]


def settled_history(page: Page, expected: list[str], seconds: float = 30) -> list[str]:
    """The previous calls once the board has caught up with its announcements: on a busy
    machine the calls' chimes queue, and while an older call is announced in the big
    panel the newest one is listed below it."""
    deadline = time.monotonic() + seconds
    while (shown := history(page)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    return shown


def test_a_recalled_ticket_is_one_line_of_the_previous_calls_with_its_mark(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk = web_server.device("kiosk")
    first, second = kiosk.issue(hall.ktp), kiosk.issue(hall.kk)
    third, fourth = kiosk.issue(hall.pkb), kiosk.issue(hall.pkb)
    dk, sm = web_server.officer("petugas.dk"), web_server.officer("petugas.sm")
    for officer, counter in ((dk, hall.c1), (dk, hall.c2), (sm, hall.c3)):
        officer.counter(counter, "open")
    dk.counter(hall.c1, "next")  # first, at Loket 1
    dk.counter(hall.c2, "next")  # second, at Loket 2
    dk.counter(hall.c1, "recall")
    sm.counter(hall.c3, "next")  # third: the newest call, in the big panel, not in the list
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a#token={hall.tokens['display-a']}")
    expect(page.locator("#call-number")).to_have_text(third["number"])
    expect(page.locator("#history li")).to_have_count(2)
    assert history(page) == [f"{first['number']} ×2 Loket 1", f"{second['number']} Loket 2"]

    dk.counter(hall.c1, "recall")  # live: the ticket moves up, counted as the server counts
    sm.counter(hall.c3, "next")
    expect(page.locator("#call-number")).to_have_text(fourth["number"], timeout=15_000)
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    lines = [
        f"{first['number']} ×3 Loket 1",
        f"{third['number']} Loket 3",
        f"{second['number']} Loket 2",
    ]
    assert history(page) == lines
    page.reload()  # the same from the server's list of calls (data.json)
    expect(page.locator("#history li")).to_have_count(3)
    assert history(page) == lines


def test_recalls_never_push_other_numbers_off_the_previous_calls(
    web_server: LiveServer, new_page: NewPage
) -> None:
    hall = web_server.hall
    kiosk, officer = web_server.device("kiosk"), web_server.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a#token={hall.tokens['display-a']}")
    expect(page.locator("#call")).to_be_visible()
    numbers = []
    for _ in range(7):  # seven visitors, each called three times: 21 calls
        numbers.append(kiosk.issue(hall.ktp)["number"])
        officer.counter(hall.c1, "next")
        officer.counter(hall.c1, "recall")
        officer.counter(hall.c1, "recall")
    expect(page.locator("#call-number")).to_have_text(numbers[-1], timeout=30_000)
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    expected = [f"{n} ×3 Loket 1" for n in numbers[-2:-7:-1]]  # five earlier tickets
    expect(page.locator("#history li")).to_have_count(5, timeout=30_000)
    assert settled_history(page, expected) == expected
    page.reload()
    expect(page.locator("#history li")).to_have_count(5)
    assert history(page) == expected


# --- many counters: readable at 10 m, nothing covered --------------------------------------


def many_counters(session: Session, hall: Hall) -> list[int]:
    """Twenty more counters in zone A (23 in all), of both agencies, opened by ``call_at_many``."""
    made = []
    for i in range(20):
        agency = hall.dk if i % 2 else hall.sm
        counter = Counter(
            agency_id=agency,
            zone_id=hall.zone_a,
            label=f"Loket {11 + i}",
            position=11 + i,
            active=True,
            state=CounterState.CLOSED,
            calls_since_priority=0,
        )
        session.add(counter)
        session.flush()
        service = hall.ktp if agency == hall.dk else hall.pkb
        session.add(CounterService(counter_id=counter.id, service_id=service, position=0))
        made.append(counter.id)
    return made


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path, prepare=many_counters) as live:
        yield live


def call_at_many(server: LiveServer) -> None:
    """Every extra counter opened by its agency's officer (who then holds it), and a
    ticket called or served at most of them."""
    hall, kiosk = server.hall, server.device("kiosk")
    officers = {hall.dk: server.officer("petugas.dk"), hall.sm: server.officer("petugas.sm")}
    for i, counter_id in enumerate(server.extra):
        agency = hall.dk if i % 2 else hall.sm
        officers[agency].counter(counter_id, "open")
        if i % 5 == 4:
            continue  # open, nobody called
        kiosk.issue(hall.ktp if agency == hall.dk else hall.pkb)
        officers[agency].counter(counter_id, "next")
        if i % 3 == 0:
            officers[agency].counter(counter_id, "start")


def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    return [b for b in (e.bounding_box() for e in page.locator(selector).all()) if b]


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


# The glyph height of each shown number, measured by the browser in the font it is drawn in.
NUMBER_HEIGHTS = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  return Array.from(document.querySelectorAll(".tile-number:not(.none)")).map(node => {
    const style = getComputedStyle(node);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const m = ctx.measureText(node.textContent);
    const height = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
    return { text: node.textContent, height };
  });
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720}, TV])
def test_with_many_counters_the_board_keeps_every_part_clear_and_readable(
    busy_server: LiveServer, new_page: NewPage, viewport: ViewportSize
) -> None:
    call_at_many(busy_server)
    page = new_page(viewport=viewport)
    token = busy_server.hall.tokens["display-a"]
    page.goto(f"{busy_server.url}/board/zona-a?page_seconds=2#token={token}")
    expect(page.locator("#sound")).to_be_visible()
    expect(page.locator("#pages")).to_have_text(re.compile(r"^Halaman 1/\d$"))

    screen = {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"]}
    sound = page.locator("#sound").bounding_box()
    assert sound and inside(sound, screen)
    panel = page.locator("#counters-panel").bounding_box()
    waiting = page.locator(".waiting-panel").bounding_box()
    assert panel and waiting
    chips, tiles = boxes(page, "#waiting li"), boxes(page, ".tile")
    assert len(chips) == 2 and tiles  # Disdukcapil and Samsat wait
    for box in chips + tiles + boxes(page, "#history li"):
        assert not overlap(sound, box), box  # "Aktifkan suara" covers nothing
    assert all(inside(chip, waiting) for chip in chips)
    assert all(inside(tile, panel) for tile in tiles)

    # agency names on the tiles: as large as the counter's label, 2.2 % of the height or more
    sizes = page.evaluate(
        """() => Array.from(document.querySelectorAll('.tile')).map(t => [
             parseFloat(getComputedStyle(t.querySelector('.tile-label')).fontSize),
             parseFloat(getComputedStyle(t.querySelector('.tile-agency')).fontSize)])"""
    )
    assert all(agency == label >= 0.022 * viewport["height"] for label, agency in sizes), sizes

    # the numbers: 4.4 % of the height or more (3 cm on a 55-inch screen, read from 10 m),
    # on every page, and every open counter's tile shown on one of them
    least = 0.044 * viewport["height"]
    shown: set[str] = set()
    pages = int(page.locator("#pages").inner_text().split("/")[1])
    assert pages > 1
    seen: set[str] = set()
    deadline = time.monotonic() + 10 * pages * 2  # pages turn every 2 s
    while len(seen) < pages and time.monotonic() < deadline:
        # The page's name, its tiles and their numbers read at one instant: a page may
        # turn between two separate reads.
        now = page.evaluate(
            "() => ({ page: document.getElementById('pages').textContent,"
            " ids: Array.from(document.querySelectorAll('.tile')).map(t => t.dataset.counterId),"
            f" heights: ({NUMBER_HEIGHTS})() }})"
        )
        heights = now["heights"]
        assert heights and min(h["height"] for h in heights) >= least, (heights, least)
        seen.add(now["page"])
        shown |= set(now["ids"])
        page.wait_for_timeout(250)
    assert seen == {f"Halaman {n}/{pages}" for n in range(1, pages + 1)}, seen
    # Loket 1-3 are closed: with more counters than fit, closed ones make room first
    assert shown == {str(i) for i in busy_server.extra}


# --- no Indonesian voice: the hall's recorded words from the server ------------------------


class ServerWithClips(LiveServer):
    """``antre-server run`` with ``ANTRE_BOARD_CLIPS_DIR``."""

    clips_dir: Path

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "ANTRE_BOARD_CLIPS_DIR": str(self.clips_dir)}


def recorded_words(folder: Path) -> dict[int, str]:
    """The whole vocabulary of the Qt board's clips and Disdukcapil's name, each its own
    length (40 ms, 45 ms, ...) so that the test can tell which one the board played."""
    folder.mkdir()
    names = [*vocabulary(), "instansi_dk"]
    lengths = {}
    for i, name in enumerate(names):
        ms = 40 + 5 * i
        write_mono16(folder / f"{name}.wav", [0.0] * (ms * 16), 16000)
        lengths[ms] = name
    return lengths


@pytest.fixture
def clips_server(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[int, str]]]:
    live = ServerWithClips(tmp_path)
    live.clips_dir = tmp_path / "suara"
    lengths = recorded_words(live.clips_dir)
    try:
        live.prepare_database()
        live.start()
        yield live, lengths
    finally:
        live.close()


def test_without_an_indonesian_voice_the_board_says_calls_with_the_servers_recorded_words(
    clips_server: tuple[LiveServer, dict[int, str]], new_page: NewPage
) -> None:
    server, lengths = clips_server
    page = new_page(viewport=TV)
    record_sounds(page, "en-US")
    page.goto(f"{server.url}/board/zona-a#token={server.hall.tokens['display-a']}")
    expect(page.locator(".tile")).to_have_count(3)
    expect(page.locator("#voice-note")).to_contain_text("rekaman suara dari server")
    page.click("#sound")
    expect(page.locator("#setup-line")).to_be_hidden()  # sound on, words ready: nothing to say

    two_quick_calls(server)

    wait_for_true(page, "window.heardSounds.filter(s => s.kind === 'clip').length >= 14")
    expect(page.locator("#call")).not_to_have_class(re.compile(r"\bannouncing\b"))
    # DK-001 then DK-002, both at Loket 1 of Disdukcapil (agency DK)
    words = ["silakan_menuju_loket", "satu", "instansi_dk"]
    assert sounds(page, lengths) == [
        "chime", "nomor_antrean", "huruf_d", "huruf_k", "satu", *words,
        "chime", "nomor_antrean", "huruf_d", "huruf_k", "dua", *words,
    ]  # fmt: skip


def test_the_browser_board_names_the_same_clips_as_the_qt_board(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page(viewport=TV)
    page.goto(f"{web_server.url}/board/zona-a")
    expect(page.locator("#setup")).to_be_visible()  # no token: the scripts are loaded all the same
    calls = [("DK", n, f"Loket {n % 40}", "DK") for n in range(0, 1000)]
    calls += [("A1", 1234, "Loket 12A", "bb"), ("MM", 100001, "Pelayanan 7 B", ""),
              ("Q", 7, "Loket", "im"), ("SM", 21, "12", "SM")]  # fmt: skip
    browser = page.evaluate(
        """calls => calls.map(([prefix, sequence, counter, agencyCode]) =>
             AntreClips.clipsFor({prefix, sequence, counter, agencyCode})
               .map(c => c.name + (c.optional ? "?" : "")))""",
        calls,
    )
    sequence = ClipSequence()
    python = [
        [c.name + ("?" if c.optional else "") for c in sequence.for_call(
            CallOut(prefix=prefix, sequence=n, counter_label=label, agency_name=""), code
        )]
        for prefix, n, label, code in calls
    ]  # fmt: skip
    assert browser == python
