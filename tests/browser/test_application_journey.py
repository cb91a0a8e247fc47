"""The application engine end to end in a real browser, on the demo's job postings.

A citizen applies for a job with a PDF; the HR clerk asks for a missing certificate; the citizen
uploads it into the same case; the clerk decides; the citizen reads the notice in the postbox.
axe-core checks every form step (also in error state) and the back-office pages on the way.
"""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from rathaus.cases.models import Case, Document
from rathaus.site.demo import demo_load
from tests.browser import test_accessibility
from tests.browser.test_accessibility import assert_accessible, log_in
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSTING = "Sachbearbeitung Bürgerbüro (m/w/d)"
HR_CLERK_OF_SOEST = "personal.soest@rathaus.example"


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()


def write_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def press_next(page: Page) -> None:
    page.get_by_role("button", name="Weiter").click()


def apply_for_the_job(page: Page, tmp_path: Path, *, axe: bool = True) -> str:
    """Fills in every step of the Bewerbung, checking each page with axe (which needs JavaScript);
    returns the status link."""

    def assert_accessible(page: Page) -> None:
        if axe:
            test_accessibility.assert_accessible(page)

    page.goto("/soest/stellen/")
    assert_accessible(page)
    page.get_by_role("link", name=POSTING).first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Jetzt bewerben").click()

    # Step 1, first sent empty: the error summary and the messages next to the fields.
    expect(page.get_by_role("heading", level=1)).to_have_text("Persönliche Angaben")
    assert_accessible(page)
    press_next(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Fehler:"))
    assert_accessible(page)
    page.get_by_label("Vorname").fill("Clara")
    page.get_by_label("Nachname").fill("Neumann")
    page.get_by_label("E-Mail-Adresse").fill("clara.neumann@example.org")
    page.get_by_label("Straße und Hausnummer").fill("Am Vreithof 8")
    page.get_by_label("Postleitzahl").fill("59494")
    page.get_by_label("Ort").fill("Soest")
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Anschreiben")
    assert_accessible(page)
    press_next(page)
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Anschreiben").fill("Sehr geehrte Damen und Herren,\nich bewerbe mich gern.")
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Unterlagen")
    assert_accessible(page)
    # A program renamed to .pdf is refused by its content.
    fake = tmp_path / "lebenslauf.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    page.get_by_label("Lebenslauf").set_input_files(fake)
    press_next(page)
    expect(page.locator("#error-summary")).to_contain_text("lebenslauf.pdf")
    assert_accessible(page)
    page.get_by_label("Lebenslauf").set_input_files(write_pdf(tmp_path / "Lebenslauf Clara Neumann.pdf"))
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutz")
    assert_accessible(page)
    press_next(page)
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[type=checkbox]").check()
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben prüfen und absenden")
    expect(page.get_by_text("Lebenslauf Clara Neumann.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Antrag verbindlich absenden").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Ich bestätige die Richtigkeit meiner Angaben.").check()
    page.get_by_role("button", name="Antrag verbindlich absenden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Antrag ist eingegangen")
    assert_accessible(page)
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"SO-\d{4}-\d{6}", reference)
    return page.locator(".status-link a").get_attribute("href") or ""


def test_a_job_application_from_submit_to_the_notice_in_the_postbox(
    page: Page, browser: Any, live_server: Any, demo: None, tmp_path: Path
) -> None:
    status_link = apply_for_the_job(page, tmp_path)
    case = Case.all_tenants.get(applicant_email="clara.neumann@example.org")
    assert case.documents.filter(kind=Document.Kind.ATTACHMENT, original_name="Lebenslauf Clara Neumann.pdf").exists()
    assert case.documents.filter(kind=Document.Kind.RECEIPT).exists()

    page.goto(status_link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(POSTING)
    expect(page.locator(".case-status")).to_have_text("Eingegangen")
    assert_accessible(page)

    with browser_page(browser, live_server.url) as clerk:
        log_in(clerk, live_server, HR_CLERK_OF_SOEST)
        clerk.goto("/soest/verwaltung/vorgaenge/")
        assert_accessible(clerk)
        clerk.get_by_role("link", name=case.reference).click()
        expect(clerk.get_by_text(f"Aktenzeichen {case.reference}")).to_be_visible()
        assert_accessible(clerk)
        clerk.get_by_role("button", name="Prüfung beginnen").click()
        expect(clerk.locator(".case-status")).to_have_text("In Prüfung")
        clerk.get_by_label("Welche Unterlagen fehlen?").fill("Bitte senden Sie uns Ihr Abschlusszeugnis.")
        clerk.get_by_label("Frist").fill("2099-12-31")
        clerk.get_by_role("button", name="Unterlagen nachfordern").click()
        expect(clerk.locator(".case-status")).to_have_text("Unterlagen nachgefordert")
        assert_accessible(clerk)

    page.reload()
    expect(page.get_by_text("Bitte senden Sie uns Ihr Abschlusszeugnis.").first).to_be_visible()
    page.get_by_label("Ihre Nachricht").fill("Anbei mein Abschlusszeugnis.")
    page.get_by_label("Dateien anhängen").set_input_files(write_pdf(tmp_path / "Abschlusszeugnis.pdf"))
    page.get_by_role("button", name="Senden").click()
    expect(page.get_by_text("Ihre Nachricht ist bei der Verwaltung eingegangen.")).to_be_visible()
    expect(page.locator(".case-status")).to_have_text("In Prüfung")
    assert_accessible(page)

    with browser_page(browser, live_server.url) as clerk:
        log_in(clerk, live_server, HR_CLERK_OF_SOEST)
        clerk.goto(f"/soest/verwaltung/vorgaenge/{case.pk}/")
        expect(clerk.get_by_text("Abschlusszeugnis.pdf").first).to_be_visible()
        clerk.get_by_role("link", name="Absagen").click()
        clerk.get_by_role("button", name="Ja, Absagen").click()
        expect(clerk.locator(".case-status")).to_have_text("Abgesagt")
        assert_accessible(clerk)

    page.reload()
    expect(page.locator(".case-status")).to_have_text("Abgesagt")
    postbox = page.locator(".postbox")
    expect(postbox.get_by_role("heading", name="Absage")).to_be_visible()
    with page.expect_download() as download:
        postbox.get_by_role("link", name=re.compile("Absage")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert_accessible(page)


def test_the_application_works_without_javascript(browser: Any, live_server: Any, demo: None, tmp_path: Path) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        apply_for_the_job(page, tmp_path, axe=False)
    assert Case.all_tenants.filter(applicant_email="clara.neumann@example.org").count() == 1
