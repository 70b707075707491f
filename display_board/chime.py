"""The two-tone chime before each call, made by code on first use (no sound file to ship).

A descending major third (E5 then C5), like the "ding-dong" visitors know from
stations and airports: it turns heads before the number is said. Soft attack, bell-like
decay and a quiet octave overtone keep it pleasant at hall volume.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from .wavfiles import write_mono16

RATE = 22050  # espeak-ng's own rate: chime and speech share one format
NOTES = ((659.25, 0.65), (523.25, 0.95))  # (Hz, seconds)
LEVEL = 0.55


def chime_samples(rate: int = RATE) -> Iterator[float]:
    for frequency, seconds in NOTES:
        count = int(seconds * rate)
        for i in range(count):
            t = i / rate
            attack = min(1.0, t / 0.008)
            release = min(1.0, (count - i) / (0.02 * rate))
            decay = math.exp(-3.2 * t)
            tone = math.sin(2 * math.pi * frequency * t)
            overtone = 0.25 * math.sin(4 * math.pi * frequency * t) * math.exp(-6 * t)
            yield LEVEL * attack * release * decay * (tone + overtone) / 1.25


def ensure_chime(folder: Path) -> Path:
    """The generated chime in ``folder``, written the first time it is needed."""
    path = folder / "chime.wav"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / "chime.wav.part"
        write_mono16(partial, chime_samples(), RATE)
        partial.replace(path)
    return path
