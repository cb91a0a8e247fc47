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
