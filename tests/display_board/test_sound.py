"""Sound without a hall: the chime made by code, espeak-ng's WAV, back-ends that fall back,
the Qt voice, and an announcer that finishes every call whatever the sound does."""

from __future__ import annotations

import itertools
import logging
import math
import shutil
import wave
from array import array
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display_board.announcements import Announcement, announcement_from_called
from display_board.audio import Announcer
from display_board.chime import NOTES, ensure_chime
from display_board.config import SoundConfig
from display_board.qt_speech import QtSpeech, make_qt_speech
from display_board.speech import (
    ClipSpeech,
    EspeakSpeech,
    SpeechChain,
    TtsPart,
    build_backends,
)
from tests.display_board.conftest import needs_multimedia

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is not installed (Debian: apt-get install espeak-ng)"
)


def call(number: str = "DK-012", label: str = "Loket 3") -> Announcement:
    prefix, sequence = number.split("-")
    ticket = {
        "id": int(sequence), "number": number, "prefix": prefix, "sequence": int(sequence),
        "call_count": 1, "called_at": "2026-11-30T02:00:00+00:00",
        "agency": {"code": prefix, "short_name": "Disdukcapil", "colour": "#AD1457"},
    }  # fmt: skip
    return announcement_from_called({"ticket": ticket, "counter": {"id": 3, "label": label}})


def samples(path: Path) -> tuple[array[int], int]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        data = array("h", wav.readframes(wav.getnframes()))
        return data, wav.getframerate()


def pitch(data: array[int], rate: int) -> float:
    crossings = sum(1 for a, b in itertools.pairwise(data) if a < 0 <= b)
    return crossings / (len(data) / rate)


def test_the_chime_is_made_once_and_rings_two_falling_tones(tmp_path: Path) -> None:
    path = ensure_chime(tmp_path)
    made = path.stat().st_mtime_ns
    assert ensure_chime(tmp_path).stat().st_mtime_ns == made
    data, rate = samples(path)
    first_len = int(NOTES[0][1] * rate)
    assert len(data) / rate == pytest.approx(sum(s for _, s in NOTES), abs=0.01)
    high = pitch(data[int(0.05 * rate) : first_len - int(0.05 * rate)], rate)
    low = pitch(data[first_len + int(0.05 * rate) : first_len + int(0.4 * rate)], rate)
    assert high == pytest.approx(NOTES[0][0], rel=0.05)
    assert low == pytest.approx(NOTES[1][0], rel=0.05)
    assert max(abs(s) for s in data) < 32767  # no clipping


@needs_espeak
def test_espeak_ng_writes_a_wav_with_the_spoken_call(tmp_path: Path) -> None:
    speech = EspeakSpeech(tmp_path, {"id": "id", "en": "en"})
    assert speech.speaks("id") and speech.speaks("en")
    (part,) = speech.prepare(call(), "id", call().text("id"))
    data, rate = samples(part.path)
    assert len(data) / rate > 1.5  # a whole sentence, not a blip
    assert max(abs(s) for s in data) > 1000  # and not silence
    assert part.temporary


