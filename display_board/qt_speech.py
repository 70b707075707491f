"""The operating system's voices through Qt TextToSpeech (speech-dispatcher on Linux).

Used only when the module loads, its engine starts and it has a voice for a configured
language; otherwise the board logs why and the next back-end speaks. Created and used on
the GUI thread: ``prepare`` only packs the text, ``say`` speaks it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .announcements import Announcement
from .config import SoundConfig
from .speech import Part, SpeechUnavailable, TtsPart

log = logging.getLogger("antre.display.speech")

LANGUAGE_NAMES = {"id": "Indonesian", "en": "English"}


class QtSpeech:
    """The speech back-end that speaks through the operating system's own voices (``qt``
    in the board's ``speech`` list)."""

    name = "qt"

    def __init__(self, engine: str = "", volume: float = 1.0) -> None:
        try:
            from PyQt6.QtCore import QLocale
            from PyQt6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            raise SpeechUnavailable(f"PyQt6.QtTextToSpeech cannot load: {exc}") from exc
        engines = QTextToSpeech.availableEngines()
        if engine and engine not in engines:
            raise SpeechUnavailable(f"no Qt speech engine {engine!r} (have {engines})")
        self.tts = QTextToSpeech(engine) if engine else QTextToSpeech()
        if self.tts.state() == QTextToSpeech.State.Error:
            raise SpeechUnavailable(f"Qt speech engine did not start: {self.tts.errorString()}")
        self.tts.setVolume(volume)
        self._ready = QTextToSpeech.State.Ready
        self._error = QTextToSpeech.State.Error
        self.locales: dict[str, QLocale] = {}
        for code, name in LANGUAGE_NAMES.items():
            wanted = getattr(QLocale.Language, name)
            found = [loc for loc in self.tts.availableLocales() if loc.language() == wanted]
            if found:
                self.locales[code] = found[0]
        if not self.locales:
            raise SpeechUnavailable(
                f"Qt speech engine {self.tts.engine()!r} has no Indonesian or English voice"
            )
        if "id" not in self.locales:
            log.warning("Qt speech engine %r has no Indonesian voice", self.tts.engine())
        self._done: Callable[[bool], None] | None = None
        self._spoke = False
        self.tts.stateChanged.connect(self._state_changed)

    def speaks(self, language: str) -> bool:
        return language in self.locales

    def prepare(self, announcement: Announcement, language: str, text: str) -> list[Part]:
        return [TtsPart(text, language)]

    def say(self, part: TtsPart, done: Callable[[bool], None]) -> None:
        """Speak ``part``; ``done(True)`` once the engine is quiet again."""
        self._done, self._spoke = done, False
        self.tts.setLocale(self.locales[part.language])
        self.tts.say(part.text)

    def stop(self) -> None:
        self.tts.stop()

    def _state_changed(self, state: Any) -> None:
        if state not in (self._ready, self._error):
            self._spoke = True
            return
        if state == self._error:
            log.warning("Qt speech engine failed: %s", self.tts.errorString())
        done, self._done = self._done, None
        if done is not None:
            done(self._spoke and state == self._ready)


def make_qt_speech(sound: SoundConfig) -> QtSpeech | None:
    """The Qt back-end of ``sound``, or None (logged) where it cannot speak."""
    try:
        return QtSpeech(sound.qt_engine, sound.volume)
    except SpeechUnavailable as exc:
        log.warning("Qt TextToSpeech is not used: %s", exc)
        return None
