"""School grounds and their entrances from OSM files, where a school route ends.

A school route ends at the school's entrance (OSM `entrance=*` on or inside the outline of a
closed way tagged `amenity=school`), not at the point a geocoder put in the middle of the
grounds. Grounds mapped as multipolygon relations are not read: their school's address point
stays the destination.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import osmium

from ._errors import OsmImportError

LatLon = tuple[float, float]
GEOJSON_SUFFIXES = (".geojson", ".json")
FILE_FORMAT = "rathaus-school-grounds/1"


@dataclass(frozen=True, slots=True)
class SchoolGrounds:
    """A school's grounds: the outline (closed ring of (lat, lon)) and the entrances on or in it."""

    name: str
    outline: tuple[LatLon, ...]
    entrances: tuple[LatLon, ...]

    def contains(self, lat: float, lon: float) -> bool:
        return _inside(self.outline, lat, lon)


def _inside(ring: tuple[LatLon, ...], lat: float, lon: float) -> bool:
    """Whether the point lies inside the ring (even-odd rule)."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (lat1 > lat) != (lat2 > lat) and lon < lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1):
            inside = not inside
    return inside


def read_school_grounds(path: Path) -> list[SchoolGrounds]:
    """Every closed `amenity=school` way with its entrances; raises OsmImportError on a bad file."""
    try:
        if path.name.lower().endswith(GEOJSON_SUFFIXES):
            outlines, entrances = _geojson(path)
        else:
            outlines, entrances = _osmium(path)
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError, OSError) as error:
        raise OsmImportError(
            f"Die Datei {path} ist beschädigt oder kein OSM-Format ({error}).",
            f"The file {path} is corrupt or not an OSM format ({error}).",
        ) from error
    grounds = []
    for name, ring, ring_ids in outlines:
        outline = tuple(ring)
        doors = tuple(point for ref, point in entrances if ref in ring_ids or _inside(outline, *point))
        grounds.append(SchoolGrounds(name, outline, doors))
    return grounds


Outline = tuple[str, list[LatLon], set[int]]
Entrance = tuple[int | None, LatLon]


def _is_entrance(tags: dict[str, str]) -> bool:
    return tags.get("entrance", "no") != "no"


def _osmium(path: Path) -> tuple[list[Outline], list[Entrance]]:
    outlines: list[Outline] = []
    entrances: list[Entrance] = []
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for obj in processor:
        if isinstance(obj, osmium.osm.Node):
            if "entrance" in obj.tags and _is_entrance({"entrance": obj.tags["entrance"]}) and obj.location.valid():
                entrances.append((obj.id, (obj.location.lat, obj.location.lon)))
        elif isinstance(obj, osmium.osm.Way) and obj.tags.get("amenity") == "school" and obj.is_closed():
            nodes = [node for node in obj.nodes if node.location.valid()]
            if len(nodes) >= 4:
                ring = [(node.location.lat, node.location.lon) for node in nodes[:-1]]
                outlines.append((obj.tags.get("name") or "", ring, {node.ref for node in nodes}))
    return outlines, entrances


def _geojson(path: Path) -> tuple[list[Outline], list[Entrance]]:
    document = json.loads(path.read_bytes())
    outlines: list[Outline] = []
    entrances: list[Entrance] = []
    for feature in document.get("features", []):
        properties: dict[str, Any] = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and _is_entrance(properties):
            lon, lat = geometry["coordinates"][:2]
            entrances.append((None, (float(lat), float(lon))))
        elif geometry.get("type") == "Polygon" and properties.get("amenity") == "school":
            ring = [(float(lat), float(lon)) for lon, lat, *_ in geometry["coordinates"][0][:-1]]
            if len(ring) >= 3:
                outlines.append((str(properties.get("name", "")), ring, set()))
    return outlines, entrances


def grounds_save(grounds: Iterable[SchoolGrounds], path: Path) -> None:
    rows = [{"name": g.name, "outline": g.outline, "entrances": g.entrances} for g in grounds]
    path.write_text(json.dumps({"format": FILE_FORMAT, "grounds": rows}), "utf-8")


def grounds_load(path: Path) -> list[SchoolGrounds]:
    """Reads a file written by `grounds_save`; raises OsmImportError on anything else."""
    try:
        document = json.loads(path.read_bytes())
        if document.get("format") != FILE_FORMAT:
            raise ValueError("not a saved list of school grounds")
        return [
            SchoolGrounds(
                str(row["name"]),
                tuple((float(lat), float(lon)) for lat, lon in row["outline"]),
                tuple((float(lat), float(lon)) for lat, lon in row["entrances"]),
            )
            for row in document["grounds"]
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise OsmImportError(
            f"Die Datei {path} ist keine gespeicherte Liste von Schulgeländen ({error}).",
            f"The file {path} is not a saved list of school grounds ({error}).",
        ) from error


def school_destinations(grounds: Iterable[SchoolGrounds], point: LatLon) -> list[LatLon]:
    """Where a route to the school at `point` ends: the entrances of the grounds the point lies in,
    or the point itself where no grounds with entrances contain it."""
    for ground in grounds:
        if ground.entrances and ground.contains(*point):
            return list(ground.entrances)
    return [point]
