"""The importer: every shipped format, the walking rules, saving and loading, bad files."""

import bz2
import gzip
import math
import shutil

import numpy as np
import pytest

from rathaus.routing import Graph, GraphFileError, OsmImportError

from .conftest import DATA, write_osm


@pytest.mark.parametrize(
    ("name", "min_edges"),
    [
        ("bautzen.osm", 20),
        ("north-bayreuth.osm.gz", 3_000),
        ("Hoyerswerda.osm.pbf", 500),
        ("muenster_gievenbeck_overpass_2019.geojson", 2_000),
    ],
)
def test_it_reads_every_shipped_format(name, min_edges):
    graph = Graph.from_osm(DATA / name)
    assert graph.edge_count >= min_edges
    assert np.all(graph.edge_length >= 0) and np.all(np.isfinite(graph.edge_length))
    assert set(np.unique(np.concatenate([graph.edge_u, graph.edge_v]))) == set(range(graph.node_count))


def test_it_reads_bz2_and_gz_the_same_as_plain_xml(tmp_path):
    plain = Graph.from_osm(DATA / "bautzen.osm")
    compressed = tmp_path / "bautzen.osm.bz2"
    compressed.write_bytes(bz2.compress((DATA / "bautzen.osm").read_bytes()))
    gzipped = tmp_path / "bautzen.osm.gz"
    gzipped.write_bytes(gzip.compress((DATA / "bautzen.osm").read_bytes()))
    for path in (compressed, gzipped):
        graph = Graph.from_osm(path)
        assert list(graph.edges()) == list(plain.edges())


def test_edge_lengths_are_geodesic_along_the_way_geometry(tmp_path):
    graph = Graph.from_osm(
        write_osm(
            tmp_path / "bend.osm",
            '<node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.001" lon="11.0"/>'
            '<node id="3" lat="50.001" lon="11.001"/>'
            '<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>',
        )
    )
    # 0.001° of latitude at 50° N is 111.229 m on WGS84; 0.001° of longitude there is 71.696 m.
    [(u, v, length)] = graph.edges()
    assert (u, v) == (0, 1)
    assert length == pytest.approx(111.229 + 71.696, abs=0.01)
    assert graph.edge_geometry(0) == [(50.0, 11.0), (50.001, 11.0), (50.001, 11.001)]


WAYS = {
    "motorway": '<tag k="highway" v="motorway"/>',
    "trunk_with_sidewalks": '<tag k="highway" v="trunk"/><tag k="sidewalk" v="both"/>',
    "trunk": '<tag k="highway" v="trunk"/>',
    "foot_no": '<tag k="highway" v="residential"/><tag k="foot" v="no"/>',
    "private": '<tag k="highway" v="service"/><tag k="access" v="private"/>',
    "private_but_foot": '<tag k="highway" v="service"/><tag k="access" v="private"/><tag k="foot" v="permissive"/>',
    "cycleway": '<tag k="highway" v="cycleway"/>',
    "bridleway": '<tag k="highway" v="bridleway"/>',
    "bridleway_foot": '<tag k="highway" v="bridleway"/><tag k="foot" v="designated"/>',
    "steps": '<tag k="highway" v="steps"/>',
    "building": '<tag k="building" v="yes"/>',
}
WALKABLE = {"trunk_with_sidewalks", "private_but_foot", "cycleway", "bridleway_foot", "steps"}


