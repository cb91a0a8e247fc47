"""The SVG map on the demo's real street network of Münster-Gievenbeck (OSM, ODbL)."""

import math
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from pyproj import Geod

from rathaus.routing import Graph
from rathaus.schoolroute.maps import Line, MapView, Marker, network_svg
from rathaus.schoolroute.tests.conftest import HOME

SVG = "{http://www.w3.org/2000/svg}"
GEOD = Geod(ellps="WGS84")
MICHAELSCHULE = (51.9677932, 7.5812586)  # Appelbreistiege 40, from the school list


def geodesic_length(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, not untrusted data


@pytest.fixture(scope="module")
def whole(gievenbeck: Graph) -> MapView:
    return MapView.around(zip(gievenbeck.geometry_lat.tolist(), gievenbeck.geometry_lon.tolist(), strict=True))


def test_it_keeps_a_metre_as_long_across_as_up() -> None:
    view = MapView.around([HOME, MICHAELSCHULE], margin_m=100)

    west_x, west_y = view.xy(HOME[0], HOME[1])
    east_x, _ = view.xy(HOME[0], HOME[1] + 0.01)
    _, north_y = view.xy(HOME[0] + 0.01, HOME[1])
    metres_east = geodesic_length(HOME[0], HOME[1], HOME[0], HOME[1] + 0.01)
    metres_north = geodesic_length(HOME[0], HOME[1], HOME[0] + 0.01, HOME[1])

    assert (east_x - west_x) / metres_east == pytest.approx((west_y - north_y) / metres_north, rel=0.01)
    assert view.width == 800
    aspect = (view.north - view.south) / ((view.east - view.west) * math.cos(math.radians(HOME[0])))
    assert view.height == pytest.approx(800 * aspect, abs=2)


def test_it_puts_the_margin_around_the_points() -> None:
    view = MapView.around([HOME, MICHAELSCHULE], margin_m=150)

    assert geodesic_length(view.south, HOME[1], MICHAELSCHULE[0], HOME[1]) == pytest.approx(150, abs=1)
    assert geodesic_length(HOME[0], view.east, HOME[0], MICHAELSCHULE[1]) == pytest.approx(150, abs=1)
    for lat, lon in (HOME, MICHAELSCHULE):
        x, y = view.xy(lat, lon)
        assert 0 < x < view.width
        assert 0 < y < view.height


def test_a_click_converts_back_to_the_point() -> None:
    view = MapView.around([HOME, MICHAELSCHULE])

    x, y = view.xy(*HOME)
    lat, lon = view.latlon(x, y)

    assert geodesic_length(lat, lon, *HOME) < 0.01
    assert view.latlon(0, 0) == pytest.approx((view.north, view.west))
    assert view.latlon(view.width, view.height) == pytest.approx((view.south, view.east), abs=1e-5)


def test_an_empty_view_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one point"):
        MapView.around([])
    with pytest.raises(ValueError, match="Empty map view"):
        MapView(south=52.0, west=7.5, north=51.0, east=7.6)


def test_it_draws_every_street_of_gievenbeck(gievenbeck: Graph, whole: MapView) -> None:
    # An earlier test may leave English active in this thread; the attribution below is German.
    with translation.override("de"):
        svg = network_svg(gievenbeck, whole, title="Gievenbeck", description="Alle Fußwege")

    root = parse(svg)
    paths = root.findall(f"{SVG}path")
    assert [path.get("class") for path in paths] == ["map-street"]
    subpaths = paths[0].get("d", "").split("M")[1:]
    assert len(subpaths) == gievenbeck.edge_count
    first = subpaths[0].split()
    assert len(first) == len(gievenbeck.edge_geometry(0))
    x, y = (float(value) for value in first[0].split(","))
    expected = whole.xy(*gievenbeck.edge_geometry(0)[0])
    assert (x, y) == pytest.approx(expected, abs=0.051)
    assert re.fullmatch(r"-?\d+(\.\d)?,-?\d+(\.\d)?", first[0])
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.find(f"{SVG}title") is not None
    assert root.findtext(f"{SVG}title") == "Gievenbeck"
    assert root.findtext(f"{SVG}desc") == "Alle Fußwege"
    attribution = root.findall(f"{SVG}text")[-1]
    assert attribution.text == "© OpenStreetMap-Mitwirkende"
    assert float(attribution.get("x", 0)) > whole.width - 10
    assert float(attribution.get("y", 0)) > whole.height - 10


def test_the_attribution_is_in_the_visitors_language(gievenbeck: Graph) -> None:
    view = MapView.around([HOME, MICHAELSCHULE])

    with translation.override("en"):
        svg = network_svg(gievenbeck, view, title="Gievenbeck", description="Route")

    attribution = parse(svg).findall(f"{SVG}text")[-1]
    assert attribution.text == "© OpenStreetMap contributors"


def test_it_draws_the_whole_network_fast(gievenbeck: Graph, whole: MapView) -> None:
    started = time.perf_counter()
    network_svg(gievenbeck, whole, title="Gievenbeck", description="Alle Fußwege")
    # Measured about 10 ms for 3,962 edges and 12,626 points; the bound leaves room for slow CI.
    assert time.perf_counter() - started < 0.5


def test_it_leaves_out_streets_outside_the_view(gievenbeck: Graph) -> None:
    view = MapView.around([HOME], margin_m=200)

    svg = network_svg(gievenbeck, view, title="t", description="d")

    drawn = len(parse(svg).findall(f"{SVG}path")[0].get("d", "").split("M")) - 1
    assert 0 < drawn < gievenbeck.edge_count / 5


def test_edges_get_their_classes_and_lines_and_markers_follow(gievenbeck: Graph, whole: MapView) -> None:
    classes = ["map-near" if edge % 2 else "map-far" for edge in range(gievenbeck.edge_count)]
    route = gievenbeck.route(HOME, MICHAELSCHULE)

    svg = network_svg(
        gievenbeck,
        whole,
        title="t",
        description="d",
        edge_classes=classes,
        lines=[Line(route.coordinates, "map-route")],
        markers=[Marker(HOME[0], HOME[1], "Haustür", "map-start"), Marker(*MICHAELSCHULE, "<Schule>", "map-school")],
        element_id="route",
    )

    root = parse(svg)
    paths = root.findall(f"{SVG}path")
    assert [path.get("class") for path in paths] == ["map-far", "map-near", "map-route"]
    assert len(paths[0].get("d", "").split("M")) - 1 == (gievenbeck.edge_count + 1) // 2
    assert len(paths[2].get("d", "").split()) == len(route.coordinates)
    markers = root.findall(f"{SVG}g")
    assert [marker.get("class") for marker in markers] == ["map-marker map-start", "map-marker map-school"]
    assert [marker.findtext(f"{SVG}text") for marker in markers] == ["Haustür", "<Schule>"]
    assert "&lt;Schule&gt;" in svg
    circle = markers[0].find(f"{SVG}circle")
    assert circle is not None
    assert (float(circle.get("cx", 0)), float(circle.get("cy", 0))) == pytest.approx(whole.xy(*HOME), abs=0.051)
    assert root.get("aria-labelledby") == "route-title route-desc"


def test_wrong_edge_classes_are_refused(gievenbeck: Graph, whole: MapView) -> None:
    with pytest.raises(ValueError, match="edge_classes"):
        network_svg(gievenbeck, whole, title="t", description="d", edge_classes=["map-street"])


def test_text_is_escaped(gievenbeck: Graph) -> None:
    view = MapView.around([HOME], margin_m=50)
    svg = network_svg(gievenbeck, view, title='<script>"x"</script>', description="a & b")
    assert "<script>" not in svg
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == '<script>"x"</script>'
    assert root.findtext(f"{SVG}desc") == "a & b"


def test_a_tall_view_is_widened_to_a_square_and_keeps_its_points() -> None:
    north_south = [(51.9922231, 7.573842), (51.9756605, 7.5687009)]  # 1.8 km north–south, 350 m across
    tall = MapView.around(north_south, margin_m=150)
    assert tall.height > 2 * tall.width

    square = tall.no_taller_than(1.0)

    assert abs(square.height - square.width) <= 1
    assert (square.south, square.north) == (tall.south, tall.north)
    assert square.west < tall.west and square.east > tall.east
    assert (square.west + square.east) / 2 == pytest.approx((tall.west + tall.east) / 2)
    for lat, lon in north_south:
        x, y = square.xy(lat, lon)
        assert 0 < x < square.width and 0 < y < square.height


def test_a_wide_view_stays_as_it_is() -> None:
    wide = MapView.around([(51.9738389, 7.5582014), (51.9677932, 7.5812586)], margin_m=150)

    assert wide.no_taller_than(1.0) is wide
