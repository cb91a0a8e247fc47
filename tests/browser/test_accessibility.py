"""axe-core (WCAG 2.1 A/AA) over every public page, some pages in error state, English, phone width and logged in.

Any violation fails: BITV 2.0 / EN 301 549 make WCAG 2.1 AA the minimum for a public portal.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from rathaus.accounts.demo import CITIZEN_EMAIL, DEMO_PASSWORD
from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.site.demo import demo_load
from rathaus.testing import PASSWORD, make_staff, totp_code
from tests.conftest import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONALAUSWEIS = "99008001000000"
ADMIN_OF_SOEST = "admin.soest@rathaus.example"


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    # The demo has nine people; a fast hasher keeps loading it per test from taking seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


def service_id(leika_key: str = PERSONALAUSWEIS) -> int:
    return Service.all_tenants.get(municipality__slug="soest", leika_key=leika_key).pk


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def log_in(page: Page, live_server: Any, email: str) -> None:
    """Logs the user in through a session made by Django's test client, as if they had passed login and TOTP."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def log_in_through_form(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Logs in on the login page the browser is on; for staff with TOTP also enters the current code."""
    expect(page).to_have_url(re.compile("/konto/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    user = User.objects.get(email=email)
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        expect(page).to_have_url(re.compile("/konto/2fa/authenticate/"))
        assert_accessible(page)
        page.locator("input[name=code]").fill(totp_code(user))
        page.locator("input[name=code]").press("Enter")
    expect(page).not_to_have_url(re.compile("/konto/(login|2fa/authenticate)/"))


def submit_empty_feedback(page: Page) -> None:
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.locator("#error-summary")).to_be_visible()


def log_in_with_wrong_password(page: Page) -> None:
    page.get_by_label("E-Mail").first.fill(CITIZEN_EMAIL)
    page.locator("input[name=password]").fill("falsches-Passwort-123")
    page.locator("form.stack button[type=submit]").first.click()
    expect(page.locator("#error-summary")).to_be_visible()


def sign_up_with_mismatching_passwords(page: Page) -> None:
    page.locator("input[name=email]").fill("neu@example.org")
    page.locator("input[name=password1]").fill("Ein-langes-Passwort-1")
    page.locator("input[name=password2]").fill("Ein-anderes-Passwort-2")
    page.locator("form.stack button[type=submit]").first.click()
    expect(page.locator("#error-summary")).to_be_visible()


Action = Callable[[Page], None] | None

PUBLIC_PAGES: list[tuple[str, str, Action]] = [
    ("home", "/", None),
    ("municipality", "/soest/", None),
    ("a-z", "/soest/leistungen/", None),
    ("search", "/soest/suche/?q=Ausweis", None),
    ("search-empty", "/soest/suche/", None),
    ("search-no-hits", "/soest/suche/?q=Xylophonunterricht", None),
    ("service-detail", "SERVICE", None),
    ("login", "/konto/login/", None),
    ("signup", "/konto/signup/", None),
    ("password-reset", "/konto/password/reset/", None),
    ("imprint", "/soest/impressum/", None),
    ("privacy", "/soest/datenschutz/", None),
    ("accessibility", "/soest/barrierefreiheit/", None),
    ("jobs", "/soest/stellen/", None),
    ("not-found", "/gibt-es-nicht/", None),
    ("service-not-found", "/soest/leistungen/999999/", None),
    ("accessibility-errors", "/soest/barrierefreiheit/", submit_empty_feedback),
    ("login-errors", "/konto/login/", log_in_with_wrong_password),
    ("signup-errors", "/konto/signup/", sign_up_with_mismatching_passwords),
]


@pytest.mark.parametrize(("path", "action"), [(p, a) for _, p, a in PUBLIC_PAGES], ids=[i for i, _, _ in PUBLIC_PAGES])
def test_public_page_has_no_axe_violations(page: Page, demo: None, path: str, action: Action) -> None:
    if path == "SERVICE":
        path = f"/soest/leistungen/{service_id()}/"
    page.goto(path)
    if action is not None:
        action(page)
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/soest/", "SERVICE", "/soest/leistungen/", "/konto/login/"])
def test_english_page_has_no_axe_violations(page: Page, demo: None, path: str) -> None:
    if path == "SERVICE":
        path = f"/soest/leistungen/{service_id()}/"
    page.goto(path)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/soest/", "SERVICE", "/soest/leistungen/", "/konto/login/"])
def test_phone_page_has_no_axe_violations(phone_page: Page, demo: None, path: str) -> None:
    if path == "SERVICE":
        path = f"/soest/leistungen/{service_id()}/"
    phone_page.goto(path)
    assert_accessible(phone_page)


def test_citizen_account_page_has_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    log_in(page, live_server, CITIZEN_EMAIL)
    page.goto("/konto/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Konto")
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/konto/",
        "/konto/email/",
        "/konto/password/change/",
        "/konto/2fa/",
        "/konto/loeschen/",
        "/soest/verwaltung/kommune/",
        "/soest/verwaltung/protokoll/",
        "/soest/verwaltung/mitarbeitende/",
        "/soest/verwaltung/vorgaenge/",
        "/soest/verwaltung/vorgaenge/?status=all&ueberfaellig=on&sortierung=due_at",
        "/soest/verwaltung/vorgaenge/?q=SO-2026-999999",
        "CASE",
        "/soest/verwaltung/stellen/",
        "/soest/verwaltung/stellen/neu/",
    ],
)
def test_staff_account_pages_have_no_axe_violations(page: Page, live_server: Any, demo: None, path: str) -> None:
    log_in(page, live_server, ADMIN_OF_SOEST)
    if path == "CASE":
        # A file with documents, messages, a request for documents and notes: the demo's waiting application.
        case = Case.all_tenants.filter(municipality__slug="soest", status="waiting").first()
        assert case is not None
        path = f"/soest/verwaltung/vorgaenge/{case.pk}/"
    page.goto(path)
    assert_accessible(page)


