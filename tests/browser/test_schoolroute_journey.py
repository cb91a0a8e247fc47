"""The parents' school route page in a real browser, on the demo's network of Münster-Gievenbeck.

A parent finds the page from the home page, sends the form without a front door (error state),
clicks the front door on the map and gets the route, its length and the verdict; every state is
checked with axe. The same works without JavaScript, and the application button leads on.
"""

import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from rathaus.routing import Graph
from rathaus.schoolroute.models import StreetNetwork
from rathaus.schoolroute.selectors import street_network_graph
from rathaus.schoolroute.views import pick_view
from rathaus.site.demo import demo_load
from tests.browser.test_accessibility import assert_accessible
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME = (51.9738389, 7.5582014)  # Am Küchenbusch, as in the API's tests
MICHAELSCHULE = "119910"  # Grundschule, 2,047 m from HOME


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> Graph:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.GRAPH_DIR = str(tmp_path / "graphs")
    demo_load()
    return street_network_graph(StreetNetwork.all_tenants.get(municipality__slug="muenster"))


def click_front_door(page: Page, graph: Graph) -> float:
    """Clicks the front door on the map as shown (with JavaScript, scaled to its box); returns the scale."""
    image = page.locator("input[name=karte]")
    view = pick_view(graph)
    scale: float = image.evaluate("image => image.clientWidth") / view.width
    x, y = view.xy(*HOME)
    image.click(position={"x": x * scale, "y": y * scale})
    page.wait_for_url(re.compile(r"lat=\d"))
    return scale


def route_m(graph: Graph, start: tuple[float, float] = HOME) -> float:
    return graph.route(start, (51.9677932, 7.5812586)).length_m  # Michaelschule, Appelbreistiege 40


def expected_length(graph: Graph, start: tuple[float, float] = HOME) -> str:
    return f"{route_m(graph, start):,.0f} m".replace(",", ".")


def clicked_point(page: Page, graph: Graph, scale: float = 1) -> tuple[float, float]:
    """The point the click became (in the URL), checked to lie within a screen pixel of the front door."""
    query = parse_qs(urlsplit(page.url).query)
    point = float(query["lat"][0]), float(query["lon"][0])
    view = pick_view(graph)
    pixels = max(1, 1 / scale)  # map pixels per screen pixel
    assert abs(point[0] - HOME[0]) <= pixels * (view.north - view.south) / view.height
    assert abs(point[1] - HOME[1]) <= pixels * (view.east - view.west) / view.width
    return point


def test_a_parent_finds_the_route_and_the_verdict(page: Page, demo: Graph) -> None:
    page.goto("/muenster/")
    page.get_by_role("link", name="Schulweg und Schülerfahrkosten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schulweg und Schülerfahrkosten")
    assert_accessible(page)

    page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
    page.get_by_label("Klasse im kommenden Schuljahr").select_option("3")
    page.get_by_role("button", name="Schulweg berechnen").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("Breitengrad")).to_be_visible()  # the coordinates open at the error
    assert_accessible(page)

    scale = click_front_door(page, demo)
    expect(page.locator("#route-length")).to_have_text(expected_length(demo, clicked_point(page, demo, scale)))
    expect(page).not_to_have_title(re.compile("^Fehler:"))
    # The Wartburgschule is nearer and within 2 km: § 9 SchfkVO leaves nothing to pay.
    expect(page.get_by_text("Voraussichtlich nein: Eine nähere Schule derselben Schulform")).to_be_visible()
    expect(page.get_by_role("img", name="Schulweg: Michaelschule")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Schülerfahrkosten beantragen").click()
    expect(page).to_have_url(re.compile("/muenster/antrag/"))


def test_a_grade_the_school_does_not_teach_is_named(page: Page, demo: Graph) -> None:
    page.goto("/muenster/schulweg/")
    page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
    page.get_by_label("Klasse im kommenden Schuljahr").select_option("7")
    click_front_door(page, demo)

    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.locator("#error-summary")).to_contain_text("Klasse 7 gibt es an der Schulform Grundschule nicht")
    assert_accessible(page)


def test_the_school_route_works_without_javascript(browser: Any, live_server: Any, demo: Graph) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        page.goto("/muenster/schulweg/")
        page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
        page.get_by_label("Klasse im kommenden Schuljahr").select_option("3")
        click_front_door(page, demo)
        expect(page.locator("#route-length")).to_have_text(expected_length(demo, clicked_point(page, demo)))

        page.get_by_text("Koordinaten eingeben").click()
        page.get_by_label("Breitengrad").fill("51,9738389")
        page.get_by_label("Längengrad").fill("7,5582014")
        page.get_by_label("Längengrad").press("Enter")
        expect(page.locator("#route-length")).to_have_text(expected_length(demo))


PHONE = {"width": 390, "height": 844}


