"""The application for school transport costs end to end in a real browser, on the demo's network of
Münster-Gievenbeck.

A parent computes the school route by clicking the front door on the map, presses "Schülerfahrkosten
beantragen" and goes through every step: each is first sent empty or wrong and checked with axe in
its error state, then filled. The nearer Wartburgschule could not take the child, so the rejection
letter is uploaded as evidence. The school office clerk of Münster logs in with password and TOTP,
finds the case in the queue with the route hints and approves it. The same application is filed
once more without JavaScript.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rathaus.cases.models import Case, Document
from rathaus.routing import Graph
from rathaus.schoolroute.models import School
from rathaus.schoolroute.procedure import school_years
from tests.browser import test_accessibility
from tests.browser.test_accessibility import assert_accessible, log_in_through_form
from tests.browser.test_application_journey import press_next, write_pdf
from tests.browser.test_schoolroute_journey import HOME, MICHAELSCHULE, click_front_door, demo  # noqa: F401
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL_OFFICE_CLERK_OF_MUENSTER = "schulamt.muenster@rathaus.example"
PARENT_EMAIL = "jana.albers@example.org"


def apply_for_the_school_ticket(page: Page, graph: Graph, tmp_path: Path, *, axe: bool = True) -> str:
    """Computes the route on the parents' page and files the application step by step; returns the
    reference of the case."""

    def check(page: Page) -> None:
        if axe:
            test_accessibility.assert_accessible(page)

    def expect_error(page: Page, message: str) -> None:
        expect(page).to_have_title(re.compile("^Fehler:"))
        expect(page.locator("#error-summary")).to_contain_text(message)
        check(page)

    page.goto("/muenster/schulweg/")
    page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
    page.get_by_label("Klasse im kommenden Schuljahr").select_option("3")
    click_front_door(page, graph)
    expect(page.locator("#route-length")).to_be_visible()
    page.get_by_role("button", name="Schülerfahrkosten beantragen").click()

    # Step 1 comes prefilled from the route page; without the front door it cannot measure anything.
    expect(page.get_by_role("heading", level=1)).to_have_text("Schule und Schulweg")
    expect(page.get_by_label("Schule", exact=True)).to_have_value(MICHAELSCHULE)
    check(page)
    latitude = page.get_by_label("Breitengrad der Haustür")
    clicked = latitude.input_value()
    assert abs(float(clicked) - HOME[0]) < 0.001
    latitude.fill("")
    page.get_by_label("Klasse oder Jahrgangsstufe").select_option("7")
    press_next(page)
    expect_error(page, "Klasse 7 gibt es an der Schulform Grundschule nicht")
    # The summary links to the field; following the link by keyboard lands in it.
    page.locator("#error-summary a").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Klasse oder Jahrgangsstufe")).to_be_focused()
    page.get_by_label("Klasse oder Jahrgangsstufe").select_option("3")
    press_next(page)
    expect_error(page, "Bitte geben Sie die Lage der Haustür an")
    page.get_by_label("Breitengrad der Haustür").fill(clicked)
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Schülerin oder Schüler")
    check(page)
    press_next(page)
    expect_error(page, "Vorname des Kindes")
    page.get_by_label("Vorname des Kindes").fill("Lotta")
    page.get_by_label("Nachname des Kindes").fill("Albers")
    page.get_by_label("Geburtsdatum").fill("2018-03-21")
    page.get_by_label("Schuljahr").select_option(school_years()[1][0])
    page.get_by_label("Klasse – optional", exact=True).fill("3a")
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Antragstellerin oder Antragsteller")
    check(page)
    page.get_by_label("Postleitzahl").fill("4816")
    press_next(page)
    expect_error(page, "Die Postleitzahl hat genau fünf Ziffern.")
    page.get_by_label("Sie stellen den Antrag als").select_option(label="Mutter oder Vater")
    page.get_by_label("Vorname", exact=True).fill("Jana")
    page.get_by_label("Nachname", exact=True).fill("Albers")
    page.get_by_label("E-Mail-Adresse").fill(PARENT_EMAIL)
    page.get_by_label("Straße und Hausnummer").fill("Am Küchenbusch 12")
    page.get_by_label("Postleitzahl").fill("48161")
    page.get_by_label("Ort").fill("Münster")
    press_next(page)

    # An exception without a reason is refused; then the parent says the nearer school was full.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ausnahmen (§§ 6, 9 SchfkVO NRW)")
    check(page)
    page.get_by_label("Ausnahme nach § 6 SchfkVO NRW").select_option(
        label="Der Schulweg ist besonders gefährlich oder ungeeignet"
    )
    press_next(page)
    expect_error(page, "Bitte begründen Sie die Ausnahme.")
    page.get_by_label("Ausnahme nach § 6 SchfkVO NRW").select_option(label="Keine Ausnahme beantragt")
    page.get_by_label("Die nächstgelegene Schule derselben Schulform konnte mein Kind nicht aufnehmen.").check()
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Nachweis für die Ausnahme")
    check(page)
    press_next(page)
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)
    page.get_by_label("Nachweis").set_input_files(write_pdf(tmp_path / "Absage Wartburgschule.pdf"))
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben prüfen und absenden")
    expect(page.get_by_text("Absage Wartburgschule.pdf")).to_be_visible()
    expect(page.get_by_text("Für diesen Antrag fällt keine Gebühr an.")).to_be_visible()
    expect(page.get_by_text(re.compile("Wartburgschule")).first).to_be_visible()
    check(page)
    page.get_by_role("button", name="Antrag verbindlich absenden").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.locator("#error-summary")).to_be_visible()
    check(page)
    for box in page.locator("form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Antrag verbindlich absenden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Antrag ist eingegangen")
    check(page)
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"[A-Z]{2,}-\d{4}-\d{6}", reference)
    return reference


def test_a_parent_applies_and_the_school_office_approves(
    page: Page,
    browser: Any,
    live_server: Any,
    demo: Graph,  # noqa: F811
    tmp_path: Path,
) -> None:
    reference = apply_for_the_school_ticket(page, demo, tmp_path)
    case = Case.all_tenants.get(reference=reference)
    michaelschule = School.all_tenants.get(municipality__slug="muenster", schulnummer=MICHAELSCHULE)
    assert case.subject == f"Schülerfahrkosten: Lotta Albers, {school_years()[1][0]}"
    assert case.applicant_email == PARENT_EMAIL
    route = case.answers["schulweg"]
    assert route["school"] == michaelschule.schulnummer and route["grade"] == 3
    assert route["nearest_name"] == "Wartburgschule"
    assert case.answers["ausnahme"]["not_admitted"] is True
    assert case.documents.filter(kind=Document.Kind.ATTACHMENT, original_name="Absage Wartburgschule.pdf").exists()

    with browser_page(browser, live_server.url) as clerk:
        clerk.goto("/muenster/verwaltung/vorgaenge/")
        log_in_through_form(clerk, SCHOOL_OFFICE_CLERK_OF_MUENSTER)
        expect(clerk).to_have_url(re.compile("/muenster/verwaltung/vorgaenge/"))
        assert_accessible(clerk)
        clerk.get_by_role("link", name=case.reference).click()
        expect(clerk.get_by_text(f"Aktenzeichen {case.reference}")).to_be_visible()
        hints = clerk.locator(".case-hints")
        length = f"{route['length_m']:,.0f} m".replace(",", ".")
        expect(hints).to_contain_text(f"Schulweg {length}, Grenze 2.000 m: länger als die Grenze.")
        expect(hints).to_contain_text("Wartburgschule")
        expect(hints).to_contain_text("die Absage prüfen")
        expect(clerk.get_by_text("Absage Wartburgschule.pdf").first).to_be_visible()
        assert_accessible(clerk)
        clerk.get_by_role("link", name="Bewilligen", exact=True).click()
        clerk.get_by_role("button", name="Ja, Bewilligen").click()
        expect(clerk.locator(".case-status")).to_have_text("Bewilligt")
        assert_accessible(clerk)

    case.refresh_from_db()
    assert case.status == "approved"
    assert case.documents.filter(kind=Document.Kind.NOTICE).exists()


def test_the_application_works_without_javascript(
    browser: Any,
    live_server: Any,
    demo: Graph,  # noqa: F811
    tmp_path: Path,
) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        reference = apply_for_the_school_ticket(page, demo, tmp_path, axe=False)
    case = Case.all_tenants.get(reference=reference)
    assert case.applicant_email == PARENT_EMAIL
    assert case.answers["schulweg"]["length_m"] > 2000
