"""A school route ends at the school's nearest entrance where OSM maps its grounds with entrances."""

from pathlib import Path

import pytest

from rathaus.municipalities.models import Municipality
from rathaus.routing import Graph, read_school_grounds, school_destinations
from rathaus.schoolroute.models import School
from rathaus.schoolroute.selectors import street_network_get, street_network_grounds
from rathaus.schoolroute.services import street_network_import
from rathaus.schoolroute.verdict import school_route_check

pytestmark = pytest.mark.django_db

CENTRE = (51.0010, 7.0050)  # where the geocoder put the school: the middle of its grounds
SOUTH_DOOR = (51.0005, 7.0055)
NORTH_DOOR = (51.0015, 7.0050)
# A street along 51.000 and one along 51.002, joined in the east at 7.010; footways lead from
# each street to one entrance on the outline of the school grounds (51.0005–51.0015, 7.004–7.006).
OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="51.0000" lon="7.0000"/>
  <node id="2" lat="51.0000" lon="7.0055"/>
  <node id="3" lat="51.0000" lon="7.0100"/>
  <node id="4" lat="51.0020" lon="7.0100"/>
  <node id="5" lat="51.0020" lon="7.0050"/>
  <node id="6" lat="51.0020" lon="7.0000"/>
  <node id="10" lat="51.0005" lon="7.0040"/>
  <node id="11" lat="51.0005" lon="7.0055"><tag k="entrance" v="main"/></node>
  <node id="12" lat="51.0005" lon="7.0060"/>
  <node id="13" lat="51.0015" lon="7.0060"/>
  <node id="14" lat="51.0015" lon="7.0050"><tag k="entrance" v="yes"/></node>
  <node id="15" lat="51.0015" lon="7.0040"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/>
    <tag k="highway" v="residential"/></way>
  <way id="101"><nd ref="2"/><nd ref="11"/><tag k="highway" v="footway"/></way>
  <way id="102"><nd ref="5"/><nd ref="14"/><tag k="highway" v="footway"/></way>
  <way id="200"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="15"/><nd ref="10"/>
    <tag k="amenity" v="school"/><tag k="name" v="Testschule"/></way>
</osm>
"""


@pytest.fixture
def osm_file(tmp_path: Path) -> Path:
    path = tmp_path / "schule.osm"
    path.write_text(OSM)
    return path


@pytest.fixture
def school(soest: Municipality, osm_file: Path) -> School:
    street_network_import(municipality=soest, path=osm_file)
    return School.all_tenants.create(
        municipality=soest,
        schulnummer="100001",
        name="Testschule",
        schulform="Grundschule",
        street="Teststraße",
        postal_code="59494",
        city="Soest",
        latitude=CENTRE[0],
        longitude=CENTRE[1],
    )


def test_the_grounds_and_both_entrances_are_read(osm_file: Path) -> None:
    [grounds] = read_school_grounds(osm_file)

    assert grounds.name == "Testschule"
    assert set(grounds.entrances) == {SOUTH_DOOR, NORTH_DOOR}
    assert grounds.contains(*CENTRE)
    assert not grounds.contains(51.0, 7.0)
    assert school_destinations([grounds], CENTRE) == list(grounds.entrances)
    assert school_destinations([grounds], (51.0, 7.0)) == [(51.0, 7.0)]


@pytest.mark.parametrize(("start", "door"), [((51.0, 7.0), SOUTH_DOOR), ((51.002, 7.0), NORTH_DOOR)])
def test_the_route_ends_at_the_nearest_entrance(
    school: School, osm_file: Path, start: tuple[float, float], door: tuple[float, float]
) -> None:
    graph = Graph.from_osm(osm_file)
    network = street_network_get(municipality=school.municipality)
    assert network is not None
    grounds = street_network_grounds(network)
    assert len(grounds) == 1

    result = school_route_check(graph=graph, grounds=grounds, school=school, start=start, grade=1, schools=[school])

    assert result.route.length_m == pytest.approx(graph.route(start, door).length_m, abs=1e-9)
    assert result.route.coordinates[-1] == pytest.approx(door)
    assert result.route.length_m != pytest.approx(graph.route(start, CENTRE).length_m, abs=1.0)


def test_without_grounds_the_route_ends_at_the_address_point(school: School, osm_file: Path) -> None:
    graph = Graph.from_osm(osm_file)

    result = school_route_check(graph=graph, grounds=[], school=school, start=(51.0, 7.0), grade=1, schools=[school])

    assert result.route.length_m == pytest.approx(graph.route((51.0, 7.0), CENTRE).length_m, abs=1e-9)


def test_an_extract_without_addresses_clears_the_addresses_of_the_one_it_replaces(
    bayreuth: Municipality, osm_file: Path
) -> None:
    street_network_import(municipality=bayreuth, path=osm_file)

    network = street_network_get(municipality=bayreuth)
    assert network is not None
    assert (network.source_name, network.address_count, network.address_file) == ("schule.osm", 0, "")
