"""Reading walkable ways from OSM files (XML, gz, bz2, PBF via pyosmium) and Overpass GeoJSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import osmium

from ._errors import OsmImportError
from ._tags import is_walkable

Progress = Callable[[str], None]
PROGRESS_EVERY = 20_000
GEOJSON_SUFFIXES = (".geojson", ".json")
# Overpass GeoJSON has no node ids; coordinates rounded to OSM's 1e-7 degrees identify a node.
COORDINATE_SCALE = 10_000_000


@dataclass(frozen=True, slots=True)
class Way:
    """One walkable way: its node ids and their coordinates, in order."""

    node_ids: list[int]
    lats: list[float]
    lons: list[float]


def read_ways(path: Path, progress: Progress | None = None) -> list[Way]:
    """All walkable ways of an OSM or GeoJSON file; raises OsmImportError on a bad file."""
    if not path.is_file():
        raise OsmImportError(f"Die Datei {path} gibt es nicht.", f"The file {path} does not exist.")
    if path.stat().st_size == 0:
        raise OsmImportError(f"Die Datei {path} ist leer.", f"The file {path} is empty.")
    reader = _geojson_ways if path.name.lower().endswith(GEOJSON_SUFFIXES) else _osmium_ways
    try:
        ways = list(_with_progress(reader(path), progress))
    except OsmImportError:
        raise
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError, OSError) as error:
        raise OsmImportError(
            f"Die Datei {path} ist beschädigt oder kein OSM-Format ({error}).",
            f"The file {path} is corrupt or not an OSM format ({error}).",
        ) from error
    if not ways:
        raise OsmImportError(
            f"Die Datei {path} enthält keine begehbaren Wege.", f"The file {path} contains no walkable ways."
        )
    return ways


def _with_progress(ways: Iterator[Way], progress: Progress | None) -> Iterator[Way]:
    count = 0
    for count, way in enumerate(ways, start=1):  # noqa: B007
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(f"{count:,} walkable ways read")
        yield way
    if progress is not None:
        progress(f"{count:,} walkable ways read")


def _osmium_ways(path: Path) -> Iterator[Way]:
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for obj in processor:
        if not isinstance(obj, osmium.osm.Way) or "highway" not in obj.tags:
            continue
        if not is_walkable({tag.k: tag.v for tag in obj.tags}):
            continue
        ids: list[int] = []
        lats: list[float] = []
        lons: list[float] = []
        for node in obj.nodes:
            if not node.location.valid():
                continue  # a node cut off at the extract's edge
            if ids and ids[-1] == node.ref:
                continue
            ids.append(node.ref)
            lats.append(node.location.lat)
            lons.append(node.location.lon)
        if len(ids) >= 2:
            yield Way(ids, lats, lons)


def _geojson_ways(path: Path) -> Iterator[Way]:
    try:
        document = json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise ValueError("not a GeoJSON FeatureCollection")
    for feature in document["features"]:
        properties: dict[str, Any] = feature.get("properties") or {}
        tags = {str(key): str(value) for key, value in properties.items()}
        if not is_walkable(tags):
            continue
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "LineString":
            lines = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiLineString":
            lines = geometry["coordinates"]
        elif geometry.get("type") == "Polygon":
            lines = geometry["coordinates"]  # an area is walkable along its outline (every ring)
        else:
            continue
        for line in lines:
            way = _geojson_line(line)
            if way is not None:
                yield way


def _geojson_line(coordinates: list[list[float]]) -> Way | None:
    ids: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    for lon, lat, *_ in coordinates:
        lat_e7, lon_e7 = round(float(lat) * COORDINATE_SCALE), round(float(lon) * COORDINATE_SCALE)
        # A synthetic negative id that is the same wherever two lines share a coordinate.
        node_id = -((lat_e7 + 900_000_000) * 3_600_000_000 + lon_e7 + 1_800_000_000) - 1
        if ids and ids[-1] == node_id:
            continue
        ids.append(node_id)
        lats.append(lat_e7 / COORDINATE_SCALE)
        lons.append(lon_e7 / COORDINATE_SCALE)
    return Way(ids, lats, lons) if len(ids) >= 2 else None
