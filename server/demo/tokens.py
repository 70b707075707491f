"""The demo's device tokens, kept in a file between runs of ``scripts/demo``.

A device token exists in clear only when it is made; the database keeps its hash. The
demo used to renew every token on each run, so a client config written from the printed
tokens broke at the next restart. For the demo only, ``seed-demo --token-file`` keeps
the tokens in a private file (mode 0600, in ``instance/``, which git ignores) and reuses
each one that still matches its device. A real hall never keeps its tokens in clear: its
devices are registered with ``add-device`` (or the console), which shows a token once.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

KIND = "antre-demo-device-tokens"
NOTE = (
    "Device tokens of the Antre demo hall on this machine, kept so that the client "
    "configs scripts/demo writes keep working across restarts. Demo only: never keep a "
    "real hall's tokens in a file like this."
)


class TokenFileError(ValueError):
    """The token file cannot be used; the message names it and says what to do."""


def read_tokens(path: Path) -> dict[str, str]:
    """Device name -> token from ``path``; empty when the file does not exist yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenFileError(f"{path}: cannot read it ({exc}); delete it to start over") from None
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("kind") != KIND
        or not isinstance(tokens, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in tokens.items())
    ):
        raise TokenFileError(
            f"{path}: not a demo token file written by seed-demo; delete it to start over"
        )
    return dict(tokens)


def write_tokens(path: Path, tokens: Mapping[str, str]) -> None:
    """Replace ``path`` with ``tokens``, readable by this user only, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"kind": KIND, "note": NOTE, "tokens": dict(tokens)}, indent=2) + "\n"
    write_private(path, body)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 (it holds a token), atomically."""
    partial = path.with_name(path.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(partial, path)
