"""The pages that ask before a step that cannot be undone, and the page that explains a draft that
cannot be shown: axe-core (WCAG 2.1 AA) on desktop and a 360 px phone, and the question answered by
keyboard alone."""

import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rathaus.accounts.demo import CITIZEN_EMAIL
from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.trade.demo import submit_steps
from rathaus.trade.tests.conftest import sole_trader_steps
from tests.browser.test_accessibility import ADMIN_OF_SOEST, assert_accessible, demo, log_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_case_of_the_citizen() -> tuple[Case, str]:
    """A trade notice of the demo citizen's, just submitted: the applicant may still withdraw it."""
    soest = Municipality.objects.get(slug="soest")
    case = submit_steps(soest, sole_trader_steps())
    Case.all_tenants.filter(pk=case.pk).update(applicant=User.objects.get(email=CITIZEN_EMAIL))
    case.refresh_from_db()
    return case, "withdraw"


def test_the_citizens_question_pages_are_accessible_and_answered_by_keyboard(
    page: Page,
    phone_page: Page,
    live_server: Any,
    demo: None,  # noqa: F811
) -> None:
    case, step = open_case_of_the_citizen()
    assert case.applicant is not None
    question = f"/soest/meine-antraege/{case.reference}/schritt/{step}/"
    unavailable = f"/soest/antrag/entwurf/{uuid.uuid4()}/person/"
    for browser_page in (page, phone_page):
        log_in(browser_page, live_server, case.applicant.email)
        for path in (question, unavailable):
            browser_page.goto(path)
            expect(browser_page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(browser_page)
            assert browser_page.evaluate("document.documentElement.scrollWidth") <= max(
                360, browser_page.viewport_size["width"] if browser_page.viewport_size else 0
            )

    page.goto(question)
    confirm = page.get_by_role("button", name="Ja,")
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Erledigt:")).to_be_visible()
    case.refresh_from_db()
    assert case.status == registry.get(case.procedure_key).workflow.transition(step).target


def test_the_staff_question_pages_are_accessible(page: Page, live_server: Any, demo: None) -> None:  # noqa: F811
    log_in(page, live_server, ADMIN_OF_SOEST)
    other = Membership.all_tenants.filter(municipality__slug="soest").exclude(user__email=ADMIN_OF_SOEST).first()
    assert other is not None
    page.goto(f"/soest/verwaltung/mitarbeitende/{other.pk}/entfernen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("entfernen?")
    assert_accessible(page)
    page.get_by_role("link", name="Nein, zurück zur Liste").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/soest/verwaltung/mitarbeitende/")
    assert Membership.all_tenants.filter(pk=other.pk).exists()
