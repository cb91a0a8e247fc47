"""A citizen's first visit in a real browser: sign up, confirm by mail, log out and in again."""

import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.conftest import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "reise@example.org"
PASSWORD = "Reise-durch-Soest-2026"


@pytest.fixture(autouse=True)
def fresh_cache(transactional_db: None) -> Iterator[None]:
    """Flushing the database after a transactional test leaves the cache table alone: clear it."""
    cache.clear()
    yield
    cache.clear()


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def confirmation_path() -> str:
    bodies = [str(m.body) for m in mail.outbox if EMAIL in m.to]
    assert bodies, "no verification mail was sent"
    match = re.search(r"https?://[^/\s]+(/konto/confirm-email/\S+)", bodies[-1])
    assert match, bodies[-1]
    return match.group(1)


def submit(page: Page) -> None:
    page.locator("main form").get_by_role("button").last.click()


def test_citizen_signs_up_confirms_the_address_and_logs_in_again(page: Page) -> None:
    page.goto("/konto/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrieren")

    # Sent empty, the form explains what is missing, accessibly.
    submit(page)
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # Two different passwords.
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD + "!")
    submit(page)
    expect(page.locator("#id_password2-error")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/konto/confirm-email/$"))

    page.goto(confirmation_path())
    submit(page)
    expect(page).to_have_url(re.compile(r"/konto/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")
    expect(page.get_by_text(f"Angemeldet als {EMAIL}")).to_be_visible()

    page.locator("header").get_by_role("button", name="Abmelden").click()
    expect(page.locator("header").get_by_role("link", name="Anmelden")).to_be_visible()
    assert page.request.get("/konto/", max_redirects=0).status == 302

    page.goto("/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill("Falsches-Passwort-1")
    submit(page)
    expect(page.get_by_role("alert").first).to_contain_text(
        "Die E-Mail-Adresse und/oder das Passwort sind leider falsch."
    )
    assert_accessible(page)

    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")
