from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.models import School


def test_it_lists_the_schools_of_soest(client: Client, soest_schools: list[School]) -> None:
    response = client.get("/api/v1/municipalities/soest/schools")

    assert response.status_code == 200
    schools = response.json()
    assert len(schools) == 22
    hellweg = next(school for school in schools if school["schulnummer"] == "135458")
    assert hellweg == {
        "schulnummer": "135458",
        "name": "Städt. Gem. Grundschule Hellweg",
        "schulform": "Grundschule",
        "address": "Am Hellweg 15, 59494 Soest",
        "lat": 51.5555909,
        "lon": 8.0562937,
    }


def test_it_filters_by_schulform(client: Client, soest_schools: list[School]) -> None:
    response = client.get("/api/v1/municipalities/soest/schools", {"schulform": "Gymnasium"})
    assert response.status_code == 200
    assert len(response.json()) == 3
    assert {school["schulform"] for school in response.json()} == {"Gymnasium"}


def test_an_unknown_schulform_is_a_422(client: Client, soest_schools: list[School]) -> None:
    response = client.get("/api/v1/municipalities/soest/schools", {"schulform": "Zauberschule"})
    assert response.status_code == 422


def test_lippstadt_does_not_list_the_schools_of_soest(
    client: Client, soest_schools: list[School], lippstadt: Municipality
) -> None:
    response = client.get("/api/v1/municipalities/lippstadt/schools")
    assert response.status_code == 200
    assert response.json() == []


def test_an_unknown_municipality_is_a_404(client: Client, db: None) -> None:
    assert client.get("/api/v1/municipalities/atlantis/schools").status_code == 404
