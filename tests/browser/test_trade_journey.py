"""The digital trade office end to end in a real browser, on the demo of Soest.

A GmbH with two managing directors (one of them a Turkish citizen with a residence title) registers
its business online: every page is first sent empty and checked with axe in its error state, the WZ
code is found by a word, the fee is shown before submitting. The trade clerk issues the receipt;
the business is in the register, the receipt PDF is in the citizen's postbox, and the outbox holds
one filtered message per recipient, delivered to the file drop.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rathaus.cases.models import Case
from rathaus.site.demo import demo_load
from rathaus.trade.models import Business, OutboxMessage
from tests.browser.test_accessibility import assert_accessible, log_in
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRADE_CLERK_OF_SOEST = "gewerbe.soest@rathaus.example"
COMPANY = "Hellweg Wärmetechnik GmbH"


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> Path:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TRADE_OUTBOX_DIR = str(tmp_path / "outbox")
    demo_load()
    return tmp_path / "outbox"


def press_next(page: Page) -> None:
    page.get_by_role("button", name="Weiter").click()


def expect_errors_first(page: Page, heading: str, axe: bool) -> None:
    """The page, then the same page sent empty: error summary, "Fehler:" in the title, axe-clean."""
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    if axe:
        assert_accessible(page)
    press_next(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^Fehler:"))
    if axe:
        assert_accessible(page)


def fill_person(page: Page, person: dict[str, str]) -> None:
    page.get_by_label("Funktion").select_option(label=person["role"])
    page.get_by_label("Feld 3: Familienname").fill(person["last_name"])
    page.get_by_label("Feld 4: Vornamen").fill(person["first_names"])
    page.get_by_label("Feld 5: Geschlecht").select_option(label=person["sex"])
    page.get_by_label("Feld 6: Geburtsdatum").fill(person["birth_date"])
    page.get_by_label("Feld 6: Geburtsort").fill(person["birth_place"])
    page.get_by_label("Feld 6: Geburtsland").fill(person["birth_country"])
    page.get_by_label(person["nationality_group"], exact=True).check()
    page.get_by_label("Feld 8: Straße und Hausnummer der Wohnung").fill(person["street"])
    page.get_by_label("Postleitzahl", exact=True).fill("59494")
    page.get_by_label("Ort", exact=True).fill("Soest")
    if "email" in person:
        page.get_by_label("Feld 9: E-Mail-Adresse").fill(person["email"])


def register_the_gmbh(page: Page, *, axe: bool = True) -> str:
    """Files the GewA 1 page by page; returns the status link."""
    page.goto("/soest/suche/?q=Gewerbe+anmelden")
    page.get_by_role("link", name="Gewerbeanmeldung").first.click()
    if axe:
        assert_accessible(page)
    page.get_by_role("button", name="Online beantragen").click()

    expect_errors_first(page, "Unternehmen und Register", axe)
    page.get_by_label("Gesellschaft mit beschränkter Haftung (GmbH)").check()
    page.get_by_label("Feld 1: Im Register eingetragener Name mit Rechtsform").fill(COMPANY)
    page.get_by_label("Feld 2: Registergericht").fill("Amtsgericht Arnsberg")
    page.get_by_label("Feld 2: Registernummer").fill("HRB 13579")
    page.get_by_label(re.compile("^Feld 10:")).fill("2")
    press_next(page)

    expect_errors_first(page, "Person (Felder 3 bis 9)", axe)
    fill_person(
        page,
        {
            "role": "Geschäftsführerin oder Geschäftsführer",
            "last_name": "Lange",
            "first_names": "Miriam",
            "sex": "weiblich",
            "birth_date": "1983-05-17",
            "birth_place": "Soest",
            "birth_country": "Deutschland",
            "nationality_group": "deutsch",
            "street": "Thomästraße 10",
            "email": "m.lange@hellweg-waermetechnik.example",
        },
    )
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Person 2")
    fill_person(
        page,
        {
            "role": "Geschäftsführerin oder Geschäftsführer",
            "last_name": "Demir",
            "first_names": "Can",
            "sex": "männlich",
            "birth_date": "1980-10-02",
            "birth_place": "Izmir",
            "birth_country": "Türkei",
            "nationality_group": "eines anderen Staates",
            "street": "Grandweg 20",
        },
    )
    page.get_by_label("Staatsangehörigkeit(en) in Worten").fill("türkisch")
    press_next(page)
    # Outside the EU, the residence title is asked for (fields 30 and 31).
    expect(page.locator("#error-summary")).to_contain_text("Aufenthaltstitel")
    if axe:
        assert_accessible(page)
    page.get_by_label("Feld 30: Aufenthaltstitel").select_option(label="liegt vor")
    page.get_by_label("Feld 30: Ausgestellt von (Behörde)").fill("Kreis Soest, Ausländerbehörde")
    page.get_by_label("Feld 31: Ist eine selbständige Tätigkeit erlaubt?").select_option(label="Ja")
    press_next(page)

    expect_errors_first(page, "Betriebsstätte", axe)
    page.get_by_label("Feld 12: Betriebsstätte: Straße und Hausnummer").fill("Nöttenstraße 29")
    page.get_by_label("Postleitzahl", exact=True).fill("59494")
    page.get_by_label("Ort", exact=True).fill("Soest")
    page.get_by_label("eine Hauptniederlassung").check()
    press_next(page)

    expect_errors_first(page, "Tätigkeit", axe)
    page.get_by_label("Feld 15: Angemeldete Tätigkeit").fill("Einbau und Wartung von Heizungs- und Sanitäranlagen")
    # A word instead of the code: the page suggests codes, it does not guess.
    page.get_by_label("Feld 15: Wirtschaftszweig (WZ-Code)").fill("Heizungsbauer")
    page.get_by_label("Feld 17: Beginn der Tätigkeit").fill("2099-01-01")
    page.get_by_label("Handwerk", exact=True).check()
    press_next(page)
    expect(page.locator("#error-summary")).to_contain_text("43220")
    expect(page.locator("#error-summary")).to_contain_text("mehr als ein Jahr in der Zukunft")
    if axe:
        assert_accessible(page)
    page.get_by_label("Feld 15: Wirtschaftszweig (WZ-Code)").fill("43220")
    page.get_by_label("Feld 17: Beginn der Tätigkeit").fill(_in_days(14))
    page.get_by_label("Feld 19: Beschäftigte in Vollzeit (ohne Inhaber)").fill("3")
    press_next(page)

    expect_errors_first(page, "Grund der Anmeldung", axe)
    page.get_by_label("Neugründung").check()
    press_next(page)

    expect_errors_first(page, "Erlaubnisse und Nachweise", axe)
    page.get_by_label("Nein", exact=True).check()
    page.get_by_label("ist beantragt").check()
    press_next(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Angaben prüfen und absenden")
    # NRW tariff: 33 € for the GmbH and 13 € for the second managing director, before submitting.
    expect(page.get_by_text("Gebühr von 46,00 €")).to_be_visible()
    if axe:
        assert_accessible(page)
    page.get_by_label("Bezahlung vor Ort an der Kasse").check()
    page.get_by_label("Ich bestätige die Richtigkeit meiner Angaben.").check()
    page.get_by_role("button", name="Antrag verbindlich absenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihr Antrag ist eingegangen")
    if axe:
        assert_accessible(page)
    return page.locator(".status-link a").get_attribute("href") or ""


def _in_days(days: int) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_a_gmbh_registers_online_and_the_clerk_issues_the_receipt(
    page: Page, browser: Any, live_server: Any, demo: Path
) -> None:
    status_link = register_the_gmbh(page)
    case = Case.all_tenants.get(applicant_email="m.lange@hellweg-waermetechnik.example")
    assert case.subject == f"GewA 1: {COMPANY}"
    assert sorted(case.answers) == [
        "betrieb",
        "betriebsstaette",
        "erlaubnisse",
        "grund",
        "person_1",
        "person_2",
        "taetigkeit",
    ]

    with browser_page(browser, live_server.url) as clerk:
        log_in(clerk, live_server, TRADE_CLERK_OF_SOEST)
        clerk.goto("/soest/verwaltung/vorgaenge/")
        clerk.get_by_role("link", name=case.reference).click()
        expect(clerk.get_by_text(f"Aktenzeichen {case.reference}")).to_be_visible()
        # The clerk is told what to check: the Handwerkskarte is only applied for.
        expect(clerk.locator(".case-hints")).to_contain_text("Handwerk")
        assert_accessible(clerk)
        # A step that cannot be undone asks first, on a page of its own.
        clerk.get_by_role("link", name="Empfang bescheinigen").click()
        assert_accessible(clerk)
        clerk.get_by_role("button", name="Ja, Empfang bescheinigen").click()
        expect(clerk.locator(".case-status")).to_have_text("Empfang bescheinigt")
        assert_accessible(clerk)

        business = Business.all_tenants.get(name=COMPANY)
        assert business.wz_code == "43220"
        messages = OutboxMessage.all_tenants.filter(notice__business=business)
        kinds = set(messages.values_list("recipient__kind", flat=True))
        assert {"finanzamt", "hwk", "statistik", "dguv", "auslaenderbehoerde", "registergericht"} <= kinds
        assert "ihk" not in kinds  # a craft only: the HWK, not the IHK
        assert set(messages.values_list("status", flat=True)) == {"sent"}
        for message in messages:
            assert (demo / message.recipient.address / f"{message.message_uuid}.xml").exists()

        clerk.goto("/soest/verwaltung/gewerbe/postausgang/")
        expect(clerk.get_by_role("cell", name=case.reference).first).to_be_visible()
        assert_accessible(clerk)
        clerk.goto("/soest/verwaltung/gewerbe/register/?name=Hellweg")
        expect(clerk.get_by_role("link", name=re.compile(COMPANY)).first).to_be_visible()
        assert_accessible(clerk)

    page.goto(status_link)
    expect(page.locator(".case-status")).to_have_text("Empfang bescheinigt")
    postbox = page.locator(".postbox")
    expect(postbox.get_by_role("heading", name="Empfangsbescheinigung")).to_be_visible()
    with page.expect_download() as download:
        postbox.get_by_role("link", name=re.compile("Empfangsbescheinigung")).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert_accessible(page)


def test_the_trade_notice_works_without_javascript(browser: Any, live_server: Any, demo: Path) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        register_the_gmbh(page, axe=False)
    assert Case.all_tenants.filter(subject=f"GewA 1: {COMPANY}").count() == 1
