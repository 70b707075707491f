"""Speech back-ends: turn one call into something to play, offline, per language.

Back-ends are tried in the configured order for each language: the hall's recorded
clips first, say, then espeak-ng for what the clips cannot say (English). Whatever
fails is logged and the next one is tried; when none can speak, the call is still
shown and chimed. Preparing runs on a worker thread (espeak-ng takes a moment), so it
touches no Qt object; playing is ``audio.Announcer``'s job.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import subprocess
import wave
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .announcements import Announcement
from .clips import DEFAULT_SEQUENCE, ClipSequence, missing_clips
from .config import SoundConfig
from .wavfiles import join_runs, wav_format

log = logging.getLogger("antre.display.speech")

ESPEAK_TIMEOUT = 10.0


class SpeechUnavailable(Exception):
    """This back-end cannot say this call (missing program, voice or clip)."""


@dataclass(frozen=True)
class WavPart:
    """A WAV file to play as part of an announcement: one of the hall's clips, or one
    made for this call."""

    path: Path
    temporary: bool = False  # made for this call: deleted once played


@dataclass(frozen=True)
class TtsPart:
    """Said by the operating system's voice through Qt TextToSpeech on the GUI thread."""

    text: str
    language: str


Part = WavPart | TtsPart


class SpeechBackend(Protocol):
    """What the announcer needs of a speech back-end, so back-ends can be tried in the
    configured order for each language."""

    name: str

    def speaks(self, language: str) -> bool: ...

    def prepare(self, announcement: Announcement, language: str, text: str) -> list[Part]: ...


_numbering = itertools.count(1)


def _scratch(workdir: Path, stem: str) -> Path:
    return workdir / f"{stem}-{next(_numbering)}.wav"


