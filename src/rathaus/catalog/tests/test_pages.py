"""The A–Z list and the detail page of a service, in German and English."""

from html import unescape

import pytest
from django.test import Client

from rathaus.catalog.models import Service
from rathaus.catalog.tests.markup import letter_groups
from rathaus.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def test_a_to_z_groups_all_services_of_the_municipality_by_letter(client: Client, demo_soest: Municipality) -> None:
    response = client.get("/soest/leistungen/")
    assert response.status_code == 200
    by_letter = letter_groups(response.content.decode())
    listed = [entry for entries in by_letter.values() for entry in entries]

    own = Service.all_tenants.filter(municipality=demo_soest)
    assert sorted(service_id for _, service_id, _ in listed) == sorted(own.values_list("pk", flat=True))
    assert {slug for slug, _, _ in listed} == {"soest"}
    assert list(by_letter) == sorted(by_letter)
    for letter, entries in by_letter.items():
        for _, _, name in entries:
            assert name[0].upper().translate(str.maketrans("ÄÖÜ", "AOU")) == letter
    # "Übermittlungssperre …" is filed under U.
    assert any(name.startswith("Übermittlungssperre") for _, _, name in by_letter["U"])
    assert "Fundbüro: Fundsache abholen oder abgeben" in [name for _, _, name in by_letter["F"]]


def test_a_to_z_lists_no_service_of_another_municipality(client: Client, demo: None) -> None:
    district = client.get("/kreis-soest/leistungen/").content.decode()
    city = client.get("/soest/leistungen/").content.decode()
    assert "Kfz-Zulassung: Neufahrzeug anmelden" in district
    assert "Kfz-Zulassung" not in city
    assert "Personalausweis beantragen" not in district
    lippstadt_ids = {
        service_id
        for entries in letter_groups(client.get("/lippstadt/leistungen/").content.decode()).values()
        for _, service_id, _ in entries
    }
    soest_ids = {service_id for entries in letter_groups(city).values() for _, service_id, _ in entries}
    assert lippstadt_ids and soest_ids and not lippstadt_ids & soest_ids


def test_a_to_z_of_an_empty_municipality(client: Client, soest: Municipality) -> None:
    response = client.get("/soest/leistungen/")
    assert response.status_code == 200
    assert "Für diese Kommune sind noch keine Leistungen eingetragen." in response.content.decode()


def test_detail_shows_fees_documents_and_department(client: Client, demo_soest: Municipality) -> None:
    service = Service.all_tenants.get(municipality=demo_soest, name="Personalausweis beantragen")
    response = client.get(f"/soest/leistungen/{service.pk}/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<h1" in html and "Personalausweis beantragen" in html
    assert "Gebühren" in html and service.fees in html
    assert "Erforderliche Unterlagen" in html
    for document in service.document_list:
        assert f"<li>{document}</li>" in html
    assert "Zuständig" in html and "Bürgerbüro" in html
    assert service.leika_key in html


def test_detail_of_another_municipalitys_service_is_not_found(client: Client, demo: None) -> None:
    service = Service.all_tenants.get(municipality__slug="soest", name="Personalausweis beantragen")
    assert client.get(f"/soest/leistungen/{service.pk}/").status_code == 200
    response = client.get(f"/lippstadt/leistungen/{service.pk}/")
    assert response.status_code == 404
    assert b"<!DOCTYPE html>" in response.content
    assert client.get("/soest/leistungen/99999999/").status_code == 404


def test_english_shows_name_en_from_the_language_cookie(client: Client, demo_soest: Municipality) -> None:
    service = Service.all_tenants.get(municipality=demo_soest, name="Personalausweis beantragen")
    client.cookies["django_language"] = "en"
    html = unescape(client.get(f"/soest/leistungen/{service.pk}/").content.decode())
    assert '<html lang="en"' in html
    assert "Apply for an identity card" in html
    assert service.summary_en in html
    index = letter_groups(client.get("/soest/leistungen/").content.decode())
    assert ("soest", service.pk, "Apply for an identity card") in index["A"]
    # Searching in English finds the service too, shown with its English name.
    search = unescape(client.get("/soest/suche/", {"q": "identity card"}).content.decode())
    assert "Apply for an identity card" in search


def test_english_after_choosing_it_in_the_language_switch(client: Client, demo_soest: Municipality) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/soest/leistungen/"})
    assert response.status_code == 302
    assert response["Location"] == "/soest/leistungen/"
    html = unescape(client.get("/soest/leistungen/").content.decode())
    assert "Apply for an identity card" in html
    assert "Personalausweis beantragen" not in html
