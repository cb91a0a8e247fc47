"""Browser fixtures: Debian's Chromium driven by Playwright, and an axe-core check."""

import os
from collections.abc import Iterator
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


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the pages themselves keep their policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="de-DE", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


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
