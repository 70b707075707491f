"""Small WAV helpers on the standard ``wave`` module: no audio library to install.

Clips recorded in one session share one format and are joined into one file, so the
player does not leave a gap between words; clips of another format stay separate files.
"""

from __future__ import annotations

import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WavFormat:
    """A WAV file's sample format; clips that share it are joined into one file so no gap
    falls between words."""

    channels: int
    sample_width: int
    rate: int


def wav_format(path: Path) -> WavFormat:
    """Raises ``wave.Error`` or ``OSError`` for a file that is not a readable PCM WAV."""
    with wave.open(str(path), "rb") as wav:
        return WavFormat(wav.getnchannels(), wav.getsampwidth(), wav.getframerate())


def duration_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate() or 1)


def concatenate(paths: Sequence[Path], out: Path) -> Path:
    """Write ``paths`` one after the other into ``out`` (all of one format)."""
    fmt = wav_format(paths[0])
    with wave.open(str(out), "wb") as target:
        target.setnchannels(fmt.channels)
        target.setsampwidth(fmt.sample_width)
        target.setframerate(fmt.rate)
        for path in paths:
            with wave.open(str(path), "rb") as source:
                if wav_format(path) != fmt:
                    raise ValueError(f"{path.name} is not in the format of {paths[0].name}")
                target.writeframes(source.readframes(source.getnframes()))
    return out


def join_runs(paths: Sequence[Path], out_stem: Path) -> list[Path]:
    """Join each run of neighbouring files of one format; ``out_stem`` names the results."""
    runs: list[list[Path]] = []
    last: WavFormat | None = None
    for path in paths:
        fmt = wav_format(path)
        if runs and fmt == last:
            runs[-1].append(path)
        else:
            runs.append([path])
        last = fmt
    out: list[Path] = []
    for i, run in enumerate(runs):
        if len(run) == 1:
            out.append(run[0])
        else:
            out.append(concatenate(run, out_stem.with_name(f"{out_stem.name}-{i}.wav")))
    return out


def write_mono16(path: Path, samples: Iterable[float], rate: int) -> Path:
    """Samples in -1..1 as 16-bit mono PCM."""
    frames = bytearray()
    for value in samples:
        level = max(-32767, min(32767, round(value * 32767)))
        frames += level.to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return path
