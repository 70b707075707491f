"""The check-in's logic without a screen: a scanner told from a person at a keyboard, the
keypad's code, and the words a refusal becomes."""

from __future__ import annotations

import datetime as dt

from kiosk.check_in import CheckInNote, ScannerReader, note_for_refusal, shown_code, typed_code
from shared.api_client import ApiError
from shared.booking_code import read_code


def fed(reader: ScannerReader, text: str, start: float, every: float) -> float:
    moment = start
    for character in text:
        reader.key(character, moment)
        moment += every
    return moment


def test_a_scanner_s_fast_keys_then_enter_give_what_it_read() -> None:
    reader = ScannerReader()
    end = fed(reader, "https://antre.mpp.test/b/K7QM3XHD", 10.0, 0.005)

    sent = reader.enter(end)

    assert sent is not None and read_code(sent) == "K7QM3XHD"


def test_keys_typed_slowly_by_a_person_are_not_a_scan() -> None:
    reader = ScannerReader()
    end = fed(reader, "K7QM3XHD", 10.0, 0.6)

    assert reader.enter(end) is None


def test_a_pause_drops_what_came_before_it() -> None:
    reader = ScannerReader()
    fed(reader, "garbage", 10.0, 0.005)
    end = fed(reader, "K7QM3XHD", 12.0, 0.005)

    assert reader.enter(end) == "K7QM3XHD"


def test_a_key_outside_a_link_s_characters_spoils_the_run() -> None:
    reader = ScannerReader()
    end = fed(reader, "K7QM", 10.0, 0.005)
    reader.key("é", end)
    end = fed(reader, "3XHD", end, 0.005)

    assert reader.enter(end) == "3XHD"


def test_enter_alone_reads_nothing() -> None:
    assert ScannerReader().enter(5.0) is None


def test_the_keypad_takes_the_code_alphabet_only_and_no_more_than_a_code() -> None:
    code = ""
    for key in "K7QMI3XHDZZ":  # I is not in the alphabet; ZZ would make it too long
        code = typed_code(code, key)

    assert code == "K7QM3XHD"
    assert shown_code("K7Q") == "K7Q_-____"


def test_refusals_become_the_notes_the_result_screen_words() -> None:
    early = ApiError(
        "outside_check_in_window",
        "",
        409,
        {"reason": "early", "date": "2026-12-01", "time": "08:30"},
    )
    late = ApiError("outside_check_in_window", "", 409, {"reason": "late", "time": "09:45"})

    assert note_for_refusal(early) == CheckInNote("early", date=dt.date(2026, 12, 1), time="08:30")
    assert note_for_refusal(late).kind == "late"
    assert note_for_refusal(ApiError("booking_not_active", "", 409, {"state": "no_show"})).kind == (
        "no_show"
    )
    assert note_for_refusal(
        ApiError("booking_not_active", "", 409, {"state": "cancelled"})
    ).kind == ("cancelled")
    assert note_for_refusal(ApiError("not_found", "", 404)).kind == "not_found"
    assert note_for_refusal(ApiError("quota_exhausted", "", 409)) == CheckInNote(
        "refused", code="quota_exhausted"
    )
