"""Browser fixtures: Debian's Chromium driven by Playwright, and an axe-core check."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("RATHAUS_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
# WCAG 2.1 levels A and AA, as BITV 2.0 / EN 301 549 require.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def browser_page(browser: Browser, base_url: str, **options: Any) -> Iterator[Page]:
    """A page in a fresh browser context (own cookies), German, with the test's options.

    bypass_csp lets the tests inject axe-core; the pages themselves keep their policy.
    """
    options.setdefault("bypass_csp", True)
    context = browser.new_context(base_url=base_url, locale="de-DE", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    with browser_page(browser, live_server.url) as page:
        yield page


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    with browser_page(browser, live_server.url, viewport={"width": 360, "height": 740}) as page:
        yield page


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe-core on the page as it is now and returns the WCAG 2.1 A/AA violations."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )
