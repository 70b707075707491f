"""Playing the calls: chime, then the spoken words, one call at a time, on the GUI thread.

``Announcer`` takes calls from the board in the order they were made. Speech for each
call is prepared on the board's speech worker (``shared.qt_worker``) as soon as the call
arrives (so a queue of calls is ready when its turn comes), and played after the chime.
Every step has a way out — a player error, a watchdog, a missing sound system — so a call
can be late or silent, but the queue never stalls and the board never stops.
"""

from __future__ import annotations

import functools
import logging
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, QTimer, QUrl, pyqtSignal

from shared.qt_worker import Worker

from .announcements import Announcement, AnnouncementQueue, Heard
from .qt_speech import QtSpeech
from .speech import Part, SpeechChain, TtsPart, Utterance, WavPart
from .wavfiles import duration_seconds

log = logging.getLogger("antre.display.audio")

WATCHDOG_SLACK = 3.0  # seconds a player may take beyond the sound's own length
SECONDS_PER_CHARACTER = 0.12  # a generous speaking rate, for the speech watchdog


def _once(callback: Callable[[bool], None]) -> Callable[[bool], None]:
    """``callback`` for the first caller only: a player's end and its watchdog may race."""
    fired = False

    def call(ok: bool) -> None:
        nonlocal fired
        if not fired:
            fired = True
            callback(ok)

    return call


class WavPlayer(QObject):
    """Plays one WAV file at a time through QtMultimedia; says when it is over, always."""

    def __init__(self, volume: float = 1.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done: Callable[[bool], None] | None = None
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._timed_out)
        self._player: Any = None
        try:
            from PyQt6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
        except ImportError as exc:  # e.g. libpulse0 missing on a bare Debian
            log.error("no sound: QtMultimedia cannot load (%s); calls are shown only", exc)
            return
        self._devices = QMediaDevices
        self._status = QMediaPlayer.MediaStatus
        self._output = QAudioOutput(self)
        self._output.setVolume(volume)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._status_changed)
        self._player.errorOccurred.connect(self._failed)
        if QMediaDevices.defaultAudioOutput().isNull():
            log.warning("no audio output device: calls are timed as if heard, but silent")

    @property
    def available(self) -> bool:
        return self._player is not None

    def play(self, path: Path, done: Callable[[bool], None]) -> None:
        if self._player is None:
            QTimer.singleShot(0, lambda: done(False))
            return
        try:
            seconds = duration_seconds(path)
        except (OSError, EOFError, ValueError, wave.Error) as exc:
            log.warning("cannot play %s: %s", path, exc)
            QTimer.singleShot(0, lambda: done(False))
            return
        self._done = _once(done)
        # Speakers plugged in after start become the default device: follow them.
        self._output.setDevice(self._devices.defaultAudioOutput())
        self._watchdog.start(int((seconds + WATCHDOG_SLACK) * 1000))
        self._player.setSource(QUrl())  # the same file again must load again
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
        self._finish(False)

    def _status_changed(self, status: Any) -> None:
        if status == self._status.EndOfMedia:
            self._finish(True)
        elif status == self._status.InvalidMedia:
            log.warning("the player cannot read %s", self._player.source().toLocalFile())
            self._finish(False)

    def _failed(self, _error: Any, message: str) -> None:
        log.warning("audio player error: %s", message)
        self._finish(False)

    def _timed_out(self) -> None:
        log.warning("audio player did not finish in time; skipping")
        self._player.stop()
        self._finish(False)

    def _finish(self, ok: bool) -> None:
        self._watchdog.stop()
        done, self._done = self._done, None
        if done is not None:
            # Out of the player's own signal handler before anything is played next.
            QTimer.singleShot(0, lambda: done(ok))


