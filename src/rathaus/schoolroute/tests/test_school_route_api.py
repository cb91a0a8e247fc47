"""The school route API on the demo's real street network of Münster-Gievenbeck (OSM, ODbL)."""

from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client

from rathaus.routing import Graph, NoRouteError
from rathaus.routing._geometry import geodesic_length
from rathaus.schoolroute.models import School, StreetNetwork
from rathaus.schoolroute.tests.conftest import GYMNASIUM, HOME, MICHAELSCHULE, WARTBURGSCHULE, school_point
from rathaus.site.demo import demo_load

URL = "/api/v1/municipalities/muenster/school-route"


def ask(client: Client, **params: object) -> Any:
    query = {"lat": HOME[0], "lon": HOME[1], "school": MICHAELSCHULE, "grade": 3, **params}
    return client.get(URL, {key: str(value) for key, value in query.items()})


def test_the_route_to_a_grundschule_is_measured_and_judged(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))

    response = ask(client)

    assert response.status_code == 200
    body = response.json()
    assert body["length_m"] == pytest.approx(expected.length_m, abs=1e-6)
    assert body["threshold_m"] == 2000
    assert body["margin_m"] == pytest.approx(expected.length_m - 2000, abs=1e-6)
    assert body["eligible"] is (expected.length_m > 2000)
    assert body["legal_basis"] == "§ 97 SchulG NRW, § 5 Abs. 2 SchfkVO NRW"
    assert body["school"] == {"schulnummer": MICHAELSCHULE, "name": "Michaelschule"}
    assert "Primarstufe" in body["explanation"]
    geometry = body["geometry"]
    assert geometry["type"] == "LineString"
    first_lon, first_lat = geometry["coordinates"][0]
    assert geodesic_length(first_lat, first_lon, *HOME) < 1
    assert geometry["coordinates"] == [[lon, lat] for lat, lon in expected.coordinates]
    assert body["start"] == {"lat": expected.start.lat, "lon": expected.start.lon}
    assert geodesic_length(body["start"]["lat"], body["start"]["lon"], *HOME) < 50


def test_a_nearer_grundschule_is_named(client: Client, demo: None, gievenbeck: Graph) -> None:
    grundschulen = School.all_tenants.filter(municipality__slug="muenster", schulform="Grundschule")
    lengths = {
        school.schulnummer: gievenbeck.route(HOME, school_point(school.schulnummer)).length_m for school in grundschulen
    }
    nearest = min(lengths, key=lambda number: lengths[number])
    assert nearest == WARTBURGSCHULE
    assert lengths[nearest] < lengths[MICHAELSCHULE]

    body = ask(client).json()

    assert body["nearest_school"]["schulnummer"] == WARTBURGSCHULE
    assert body["nearest_school"]["name"] == "Wartburgschule"
    assert body["nearest_school"]["length_m"] == pytest.approx(lengths[WARTBURGSCHULE], abs=1e-6)
    assert "§ 9 SchfkVO NRW" in body["nearest_school"]["explanation"]
    # The footpath to the Michaelschule is long enough, but the Wartburgschule is within 2 km.
    assert lengths[MICHAELSCHULE] > 2000 >= lengths[WARTBURGSCHULE]
    assert body["eligible"] is True
    assert body["entitlement"] == "nearer_school"
    assert body["headline"].startswith("Voraussichtlich nein")


