"""The report's bar chart writes its values the Indonesian way and never lets two of them
touch, nor a value run over another bar (figures of a busy month: four digits each); the
survey's IKM charts stand on the index's own scale, 25 to 100, with its grades marked."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from flask import Flask, g

from server.web.charts import (
    LEGEND_TOP,
    Box,
    Series,
    bar_chart,
    count_axis,
    line_chart,
    number_text,
    text_em,
)
from server.web.skm_reports import ikm_scale

RECT = re.compile(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#')
VALUE = re.compile(
    r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle" font-size="([\d.]+)"[^>]*>([^<]+)<'
)


def test_numbers_are_written_as_on_the_rest_of_the_page() -> None:
    assert number_text(3476) == "3.476"
    assert number_text(1234567) == "1.234.567"
    assert number_text(2.5) == "2,5"
    assert number_text(3476, indonesian=False) == "3,476"
    assert number_text(2.5, indonesian=False) == "2.5"


def value_boxes(svg: str) -> list[tuple[str, Box]]:
    boxes = []
    for x, y, size, text in VALUE.findall(svg):
        half = float(size) * text_em(text) / 2
        top = float(y) - 0.8 * float(size)
        boxes.append((text, Box(float(x) - half, top, float(x) + half, float(y))))
    return boxes


def bar_boxes(svg: str) -> list[Box]:
    return [
        Box(float(x), float(y), float(x) + float(w), float(y) + float(h))
        for x, y, w, h in RECT.findall(svg)
    ]


def test_a_busy_month_s_values_are_all_written_with_room_between_them() -> None:
    hours = [f"{h:02d}" for h in range(7, 18)]
    arrivals = [1920, 5356, 5824, 5037, 4262, 3476, 4249, 4558, 3815, 0, 0]
    served = [1290, 4026, 4999, 4826, 4026, 3405, 3692, 4014, 3683, 910, 12]
    svg = bar_chart(
        "per jam", hours, [Series("A", arrivals, "#123"), Series("B", served, "#456", True)]
    )
    written = [text for text, _ in value_boxes(svg)]
    assert "3.476" in written and "3.405" in written
    assert len(written) == sum(1 for v in arrivals + served if v)
    boxes = [box for _, box in value_boxes(svg)]
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not one.touches(other, gap=2.0)


@pytest.mark.parametrize("seed", range(20))
def test_no_value_touches_another_or_runs_over_a_bar(seed: int) -> None:
    rng = random.Random(seed)
    hours = [f"{h:02d}" for h in range(rng.randint(6, 24))]
    series = [
        Series(
            str(n),
            [rng.choice([0, rng.randint(1, 10 ** rng.randint(1, 5))]) for _ in hours],
            "#000",
        )
        for n in range(rng.randint(1, 3))
    ]
    svg = bar_chart("acak", hours, series)
    values = [box for _, box in value_boxes(svg)]
    bars = [bar for bar in bar_boxes(svg) if bar.bottom > bar.top]
    for i, one in enumerate(values):
        assert one.top >= 0
        for other in values[i + 1 :]:
            assert not one.touches(other, gap=2.0)
        for bar in bars:
            assert not one.touches(bar)


AXIS_LABEL = re.compile(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end"[^>]*>([^<]+)<')


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 7, 13, 99, 101, 5824])
def test_a_count_axis_is_marked_in_whole_numbers_only(largest: int) -> None:
    """A day whose busiest hour had 1 or 3 visitors used to be marked 0,25 / 2,5 ..."""
    hours = [f"{h:02d}" for h in range(7, 18)]
    values = [largest] + [0] * (len(hours) - 1)
    for chart in (bar_chart, line_chart):
        svg = chart("per jam", hours, [Series("A", values, "#123")])
        marks = [text for _, text in AXIS_LABEL.findall(svg)]
        assert marks[0] == "0" and len(marks) >= 2
        assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", text) for text in marks), marks
        numbers = [int(text.replace(".", "")) for text in marks]
        assert numbers[-1] >= largest
        steps = {b - a for a, b in itertools.pairwise(numbers)}
        assert len(steps) == 1  # evenly spaced


@pytest.mark.parametrize("largest", [0, 1, 4, 5, 6, 11, 26, 999, 1001, 5824, 123456])
def test_the_axis_top_covers_the_largest_value_in_at_most_five_round_steps(largest: int) -> None:
    top, step = count_axis(largest)
    assert top >= largest and top % step == 0 and 1 <= top // step <= 5
    assert re.fullmatch(r"[125]0*", str(step))


# A month whose every day sits in grade B or C: from 0 it was a flat line at 78.
IKM_DAYS = [78.22, 80.1, 76.61, 76.6, 88.31, 71.4, 65.0]
# The same month with one poor day (D).
POOR_DAY = [*IKM_DAYS[:-1], 52.4]
BAND_NAME = re.compile(r'<text class="band-name"[^>]*>([A-D])<')
BAND_FLOOR = re.compile(
    r'<line class="band-floor"[^>]* y1="([\d.]+)"[^>]*><title>([A-D]) ≥ ([^<]+)<'
)


def ikm_charts(values: list[float] = IKM_DAYS, lang: str = "id") -> list[str]:
    """The survey report's day line and hour bars of ``values``."""
    app = Flask(__name__)
    with app.test_request_context("/"):
        g.antre_lang = lang
        days = [str(day) for day in range(1, len(values) + 1)]
        return [
            str(chart("IKM", days, [Series("IKM", values, "#1e5aa8")], ikm_scale(values)))
            for chart in (line_chart, bar_chart)
        ]


