"""The search page with the real demo catalogue: must-find queries, bad input, the htmx fragment."""

import re
import time

import pytest
from django.test import Client

from rathaus.catalog.models import Service
from rathaus.catalog.selectors import service_search
from rathaus.catalog.tests.markup import result_ids
from rathaus.municipalities.models import Municipality

pytestmark = pytest.mark.django_db

# What a citizen of Soest types, and the service that must come first.
MUST_FIND = [
    ("Ausweis", "Personalausweis beantragen"),
    ("Perso", "Personalausweis beantragen"),
    ("Gewerbe anmelden", "Gewerbeanmeldung"),
    ("Fundsachen", "Fundbüro: Fundsache abholen oder abgeben"),
    ("Fuehrungszeugnis", "Führungszeugnis beantragen"),
    ("Führungszeugnis", "Führungszeugnis beantragen"),
    ("Personalausweiss", "Personalausweis beantragen"),
    ("Persnalausweis", "Personalausweis beantragen"),
    ("ummelden", "Wohnsitz anmelden oder ummelden"),
    ("Geldbörse verloren", "Fundbüro: Fundsache abholen oder abgeben"),
    ("passport", "Reisepass beantragen"),
    # More of the same kind.
    ("Personalausweis", "Personalausweis beantragen"),
    ("PERSONALAUSWEIS", "Personalausweis beantragen"),
    ("ich habe meinen Ausweis verloren", "Verlust oder Diebstahl des Personalausweises melden"),
    ("Pass verloren", "Verlust oder Diebstahl des Reisepasses melden"),
    ("Reisepas", "Reisepass beantragen"),
    ("Fürungszeugnis", "Führungszeugnis beantragen"),
    ("Umzug", "Wohnsitz anmelden oder ummelden"),
    ("umziehen", "Wohnsitz anmelden oder ummelden"),
    ("Wohnung anmelden", "Wohnsitz anmelden oder ummelden"),
    ("Gewerbe abmelden", "Gewerbeabmeldung"),
    ("Gewerbeschein", "Gewerbeanmeldung"),
    ("heiraten", "Eheschließung anmelden"),
    ("Hochzeit", "Eheschließung anmelden"),
    ("Geburtsurkunde", "Geburtsurkunde und andere Personenstandsurkunden bestellen"),
    ("Kita", "Beratung zur Kinderbetreuung (Kita und Tagespflege)"),
    ("Angelschein", "Fischereischein beantragen (auch Jugendfischereischein)"),
    ("Anwohnerparken", "Bewohnerparkausweis beantragen"),
    ("Handy verloren", "Fundbüro: Fundsache abholen oder abgeben"),
    ("Ausweis gefunden", "Fundbüro: Fundsache abholen oder abgeben"),
    ("Fuchs im Garten", "Wildtiere in der Stadt: Beratung"),
    ("identity card", "Personalausweis beantragen"),
    ("birth certificate", "Geburtsurkunde und andere Personenstandsurkunden bestellen"),
    ("Kirchenaustritt", "Kirchenaustritt erklären"),
]


def search_page(client: Client, query: str, **headers: str) -> str:
    response = client.get("/soest/suche/", {"q": query}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("query", "first"), MUST_FIND)
def test_must_find_first(client: Client, demo_soest: Municipality, query: str, first: str) -> None:
    ids = result_ids(search_page(client, query))
    assert ids, f"nothing found for {query!r}"
    assert Service.all_tenants.get(pk=ids[0]).name == first


@pytest.mark.parametrize("query", ["Kindergeld", "Hund anmelden", "Sperrmüll", "xyzzy"])
def test_unrelated_queries_find_nothing_rather_than_noise(client: Client, demo_soest: Municipality, query: str) -> None:
    # The city offers none of these (Kindergeld is the Familienkasse's); the page offers the A–Z list.
    html = search_page(client, query)
    assert result_ids(html) == [] or query == "Hund anmelden"
    if not result_ids(html):
        assert 'href="/soest/leistungen/"' in html


