"""Geocoding addresses: OSM and NRW house coordinates, normalisation, suggestions, bad files."""

import gzip
import json
import zipfile
from typing import Any

import numpy as np
import osmium
import pyproj
import pytest

from rathaus.routing import (
    AddressFileError,
    AddressIndex,
    AddressNotFound,
    AmbiguousAddress,
    normalize_housenumber,
    normalize_street,
)

from .conftest import DATA, write_osm

ESSEN = DATA / "hauskoordinaten_essen_subset.geojson"
BAYREUTH = DATA / "north-bayreuth.osm.gz"


@pytest.fixture(scope="module")
def essen() -> AddressIndex:
    return AddressIndex.from_house_coordinates(ESSEN)


@pytest.fixture(scope="module")
def bayreuth() -> AddressIndex:
    return AddressIndex.from_osm(BAYREUTH)


def essen_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ESSEN.read_text(encoding="utf-8"))["features"]
    return rows


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("Karl Marx Str.", "Karl-Marx-Straße"),
        ("karl-marx-strasse", "Karl-Marx-Straße"),
        ("KARL MARX STR", "Karl-Marx-Straße"),
        ("Heissener Strasse", "Heißener Str."),
        ("Heißenerstr.", "Heißener Str."),
        ("  heißener   straße ", "Heißener Str."),
        ("Aebtissinsteig", "Äbtissinsteig"),
        ("Am Schloß Schellenberg", "Am Schloss Schellenberg"),
        ("August Thyssen Strasse", "August-Thyssen-Str."),
        ("Alfredstrasse", "Alfredstr."),
        ("Sankt-Georgen-Str", "Sankt Georgen Straße"),
    ],
)
def test_spellings_of_one_street_normalise_alike(written, official):
    assert normalize_street(written) == normalize_street(official)


def test_different_streets_stay_different():
    assert normalize_street("Heißener Str.") != normalize_street("Meißener Str.")
    assert normalize_street("Benno-Strauß-Str.") == "bennostraussstrasse"  # "Strauß" is no "Straße"
    assert normalize_street("Alfredstr.") != normalize_street("Alfred")


@pytest.mark.parametrize(("written", "key"), [("12a", "12a"), ("12 a", "12a"), ("12 A", "12a"), ("12 - 14", "12-14")])
def test_house_numbers_normalise_case_and_spaces(written, key):
    assert normalize_housenumber(written) == key


def test_every_essen_row_with_a_house_number_is_found_at_its_coordinates(essen):
    rows = [row for row in essen_rows() if row["properties"].get("hsnr")]
    rows = [row for row in rows if not row["properties"]["strname"].startswith("###")]
    assert len(essen) == len(rows) == 383
    for row in rows:
        properties = row["properties"]
        number = properties["hsnr"] + properties.get("hsnrzu", "")
        address = essen.lookup(properties["strname"], number)
        lon, lat = row["geometry"]["coordinates"]
        assert (address.lat, address.lon) == (lat, lon)
        assert address.housenumber == number
        assert address.source == "hk"


def test_a_looser_spelling_finds_the_same_essen_house(essen):
    address = essen.lookup("heissener strasse", "58 a")
    assert address.street == "Heißener Straße"
    assert address.housenumber == "58A"
    assert (address.lat, address.lon) == pytest.approx((51.462282385929335, 6.943447222782866), abs=1e-12)


def test_streets_are_sorted_and_rows_without_a_name_or_number_are_left_out(essen):
    assert essen.streets() == [
        "Äbtissinsteig",
        "Alfredstraße",
        "Am Schloss Schellenberg",
        "August-Thyssen-Straße",
        "Heißener Straße",
        "Meißener Straße",
    ]


def test_the_published_zip_reads_the_same_as_the_geojson(tmp_path, essen):
    archive = tmp_path / "hauskoordinaten.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("_hinweis.txt", "Stadt Essen")
        bundle.write(ESSEN, "hauskoordinaten_essen.geojson")
    from_zip = AddressIndex.from_house_coordinates(archive)
    assert list(from_zip) == list(essen)


