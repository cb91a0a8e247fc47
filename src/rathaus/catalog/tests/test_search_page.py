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
    ("Angelschein", "Fischereischein beantragen (auch Jugendfischereischein)"),
    ("Anwohnerparken", "Bewohnerparkausweis beantragen"),
    ("Handy verloren", "Fundbüro: Fundsache abholen oder abgeben"),
    ("Ausweis gefunden", "Fundbüro: Fundsache abholen oder abgeben"),
    ("Fuchs im Garten", "Wildtiere in der Stadt: Beratung"),
    ("identity card", "Personalausweis beantragen"),
    ("birth certificate", "Geburtsurkunde und andere Personenstandsurkunden bestellen"),
    ("Kirchenaustritt", "Kirchenaustritt erklären"),
    # Issue 12: the grown catalogue and the fixed ranking.
    ("Bauantrag", "Bauantrag stellen"),
    ("Bauantrag Status", "Bauantrag stellen"),
    ("Hund", "Hundesteuer anmelden"),
    ("Hundesteuer", "Hundesteuer anmelden"),
    ("Hund anmelden", "Hundesteuer anmelden"),
    ("Hund abmelden", "Hundesteuer abmelden"),
    ("Müll", "Abfallkalender"),
    ("Müllabfuhr", "Abfallkalender"),
    ("Sperrmüll", "Sperrmüll anmelden"),
    ("Sperrmuell", "Sperrmüll anmelden"),
    ("Biotonne", "Biotonne bestellen oder ändern"),
    ("Wohngeld", "Wohngeld beantragen"),
    ("Grundsteuer", "Grundsteuer: Bescheid und Fragen"),
    ("Briefwahl", "Wahlschein und Briefwahl beantragen"),
    ("Kita", "Kita-Platz anmelden"),
    # Kindergeld itself is the Familienkasse's; the town issues the household certificate it needs.
    ("Kindergeld", "Haushaltsbescheinigung beantragen"),
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


@pytest.mark.parametrize("query", ["Elterngeldd", "xyzzy"])
def test_unrelated_queries_find_nothing_rather_than_noise(client: Client, demo_soest: Municipality, query: str) -> None:
    # The city offers none of these (Elterngeld is the district's); the page offers the A–Z list.
    html = search_page(client, query)
    assert result_ids(html) == []
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


def _names(html: str) -> list[str]:
    return [Service.all_tenants.get(pk=pk).name for pk in result_ids(html)]


def test_bauantrag_no_longer_matches_every_beantragen(client: Client, demo_soest: Municipality) -> None:
    names = _names(search_page(client, "Bauantrag"))
    assert names[0] == "Bauantrag stellen"
    assert len(names) <= 3 and all("Bau" in name for name in names)


def test_bauantrag_status_does_not_find_the_birth_certificate(client: Client, demo_soest: Municipality) -> None:
    names = _names(search_page(client, "Bauantrag Status"))
    assert names and names[0] == "Bauantrag stellen"
    assert not any("Geburtsurkunde" in name for name in names)


def test_a_multi_word_query_drops_services_matching_only_the_common_word(
    client: Client, demo_soest: Municipality
) -> None:
    names = _names(search_page(client, "Bauantrag beantragen"))
    assert names[0] == "Bauantrag stellen"
    assert all("Bau" in name for name in names)
    assert _names(search_page(client, "Hund abmelden"))[0] == "Hundesteuer abmelden"


def test_kfz_in_the_town_points_to_the_district(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "Kfz zulassen")
    assert "Das erledigt Kreis Soest" in html
    assert 'href="/kreis-soest/suche/?q=Kfz%20zulassen"' in html
    kreis = Municipality.objects.get(slug="kreis-soest")
    first = Service.objects.of(kreis).get(name="Kfz-Zulassung: Neufahrzeug anmelden")
    assert f'href="/kreis-soest/leistungen/{first.pk}/"' in html
    assert client.get("/kreis-soest/suche/", {"q": "Kfz zulassen"}).status_code == 200


def test_the_district_points_to_its_towns(client: Client, demo: None) -> None:
    response = client.get("/kreis-soest/suche/", {"q": "Hundesteuer"})
    html = response.content.decode()
    assert result_ids(html) == []
    assert "Das erledigt Stadt Soest" in html and "Das erledigt Stadt Lippstadt" in html
    assert "Stadt Iserlohn" not in html  # Märkischer Kreis (05962), not Kreis Soest
    assert 'href="/soest/suche/?q=Hundesteuer"' in html


def test_an_independent_city_offers_both_levels_itself(client: Client, demo: None) -> None:
    html = client.get("/muenster/suche/", {"q": "Kfz zulassen"}).content.decode()
    assert _names(html)[0] == "Kfz-Zulassung: Neufahrzeug anmelden"
    assert "Das erledigt" not in html
    assert _names(client.get("/muenster/suche/", {"q": "Hundesteuer"}).content.decode())[0] == "Hundesteuer anmelden"


def test_no_hits_offers_close_spellings(client: Client, demo_soest: Municipality) -> None:
    html = search_page(client, "Abfallkalnderr")
    if result_ids(html):
        assert _names(html)[0] == "Abfallkalender"  # found through the typo allowance
    html = search_page(client, "Briefwaahl beantragn")
    assert result_ids(html) == [] or _names(html)[0] == "Wahlschein und Briefwahl beantragen"
    html = search_page(client, "Sperrmullabholungg")
    if not result_ids(html):
        assert "Meinten Sie:" in html and "Sperrmüllabholung" in html
