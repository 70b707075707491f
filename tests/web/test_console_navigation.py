"""The console's menu on the screens the halls have: all fourteen entries of an admin
visible beside a long mall name, in at most two rows on a 1366 px laptop in Indonesian
and in English (the longer labels), in one row on a 1920 px screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ViewportSize
from sqlalchemy.orm import Session

from server.domain.settings import update_settings
from server.web.home import NAVIGATION
from tests.e2e.live import LiveServer, running_server
from tests.factories import Hall
from tests.web.conftest import NewPage, log_in

# The demo hall's name, as long as a real one.
SITE_NAME = "Mal Pelayanan Publik Kabupaten Tangerang"
ROWS = """() => {
  const links = [...document.querySelectorAll('.mainnav a')];
  return {
    rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size,
    shown: links.filter(a => {
      const box = a.getBoundingClientRect();
      return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth;
    }).length,
    wider: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


def long_name(session: Session, hall: Hall) -> None:
    update_settings(session, {"site_name": SITE_NAME})


@pytest.fixture
def named_hall(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path, prepare=long_name) as live:
        yield live


@pytest.mark.parametrize(
    ("width", "height", "rows"), [(1366, 768, 2), (1920, 1080, 1)], ids=["1366", "1920"]
)
def test_every_entry_of_the_admin_s_menu_fits_the_screen_in_both_languages(
    named_hall: LiveServer, new_page: NewPage, width: int, height: int, rows: int
) -> None:
    viewport: ViewportSize = {"width": width, "height": height}
    page = new_page(viewport=viewport)
    log_in(page, named_hall, "admin")
    for lang in ("id", "en"):
        for path in ("/reports/skm", "/admin/special-openings", "/admin/settings"):
            page.goto(f"{named_hall.url}{path}?lang={lang}")
            assert page.locator(".brand").inner_text().split()[1:] == SITE_NAME.split()
            measured = page.evaluate(ROWS)
            assert measured["rows"] <= rows, (lang, path, measured)
            assert measured["shown"] == len(NAVIGATION) and measured["wider"] == 0, measured
