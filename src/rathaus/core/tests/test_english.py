"""The portal speaks English when the visitor picks it, and German otherwise.

German is the source language: every msgid is German, so a string without an English
translation would show up in German on the English pages. The catalogue check below makes
such a gap fail the suite.
"""

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.testing import make_service

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client: Client, url: str, *, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.django_db
def test_the_municipality_page_is_in_english(soest: Municipality) -> None:
    make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen")

    body = page(english_client(), "/soest/")

    assert '<html lang="en"' in body
    assert "Welcome to the digital town hall of Stadt Soest" in body
    assert "Which service are you looking for?" in body
    assert "Services A–Z" in body
    assert "Contact and opening hours" in body
    assert "Legal notice" in body
    assert "Log in" in body
    for german in ("Startseite", "Suchen", "Öffnungszeiten", "Anmelden", "Impressum"):
        assert german not in body


@pytest.mark.django_db
def test_the_a_to_z_page_is_in_english(soest: Municipality) -> None:
    make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen")

    body = page(english_client(), "/soest/leistungen/")

    assert '<html lang="en"' in body
    assert "Services from A to Z" in body
    assert "Home" in body
    assert "Leistungen von A bis Z" not in body
    assert "Startseite" not in body


@pytest.mark.django_db
def test_the_accessibility_page_and_its_form_errors_are_in_english(soest: Municipality) -> None:
    client = english_client()

    body = page(client, "/soest/barrierefreiheit/")
    assert '<html lang="en"' in body
    assert "Accessibility statement" in body
    assert "Report a barrier" in body
    assert "Send feedback" in body
    assert "Erklärung zur Barrierefreiheit" not in body

    response = client.post("/soest/barrierefreiheit/", {"page_url": "", "message": "", "name": "", "email": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert "Please check your details" in body
    assert "This field is required." in body
    assert "Bitte prüfen Sie Ihre Angaben" not in body
    assert "zwingend erforderlich" not in body


@pytest.mark.django_db
def test_the_not_found_page_is_in_english() -> None:
    body = page(english_client(), "/diese-kommune-gibt-es-nicht/", status=404)

    assert '<html lang="en"' in body
    assert "Page not found" in body
    assert "Go to the home page with all municipalities" in body
    assert "Seite nicht gefunden" not in body


@pytest.mark.django_db
def test_without_a_language_cookie_the_pages_are_german(soest: Municipality) -> None:
    make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen")
    client = Client()

    home = page(client, "/soest/")
    assert '<html lang="de"' in home
    assert "Willkommen im digitalen Rathaus Stadt Soest" in home
    assert "Welche Leistung suchen Sie?" in home

    assert "Leistungen von A bis Z" in page(client, "/soest/leistungen/")
    assert "Erklärung zur Barrierefreiheit" in page(client, "/soest/barrierefreiheit/")

    errors = client.post("/soest/barrierefreiheit/", {"message": ""}).content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in errors

    missing = page(client, "/diese-kommune-gibt-es-nicht/", status=404)
    assert '<html lang="de"' in missing
    assert "Seite nicht gefunden" in missing


def test_every_german_string_has_an_english_translation() -> None:
    po = polib.pofile(str(CATALOGUE))

    assert len(po) > 0
    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


@pytest.mark.django_db
def test_dates_read_day_first_in_english_and_german(soest: Municipality) -> None:
    soest.accessibility_reviewed_on = datetime.date(2026, 11, 21)
    soest.save()
    client = Client()
    assert "21. November 2026" in client.get("/soest/barrierefreiheit/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "21 November 2026" in client.get("/soest/barrierefreiheit/").content.decode()


@pytest.mark.django_db
def test_allauth_pages_use_our_words_for_logging_in() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/konto/login/").content.decode()
    assert "Log in" in body
    assert "Sign In" not in body