def test_only_ways_a_pupil_may_walk_become_edges(tmp_path):
    # Each way runs east at its own latitude, so it stays a separate edge; way 99 is a closed square
    # pedestrian area, walkable along its outline.
    body = []
    for i, tags in enumerate(WAYS.values()):
        lat = 50 + i * 0.001
        body.append(f'<node id="{2 * i + 1}" lat="{lat}" lon="11.0"/><node id="{2 * i + 2}" lat="{lat}" lon="11.001"/>')
        body.append(f'<way id="{i + 1}"><nd ref="{2 * i + 1}"/><nd ref="{2 * i + 2}"/>{tags}</way>')
    body.append(
        '<node id="91" lat="49.9" lon="11.0"/><node id="92" lat="49.9" lon="11.001"/>'
        '<node id="93" lat="49.901" lon="11.001"/><node id="94" lat="49.901" lon="11.0"/>'
        '<way id="99"><nd ref="91"/><nd ref="92"/><nd ref="93"/><nd ref="94"/><nd ref="91"/>'
        '<tag k="highway" v="pedestrian"/><tag k="area" v="yes"/></way>'
    )
    graph = Graph.from_osm(write_osm(tmp_path / "rules.osm", "".join(body)))
    latitudes = {round(lat, 3) for lat in graph.geometry_lat.tolist()}
    names = list(WAYS)
    walked = {names[i] for i in range(len(names)) if round(50 + i * 0.001, 3) in latitudes}
    assert walked == WALKABLE
    assert {49.9, 49.901} <= latitudes
    outline = graph.route((49.8999, 11.0005), (49.9011, 11.0005))
    assert outline.length_m > 111 + 71  # round the square, not across it


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"<osm><node id='1' lat='50' lon=", "corrupt"),
        (b"\x00\x01 not an osm file at all", "corrupt"),
        (b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="50" lon="11"/></osm>', "no walkable ways"),
    ],
)
def test_bad_osm_files_are_refused_clearly(tmp_path, content, message):
    path = tmp_path / "bad.osm"
    path.write_bytes(content)
    with pytest.raises(OsmImportError, match=message):
        Graph.from_osm(path)


def test_bad_geojson_and_missing_files_are_refused_clearly(tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(OsmImportError, match="beschädigt"):
        Graph.from_osm(broken)
    with pytest.raises(OsmImportError, match="does not exist"):
        Graph.from_osm(tmp_path / "missing.osm.pbf")
    corrupt_pbf = tmp_path / "corrupt.osm.pbf"
    corrupt_pbf.write_bytes(b"\x00\x00\x00\x0dnot a pbf block at all")
    with pytest.raises(OsmImportError):
        Graph.from_osm(corrupt_pbf)


def test_save_and_load_give_the_same_graph(tmp_path, gievenbeck):
    path = tmp_path / "gievenbeck.npz"
    gievenbeck.save(path)
    loaded = Graph.load(path)
    assert list(loaded.edges()) == list(gievenbeck.edges())
    assert list(loaded.nodes()) == list(gievenbeck.nodes())
    assert loaded.edge_geometry(17) == gievenbeck.edge_geometry(17)
    start, end = (51.9650, 7.5600), (51.9800, 7.5800)
    assert loaded.route(start, end).length_m == gievenbeck.route(start, end).length_m
    assert [p.name for p in tmp_path.iterdir()] == ["gievenbeck.npz"]  # no temporary file left


def test_loading_a_missing_or_foreign_file_is_refused(tmp_path):
    with pytest.raises(GraphFileError, match="missing or unreadable"):
        Graph.load(tmp_path / "nothing.npz")
    foreign = tmp_path / "foreign.npz"
    shutil.copy(DATA / "bautzen.osm", foreign)
    with pytest.raises(GraphFileError):
        Graph.load(foreign)


def test_a_graph_file_of_the_first_version_asks_for_a_new_import(tmp_path, gievenbeck):
    old = tmp_path / "old.npz"
    arrays = {name: value for name, value in gievenbeck._arrays().items() if not name.startswith("ch_")}
    np.savez(old, format_version=np.int64(1), **arrays)
    with pytest.raises(GraphFileError, match="bitte das Straßennetz neu importieren"):
        Graph.load(old)


def test_the_uncontracted_graph_gives_the_same_routes(gievenbeck):
    full = Graph.from_osm(DATA / "muenster_gievenbeck_overpass_2019.geojson", contract=False)
    assert full.node_count > gievenbeck.node_count
    for start, end in [((51.9650, 7.5600), (51.9800, 7.5800)), ((51.9700, 7.5500), (51.9900, 7.5900))]:
        a, b = full.route(start, end).length_m, gievenbeck.route(start, end).length_m
        assert math.isclose(a, b, abs_tol=0.01)
