"""A municipality's address points: imported with the street network or from house coordinates,
and used by the school route API instead of coordinates."""

from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.routing import AddressFileError, AddressIndex, Graph
from rathaus.schoolroute.models import School, StreetNetwork
from rathaus.schoolroute.selectors import street_network_addresses, street_network_get
from rathaus.schoolroute.services import addresses_import, street_network_import
from rathaus.schoolroute.tests.conftest import BINDLACH_SCHOOL, NORTH_BAYREUTH

pytestmark = pytest.mark.django_db
ESSEN = "hauskoordinaten_essen_subset.geojson"
GIEVENBECK = "muenster_gievenbeck_overpass_2019.geojson"
URL = "/api/v1/municipalities/bindlach/school-route"


def shipped(name: str) -> Path:
    with resources.as_file(resources.files("rathaus.routing").joinpath("data", name)) as path:
        return Path(path)


def network_of(municipality: Municipality) -> StreetNetwork:
    network = street_network_get(municipality=municipality)
    assert network is not None
    return network


@pytest.fixture(scope="module")
def north_bayreuth() -> Graph:
    return Graph.from_osm(shipped(NORTH_BAYREUTH))


def test_an_osm_extract_brings_its_address_points_with_the_network(
    bayreuth: Municipality, north_bayreuth_addresses: AddressIndex
) -> None:
    network = network_of(bayreuth)
    assert network.address_count == len(north_bayreuth_addresses) == 788
    assert network.address_source == NORTH_BAYREUTH
    addresses = street_network_addresses(network)
    assert addresses is not None
    assert addresses.lookup("Schulstraße", "7") == north_bayreuth_addresses.lookup("Schulstraße", "7")
    assert (Path(django_settings.GRAPH_DIR) / network.address_file).is_file()


def test_a_geojson_network_has_no_addresses(soest: Municipality) -> None:
    street_network_import(municipality=soest, path=shipped(GIEVENBECK))
    network = network_of(soest)
    assert network.address_count == 0
    assert street_network_addresses(network) is None


def test_house_coordinates_replace_the_osm_addresses_and_outlive_a_new_extract(bayreuth: Municipality) -> None:
    addresses_import(municipality=bayreuth, path=shipped(ESSEN))
    network = network_of(bayreuth)
    assert network.address_source == ESSEN
    index = street_network_addresses(network)
    assert index is not None
    assert index.lookup("Heißener Str.", "47").source == "hk"

    street_network_import(municipality=bayreuth, path=shipped(NORTH_BAYREUTH))

    network.refresh_from_db()
    assert network.address_source == ESSEN
    index = street_network_addresses(network)
    assert index is not None
    assert index.lookup("Heissener Strasse", "47").street == "Heißener Straße"


def test_addresses_need_a_street_network_first(soest: Municipality) -> None:
    with pytest.raises(ValueError, match="zuerst „rathaus import-streets“"):
        addresses_import(municipality=soest, path=shipped(ESSEN))


def test_a_broken_address_file_leaves_the_addresses_untouched(bayreuth: Municipality, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')

    with pytest.raises(AddressFileError):
        addresses_import(municipality=bayreuth, path=broken)

    network = network_of(bayreuth)
    assert network.address_source == NORTH_BAYREUTH
    assert len(street_network_addresses(network) or []) == 788


def test_the_import_command_reports_the_count_and_refuses_bad_input(bayreuth: Municipality, tmp_path: Path) -> None:
    expected = len(AddressIndex.from_house_coordinates(shipped(ESSEN)))
    out = StringIO()
    call_command("import-addresses", str(shipped(ESSEN)), "--municipality", "bindlach", stdout=out)
    assert f"Gemeinde Bindlach: {expected} Adressen aus {ESSEN} importiert." in out.getvalue()

    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import-addresses", str(tmp_path / "fehlt.zip"), "--municipality", "bindlach")
    empty = tmp_path / "leer.geojson"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="leer"):
        call_command("import-addresses", str(empty), "--municipality", "bindlach")


def ask(client: Client, **params: object) -> Any:
    query = {"school": BINDLACH_SCHOOL, "grade": 2, **params}
    return client.get(URL, {key: str(value) for key, value in query.items()})


def test_the_api_routes_from_street_and_house_number(
    client: Client, bayreuth: Municipality, north_bayreuth: Graph, north_bayreuth_addresses: AddressIndex
) -> None:
    home = north_bayreuth_addresses.lookup("Stöckigstraße", "1")
    school = School.all_tenants.get(municipality=bayreuth, schulnummer=BINDLACH_SCHOOL)
    expected = north_bayreuth.route((home.lat, home.lon), (school.latitude, school.longitude))  # type: ignore[arg-type]

    response = ask(client, street="stoeckigstr.", housenumber="1")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["length_m"] == pytest.approx(expected.length_m, abs=1e-6)
    assert body["geometry"]["coordinates"][0] == pytest.approx([home.lon, home.lat])
    assert expected.length_m > 2000
    assert body["eligible"] is True


@pytest.mark.parametrize(
    ("street", "number", "suggestion"),
    [("Bühlrnig", "27", "Bühlring"), ("Schulstraße", "99", "12"), ("Hauptstrasse", "2", "Bindlach")],
)
def test_the_api_never_guesses_an_address(
    client: Client, bayreuth: Municipality, street: str, number: str, suggestion: str | None
) -> None:
    response = ask(client, street=street, housenumber=number)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    if suggestion is not None:
        assert suggestion in body["suggestions"]


def test_the_place_settles_an_address_that_exists_in_several_places(
    client: Client, bayreuth: Municipality, north_bayreuth_addresses: AddressIndex
) -> None:
    home = north_bayreuth_addresses.lookup("Hauptstraße", "2", city="Heinersreuth")

    response = ask(client, street="Hauptstraße", housenumber="2", city="Heinersreuth")

    assert response.status_code == 200, response.content
    assert response.json()["geometry"]["coordinates"][0] == pytest.approx([home.lon, home.lat])


def test_the_api_asks_for_coordinates_where_no_addresses_are_loaded(client: Client, soest: Municipality) -> None:
    street_network_import(municipality=soest, path=shipped(GIEVENBECK))
    School.all_tenants.create(
        municipality=soest, schulnummer="123456", name="X", schulform="Grundschule", street="A", postal_code="59494"
    )

    response = client.get(
        "/api/v1/municipalities/soest/school-route",
        {"school": "123456", "grade": "2", "street": "Am Küchenbusch", "housenumber": "1"},
    )

    assert response.status_code == 422
    assert "keine Adressdaten" in response.json()["detail"]


def test_the_api_names_what_is_missing(client: Client, bayreuth: Municipality) -> None:
    response = ask(client, street="Schulstraße")

    assert response.status_code == 422
    assert "housenumber" in response.json()["detail"]


def test_the_street_import_command_shows_progress_and_counts_the_addresses(soest: Municipality) -> None:
    out, err = StringIO(), StringIO()

    call_command("import-streets", str(shipped(NORTH_BAYREUTH)), "--municipality", "soest", stdout=out, stderr=err)

    assert "walkable ways read" in err.getvalue()
    assert "788 Adressen" in out.getvalue()
    assert network_of(soest).address_count == 788