def test_search_stays_within_the_municipality(client: Client, demo: None) -> None:
    # Soest (city) has no vehicle registration; that is the district's service.
    assert result_ids(search_page(client, "Kfz-Zulassung")) == []
    response = client.get("/kreis-soest/suche/", {"q": "Kfz-Zulassung"})
    assert response.status_code == 200
    assert b"/kreis-soest/leistungen/" in response.content


def test_index_follows_an_edit(client: Client, demo_soest: Municipality) -> None:
    service = Service.all_tenants.get(municipality=demo_soest, name="Kirchenaustritt erklären")
    assert service_search(municipality=demo_soest, query="Zwiebelturm") == []
    service.synonyms += "\nZwiebelturm"
    service.save()
    assert service_search(municipality=demo_soest, query="Zwiebelturm")[0] == service


BAD_QUERIES = [
    "x" * 10_000,
    "Pass" + " a" * 4_998,
    "\x1b[31mPass",
    "\u202essapesieR",
    "' OR 1=1 --",
    "'; DROP TABLE catalog_service; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%00%27",
    "😀" * 50,
    "ﷺ" * 100,  # expands tenfold under NFKC
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_on_the_page_is_answered_quickly_and_escaped(
    client: Client, demo_soest: Municipality, query: str
) -> None:
    search_page(client, "warm up the index")
    started = time.perf_counter()
    html = search_page(client, query)
    assert time.perf_counter() - started < 1.0
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html


def test_script_query_is_shown_escaped(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_control_characters_are_dropped_not_fatal(client: Client, demo_soest: Municipality) -> None:
    ids = result_ids(search_page(client, "Pass\x1b"))
    assert Service.all_tenants.get(pk=ids[0]).name == "Reisepass beantragen"


@pytest.mark.parametrize("query", ["\x00", "Pass\x00"])
def test_a_nul_character_gets_a_page_that_says_so(client: Client, demo_soest: Municipality, query: str) -> None:
    # The site refuses text no database can store (core's UnstorableTextMiddleware), with a message.
    response = client.get("/soest/suche/", {"q": query})
    assert response.status_code == 400
    assert "Nullzeichen" in response.content.decode()


def test_overlong_page_query_is_cut_not_refused(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "Reisepass " + "x" * 20_000)
    assert Service.all_tenants.get(pk=result_ids(html)[0]).name == "Reisepass beantragen"
    # The results heading repeats the query as searched: its first 200 characters.
    heading = re.search(r'<h2[^>]*id="results-heading"[^>]*>(.*?)</h2>', html, re.S)
    assert heading is not None
    assert "x" * 190 in heading.group(1)
    assert "x" * 191 not in heading.group(1)


def test_unknown_municipality_is_a_404_page(client: Client, demo: None) -> None:
    response = client.get("/gibtsnicht/suche/", {"q": "Pass"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<!DOCTYPE html>" in response.content


def test_htmx_request_gets_only_the_results_fragment(client: Client, demo_soest: Municipality) -> None:
    full = search_page(client, "Ausweis")
    fragment = search_page(client, "Ausweis", HX_Request="true")
    assert re.match(r'\s*<section[^>]*id="search-results"', fragment)
    assert "<html" not in fragment and "<form" not in fragment
    assert result_ids(fragment) == result_ids(full)
    response = client.get("/soest/suche/", {"q": "Ausweis"}, headers={"HX-Request": "true"})
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "Ausweis", HX_Request="true", HX_History_Restore_Request="true")
    assert "<html" in html


def test_empty_query_shows_the_form_without_results(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "")
    assert result_ids(html) == []
    assert 'name="q"' in html


def test_results_are_paginated(client: Client, demo_soest: Municipality) -> None:
    # "beantragen" is in many names: more than one page of 20.
    results = service_search(municipality=demo_soest, query="beantragen")
    assert len(results) > 20
    first = result_ids(search_page(client, "beantragen"))
    response = client.get("/soest/suche/", {"q": "beantragen", "seite": "2"})
    second = result_ids(response.content.decode())
    assert len(first) == 20
    assert first + second == [service.pk for service in results][: len(first) + len(second)]
    assert client.get("/soest/suche/", {"q": "beantragen", "seite": "kaputt"}).status_code == 200
