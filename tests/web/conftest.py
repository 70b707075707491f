"""Fixtures for the web pages: a real server process and real headless Chromium.

Chromium is Debian's (installed by scripts/system-deps), driven by Playwright through
``executable_path``: no browser is downloaded. One browser per test session; a fresh
context (cookies, storage) per test.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from tests.e2e.live import LiveServer, running_server
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("ANTRE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying Google's hosts, which a
# closed hall LAN (and this test machine) refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
WAIT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/system-deps installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall (see tests/factories.py)."""
    with running_server(tmp_path) as live:
        yield live


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    """``new_page(viewport=DESKTOP, locale="id-ID")``: a page in its own browser context
    (its own cookies), closed after the test. Errors thrown in the page and anything the
    Content-Security-Policy blocked fail the test: a page that throws in the browser, or
    whose script or style the policy refused, is broken even if it looks right."""
    contexts = []
    errors: list[str] = []

    def make(viewport: ViewportSize = DESKTOP, locale: str = "id-ID") -> Page:
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.extend(csp_violations([message.text])))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors or CSP violations in the page: {errors}"


# The browser's own console line says "… violates the following Content Security Policy
# directive …"; the event (also for what the console line may word differently) is
# turned into a console line of its own. Playwright's init scripts are not subject to
# the page's policy.
CSP_MARK = "securitypolicyviolation"
REPORT_CSP_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', function (e) {"
    f" console.error('{CSP_MARK} ' + e.violatedDirective + ' ' + e.blockedURI); }});"
)


def csp_violations(lines: list[str]) -> list[str]:
    return [t for t in lines if CSP_MARK in t or "Content Security Policy" in t]


def wait_for_true(page: Page, expression: str, timeout_ms: int = WAIT_MS) -> None:
    """``page.wait_for_function`` for pages under a Content-Security-Policy: Playwright's
    own polls with ``eval`` inside the page, which a policy without ``'unsafe-eval'``
    refuses; ``page.evaluate`` goes through the browser's debugger and is not refused."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)


def log_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
