"""The clients start on a real X11 desktop: every system library Qt's xcb platform plugin
links is installed, and ``scripts/system-deps`` names the Debian package of each.

Qt refuses its xcb plugin when any one of them is missing, and then blames xcb-cursor0
whichever it was; a newcomer's first client would die before showing a window.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import PyQt6
import pytest

from tests.e2e.live import REPO

QT = Path(PyQt6.__file__).parent / "Qt6"
XCB_PLUGIN = QT / "plugins" / "platforms" / "libqxcb.so"
# Libraries apt itself (so every Debian) depends on: never missing where Python runs.
BASE_PACKAGES = frozenset({"libc6", "libstdc++6", "libgcc-s1", "zlib1g"})
SHT_DYNAMIC, DT_NULL, DT_NEEDED = 6, 0, 1


def needed(path: Path) -> list[str]:
    """The DT_NEEDED names of a 64-bit little-endian ELF file: the libraries it links
    itself (``ldd`` would list its libraries' libraries too)."""
    data = path.read_bytes()
    assert data[:6] == b"\x7fELF\x02\x01", f"{path} is not a 64-bit little-endian ELF file"
    (section_offset,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, section_offset + i * entry_size)
        for i in range(count)
    ]
    names = []
    for _, kind, _, _, offset, size, link, _, _, _ in sections:
        if kind != SHT_DYNAMIC:
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, at)
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED:
                start = strings + value
                names.append(data[start : data.index(b"\0", start)].decode())
    return names


def system_libraries_of_the_xcb_plugin() -> set[str]:
    """The libraries the plugin and the Qt libraries it loads link from the system (Qt's
    own come with the PyQt6 wheel)."""
    todo, seen, system = [XCB_PLUGIN], set(), set()
    while todo:
        for name in needed(todo.pop()):
            bundled = QT / "lib" / name
            if bundled.exists():
                if name not in seen:
                    seen.add(name)
                    todo.append(bundled)
            else:
                system.add(name)
    return system


def resolved_paths() -> dict[str, str]:
    """Library name -> the file the dynamic loader picks for the plugin ("" if none)."""
    out = subprocess.run(
        ["ldd", str(XCB_PLUGIN)], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    paths = {}
    for line in out.splitlines():
        name, arrow, rest = line.strip().partition(" => ")
        if arrow:
            paths[name] = "" if rest.startswith("not found") else rest.split(" (")[0]
    return paths


def system_deps(mode: str) -> set[str]:
    out = subprocess.run(
        [str(REPO / "scripts" / "system-deps"), "--list", mode],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    return set(out.split())


def debian_package(path: str) -> str:
    found = subprocess.run(
        ["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True, timeout=30
    )
    if found.returncode != 0:  # a merged /usr: dpkg knows the /lib path, not /usr/lib
        found = subprocess.run(
            ["dpkg", "-S", path], capture_output=True, text=True, timeout=30, check=True
        )
    return found.stdout.split(":")[0]


def test_every_library_the_xcb_plugin_links_is_installed() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(XCB_PLUGIN)!r})"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, (
        "Qt's xcb platform plugin cannot be loaded (run scripts/system-deps demo):\n"
        + loaded.stderr
    )
    missing = [name for name, path in resolved_paths().items() if not path]
    assert missing == [], f"not installed: {missing} (run scripts/system-deps demo)"


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian system: no dpkg")
def test_system_deps_installs_the_package_of_every_library_the_xcb_plugin_links() -> None:
    paths = resolved_paths()
    libraries = system_libraries_of_the_xcb_plugin()
    assert {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"} <= libraries
    packages = {name: debian_package(paths[name]) for name in libraries if paths.get(name)}
    listed = system_deps("demo")
    unlisted = sorted(
        f"{name} ({package})"
        for name, package in packages.items()
        if package not in listed | BASE_PACKAGES
    )
    assert unlisted == [], f"scripts/system-deps demo misses: {unlisted}"
    assert listed <= system_deps("test"), "the test set holds everything the demo needs"


# --- a window on a real X server ---------------------------------------------------------


def free_display() -> int:
    for number in range(90, 190):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise AssertionError("no free X display number between :90 and :189")


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    """An Xvfb server on a free display, stopped afterwards: its ``DISPLAY``."""
    binary = shutil.which("Xvfb")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("Xvfb is not installed (scripts/system-deps installs it)")
        pytest.skip("Xvfb is not installed (scripts/system-deps test installs it)")
    number = free_display()
    server = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert server.poll() is None, "Xvfb exited at start"
            assert time.monotonic() < deadline, "Xvfb did not start within 15 s"
            time.sleep(0.05)
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


SHOW_A_WINDOW = """
from PyQt6.QtWidgets import QApplication, QLabel
app = QApplication(["antre"])
label = QLabel("Nomor antrean")
label.show()
app.processEvents()
print(app.platformName(), label.isVisible())
"""


def test_a_qt_window_opens_on_an_x_server_through_the_xcb_plugin() -> None:
    with xvfb() as display:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        shown = subprocess.run(
            [sys.executable, "-c", SHOW_A_WINDOW],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == ["xcb", "True"]
