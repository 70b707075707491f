"""``antre-server``: the process entry point.

Under eventlet, the standard library must be monkey-patched before anything else
imports ``socket`` or ``threading``; so this module decides the mode from the command
line, ``ANTRE_ASYNC_MODE`` and the config file using only the standard library, patches,
and only then imports the application. This is the only place that names eventlet.
"""

from __future__ import annotations

import os
import sys
import tomllib
import warnings


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


# Options of the command group that take a value (``antre-server --config F run``).
_GROUP_VALUE_OPTIONS = {"--config", "--app", "-A", "--env-file", "-e"}


def subcommand(argv: list[str]) -> str | None:
    """The command ``argv`` names, after any options of the group itself."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GROUP_VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def async_mode_for(argv: list[str], env: dict[str, str] | os._Environ[str]) -> str:
    """The async mode ``run`` will use (the full config check happens later)."""
    mode = _option(argv, "--async-mode") or env.get("ANTRE_ASYNC_MODE")
    if mode:
        return mode.strip().lower()
    path = _option(argv, "--config") or env.get("ANTRE_CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            return str(data.get("server", {}).get("async_mode", "eventlet")).lower()
        except (OSError, tomllib.TOMLDecodeError):
            pass  # the real config loader reports this clearly
    return "eventlet"


def _use_eventlet() -> None:
    # Its deprecation notice is for developers choosing a stack; the README explains
    # the choice, and operators need not see it on every start.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    try:
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()  # PostgreSQL waits yield to other requests instead of blocking all
    except ImportError:
        pass
    from eventlet import tpool

    from server.runtime import install_offload

    install_offload(tpool.execute)


def prepare_async_mode(mode: str) -> None:
    """Patch the process for ``mode`` before the app is imported (eventlet: the standard
    library, psycopg, and the offload of CPU-heavy work to real threads); also used by
    the bench's reference server, so both run the same way."""
    if mode == "eventlet":
        _use_eventlet()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if subcommand(argv) == "run":
        prepare_async_mode(async_mode_for(argv, os.environ))
    from server.cli import cli

    cli.main(args=argv, prog_name="antre-server")


if __name__ == "__main__":
    main()