def test_the_nearest_school_has_no_nearer_one(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(HOME, school_point(WARTBURGSCHULE))

    body = ask(client, school=WARTBURGSCHULE).json()

    assert body["nearest_school"] is None
    assert body["eligible"] is (expected.length_m > 2000)
    assert body["eligible"] is False
    assert body["entitlement"] == "not_paid"
    assert "nicht übernommen" in body["explanation"]


def test_the_explanation_is_english_on_request(client: Client, demo: None) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    body = ask(client).json()
    assert "The way to school is" in body["explanation"]


def test_a_municipality_without_street_network_tells_the_import_command(client: Client, demo: None) -> None:
    soest_school = School.all_tenants.filter(municipality__slug="soest").first()
    assert soest_school is not None

    response = client.get(
        "/api/v1/municipalities/soest/school-route",
        {"lat": "51.57", "lon": "8.1", "school": soest_school.schulnummer, "grade": "3"},
    )

    assert response.status_code == 404
    assert "rathaus import-streets DATEI --municipality soest" in response.json()["detail"]


def test_an_unknown_school_is_a_404(client: Client, demo: None) -> None:
    response = ask(client, school="999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_a_grade_the_school_does_not_teach_is_a_422(client: Client, demo: None) -> None:
    response = ask(client, grade=7)
    assert response.status_code == 422
    assert response.json()["detail"] == "Klasse 7 gibt es an der Schulform Grundschule nicht (nur 1–4)"


def test_a_point_far_from_the_network_is_a_422(client: Client, demo: None) -> None:
    response = ask(client, lat=52.2, lon=7.6)
    assert response.status_code == 422
    assert "vom nächsten Fußweg entfernt" in response.json()["detail"]


def test_missing_parameters_are_a_422(client: Client, demo: None) -> None:
    response = client.get(URL, {"school": MICHAELSCHULE, "grade": "3"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Es fehlen die Angaben: lat, lon.",
        "errors": [
            {"field": "lat", "message": "Diese Angabe fehlt."},
            {"field": "lon", "message": "Diese Angabe fehlt."},
        ],
    }
    without_grade = client.get(URL, {"school": MICHAELSCHULE, "lat": "51.9", "lon": "7.6"}).json()
    assert without_grade["errors"] == [{"field": "grade", "message": "Diese Angabe fehlt."}]
    assert client.get(URL, {"school": MICHAELSCHULE, "lat": "nord", "lon": "7.5", "grade": "3"}).status_code == 422


def test_lippstadt_does_not_route_to_a_school_of_muenster(client: Client, demo: None) -> None:
    response = client.get(
        "/api/v1/municipalities/lippstadt/school-route",
        {"lat": str(HOME[0]), "lon": str(HOME[1]), "school": MICHAELSCHULE, "grade": "3"},
    )
    assert response.status_code == 404
    assert "Michaelschule" not in response.content.decode()


def test_the_gymnasium_uses_the_lower_secondary_threshold(client: Client, demo: None, gievenbeck: Graph) -> None:
    body = ask(client, school=GYMNASIUM, grade=11).json()
    assert body["threshold_m"] == 3500
    assert body["length_m"] == pytest.approx(gievenbeck.route(HOME, school_point(GYMNASIUM)).length_m, abs=1e-6)


def test_the_demo_imports_the_network_once(demo: None) -> None:
    network = StreetNetwork.all_tenants.get(municipality__slug="muenster")
    assert network.source_name == "muenster_gievenbeck_overpass_2019.geojson"
    assert network.node_count > 1000

    demo_load()

    assert StreetNetwork.all_tenants.get(municipality__slug="muenster").imported_at == network.imported_at
    assert not StreetNetwork.all_tenants.filter(municipality__slug="soest").exists()


def test_the_import_command_replaces_the_network(demo: None, settings: Any) -> None:
    path = resources.files("rathaus.routing").joinpath("data", "bautzen.osm")
    with resources.as_file(path) as osm:
        call_command("import-streets", str(osm), "--municipality", "soest", stdout=StringIO())
    network = StreetNetwork.all_tenants.get(municipality__slug="soest")
    assert network.source_name == "bautzen.osm"
    assert (Path(settings.GRAPH_DIR) / "soest.npz").is_file()


def test_the_import_command_refuses_bad_input(demo: None, tmp_path: Path) -> None:
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><kaputt")
    with pytest.raises(CommandError, match="Kommune"):
        call_command("import-streets", str(broken), "--municipality", "atlantis")
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import-streets", str(tmp_path / "missing.osm"), "--municipality", "soest")
    with pytest.raises(CommandError):
        call_command("import-streets", str(broken), "--municipality", "soest")
    assert not StreetNetwork.all_tenants.filter(municipality__slug="soest").exists()


def test_an_unreachable_school_is_a_422(client: Client, demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_route(*args: object, **kwargs: object) -> None:
        raise NoRouteError("Zwischen Start und Ziel gibt es keinen zusammenhängenden Fußweg.", "No route.")

    monkeypatch.setattr(Graph, "route", no_route)
    response = ask(client)
    assert response.status_code == 422
    assert response.json()["detail"] == "Zwischen Start und Ziel gibt es keinen zusammenhängenden Fußweg."


def test_one_client_asking_too_often_is_told_when_to_come_back(client: Client, demo: None, settings: Any) -> None:
    settings.SCHOOL_ROUTE_RATE_LIMIT = "2/m"

    answers = [ask(client) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert "Zu viele Anfragen" in answers[2].json()["detail"]
