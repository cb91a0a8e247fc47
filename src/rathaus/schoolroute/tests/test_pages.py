"""The parents' school route page on real data: the demo's Münster-Gievenbeck network (no address
data: the start is a map click or coordinates) and Bindlach with the North-Bayreuth network and
its OSM addresses (street and house number)."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.html import escape

from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.procedures.base import Procedure
from rathaus.routing import Graph
from rathaus.schoolroute.models import StreetNetwork
from rathaus.schoolroute.tests.conftest import (
    BINDLACH_SCHOOL,
    GYMNASIUM,
    HOME,
    MICHAELSCHULE,
    WARTBURGSCHULE,
    school_point,
)
from rathaus.schoolroute.views import pick_view

PAGE = "/muenster/schulweg/"
# From HOME: Michaelschule 2,047 m (eligible), Wartburgschule 958 m (the nearest Grundschule),
# the Gymnasium 1,746 m (far below 3.5 km).


def ask(client: Client, path: str = PAGE, **params: Any) -> Any:
    query = {"lat": HOME[0], "lon": HOME[1], "school": MICHAELSCHULE, "grade": 3, **params}
    return client.get(path, {key: str(value) for key, value in query.items() if value is not None})


def german_metres(value: float) -> str:
    return f"{value:,.0f} m".replace(",", ".")


def text(response: Any) -> str:
    return str(response.content, "utf-8")


def title(response: Any) -> str:
    match = re.search(r"<title>(.*?)</title>", text(response), re.S)
    assert match is not None
    return match.group(1)


def test_the_empty_form_offers_schools_grades_and_the_map(client: Client, demo: None) -> None:
    response = client.get(PAGE)

    assert response.status_code == 200
    page = text(response)
    assert title(response).startswith("Schulweg und Schülerfahrkosten")
    assert '<optgroup label="Grundschule">' in page
    assert '<optgroup label="Gymnasium">' in page
    assert f'value="{MICHAELSCHULE}"' in page
    assert page.count('<option value="13">13</option>') == 1
    assert '<input type="image" name="karte"' in page
    assert re.search(r'src="/muenster/schulweg/karte\.svg\?v=\d+"', page)
    assert "Koordinaten eingeben" in page
    assert 'name="street"' not in page
    assert "bitte prüfen" not in page.lower()


def test_the_page_is_linked_from_the_home_page(client: Client, demo: None) -> None:
    assert 'href="/muenster/schulweg/"' in text(client.get("/muenster/"))


def test_a_long_route_past_a_nearer_school_is_measured_but_not_paid(
    client: Client, demo: None, gievenbeck: Graph
) -> None:
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))
    assert expected.length_m > 2000

    response = ask(client)

    assert response.status_code == 200
    page = text(response)
    assert (
        f'<dd class="kern-description-list-item__value" id="route-length">{german_metres(expected.length_m)}</dd>'
        in page
    )
    assert "mehr als 2.000 m (Primarstufe)" in page
    assert f"+{german_metres(expected.length_m - 2000)}" in page
    assert "lang genug für die Übernahme der Fahrkosten" in page
    # The Wartburgschule is a Grundschule within 2 km, so § 9 leaves nothing to pay for the Michaelschule.
    assert gievenbeck.route(HOME, school_point(WARTBURGSCHULE)).length_m <= 2000
    assert "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar." in page
    assert 'kern-icon--close" aria-hidden="true"' in page
    assert "Hat die nähere Schule Ihr Kind nicht aufnehmen können" in page
    assert "Wartburgschule" in page
    assert "§ 9 SchfkVO NRW" in page
    assert "Ausnahmen (§ 6 SchfkVO NRW)" in page
    assert 'role="img"' in page
    assert 'class="map-route"' in page
    assert ">Haustür</text>" in page
    assert ">Michaelschule</text>" in page
    assert "© OpenStreetMap-Mitwirkende" in page


# A junction in the north of Gievenbeck (from the GeoJSON), more than 2 km from every Grundschule.
NORTH = (51.9922231, 7.573842)


def test_the_nearest_grundschule_beyond_2_km_is_paid(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(NORTH, school_point(WARTBURGSCHULE))
    assert expected.length_m > 2000

    page = text(ask(client, school=WARTBURGSCHULE, lat=NORTH[0], lon=NORTH[1]))

    assert german_metres(expected.length_m) in page
    assert "Ja: Die Fahrkosten werden voraussichtlich übernommen." in page
    assert 'kern-icon--success" aria-hidden="true"' in page
    assert "Die gewählte Schule ist die nächstgelegene ihrer Schulform." in page


def test_a_farther_school_is_paid_only_up_to_the_nearest_one(client: Client, demo: None, gievenbeck: Graph) -> None:
    nearest = gievenbeck.route(NORTH, school_point(WARTBURGSCHULE)).length_m
    assert 2000 < nearest < gievenbeck.route(NORTH, school_point(MICHAELSCHULE)).length_m

    page = text(ask(client, school=MICHAELSCHULE, lat=NORTH[0], lon=NORTH[1]))

    assert "Ja, begrenzt: Übernommen werden höchstens die Fahrkosten zur nächstgelegenen Schule." in page
    assert f"Wartburgschule, {german_metres(nearest)}" in page
    assert 'kern-icon--success" aria-hidden="true"' in page


def test_a_gymnasium_in_grade_5_is_too_near(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(HOME, school_point(GYMNASIUM))

    page = text(ask(client, school=GYMNASIUM, grade=5))

    assert german_metres(expected.length_m) in page
    assert "mehr als 3.500 m (Sekundarstufe I)" in page
    assert f"−{german_metres(3500 - expected.length_m)}" in page
    assert "Nein: Der Schulweg ist zu kurz für die Übernahme der Fahrkosten." in page
    assert 'kern-icon--close" aria-hidden="true"' in page
    assert "Die Fahrkosten werden nicht übernommen." in page


def test_the_nearest_school_says_so(client: Client, demo: None) -> None:
    page = text(ask(client, school=WARTBURGSCHULE))
    assert "Die gewählte Schule ist die nächstgelegene ihrer Schulform." in page


def test_a_click_on_the_map_becomes_the_point_under_it(client: Client, demo: None, gievenbeck: Graph) -> None:
    view = pick_view(gievenbeck)
    x, y = view.xy(*HOME)

    response = client.get(
        PAGE, {"school": MICHAELSCHULE, "grade": "3", "karte.x": str(round(x)), "karte.y": str(round(y))}
    )

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "karte.x" not in query
    assert query["school"] == [MICHAELSCHULE]
    lat, lon = float(query["lat"][0]), float(query["lon"][0])
    assert (lat, lon) == pytest.approx(view.latlon(round(x), round(y)), abs=1e-6)
    # One pixel of the click map is about 6 m: the point lies within a pixel of the front door.
    assert abs(lat - HOME[0]) < 1 / view.height * (view.north - view.south)
    assert abs(lon - HOME[1]) < 1 / view.width * (view.east - view.west)
    page = text(client.get(response["Location"]))
    assert f'&amp;lat={query["lat"][0]}&amp;lon={query["lon"][0]}"' in page
    assert "Auf der Karte markiert" in page
    assert 'id="route-length"' in page


def test_a_click_converted_by_the_script_keeps_its_fraction_of_a_pixel(
    client: Client, demo: None, gievenbeck: Graph
) -> None:
    view = pick_view(gievenbeck)  # schoolmap.js sends the map's pixel of a click on the scaled map, e.g. 202.6

    response = client.get(PAGE, {"school": MICHAELSCHULE, "grade": "3", "karte.x": "202.6", "karte.y": "500.4"})

    query = parse_qs(urlsplit(response["Location"]).query)
    assert (float(query["lat"][0]), float(query["lon"][0])) == pytest.approx(view.latlon(202.6, 500.4), abs=1e-6)


def test_enter_on_the_map_button_is_no_click(client: Client, demo: None) -> None:
    response = client.get(PAGE, {"school": MICHAELSCHULE, "grade": "3", "karte.x": "0", "karte.y": "0"})

    assert response.status_code == 200
    assert title(response).startswith("Fehler:")
    assert "Bitte klicken Sie auf der Karte auf Ihre Haustür" in text(response)
    assert '<details class="schoolroute-coordinates" open>' in text(response)


def test_the_click_map_is_an_svg_with_the_picked_point(client: Client, demo: None, gievenbeck: Graph) -> None:
    response = client.get("/muenster/schulweg/karte.svg", {"lat": str(HOME[0]), "lon": str(HOME[1])})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = text(response)
    view = pick_view(gievenbeck)
    assert f'width="{view.width}" height="{view.height}"' in svg
    assert svg.count("M") >= gievenbeck.edge_count
    assert ">Ihre Auswahl</text>" in svg
    assert ">Ihre Auswahl</text>" not in text(client.get("/muenster/schulweg/karte.svg", {"lat": "nord"}))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"school": "999999"}, "id_school", "Eine Schule mit der Schulnummer 999999 gibt es hier nicht."),
        ({"school": ""}, "id_school", "Bitte wählen Sie die Schule."),
        ({"grade": 7}, "id_grade", "Klasse 7 gibt es an der Schulform Grundschule nicht (nur 1–4)"),
        ({"grade": 14}, "id_grade", "Bitte wählen Sie eine Klasse von 1 bis 13."),
        ({"lat": "nord"}, "id_lat", "Bitte eine Zahl eingeben."),
        ({"lat": 52.2, "lon": 7.6}, "id_lat", "vom nächsten Fußweg entfernt"),
        ({"lat": None, "lon": None}, "id_lat", "Bitte klicken Sie auf der Karte auf Ihre Haustür"),
    ],
)
def test_bad_input_is_shown_at_the_field(
    client: Client, demo: None, params: dict[str, Any], field: str, message: str
) -> None:
    response = ask(client, **params)

    assert response.status_code == 200
    assert title(response).startswith("Fehler:")
    page = text(response)
    assert f'href="#{field}"' in page
    assert escape(message) in page or message in page
    assert f'id="{field}-error"' in page
    assert 'id="route-length"' not in page


def test_without_a_tile_server_only_the_script_that_scales_the_map_is_loaded(client: Client, demo: None) -> None:
    page = text(ask(client))
    assert "leaflet" not in page
    assert '<script src="/static/rathaus/schoolmap.js" defer></script>' in page
    assert "data-tile-url" not in page
    assert "tippen Sie dann" in page  # the script's hint for the scaled map


def test_without_javascript_the_map_scrolls_in_a_box_that_takes_the_focus(client: Client, demo: None) -> None:
    page = text(ask(client))
    box = '<div class="schoolroute-pick" tabindex="0" role="region" aria-label="Karte zum Anklicken, verschiebbar"'
    assert box in page
    assert "mit dem Finger oder mit den Pfeiltasten" in page
    assert '<div class="schoolroute-map__scroll" tabindex="0" role="region"' in page


def test_with_a_tile_server_the_script_gets_the_maps_data(client: Client, demo: None, settings: Any) -> None:
    settings.SCHOOLROUTE_TILE_URL = "https://{s}.tiles.test/{z}/{x}/{y}.png"

    page = text(ask(client))

    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in page
    assert '<script src="/static/rathaus/schoolmap.js" defer></script>' in page
    assert page.count('data-tile-url="https://{s}.tiles.test/{z}/{x}/{y}.png"') == 2
    assert re.search(r'data-bounds="51\.\d+,7\.\d+,51\.\d+,7\.\d+"', page)
    assert f'data-picked="{HOME[0]},{HOME[1]}"' in page
    assert '<script id="route-map-data" type="application/json">{"route": [[51.97' in page
    assert "<script>" not in page  # no inline script: the CSP allows none


def test_a_missing_graph_file_is_a_plain_message(client: Client, demo: None, settings: Any, tmp_path: Path) -> None:
    settings.GRAPH_DIR = tmp_path  # where the imported file is not
    network = StreetNetwork.all_tenants.get(municipality__slug="muenster")
    network.imported_at += timedelta(seconds=1)  # no graph cached for this import
    network.save(update_fields=["imported_at"])

    response = ask(client)

    assert response.status_code == 503
    assert "Der Schulweg kann gerade nicht berechnet werden" in text(response)
    assert client.get("/muenster/schulweg/karte.svg").status_code == 503


def test_a_weiterbildungskolleg_is_not_covered(client: Client, demo: None) -> None:
    page = text(ask(client, school="170677", grade=11))
    assert "Für die Schulform Weiterbildungskolleg gilt die Schülerfahrkostenverordnung nicht" in page


def test_german_decimal_commas_are_understood(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))
    page = text(ask(client, lat=str(HOME[0]).replace(".", ","), lon=str(HOME[1]).replace(".", ",")))
    assert german_metres(expected.length_m) in page


def test_the_page_speaks_english(client: Client, demo: None, gievenbeck: Graph) -> None:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))

    page = text(ask(client))

    assert f"{expected.length_m:,.0f} m" in page
    assert "The way to school is" in page
    assert "A school of the same type is nearer" in page
    bad = ask(client, grade=7)
    assert "grade 7 does not exist at Grundschule (only 1–4)" in text(bad)


def test_a_municipality_without_street_network_says_how_to_import_one(client: Client, demo: None) -> None:
    response = client.get("/lippstadt/schulweg/")

    assert response.status_code == 200
    page = text(response)
    assert "noch kein Straßennetz eingerichtet" in page
    assert "rathaus import-streets DATEI --municipality lippstadt" in page
    assert '<form method="get"' not in page
    assert client.get("/lippstadt/schulweg/karte.svg").status_code == 404


def test_lippstadt_does_not_show_schools_of_muenster(client: Client, demo: None) -> None:
    response = ask(client, path="/soest/schulweg/")
    assert "Michaelschule" not in text(response)


def test_the_application_button_carries_the_route(client: Client, demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The procedure is built by another app; the page only asks the registry whether it exists.
    monkeypatch.setitem(registry._procedures, "schuelerfahrkosten", Procedure)

    page = text(ask(client))

    form = page.split('action="/muenster/antrag/schuelerfahrkosten/"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'<input type="hidden" name="school" value="{MICHAELSCHULE}">' in form
    assert '<input type="hidden" name="grade" value="3">' in form
    assert f'<input type="hidden" name="lat" value="{HOME[0]:.6f}">' in form
    assert f'<input type="hidden" name="lon" value="{HOME[1]:.6f}">' in form
    assert 'name="street"' not in form
    assert "Schülerfahrkosten beantragen" in form


def test_the_application_button_starts_the_application(client: Client, demo: None) -> None:
    page = text(ask(client))
    form = page.split('action="/muenster/antrag/schuelerfahrkosten/"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))

    response = client.post("/muenster/antrag/schuelerfahrkosten/", fields)

    assert response.status_code == 302
    assert response["Location"].startswith("/muenster/antrag/")


def test_without_the_procedure_there_is_no_application_button(
    client: Client, demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(registry._procedures, "schuelerfahrkosten", raising=False)
    page = text(ask(client))
    assert 'id="route-length"' in page
    assert "Schülerfahrkosten beantragen" not in page


def test_the_application_gets_street_and_number(
    client: Client, bayreuth: Municipality, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry._procedures, "schuelerfahrkosten", Procedure)
    page = text(ask_address(client, "Schulstraße", "12"))
    form = page.split('action="/bindlach/antrag/schuelerfahrkosten/"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="street" value="Schulstraße">' in form
    assert '<input type="hidden" name="housenumber" value="12">' in form


# Street and house number: Bindlach with the OSM addresses of North-Bayreuth.

BINDLACH = "/bindlach/schulweg/"


def ask_address(client: Client, street: str, housenumber: str, **params: str) -> Any:
    query = {"school": BINDLACH_SCHOOL, "grade": "2", "street": street, "housenumber": housenumber, **params}
    return client.get(BINDLACH, query)


def test_with_address_data_the_form_asks_for_street_and_number(client: Client, bayreuth: Municipality) -> None:
    page = text(client.get(BINDLACH))
    assert 'name="street"' in page
    assert 'name="housenumber"' in page
    assert 'name="karte"' not in page


def test_the_route_starts_at_the_address(client: Client, bayreuth: Municipality, north_bayreuth_addresses: Any) -> None:
    street = north_bayreuth_addresses.streets()[0]
    number = next(a.housenumber for a in north_bayreuth_addresses if a.street == street)

    response = ask_address(client, street, number)

    assert response.status_code == 200
    page = text(response)
    assert not title(response).startswith("Fehler:"), page
    assert 'id="route-length"' in page


def suggestion_links(page: str) -> dict[str, str]:
    box = page.split('id="suggestions"', 1)[1].split("</ul>", 1)[0]
    return {
        label: url.replace("&amp;", "&")
        for url, label in re.findall(r'<a class="kern-link" href="([^"]+)">([^<]+)</a>', box)
    }


def test_a_misspelt_street_is_not_guessed_but_suggested(client: Client, bayreuth: Municipality) -> None:
    response = ask_address(client, "Brunenstraße", "1")

    assert title(response).startswith("Fehler:")
    page = text(response)
    assert 'href="#id_street"' in page
    assert 'id="id_street-error"' in page
    assert escape("Die Straße „Brunenstraße“ ist nicht bekannt. Meinten Sie: Brunnenstraße?") in page
    assert 'id="route-length"' not in page
    links = suggestion_links(page)
    assert list(links) == ["Brunnenstraße"]
    query = parse_qs(urlsplit(links["Brunnenstraße"]).query)
    assert query["street"] == ["Brunnenstraße"]
    assert query["housenumber"] == ["1"]
    assert query["school"] == [BINDLACH_SCHOOL]


def test_a_missing_house_number_suggests_the_nearest_ones(client: Client, bayreuth: Municipality) -> None:
    page = text(ask_address(client, "Schulstraße", "999"))

    assert 'id="id_housenumber-error"' in page
    assert escape("Die Hausnummer 999 gibt es in „Schulstraße“ nicht.") in page
    links = suggestion_links(page)
    assert list(links) == ["6", "7", "8", "10", "12"]
    followed = client.get(links["12"])
    assert not title(followed).startswith("Fehler:")
    assert 'id="route-length"' in text(followed)
    assert "Testschule an der Schulstraße" in text(followed)


def test_an_address_in_two_places_asks_for_the_place(client: Client, bayreuth: Municipality) -> None:
    page = text(ask_address(client, "Birkenstraße", "2"))

    assert 'id="id_place-error"' in page
    assert "gibt es in mehreren Orten: Bindlach, Himmelkron" in page
    links = suggestion_links(page)
    assert list(links) == ["Bindlach", "Himmelkron"]
    followed = client.get(links["Bindlach"])
    assert 'id="route-length"' in text(followed)


def test_street_and_number_are_required(client: Client, bayreuth: Municipality) -> None:
    response = ask_address(client, "", "")

    assert title(response).startswith("Fehler:")
    page = text(response)
    assert 'href="#id_street"' in page
    assert 'href="#id_housenumber"' in page
    assert 'id="suggestions"' not in page