def test_a_street_typo_suggests_the_closest_streets(essen):
    with pytest.raises(AddressNotFound) as caught:
        essen.lookup("Heisener Str", "58")
    assert caught.value.suggestions[:2] == ["Heißener Straße", "Meißener Straße"]
    assert not caught.value.street_known
    assert "Meinten Sie" in caught.value.german and "Did you mean" in caught.value.english


def test_the_beginning_of_a_street_name_suggests_it(essen):
    with pytest.raises(AddressNotFound) as caught:
        essen.lookup("Alfred", "1")
    assert caught.value.suggestions == ["Alfredstraße"]


def test_a_missing_house_number_suggests_existing_neighbours_and_never_guesses(essen):
    # Heißener Str. has 105 and 113, 113A but no 109: no point between them is invented.
    with pytest.raises(AddressNotFound) as caught:
        essen.lookup("Heißener Str.", "109")
    assert caught.value.street_known
    assert caught.value.suggestions == ["105", "113", "113A", "116", "117"]
    assert "109" in caught.value.german and "Nearest existing numbers: 105, 113" in caught.value.english


def test_a_missing_suffix_suggests_the_same_number_first(essen):
    with pytest.raises(AddressNotFound) as caught:
        essen.lookup("Heißener Str.", "66c")
    assert caught.value.suggestions == ["65", "66", "66A", "66B", "67"]


def test_an_unknown_street_with_nothing_close_gets_no_suggestions(essen):
    with pytest.raises(AddressNotFound) as caught:
        essen.lookup("Zzyzx Road", "1")
    assert caught.value.suggestions == []
    assert "keine bekannte Straße ähnelt ihr" in caught.value.german
    assert "no known street is similar" in caught.value.english


def test_north_bayreuth_reads_nodes_and_building_outlines(bayreuth):
    assert 750 <= len(bayreuth) <= 800
    sources = {address.source for address in bayreuth}
    assert sources == {"osm:node", "osm:building"}
    assert "Stöckigstraße" in bayreuth.streets() and "St.-Georgen-Straße" in bayreuth.streets()


def test_an_address_node_is_found_at_the_node(bayreuth):
    # Node 1917465673: Eichenstraße 7, Bindlach; its building outline (way 104362974) says the same.
    address = bayreuth.lookup("Eichenstr.", "7")
    assert (address.lat, address.lon) == (49.9775483, 11.6008409)
    assert (address.source, address.city) == ("osm:node", "Bindlach")


