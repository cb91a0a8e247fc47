from importlib import resources
from typing import Any

import pytest

from rathaus.municipalities.models import Municipality
from rathaus.routing import AddressIndex, Graph
from rathaus.schoolroute.models import School
from rathaus.schoolroute.services import schools_import, schools_read_csv, street_network_import
from rathaus.site.demo import demo_load
from rathaus.testing import make_municipality

NORTH_BAYREUTH = "north-bayreuth.osm.gz"
# A test school placed on the real address point Schulstraße 12, Bindlach, of the OSM file: the
# file has no school features, and the NRW school list has no Bavarian schools.
BINDLACH_SCHOOL = "900001"
BINDLACH_SCHOOL_ADDRESS = ("Schulstraße", "12")

GIEVENBECK = "muenster_gievenbeck_overpass_2019.geojson"
# A point on Am Küchenbusch (residential street in Gievenbeck, taken from the GeoJSON).
HOME = (51.9738389, 7.5582014)
MICHAELSCHULE = "119910"  # Grundschule, about 2 km from HOME
WARTBURGSCHULE = "119921"  # Grundschule, the nearest one to HOME
GYMNASIUM = "167915"


@pytest.fixture(scope="session")
def gievenbeck() -> Graph:
    """The Gievenbeck graph built straight from the shipped file, independent of the import and the cache."""
    with resources.as_file(resources.files("rathaus.routing").joinpath("data", GIEVENBECK)) as path:
        return Graph.from_osm(path)


@pytest.fixture
def demo(db: None, settings: Any) -> Municipality:
    """The demo loaded; returns Münster, whose Gievenbeck network and schools the tests route on."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()
    return Municipality.objects.get(slug="muenster")


def school_point(schulnummer: str) -> tuple[float, float]:
    school = School.all_tenants.get(municipality__slug="muenster", schulnummer=schulnummer)
    assert school.latitude is not None and school.longitude is not None
    return school.latitude, school.longitude


def shipped_csv(name: str) -> str:
    return resources.files("rathaus.schoolroute").joinpath("data", name).read_text(encoding="utf-8")


@pytest.fixture
def soest_schools(soest: Municipality) -> list[School]:
    schools_import(municipality=soest, rows=schools_read_csv(shipped_csv("soest.csv")))
    return list(School.all_tenants.filter(municipality=soest))


@pytest.fixture(scope="session")
def north_bayreuth_addresses() -> AddressIndex:
    """The 788 address points of the North-Bayreuth extract, read straight from the shipped file."""
    with resources.as_file(resources.files("rathaus.routing").joinpath("data", NORTH_BAYREUTH)) as path:
        return AddressIndex.from_osm(path)


@pytest.fixture
def bayreuth(db: None, north_bayreuth_addresses: AddressIndex) -> Municipality:
    """Bindlach (Bavaria) with the North-Bayreuth street network and its OSM addresses (addr:*),
    and one test Grundschule: the municipality where the school route works by street and number."""
    bindlach = make_municipality(
        ags="09472119", slug="bindlach", name="Gemeinde Bindlach", city="Bindlach", postal_code="95463"
    )
    with resources.as_file(resources.files("rathaus.routing").joinpath("data", NORTH_BAYREUTH)) as path:
        street_network_import(municipality=bindlach, path=path)
    school_point = north_bayreuth_addresses.lookup(*BINDLACH_SCHOOL_ADDRESS)
    School.all_tenants.create(
        municipality=bindlach,
        schulnummer=BINDLACH_SCHOOL,
        name="Testschule an der Schulstraße",
        schulform="Grundschule",
        street=BINDLACH_SCHOOL_ADDRESS[0],
        house_number=BINDLACH_SCHOOL_ADDRESS[1],
        postal_code="95463",
        city="Bindlach",
        latitude=school_point.lat,
        longitude=school_point.lon,
    )
    return bindlach
