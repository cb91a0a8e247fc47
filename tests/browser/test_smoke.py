import pytest
from playwright.sync_api import Page, expect

from rathaus.municipalities.models import Municipality
from tests.conftest import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_municipality_start_page_in_a_real_browser(page: Page, soest: Municipality) -> None:
    page.goto("/soest/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stadt Soest")
    assert axe_violations(page) == [], describe(axe_violations(page))