def test_case_actions_in_error_state_have_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    log_in(page, live_server, ADMIN_OF_SOEST)
    case = Case.all_tenants.filter(municipality__slug="soest", status="in_review").first()
    assert case is not None
    page.goto(f"/soest/verwaltung/vorgaenge/{case.pk}/")
    page.get_by_role("button", name="Unterlagen nachfordern").click()
    expect(page.locator("#error-summary, .kern-error").first).to_be_visible()
    assert_accessible(page)


def test_citizen_case_pages_have_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    log_in(page, live_server, CITIZEN_EMAIL)
    page.goto("/soest/meine-antraege/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Anträge")
    assert_accessible(page)


def test_totp_activation_page_has_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    """A new clerk without TOTP who opens the back office is sent to set it up."""
    make_staff(Municipality.objects.get(slug="soest"), "neu.soest@rathaus.example", totp=False)
    page.goto("/soest/verwaltung/")
    log_in_through_form(page, "neu.soest@rathaus.example", PASSWORD)
    # allauth asks for the password once more before a second factor is added.
    expect(page).to_have_url(re.compile("/konto/reauthenticate/"))
    assert_accessible(page)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(re.compile("/konto/2fa/totp/activate/"))
    assert_accessible(page)
    page.locator("input[name=code]").fill("000000")
    page.locator("input[name=code]").press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("img, svg").first).to_be_visible()
    assert_accessible(page)


def test_backoffice_dashboard_has_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    log_in(page, live_server, ADMIN_OF_SOEST)
    page.goto("/soest/verwaltung/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwaltungsbereich")
    assert_accessible(page)


def test_backoffice_dashboard_fits_a_phone(phone_page: Page, live_server: Any, demo: None) -> None:
    """The wide services table scrolls inside its own box; the page itself does not scroll sideways."""
    log_in(phone_page, live_server, ADMIN_OF_SOEST)
    phone_page.goto("/soest/verwaltung/")
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_service_edit_form_in_error_state_has_no_axe_violations(page: Page, demo: None) -> None:
    """The admin logs in with password and TOTP code, then saves the form with mistakes."""
    page.goto(f"/soest/verwaltung/leistungen/{service_id()}/")
    log_in_through_form(page, ADMIN_OF_SOEST)
    expect(page).to_have_url(re.compile(f"/soest/verwaltung/leistungen/{service_id()}/"))
    assert_accessible(page)
    page.locator("input[name=name]").fill("")
    page.locator("input[name=leika_key]").fill("123")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/soest/verwaltung/leistungen/neu/", "/soest/verwaltung/fachbereiche/neu/"])
def test_backoffice_create_forms_in_error_state_have_no_axe_violations(
    page: Page, live_server: Any, demo: None, path: str
) -> None:
    log_in(page, live_server, ADMIN_OF_SOEST)
    page.goto(path)
    assert_accessible(page)
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)


def test_staff_management_page_in_error_state_has_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    log_in(page, live_server, ADMIN_OF_SOEST)
    page.goto("/soest/verwaltung/mitarbeitende/")
    assert_accessible(page)
    page.locator("input[name=email]").fill("niemand@example.org")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)


def test_operator_pages_have_no_axe_violations(page: Page, live_server: Any, demo: None) -> None:
    """The operator's form: empty, in error state, choosing among matches, and the list after adding."""
    operator = User.objects.create_user(email="betrieb@rathaus.example", password=PASSWORD, is_superuser=True)
    TOTP.activate(operator, generate_totp_secret())
    log_in(page, live_server, operator.email)
    page.goto("/plattform/kommunen/neu/")
    assert_accessible(page)
    page.get_by_role("button", name="Kommune aufnehmen und einladen").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kommune", exact=True).fill("Werl")
    page.get_by_label("E-Mail-Adresse der ersten Verwaltung").fill("leitung@werl.example")
    page.get_by_role("button", name="Kommune aufnehmen und einladen").click()
    expect(page.get_by_role("radio", name=re.compile(r"^Stadt Werl \("))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"^Stadt Werl \(")).check()
    page.get_by_role("button", name="Kommune aufnehmen und einladen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunen auf der Plattform")
    assert_accessible(page)
