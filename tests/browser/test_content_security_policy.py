"""The pages run under their real Content Security Policy without a single violation."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from rathaus.site.demo import demo_load
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


@pytest.fixture
def strict_page(browser: Browser, live_server: Any) -> Iterator[tuple[Page, list[str]]]:
    with browser_page(browser, live_server.url, bypass_csp=False) as page:
        violations: list[str] = []

        def record(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                violations.append(message.text)

        page.on("console", record)
        yield page, violations


@pytest.mark.parametrize("path", ["/", "/soest/", "/soest/leistungen/", "/konto/login/", "/soest/barrierefreiheit/"])
def test_pages_load_without_csp_violations(strict_page: tuple[Page, list[str]], demo: None, path: str) -> None:
    page, violations = strict_page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_live_search_runs_under_the_policy(strict_page: tuple[Page, list[str]], demo: None) -> None:
    page, violations = strict_page
    page.goto("/soest/suche/")
    page.locator("input[name=q]").press_sequentially("Perso", delay=30)
    expect(page.locator("#search-results")).to_contain_text("Personalausweis beantragen")
    assert violations == []


def test_api_docs_render_under_the_policy(strict_page: tuple[Page, list[str]], demo: None) -> None:
    page, violations = strict_page
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/municipalities/{municipality_slug}/services").first).to_be_visible()
    assert violations == []
