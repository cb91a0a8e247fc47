"""A citizen's journey: search on the start page, open a service, read it in English, switch back.

Also without JavaScript, by keyboard only, and on a 360 px phone without horizontal scrolling.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from rathaus.site.demo import demo_load
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


@pytest.fixture
def no_js_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        yield page


def test_search_open_a_service_and_switch_the_language(page: Page, demo: None) -> None:
    failed: list[str] = []

    def record_failure(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record_failure)
    page.goto("/soest/")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    search = page.get_by_role("searchbox", name="Welche Leistung suchen Sie?")
    search.fill("Perso")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/soest/suche/\?q=Perso"))
    expect(page.get_by_role("heading", level=2, name=re.compile("Treffer für „Perso“"))).to_be_visible()

    page.get_by_role("link", name="Personalausweis beantragen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/soest/leistungen/\d+/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Personalausweis beantragen")
    detail_url = page.url

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(detail_url)
    expect(heading).to_have_text("Apply for an identity card")
    expect(page.get_by_role("heading", level=2, name="How to do it")).to_be_visible()
    expect(page.get_by_role("link", name="Services A–Z").first).to_be_visible()
    expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("lang", "de")

    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(detail_url)
    expect(heading).to_have_text("Personalausweis beantragen")
    expect(page.get_by_role("heading", level=2, name="So erledigen Sie es")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("lang", "en")

    # Every stylesheet, font and script loaded: a missing site.css went unnoticed once.
    assert failed == []


def test_search_as_you_type_updates_the_results_on_the_search_page(page: Page, demo: None) -> None:
    page.goto("/soest/suche/")
    page.get_by_role("searchbox").press_sequentially("Perso", delay=50)
    expect(page).to_have_url(re.compile(r"\?q=Perso"), timeout=5_000)
    expect(page.get_by_role("link", name="Personalausweis beantragen", exact=True)).to_be_visible()
    assert page.locator("#search-results").count() == 1


def test_search_works_without_javascript(no_js_page: Page, demo: None) -> None:
    page = no_js_page
    page.goto("/soest/")
    page.get_by_role("searchbox").fill("Perso")
    page.get_by_role("button", name="Suchen").click()
    expect(page).to_have_url(re.compile(r"/soest/suche/\?q=Perso"))
    page.get_by_role("link", name="Personalausweis beantragen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personalausweis beantragen")
    # The language switch is a plain form, so it works without JavaScript too.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for an identity card")


def test_search_by_keyboard_only(page: Page, demo: None) -> None:
    page.goto("/soest/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    search = page.get_by_role("searchbox")
    for _ in range(10):
        page.keyboard.press("Tab")
        if search.evaluate("element => element === document.activeElement"):
            break
    expect(search).to_be_focused()
    page.keyboard.type("Perso")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/soest/suche/\?q=Perso"))

    # Tab on to the first result and open it with Enter.
    result = page.locator("#search-results").get_by_role("link").first
    for _ in range(15):
        page.keyboard.press("Tab")
        if result.evaluate("element => element === document.activeElement"):
            break
    expect(result).to_be_focused()
    expect(result).to_have_text("Personalausweis beantragen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personalausweis beantragen")


@pytest.mark.parametrize(
    "path", ["/", "/soest/", "/soest/leistungen/", "/soest/suche/?q=Perso", "SERVICE", "/konto/login/"]
)
def test_phone_width_needs_no_horizontal_scrolling(phone_page: Page, demo: None, path: str) -> None:
    if path == "SERVICE":
        phone_page.goto("/soest/suche/?q=Perso")
        phone_page.get_by_role("link", name="Personalausweis beantragen", exact=True).click()
    else:
        phone_page.goto(path)
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