def axis_marks(svg: str) -> list[str]:
    return [text for _, text in AXIS_LABEL.findall(svg)]


def test_the_ikm_charts_axis_is_the_index_s_scale_not_a_count_from_zero() -> None:
    for svg in ikm_charts(POOR_DAY):
        assert axis_marks(svg) == ["25", "50", "75", "100"]
        assert "IKM (skala 25–100)" in svg
    assert "IKM (scale 25–100)" in ikm_charts(POOR_DAY, "en")[0]


def test_a_month_without_a_value_below_55_is_drawn_from_50_and_its_axis_says_so() -> None:
    for svg in ikm_charts(IKM_DAYS):
        assert axis_marks(svg) == ["50", "60", "70", "80", "90", "100"]
        assert "IKM (sumbu 50–100)" in svg
    assert "IKM (axis 50–100)" in ikm_charts(IKM_DAYS, "en")[0]


@pytest.mark.parametrize("values", [IKM_DAYS, POOR_DAY], ids=["from-50", "from-25"])
def test_the_grade_borders_are_faint_lines_with_each_grade_named_beside_its_stretch(
    values: list[float],
) -> None:
    for svg in ikm_charts(values):
        assert BAND_NAME.findall(svg) == ["D", "C", "B", "A"]
        floors = BAND_FLOOR.findall(svg)
        assert [(grade, value) for _, grade, value in floors] == [
            ("C", "65,00"),
            ("B", "76,61"),
            ("A", "88,31"),
        ]
        heights = [float(y) for y, _, _ in floors]
        assert heights == sorted(heights, reverse=True)  # higher grade, higher line
    assert "B ≥ 76.61" in ikm_charts(values, "en")[0]


def test_an_ikm_is_written_with_two_decimals_so_76_61_and_76_60_differ() -> None:
    line, bars = ikm_charts()
    for day in ("3 · IKM: 76,61", "4 · IKM: 76,60", "7 · IKM: 65,00"):
        assert day in line
    written = [text for text, _ in value_boxes(bars)]
    assert written == ["78,22", "80,10", "76,61", "76,60", "88,31", "71,40", "65,00"]


@pytest.mark.parametrize(("values", "bottom"), [(IKM_DAYS, 50), (POOR_DAY, 25)])
def test_an_ikm_bar_rises_from_the_axis_bottom_in_proportion_to_its_value(
    values: list[float], bottom: int
) -> None:
    bars = [bar for bar in bar_boxes(ikm_charts(values)[1]) if bar.top > LEGEND_TOP + 10]
    assert len({round(bar.bottom, 1) for bar in bars}) == 1
    unit = (bars[0].bottom - bars[0].top) / (values[0] - bottom)
    for bar, value in zip(bars, values, strict=True):
        assert bar.bottom - bar.top == pytest.approx(unit * (value - bottom), abs=0.15)