@needs_espeak
def test_espeak_ng_without_the_voice_gives_way(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    speech = EspeakSpeech(tmp_path, {"id": "zz-no-such-voice"})
    assert not speech.speaks("id")
    assert "no voice" in caplog.text


def test_missing_back_ends_are_logged_and_left_out_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PC where espeak-ng was never installed
    sound = SoundConfig(speech=("clips", "espeak-ng"), clips_folder=tmp_path / "nowhere")
    with caplog.at_level(logging.WARNING):
        assert build_backends(sound, tmp_path) == []
    assert "clips is not used: clip folder" in caplog.text
    assert "espeak-ng is not used: espeak-ng is not installed" in caplog.text
    assert "no speech back-end can run" in caplog.text


@needs_espeak
def test_what_the_clips_cannot_say_falls_to_the_next_back_end(
    tmp_path: Path, clip_folder: Path
) -> None:
    (clip_folder / "belas.wav").unlink()
    chain = SpeechChain(
        [ClipSpeech(clip_folder, tmp_path), EspeakSpeech(tmp_path, {"id": "id", "en": "en"})],
        ["id", "en"],
    )
    twelve = chain.prepare(call("DK-012"))
    assert twelve.spoken_by == ["espeak-ng:id", "espeak-ng:en"]
    assert any("belas" in problem for problem in twelve.problems)
    twenty = chain.prepare(call("DK-020"))
    assert twenty.spoken_by == ["clips:id", "espeak-ng:en"]
    assert twenty.problems == []


def test_when_nothing_can_speak_the_call_is_still_prepared(tmp_path: Path) -> None:
    class Broken:
        name = "broken"

        def speaks(self, language: str) -> bool:
            return True

        def prepare(self, announcement: Announcement, language: str, text: str) -> list[TtsPart]:
            raise RuntimeError("sound card on fire")

    utterance = SpeechChain([Broken()], ["id"]).prepare(call())
    assert utterance.parts == [] and utterance.spoken_by == []
    assert "sound card on fire" in " ".join(utterance.problems)


@needs_multimedia
def test_qt_speech_without_an_indonesian_voice_is_logged_and_left_out(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Qt's own "mock" engine (shipped with Qt for tests) has English voices only.
    sound = SoundConfig(speech=("qt",), qt_engine="mock", languages=("id", "en"))
    voice = make_qt_speech(sound)
    assert voice is not None
    assert not voice.speaks("id") and voice.speaks("en")
    assert "no Indonesian voice" in caplog.text
    assert make_qt_speech(SoundConfig(qt_engine="no-such-engine")) is None
    assert "Qt TextToSpeech is not used" in caplog.text


@needs_multimedia
def test_the_qt_voice_speaks_its_part_and_the_announcer_moves_on(
    qtbot: QtBot, tmp_path: Path
) -> None:
    voice = QtSpeech("mock")
    chain = SpeechChain([voice], ["id", "en"])
    announcer = Announcer(chain, chime=ensure_chime(tmp_path), hold_seconds=0, gap_seconds=0,
                          qt_voice=voice)  # fmt: skip
    try:
        announcer.push(call())
        qtbot.waitUntil(lambda: len(announcer.queue.heard) == 1, timeout=10_000)
        (heard,) = announcer.queue.heard
        assert heard.spoken_by == ("qt:en",)  # no Indonesian voice in the mock engine
        assert "no back-end could say DK-012 in id" in heard.problems
        assert not any("not played" in p for p in heard.problems)
    finally:
        announcer.stop()


def test_an_unplayable_sound_never_stalls_the_queue(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wav")
    announcer = Announcer(SpeechChain([], ["id"]), chime=broken, hold_seconds=0, gap_seconds=0)
    try:
        for number in ("DK-001", "DK-002", "DK-003"):
            announcer.push(call(number))
        qtbot.waitUntil(lambda: len(announcer.queue.heard) == 3, timeout=10_000)
        assert [h.announcement.number for h in announcer.queue.heard] == [
            "DK-001", "DK-002", "DK-003",
        ]  # fmt: skip
        assert all("chime not played" in h.problems for h in announcer.queue.heard)
    finally:
        announcer.stop()


def test_a_call_stays_highlighted_for_the_hold_time_without_sound(
    qtbot: QtBot, tmp_path: Path
) -> None:
    announcer = Announcer(SpeechChain([], ["id"]), chime=None, hold_seconds=0.3, gap_seconds=0)
    try:
        with qtbot.waitSignal(announcer.started, timeout=1000):
            announcer.push(call())
        assert announcer.current is not None
        qtbot.wait(150)
        assert announcer.current is not None  # still shown as being called
        qtbot.waitUntil(lambda: announcer.current is None, timeout=2000)
    finally:
        announcer.stop()


def test_pitch_helper_measures_a_known_tone() -> None:
    rate = 22050
    data = array("h", (int(8000 * math.sin(2 * math.pi * 500 * i / rate)) for i in range(rate)))
    assert pitch(data, rate) == pytest.approx(500, rel=0.01)


@needs_espeak
@needs_multimedia
def test_a_call_is_chimed_and_spoken_by_espeak_ng_and_its_wav_removed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    speech = EspeakSpeech(tmp_path, {"id": "id"}, speed=400)
    chain = SpeechChain([speech], ["id"], {"id": "{prefix} {number}"})  # short, to be quick
    announcer = Announcer(chain, chime=ensure_chime(tmp_path / "cache"), hold_seconds=0,
                          gap_seconds=0)  # fmt: skip
    try:
        with qtbot.waitSignal(announcer.finished, timeout=15_000) as finished:
            announcer.push(call("DK-012"))
        heard = finished.args[0]
        assert heard.spoken_by == ("espeak-ng:id",)
        assert heard.problems == ()
        assert list(tmp_path.glob("espeak-*.wav")) == []  # played, then deleted
    finally:
        announcer.stop()