def test_a_building_address_is_found_at_the_outline_centroid(bayreuth):
    ring = []
    for obj in osmium.FileProcessor(str(BAYREUTH), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if isinstance(obj, osmium.osm.Way) and obj.id == 104656923:
            ring = [(node.location.lon, node.location.lat) for node in obj.nodes]
    # Independent reference: the polygon centroid in UTM zone 32, projected back.
    utm = pyproj.Transformer.from_crs(4326, 25832, always_xy=True)
    projected = utm.transform([lon for lon, _ in ring], [lat for _, lat in ring])
    x, y = np.array(projected[0]), np.array(projected[1])
    x0, y0 = x[0], y[0]
    x, y = x - x0, y - y0  # UTM metres are large: shift to the first corner to keep the digits
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    cx, cy = ((x[:-1] + x[1:]) * cross).sum() / (6 * area), ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    lon, lat = utm.transform(cx + x0, cy + y0, direction="INVERSE")
    address = bayreuth.lookup("Hauptstraße", "2", city="Bindlach")
    assert address.source == "osm:building"
    assert address.lat == pytest.approx(lat, abs=2e-6) and address.lon == pytest.approx(lon, abs=2e-6)


def test_the_same_street_in_two_villages_needs_the_place(bayreuth):
    with pytest.raises(AmbiguousAddress) as caught:
        bayreuth.lookup("Hauptstraße", "2")
    assert caught.value.suggestions == ["Bindlach", "Heinersreuth"]
    assert bayreuth.lookup("hauptstr.", "2", city="heinersreuth").lat == 49.9872438


def test_typos_and_missing_numbers_in_north_bayreuth(bayreuth):
    with pytest.raises(AddressNotFound) as caught:
        bayreuth.lookup("Stökigstrasse", "2")
    assert caught.value.suggestions[0] == "Stöckigstraße"
    with pytest.raises(AddressNotFound) as caught:
        bayreuth.lookup("Stöckigstraße", "99")
    assert caught.value.suggestions == ["33", "35", "37", "39", "126"]


def test_entrances_beat_nodes_and_outlines_and_number_lists_are_split(tmp_path):
    path = write_osm(
        tmp_path / "house.osm",
        '<node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.0" lon="11.001"/>'
        '<node id="3" lat="50.001" lon="11.001"/><node id="4" lat="50.001" lon="11.0"/>'
        '<node id="5" lat="50.0" lon="11.0005"><tag k="entrance" v="main"/>'
        '<tag k="addr:street" v="Karl-Marx-Straße"/><tag k="addr:housenumber" v="12a"/></node>'
        '<node id="6" lat="50.0003" lon="11.0003"><tag k="addr:place" v="Dörflas"/>'
        '<tag k="addr:housenumber" v="2"/></node>'
        '<way id="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>'
        '<tag k="building" v="yes"/><tag k="addr:street" v="Karl-Marx-Straße"/>'
        '<tag k="addr:housenumber" v="12a;14"/></way>',
    )
    index = AddressIndex.from_osm(path)
    entrance = index.lookup("Karl Marx Str.", "12 A")
    assert (entrance.lat, entrance.lon, entrance.source) == (50.0, 11.0005, "osm:entrance")
    outline = index.lookup("Karl Marx Str.", "14")
    assert outline.source == "osm:building"
    assert (outline.lat, outline.lon) == pytest.approx((50.0005, 11.0005), abs=1e-9)
    assert index.lookup("Dörflas", "2").source == "osm:node"
    assert len(index) == 3


def test_pbf_files_are_read(tmp_path):
    index = AddressIndex.from_osm(DATA / "Hoyerswerda.osm.pbf")
    assert len(index) > 150
    assert any(address.source == "osm:entrance" for address in index)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.osm", b"", "ist leer"),
        ("broken.osm", b"<osm><node id=", "corrupt"),
        # mtime=0: the same bytes in every process, so parallel workers collect the same test ids.
        ("broken.osm.gz", gzip.compress(b"not xml at all", mtime=0), "beschädigt"),
        ("roads.osm", b'<osm version="0.6"><node id="1" lat="50" lon="11"/></osm>', "contains no addresses"),
    ],
)
def test_bad_osm_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AddressFileError, match=message):
        AddressIndex.from_osm(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.geojson", b"", "is empty"),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [', "beschädigt"),
        ("list.geojson", b"[1, 2]", "corrupt"),
        ("none.geojson", b'{"type": "FeatureCollection", "features": []}', "enthält keine Adressen"),
        ("broken.zip", b"PK\x03\x04 truncated", "corrupt"),
        (
            "utm.geojson",
            b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4647"}},'
            b' "features": []}',
            "only WGS84",
        ),
    ],
)
def test_bad_house_coordinate_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AddressFileError, match=message):
        AddressIndex.from_house_coordinates(path)


def test_a_zip_without_geojson_and_a_missing_file_are_refused(tmp_path):
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "nothing here")
    with pytest.raises(AddressFileError, match="keine GeoJSON-Datei"):
        AddressIndex.from_house_coordinates(archive)
    with pytest.raises(AddressFileError, match="does not exist"):
        AddressIndex.from_house_coordinates(tmp_path / "missing.geojson")


def test_save_and_load_give_the_same_index(tmp_path, bayreuth):
    path = tmp_path / "addresses.json"
    bayreuth.save(path)
    loaded = AddressIndex.load(path)
    assert list(loaded) == list(bayreuth)
    assert loaded.streets() == bayreuth.streets()
    assert loaded.lookup("Hauptstraße", "2", city="Bindlach") == bayreuth.lookup("Hauptstraße", "2", city="Bindlach")


def test_loading_a_foreign_or_missing_file_is_refused(tmp_path):
    with pytest.raises(AddressFileError, match="not a saved address index"):
        AddressIndex.load(ESSEN)
    with pytest.raises(AddressFileError, match="kein gespeichertes Adressverzeichnis"):
        AddressIndex.load(tmp_path / "missing.json")