@dataclass
class _Run:
    """The call being announced now."""

    announcement: Announcement
    began: float
    chimed: bool = False
    utterance: Utterance | None = None
    parts: list[Part] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Announcer(QObject):
    """Announces calls in order, never two at once, never dropping one.

    ``started(Announcement)`` when a call's turn comes (the board highlights it),
    ``finished(Heard)`` when its chime, words and least highlight time are over.
    """

    started = pyqtSignal(object)
    finished = pyqtSignal(object)

    def __init__(
        self,
        chain: SpeechChain,
        *,
        chime: Path | None = None,
        hold_seconds: float = 3.0,
        gap_seconds: float = 0.4,
        volume: float = 1.0,
        qt_voice: QtSpeech | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.chain = chain
        self.chime = chime
        self.hold_seconds = hold_seconds
        self.gap_seconds = gap_seconds
        self.qt_voice = qt_voice
        self.queue = AnnouncementQueue()
        self.player = WavPlayer(volume, self)
        self._speech = Worker("speech", self)
        self._prepared: dict[str, Utterance] = {}  # by call, until the call is finished
        self._run: _Run | None = None
        self._held = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._finish)
        self._tts_done: Callable[[bool], None] = lambda _ok: None
        self._tts_watchdog = QTimer(self)
        self._tts_watchdog.setSingleShot(True)
        self._tts_watchdog.timeout.connect(self._speech_too_long)

    @property
    def current(self) -> Announcement | None:
        return self._run.announcement if self._run is not None else None

    def push(self, announcement: Announcement) -> bool:
        """Queue a call; its words are prepared at once, in call order."""
        if not self.queue.push(announcement):
            return False
        key = announcement.key
        self._speech.submit(
            functools.partial(self.chain.prepare, announcement),
            functools.partial(self._take_prepared, key),
            functools.partial(self._preparing_failed, key),
        )
        self._advance()
        return True

    def hold(self, held: bool) -> None:
        """While held, the call in progress finishes but the next does not start: the
        board is fetching a snapshot that may hold a call it missed, which must be said
        in its place, before the later ones."""
        self._held = held
        if not held:
            self._advance()

    def stop(self) -> None:
        self._settle.stop()
        self._tts_watchdog.stop()
        self.player.stop()
        self._speech.close()

    def _take_prepared(self, key: str, utterance: Utterance) -> None:
        self._prepared[key] = utterance
        self._on_prepared(key)

    def _preparing_failed(self, key: str, error: Exception) -> None:
        # SpeechChain.prepare does not raise; this is a last guard: the call goes on, silent.
        log.error("preparing the speech for %s failed", key, exc_info=error)
        self._take_prepared(key, Utterance(problems=[repr(error)]))

    # --- one call --------------------------------------------------------------------

    def _advance(self) -> None:
        if self._run is not None or self._held:
            return
        announcement = self.queue.start_next()
        if announcement is None:
            return
        log.debug("announcing %s", announcement.number)
        self._run = _Run(announcement, began=time.monotonic())
        self.started.emit(announcement)
        if self.chime is not None:
            self.player.play(self.chime, self._after_chime)
        else:
            self._after_chime(True)

    def _after_chime(self, ok: bool) -> None:
        run = self._run
        if run is None:
            return
        if not ok and self.chime is not None:
            run.failures.append("chime not played")
        run.chimed = True
        self._on_prepared(run.announcement.key)

    def _on_prepared(self, key: str) -> None:
        run = self._run
        if run is None or run.announcement.key != key or not run.chimed or run.utterance:
            return
        utterance = self._prepared.get(key)
        if utterance is None:
            return  # called again when the worker has it ready
        run.utterance = utterance
        run.parts = list(run.utterance.parts)
        self._next_part()

    def _next_part(self) -> None:
        run = self._run
        if run is None:
            return
        if not run.parts:
            elapsed = time.monotonic() - run.began
            wait = max(0.0, self.hold_seconds - elapsed) + self.gap_seconds
            self._settle.start(int(wait * 1000))
            return
        part = run.parts.pop(0)
        if isinstance(part, WavPart):
            self.player.play(part.path, self._part_done)
        elif isinstance(part, TtsPart) and self.qt_voice is not None:
            self._say(part)
        else:
            self._part_done(False)

    def _say(self, part: TtsPart) -> None:
        assert self.qt_voice is not None
        self._tts_done = _once(self._part_done)
        self._tts_watchdog.start(
            int((WATCHDOG_SLACK + SECONDS_PER_CHARACTER * len(part.text)) * 1000)
        )
        self.qt_voice.say(part, self._spoken)

    def _spoken(self, ok: bool) -> None:
        self._tts_watchdog.stop()
        self._tts_done(ok)

    def _speech_too_long(self) -> None:
        log.warning("Qt speech did not finish in time; skipping")
        if self.qt_voice is not None:
            self.qt_voice.stop()
        self._tts_done(False)

    def _part_done(self, ok: bool) -> None:
        if self._run is not None and not ok:
            self._run.failures.append("a part was not played")
        QTimer.singleShot(0, self._next_part)

    def _finish(self) -> None:
        run, self._run = self._run, None
        if run is None:
            return
        utterance = run.utterance or Utterance()
        for part in utterance.parts:
            if isinstance(part, WavPart) and part.temporary:
                part.path.unlink(missing_ok=True)
        self._prepared.pop(run.announcement.key, None)
        heard = Heard(
            run.announcement,
            spoken_by=tuple(utterance.spoken_by),
            problems=tuple(utterance.problems + run.failures),
        )
        self.queue.finish(heard)
        log.info(
            "announced %s at %s (%s)",
            heard.announcement.number,
            heard.announcement.counter_label,
            ", ".join(heard.spoken_by) or "not spoken: " + "; ".join(heard.problems),
        )
        self.finished.emit(heard)
        self._advance()
