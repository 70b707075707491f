"""The kiosk's TOML file: the example works as shipped, mistakes are named."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.config import KioskConfigError, load_kiosk_config
from kiosk.exit_gesture import ExitGesture, PinEntry
from kiosk.printer import PrinterConfig
from kiosk.standards import ServiceStandard

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kiosk.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = '[server]\nurl = "http://127.0.0.1:5080"\ntoken = "t"\n[kiosk]\nadmin_pin = "1234"\n'


def test_the_example_config_loads_for_a_desk_and_marks_what_a_real_kiosk_changes() -> None:
    config = load_kiosk_config(EXAMPLE)
    printer = PrinterConfig.from_mapping(config.printer)
    assert printer.kind == "dummy"  # no printer-fault screen on a desk without a printer
    assert config.admin_pin == "240517" and not config.fullscreen and not config.hide_cursor
    text = EXAMPLE.read_text(encoding="utf-8")
    assert '# kind = "network"\n# host = "192.168.10.31"' in text
    assert text.count("# REAL KIOSK:") == 3  # fullscreen, hide_cursor, the printer
    assert "[standards" not in text  # they belong to the service now (the console)


def test_defaults_for_everything_but_the_server_and_the_pin(tmp_path: Path) -> None:
    config = load_kiosk_config(write(tmp_path, BASE))
    assert (config.language, config.idle_seconds, config.ticket_seconds) == ("id", 45, 20)
    assert config.printer == {"kind": "dummy"}
    assert config.public_url is None and config.logo is None
    assert config.tap_guard_ms == 500


def test_a_logo_is_found_beside_the_config_file(tmp_path: Path) -> None:
    config = load_kiosk_config(
        write(tmp_path, BASE.replace("[kiosk]\n", '[kiosk]\nlogo = "l.png"\n'))
    )
    assert config.logo == str(tmp_path / "l.png")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[server]\nurl = "ftp://x"\ntoken = "t"', r"\[server\] url"),
        ('[server]\nurl = "http://x"', r"\[server\] token"),
        ('[server]\nurl = "http://x"\ntoken = "t"', "admin_pin must be at least 4 digits"),
        (BASE.replace('"1234"', '"12ab"'), "admin_pin"),
        (BASE + 'language = "jv"\n', "language must be id or en"),
        (BASE + "idle_seconds = 0\n", "idle_seconds"),
        (BASE + "tap_guard_ms = -1\n", "tap_guard_ms must be a whole number of milliseconds"),
        (BASE + "tap_guard_ms = 0.5\n", "tap_guard_ms must be a whole number of milliseconds"),
        (BASE + "tap_guard_ms = 5000\n", "tap_guard_ms .* from 0 to 2000"),
        ("[server", "not valid TOML"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(KioskConfigError, match=message):
        load_kiosk_config(write(tmp_path, text))


@pytest.mark.parametrize("switch", ["hide_cursor", "fullscreen"])
@pytest.mark.parametrize("value", ['"no"', "0", '"false"'])
def test_a_switch_that_is_not_true_or_false_is_refused_not_guessed(
    tmp_path: Path, switch: str, value: str
) -> None:
    # bool("no") is True: a kiosk would have hidden the cursor it was told to show.
    with pytest.raises(KioskConfigError, match=rf"\[kiosk\] {switch} must be true or false"):
        load_kiosk_config(write(tmp_path, BASE + f"{switch} = {value}\n"))


def test_an_admin_pin_may_be_written_as_a_bare_number(tmp_path: Path) -> None:
    config = load_kiosk_config(write(tmp_path, BASE.replace('"1234"', "987654")))
    assert config.admin_pin == "987654"


def test_the_tap_guard_can_be_tuned_or_switched_off(tmp_path: Path) -> None:
    assert load_kiosk_config(write(tmp_path, BASE + "tap_guard_ms = 650\n")).tap_guard_ms == 650
    assert load_kiosk_config(write(tmp_path, BASE + "tap_guard_ms = 0\n")).tap_guard_ms == 0


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(KioskConfigError, match="no such file"):
        load_kiosk_config(tmp_path / "nowhere.toml")


def test_an_old_kiosk_file_with_standards_still_loads_and_says_they_moved(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = BASE + '[standards."DK-KTP"]\nrequirements = ["KK"]\nfee = "Gratis"\n'
    with caplog.at_level(logging.WARNING, logger="kiosk.config"):
        config = load_kiosk_config(write(tmp_path, old))
    assert config.server_url == "http://127.0.0.1:5080"
    assert "[standards] is no longer read" in caplog.text and "console" in caplog.text


def test_an_empty_standard_shows_no_button() -> None:
    assert ServiceStandard.from_mapping({}).empty
    assert not ServiceStandard.from_mapping({"fee": "Gratis"}).empty


# --- leaving the kiosk ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_five_taps_within_three_seconds_open_the_pin_pad() -> None:
    clock = Clock()
    gesture = ExitGesture(clock=clock)
    results = []
    for _ in range(5):
        results.append(gesture.tap())
        clock.now += 0.5
    assert results == [False, False, False, False, True]


def test_slow_taps_never_open_it() -> None:
    clock = Clock()
    gesture = ExitGesture(clock=clock)
    opened = []
    for _ in range(12):
        opened.append(gesture.tap())
        clock.now += 0.8  # five taps take 3.2 s
    assert not any(opened)


def test_only_the_configured_pin_is_accepted() -> None:
    entry = PinEntry("2468")
    for digit in "1111":
        entry.press(digit)
    assert entry.masked == "●●●●"
    assert entry.submit() is False and entry.failures == 1
    for digit in "24689":
        entry.press(digit)
    entry.erase()
    assert entry.submit() is True
    assert entry.digits == ""


def test_an_empty_pin_never_opens() -> None:
    assert PinEntry("").submit() is False
