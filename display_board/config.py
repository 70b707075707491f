"""The board's TOML configuration: server, zone, screen, running text, sound.

A bad value stops the board at start with a message naming the setting, rather than a
board that silently shows the wrong zone or never speaks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.callout import check_template
from shared.config_file import ConfigFile, ConfigFileError, Table

SPEECH_BACKENDS = ("clips", "espeak-ng", "qt")
LANGUAGES = ("id", "en")
ORIENTATIONS = ("auto", "landscape", "portrait")
WAITING_BY = ("agency", "service")


class DisplayConfigError(ConfigFileError):
    """A setting the board cannot use; the message names it."""


@dataclass(frozen=True)
class SoundConfig:
    """How calls are heard. ``speech`` lists back-ends tried in order for each language."""

    speech: tuple[str, ...] = ("espeak-ng",)
    languages: tuple[str, ...] = ("id",)
    # Empty: speak the site's template (the server sends the words); set: the board's own.
    template_id: str = ""
    template_en: str = ""
    chime: bool = True
    chime_file: Path | None = None
    volume: float = 1.0
    # Least time a call stays highlighted, for boards without sound or with short clips.
    hold_seconds: float = 3.0
    gap_seconds: float = 0.4
    clips_folder: Path | None = None
    clip_sequence: tuple[str, ...] | None = None
    espeak_voices: dict[str, str] = field(default_factory=lambda: {"id": "id", "en": "en"})
    espeak_speed: int = 140
    qt_engine: str = ""
    cache_folder: Path | None = None


@dataclass(frozen=True)
class DisplayConfig:
    """The board's settings from its TOML file, read and checked once at start-up:
    server, zone, screen, running text, slideshow and sound."""

    server_url: str
    token: str
    zone: str = ""  # empty: the zone the display token was registered for
    language: str = "id"
    orientation: str = "auto"
    fullscreen: bool = True
    hide_cursor: bool = True
    running_text: tuple[str, ...] = ()
    marquee_speed: float = 120.0  # pixels per second on a 1920 px wide board
    slideshow_folder: Path | None = None
    slideshow_seconds: float = 10.0
    last_calls: int = 5
    waiting_by: str = "agency"
    # A zone with more counters than fit readably shows its tiles in pages, this long each.
    page_seconds: float = 8.0
    sound: SoundConfig = field(default_factory=SoundConfig)


def load_display_config(path: str | Path) -> DisplayConfig:
    file = ConfigFile.load(path, DisplayConfigError)
    return parse_display_config(file.data, where=file.where, base=file.base)


def parse_display_config(
    data: Mapping[str, Any], where: str = "config", base: Path = Path(".")
) -> DisplayConfig:
    file = ConfigFile(data, where=where, base=base, error=DisplayConfigError)
    server, board, sound = (file.table(name) for name in ("server", "board", "sound"))
    return DisplayConfig(
        server_url=server.required_url("url"),
        token=server.required_text("token", hint="antre-server add-device --kind display"),
        zone=board.text("zone"),
        language=board.choice("language", "id", LANGUAGES),
        orientation=board.choice("orientation", "auto", ORIENTATIONS),
        fullscreen=board.flag("fullscreen", True),
        hide_cursor=board.flag("hide_cursor", True),
        running_text=tuple(t for t in board.texts("running_text", []) if t.strip()),
        marquee_speed=board.number("marquee_speed", 120.0, 10.0, 1000.0),
        slideshow_folder=board.path("slideshow_folder"),
        slideshow_seconds=board.number("slideshow_seconds", 10.0, 2.0, 3600.0),
        last_calls=int(board.number("last_calls", 5, 1, 10)),
        waiting_by=board.choice("waiting_by", "agency", WAITING_BY),
        page_seconds=board.number("page_seconds", 8.0, 2.0, 120.0),
        sound=_sound(sound),
    )


def _sound(sound: Table) -> SoundConfig:
    speech = sound.texts("speech", ["espeak-ng"])
    if any(s not in SPEECH_BACKENDS for s in speech):
        raise sound.error("speech", f"must list back-ends among {', '.join(SPEECH_BACKENDS)}")
    languages = sound.texts("languages", ["id"])
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise sound.error("languages", "must list id and/or en (spoken in that order)")
    if "clips" in speech and not sound.has("clips_folder"):
        raise sound.error("clips_folder", "is required when speech uses clips")
    sequence = sound.texts("clip_sequence", []) if sound.has("clip_sequence") else []
    voices = sound.get("espeak_voices", {})
    if not isinstance(voices, dict) or any(lang not in LANGUAGES for lang in voices):
        raise sound.error("espeak_voices", "must map id/en to espeak-ng voice names")
    for key in ("template_id", "template_en"):
        try:
            check_template(sound.text(key))
        except ValueError as exc:
            raise sound.error(key, str(exc)) from None
    return SoundConfig(
        speech=tuple(speech),
        languages=tuple(languages),
        template_id=sound.text("template_id"),
        template_en=sound.text("template_en"),
        chime=sound.flag("chime", True),
        chime_file=sound.path("chime_file", kind="file"),
        volume=sound.number("volume", 1.0, 0.0, 1.0),
        hold_seconds=sound.number("hold_seconds", 3.0, 0.0, 60.0),
        gap_seconds=sound.number("gap_seconds", 0.4, 0.0, 10.0),
        clips_folder=sound.path("clips_folder"),
        clip_sequence=tuple(sequence) or None,
        espeak_voices={"id": "id", "en": "en", **{k: str(v) for k, v in voices.items()}},
        espeak_speed=int(sound.number("espeak_speed", 140, 80, 400)),
        qt_engine=sound.text("qt_engine"),
        cache_folder=sound.path("cache_folder", must_exist=False),
    )
