"""Sizes from the screen: 15 mm under the finger at any density, the design scaled to fit."""

from __future__ import annotations

import pytest

from kiosk.screen_metrics import HALL_SCREENS, ScreenMetrics, grid_columns


@pytest.mark.parametrize(
    ("dpi", "touch"),
    [(96.0, 57), (100.5, 60), (163.2 / 2, 49), (68.8, 41)],
    ids=["96dpi", "15.6-inch-768p", "27-inch-4k-at-2x", "32-inch-1080p"],
)
def test_a_touch_target_is_15_mm_at_the_screens_density(dpi: float, touch: int) -> None:
    assert ScreenMetrics(1920, 1080, dpi).touch == touch


def test_a_design_size_never_makes_a_target_under_15_mm() -> None:
    small = ScreenMetrics(1366, 768, 100.5)
    assert small.px(52) == 37  # the language button's design height, scaled
    assert small.target(52) == small.touch == 60


@pytest.mark.parametrize("reported", [0.0, None, 12.0, 2000.0])
def test_a_screen_reporting_nonsense_is_taken_as_96_dpi(reported: float | None) -> None:
    assert ScreenMetrics.of(1920, 1080, reported).dpi == 96.0


def test_the_design_is_scaled_to_fit_both_sides_and_stands_up_in_portrait() -> None:
    assert ScreenMetrics(1920, 1080).scale == 1.0
    assert ScreenMetrics(1366, 768).scale == pytest.approx(0.711, abs=0.001)
    assert ScreenMetrics(1280, 1024).scale == pytest.approx(0.667, abs=0.001)  # narrow
    portrait = ScreenMetrics(1080, 1920)
    assert portrait.portrait and portrait.scale == 1.0


def test_text_never_goes_under_the_readable_floor() -> None:
    small = ScreenMetrics(1024, 600, 140.0)  # a 8.5-inch panel
    assert small.font(23) == small.text_floor == 20  # 3.5 mm, though 23 x 0.53 is 12


def test_the_hall_screens_are_the_ones_the_issue_names() -> None:
    sizes = {
        name: (m.width * m.device_pixel_ratio, m.height * m.device_pixel_ratio)
        for name, m in HALL_SCREENS.items()
    }
    assert sizes == {
        "1366x768": (1366, 768),
        "1280x1024": (1280, 1024),
        "1920x1080": (1920, 1080),
        "1080x1920": (1080, 1920),
        "3840x2160": (3840, 2160),
    }


@pytest.mark.parametrize(
    ("width", "height", "columns"),
    [(1824, 840, 7), (1270, 560, 8), (1200, 800, 6), (984, 1680, 4)],
    ids=["1920x1080", "1366x768", "1280x1024", "portrait"],
)
def test_35_agency_tiles_are_laid_out_a_little_wider_than_tall(
    width: int, height: int, columns: int
) -> None:
    assert grid_columns(35, width, height, spacing=14, aspect=1.5, min_height=60) == columns


def test_tiles_never_get_shorter_than_a_finger_when_another_grid_avoids_it() -> None:
    # Wide, low tiles in a low strip: their shape alone wants 8 columns of 5 rows, 52 px
    # high; 9 columns of 4 rows keep them 67 px high, above the 60 px a finger needs.
    assert grid_columns(35, 1800, 300, spacing=10, aspect=4, min_height=0) == 8
    assert grid_columns(35, 1800, 300, spacing=10, aspect=4, min_height=60) == 9
