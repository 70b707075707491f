"""Which counter tiles a board shows at once: all when they fit at the readable size, else
the open ones, else pages of equal size; a new call brings its counter's page up."""

from __future__ import annotations

from display_board.board_model import AgencyShown, CallShown, CounterShown, TicketShown
from display_board.counter_pages import CounterPager, Readable, plan_pages, readable_cap_px

DK = AgencyShown("DK", "Disdukcapil", "#AD1457")


def counters(count: int, closed: tuple[int, ...] = ()) -> list[CounterShown]:
    return [
        CounterShown(i, f"Loket {i}", "closed" if i in closed else "open", DK, [1])
        for i in range(1, count + 1)
    ]


def fits(most: int, most_paged: int | None = None) -> Readable:
    """A grid whose numbers are readable up to ``most`` tiles (fewer with the page line)."""

    def readable(tiles: int, paged: bool) -> bool:
        return tiles <= (most_paged if paged and most_paged else most)

    return readable


def ids(pages: list[list[CounterShown]]) -> list[list[int]]:
    return [[c.id for c in page] for page in pages]


def test_the_readable_size_is_a_share_of_the_screens_short_side() -> None:
    # 3 cm at 10 m on a 55-inch screen (68.5 cm picture height): 4.4 % of 1080 px
    assert round(readable_cap_px(1920, 1080), 1) == 47.5
    assert readable_cap_px(1080, 1920) == readable_cap_px(1920, 1080)


def test_a_zone_that_fits_shows_every_counter_closed_ones_too() -> None:
    paging = plan_pages(counters(12, closed=(3,)), fits(15))
    assert not paging.paged and ids(paging.pages) == [list(range(1, 13))]


def test_closed_counters_make_room_before_pages_do() -> None:
    paging = plan_pages(counters(17, closed=(2, 5)), fits(15))
    assert not paging.paged and 2 not in ids(paging.pages)[0] and len(paging.pages[0]) == 15
    busy = counters(17, closed=(2, 5))
    busy[1].ticket = TicketShown(9, "DK-009", "serving", 1)  # closed, still serving someone
    shown = ids(plan_pages(busy, fits(16)).pages)
    assert len(shown) == 1 and 2 in shown[0] and 5 not in shown[0]


def test_too_many_open_counters_are_shown_in_pages_of_equal_size() -> None:
    paging = plan_pages(counters(21, closed=(4, 14)), fits(15, 14))
    assert paging.paged and paging.grid_count == 10
    assert [len(p) for p in paging.pages] == [10, 9]
    shown = [i for page in ids(paging.pages) for i in page]
    assert shown == [i for i in range(1, 22) if i not in (4, 14)]  # each once, in order


def test_the_pages_turn_and_a_new_call_brings_its_counters_page_up() -> None:
    zone = counters(30)
    paging = plan_pages(zone, fits(12, 10))
    assert [len(p) for p in paging.pages] == [10, 10, 10]
    pager = CounterPager()
    assert pager.current(paging) == 0
    pager.turn(paging)
    pager.turn(paging)
    pager.turn(paging)
    assert pager.current(paging) == 0  # round and round
    call = CallShown("DK-021", 25, "Loket 25", DK, "2026-11-30T02:10:00+00:00")
    assert pager.follow(call, paging) and pager.current(paging) == 2
    pager.turn(paging)
    assert not pager.follow(call, paging) and pager.current(paging) == 0  # once per call
    recall = CallShown("DK-021", 25, "Loket 25", DK, "2026-11-30T02:11:00+00:00", recall=True)
    assert pager.follow(recall, paging) and pager.current(paging) == 2


def test_pages_keep_to_sizes_that_are_readable_when_the_grid_shape_changes() -> None:
    # 15 tiles lay out in a shape that reads, 11 and 12 in one that does not
    def readable(tiles: int, paged: bool) -> bool:
        return tiles <= 10 or 13 <= tiles <= 15

    paging = plan_pages(counters(32), readable)
    assert paging.grid_count == 13 and [len(p) for p in paging.pages] == [13, 13, 6]