class EspeakSpeech:
    """espeak-ng (Debian package ``espeak-ng``) writing a WAV per sentence."""

    name = "espeak-ng"

    def __init__(
        self,
        workdir: Path,
        voices: Mapping[str, str],
        speed: int = 140,
        executable: str | None = None,
    ) -> None:
        found = executable or shutil.which("espeak-ng")
        if found is None:
            raise SpeechUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
        self.executable = found
        self.workdir = workdir
        self.speed = speed
        self.voices = {lang: v for lang, v in voices.items() if self._has_voice(v, lang)}

    def _has_voice(self, voice: str, language: str) -> bool:
        """Whether espeak-ng loads ``voice`` (``-q``: load it, say nothing)."""
        try:
            checked = subprocess.run(
                [self.executable, "-q", "-v", voice, "a"],
                capture_output=True,
                text=True,
                timeout=ESPEAK_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("espeak-ng could not be run: %s", exc)
            return False
        if checked.returncode != 0:
            log.warning(
                "espeak-ng has no voice %r for %s: %s", voice, language, checked.stderr.strip()
            )
            return False
        return True

    def speaks(self, language: str) -> bool:
        return language in self.voices

    def synthesize(self, text: str, language: str, out: Path) -> Path:
        """Write ``text`` spoken in ``language`` to ``out``; a WAV with sound in it, or
        SpeechUnavailable."""
        command = [self.executable, "-v", self.voices[language], "-s", str(self.speed)]
        try:
            done = subprocess.run(
                [*command, "-w", str(out), "--stdin"],
                input=text,
                capture_output=True,
                text=True,
                timeout=ESPEAK_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeechUnavailable(f"espeak-ng failed: {exc}") from exc
        if done.returncode != 0:
            raise SpeechUnavailable(f"espeak-ng exited {done.returncode}: {done.stderr.strip()}")
        try:
            with wave.open(str(out), "rb") as wav:
                frames = wav.getnframes()
        except (OSError, wave.Error, EOFError) as exc:
            raise SpeechUnavailable(f"espeak-ng wrote no readable WAV: {exc}") from exc
        if frames == 0:
            raise SpeechUnavailable("espeak-ng wrote an empty WAV")
        return out

    def prepare(self, announcement: Announcement, language: str, text: str) -> list[Part]:
        out = self.synthesize(text, language, _scratch(self.workdir, f"espeak-{language}"))
        return [WavPart(out, temporary=True)]


class ClipSpeech:
    """A folder of recorded Indonesian words and phrases (see ``clips``)."""

    name = "clips"

    def __init__(self, folder: Path, workdir: Path, sequence: Sequence[str] | None = None) -> None:
        if not folder.is_dir():
            raise SpeechUnavailable(f"clip folder {folder} does not exist")
        self.folder = folder
        self.workdir = workdir
        self.sequence = ClipSequence(sequence or DEFAULT_SEQUENCE)
        missing = missing_clips(folder)
        if missing:
            log.warning(
                "clip folder %s lacks %d clips (calls needing them fall back): %s",
                folder,
                len(missing),
                ", ".join(missing),
            )

    def speaks(self, language: str) -> bool:
        return language == "id"

    def files(self, announcement: Announcement) -> list[Path]:
        """The clip files of this call, in order; SpeechUnavailable if one is missing."""
        files, missing = [], []
        for clip in self.sequence.for_call(announcement.callout, announcement.agency_code):
            path = clip.file(self.folder)
            if path.is_file():
                files.append(path)
            elif not clip.optional:
                missing.append(clip.name)
        if missing:
            raise SpeechUnavailable(f"missing clips {', '.join(missing)} in {self.folder}")
        return files

    def prepare(self, announcement: Announcement, language: str, text: str) -> list[Part]:
        files = self.files(announcement)
        try:
            for path in files:
                wav_format(path)
            joined = join_runs(files, _scratch(self.workdir, "clips").with_suffix(""))
        except (OSError, wave.Error, EOFError, ValueError) as exc:
            raise SpeechUnavailable(f"unreadable clip: {exc}") from exc
        return [WavPart(path, temporary=path.parent == self.workdir) for path in joined]


@dataclass
class Utterance:
    """What to play for one call after the chime, and how it came about."""

    parts: list[Part] = field(default_factory=list)
    spoken_by: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class SpeechChain:
    """The configured back-ends, tried in order for each configured language."""

    def __init__(
        self,
        backends: Sequence[SpeechBackend],
        languages: Sequence[str],
        templates: Mapping[str, str] | None = None,
    ) -> None:
        self.backends = list(backends)
        self.languages = list(languages)
        self.templates = dict(templates or {})

    def prepare(self, announcement: Announcement) -> Utterance:
        """Never raises: a call that cannot be spoken is still shown and chimed."""
        utterance = Utterance()
        for language in self.languages:
            text = announcement.text(language, self.templates.get(language, ""))
            for backend in self.backends:
                if not backend.speaks(language):
                    continue
                try:
                    utterance.parts += backend.prepare(announcement, language, text)
                except SpeechUnavailable as exc:
                    self._problem(utterance, f"{backend.name} ({language}): {exc}")
                    continue
                except Exception as exc:  # a board keeps calling whatever a back-end does
                    log.exception("speech back-end %s failed", backend.name)
                    self._problem(utterance, f"{backend.name} ({language}): {exc!r}")
                    continue
                utterance.spoken_by.append(f"{backend.name}:{language}")
                break
            else:
                if self.backends:  # none configured: a chime-only board, by choice
                    self._problem(
                        utterance, f"no back-end could say {announcement.number} in {language}"
                    )
        return utterance

    @staticmethod
    def _problem(utterance: Utterance, message: str) -> None:
        log.warning("speech: %s", message)
        utterance.problems.append(message)


def build_backends(
    sound: SoundConfig,
    workdir: Path,
    make_qt: Callable[[SoundConfig], SpeechBackend | None] | None = None,
) -> list[SpeechBackend]:
    """The back-ends of the configuration that can run here; the others are logged."""
    backends: list[SpeechBackend] = []
    for name in sound.speech:
        try:
            if name == "espeak-ng":
                backends.append(EspeakSpeech(workdir, sound.espeak_voices, sound.espeak_speed))
            elif name == "clips" and sound.clips_folder is not None:
                backends.append(ClipSpeech(sound.clips_folder, workdir, sound.clip_sequence))
            elif name == "qt":
                qt = make_qt(sound) if make_qt is not None else None
                if qt is None:
                    raise SpeechUnavailable("Qt TextToSpeech has no usable voice here")
                backends.append(qt)
        except SpeechUnavailable as exc:
            log.warning("speech back-end %s is not used: %s", name, exc)
    if sound.speech and not backends:
        log.error("no speech back-end can run: calls are shown and chimed, not spoken")
    return backends