def page_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def scrolled_left(box: Locator) -> int:
    """The box's horizontal scroll position once it has moved (keyboard scrolling is animated)."""
    for _attempt in range(40):
        left: int = box.evaluate("box => box.scrollLeft")
        if left > 0:
            break
        box.page.wait_for_timeout(50)
    return left


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line distance of two nearby points (equirectangular, as the map draws them)."""
    north_m = (a[0] - b[0]) * 111_195
    east_m = (a[1] - b[1]) * 111_195 * math.cos(math.radians(a[0]))
    return math.hypot(north_m, east_m)


def choose_school(page: Page) -> None:
    page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
    page.get_by_label("Klasse im kommenden Schuljahr").select_option("3")


def test_on_a_phone_without_javascript_only_the_map_box_scrolls(browser: Any, live_server: Any, demo: Graph) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False, viewport=PHONE) as page:
        page.goto("/muenster/schulweg/")
        assert page_width(page) <= PHONE["width"]
        box = page.get_by_role("region", name="Karte zum Anklicken, verschiebbar")
        assert page.locator("input[name=karte]").evaluate("image => image.clientWidth") == pick_view(demo).width
        assert box.evaluate("box => box.scrollWidth > box.clientWidth")
        box.focus()
        page.keyboard.press("ArrowRight")
        assert scrolled_left(box) > 0  # the keyboard moves the map in its box

        choose_school(page)
        click_front_door(page, demo)
        expect(page.locator("#route-length")).to_have_text(expected_length(demo, clicked_point(page, demo)))
        assert page_width(page) <= PHONE["width"]
        result = page.url

    # axe needs JavaScript: it checks the same pages with only the page's own script kept away.
    with browser_page(browser, live_server.url, viewport=PHONE) as page:
        page.route("**/schoolmap.js", lambda route: route.abort())
        for url in ("/muenster/schulweg/", result):
            page.goto(url)
            expect(page.get_by_role("region", name="Karte zum Anklicken, verschiebbar")).to_be_visible()
            assert_accessible(page)


def test_on_a_phone_the_map_fits_and_a_tap_hits_the_unscaled_point(browser: Any, live_server: Any, demo: Graph) -> None:
    with browser_page(browser, live_server.url, viewport=PHONE, has_touch=True) as page:
        page.goto("/muenster/schulweg/")
        image = page.locator("input[name=karte]")
        view = pick_view(demo)
        scale: float = image.evaluate("image => image.clientWidth") / view.width
        assert scale < 0.5  # scaled to the box, not 800 px wide
        assert page_width(page) <= PHONE["width"]
        expect(page.get_by_role("region", name="Karte zum Anklicken, verschiebbar")).to_have_count(0)
        expect(page.locator("#pick-hint")).to_contain_text("mit zwei Fingern")
        assert_accessible(page)

        choose_school(page)
        x, y = view.xy(*HOME)
        image.tap(position={"x": x * scale, "y": y * scale})
        page.wait_for_url(re.compile(r"lat=\d"))
        point = clicked_point(page, demo, scale)  # the tap, converted to the map's own pixels
        expect(page.locator("#route-length")).to_have_text(expected_length(demo, point))
        # A screen pixel covers 1 / scale map pixels, so the tap and the unscaled click may be that far
        # apart; the route differs by no more than the way between them.
        unscaled = view.latlon(round(x), round(y))
        assert abs(route_m(demo, point) - route_m(demo, unscaled)) <= metres_between(point, unscaled) + 0.5
        assert page_width(page) <= PHONE["width"]
        assert_accessible(page)

        # Enter in a coordinate field is no click on the map: the typed point counts.
        page.get_by_text("Koordinaten eingeben").click()
        page.get_by_label("Breitengrad").fill("51,9738389")
        page.get_by_label("Längengrad").fill("7,5582014")
        page.get_by_label("Längengrad").press("Enter")
        expect(page.locator("#route-length")).to_have_text(expected_length(demo))


TILE = '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#eee"/></svg>'


def test_with_a_tile_server_the_maps_are_on_tiles(page: Page, demo: Graph, settings: Any) -> None:
    settings.SCHOOLROUTE_TILE_URL = "https://tiles.test/{z}/{x}/{y}.png"
    tiles: list[str] = []

    def serve_tile(route: Any) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/svg+xml", body=TILE)

    page.route("https://tiles.test/**", serve_tile)
    page.goto("/muenster/schulweg/")
    page.get_by_label("Schule", exact=True).select_option(MICHAELSCHULE)
    page.get_by_label("Klasse im kommenden Schuljahr").select_option("3")
    pick = page.get_by_role("region", name=re.compile("Karte des Straßennetzes"))
    expect(pick).to_be_visible()
    expect(page.locator("input[name=karte]")).to_have_count(0)
    expect(page.locator("#pick-hint")).to_contain_text("Mausrad")
    assert_accessible(page)

    box = pick.bounding_box()
    assert box is not None
    pick.click(position={"x": box["width"] / 2, "y": box["height"] / 2})

    page.wait_for_url(re.compile(r"lat=\d"))
    clicked = parse_qs(urlsplit(page.url).query)
    view = pick_view(demo)  # the tile map shows the same area: its centre is the view's centre
    assert abs(float(clicked["lat"][0]) - (view.north + view.south) / 2) < 0.002
    assert abs(float(clicked["lon"][0]) - (view.east + view.west) / 2) < 0.002
    expect(page.locator("#route-length")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("^Schulweg: Michaelschule"))).to_be_visible()
    expect(page.locator(".leaflet-tooltip", has_text="Haustür")).to_be_visible()
    assert tiles
    assert all(re.fullmatch(r"https://tiles\.test/\d+/\d+/\d+\.png", url) for url in tiles)
    expect(page.locator(".leaflet-control-attribution")).to_have_count(2)
    for attribution in page.locator(".leaflet-control-attribution").all():
        expect(attribution).to_contain_text("© OpenStreetMap-Mitwirkende")
    assert_accessible(page)
