from pathlib import Path

import pytest

from rathaus.routing import Graph

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def north_bayreuth() -> Graph:
    return Graph.from_osm(DATA / "north-bayreuth.osm.gz")


@pytest.fixture(scope="session")
def gievenbeck() -> Graph:
    return Graph.from_osm(DATA / "muenster_gievenbeck_overpass_2019.geojson")


def write_osm(path: Path, body: str) -> Path:
    """A tiny OSM XML file; `body` holds <node> and <way> elements."""
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n{body}\n</osm>\n')
    return path


def islands(tmp_path: Path) -> Graph:
    """Two footways 220 m apart that do not connect: (50.0, 11.0)–(50.0, 11.001) and (50.002, …)."""
    return Graph.from_osm(
        write_osm(
            tmp_path / "islands.osm",
            '<node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.0" lon="11.001"/>'
            '<node id="3" lat="50.002" lon="11.0"/><node id="4" lat="50.002" lon="11.001"/>'
            '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way>'
            '<way id="2"><nd ref="3"/><nd ref="4"/><tag k="highway" v="footway"/></way>',
        )
    )
