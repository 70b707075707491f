"""Site settings as the console changes them: every refusal names its field and rule, the
call-out must say the number and the counter, and the logo is checked by its own bytes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from server.domain import settings
from server.domain.errors import DomainError
from server.models import Setting


def image(fmt: str, size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 168)).save(out, fmt)
    return out.getvalue()


def refusal(changes: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(DomainError) as caught:
        settings.check_settings(changes)
    return caught.value.details


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"callout_template_id": "Nomor {prefix} {number} ke {loket}"}, "template"),
        ({"callout_template_en": "Number {number!r} to {counter}"}, "template"),
        ({"callout_template_id": "Nomor {number}, silakan"}, "template_missing"),
        ({"callout_template_en": "  "}, "empty"),
        ({"default_language": "jv"}, "choice"),
        ({"number_width": 9}, "range"),
        ({"number_width": "3"}, "whole_number"),
        ({"priority_every_n": True}, "whole_number"),
        ({"site_short_name": "x" * 41}, "too_long"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"logo": "abc"}, "managed"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_field_and_the_rule(
    changes: dict[str, Any], rule: str
) -> None:
    details = refusal(changes)

    assert details["field"] == next(iter(changes))
    assert details["rule"] == rule


def test_the_missing_placeholders_are_named() -> None:
    assert refusal({"callout_template_id": "Silakan ke loket"})["missing"] == [
        "{number}",
        "{counter}",
    ]


def test_a_reworded_call_out_and_english_by_default_are_kept(session: Session) -> None:
    stored = settings.update_settings(
        session,
        {
            "callout_template_id": "Antrean {prefix} {number}, ke {counter}",
            "default_language": "en",
        },
    )

    assert stored.callout_template_id == "Antrean {prefix} {number}, ke {counter}"
    assert stored.default_language == "en"


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_a_png_or_jpeg_logo_is_stored_with_its_size_and_a_version(
    session: Session, fmt: str, mime: str
) -> None:
    data = image(fmt)

    logo = settings.store_logo(session, data)

    assert (logo.mime, logo.width, logo.height) == (mime, 120, 40)
    assert settings.load_settings(session).logo == logo.version
    again = settings.load_logo(session)
    assert again is not None and again.data == data and again.version == logo.version


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "required"),
        (b"GIF89a" + b"\0" * 100, "image_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 8, "image_type"),  # a PNG cut short
        (b"\xff\xd8\xff\xe0\x00", "image_type"),  # a JPEG cut short
        (b"\x89PNG" + b"\0" * settings.MAX_LOGO_BYTES, "image_size"),
    ],
)
def test_anything_but_a_sane_png_or_jpeg_is_refused(data: bytes, rule: str) -> None:
    with pytest.raises(DomainError) as caught:
        settings.sniff_image(data)

    assert caught.value.details["rule"] == rule
    assert caught.value.details["field"] == "logo"


def test_a_logo_larger_than_the_limit_on_a_side_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        settings.sniff_image(image("PNG", (settings.MAX_LOGO_SIDE + 1, 10)))

    assert caught.value.details["rule"] == "image_dimensions"


def test_the_logo_image_is_not_read_with_the_settings_and_can_be_removed(
    session: Session,
) -> None:
    settings.store_logo(session, image("PNG"))
    assert session.get(Setting, settings.LOGO_ROW) is not None

    settings.remove_logo(session)

    assert settings.load_logo(session) is None
    assert settings.load_settings(session).logo == ""


def test_a_stored_setting_nobody_knows_any_more_is_ignored(session: Session) -> None:
    session.add(Setting(key="warna_latar", value="merah"))
    session.flush()

    assert settings.load_settings(session) == settings.SiteSettings()
