"""Reading address points from OSM files (pyosmium) and NRW house coordinate files (GeoJSON, zip)."""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import osmium

from ._errors import AddressFileError

# Which point stands for an address when one source has several: the door beats a point
# someone placed on the house, which beats the middle of the building outline.
SOURCE_RANK = {"hk": 0, "osm:entrance": 0, "osm:node": 1, "osm:building": 2}
GEOJSON_SUFFIXES = (".geojson", ".json")
WGS84_CRS_NAMES = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326")
# The NRW files mark street keys without a known name like this ("### Straßenname unbekannt").
UNKNOWN_STREET_PREFIX = "###"


@dataclass(frozen=True, slots=True)
class RawAddress:
    """One address point as read, before normalisation; `ref` orders duplicates (an OSM id)."""

    street: str
    housenumber: str
    city: str | None
    lat: float
    lon: float
    source: str
    ref: int


def read_osm_addresses(path: Path) -> list[RawAddress]:
    """Every addr:housenumber with addr:street (or addr:place) on nodes and closed ways."""
    return _read(path, _osmium_addresses)


def read_house_coordinates(path: Path) -> list[RawAddress]:
    """Every address of an NRW house coordinate file: GeoJSON in WGS84, plain or in a zip."""
    return _read(path, _house_coordinate_addresses)


def _read(path: Path, reader: Callable[[Path], Iterator[RawAddress]]) -> list[RawAddress]:
    if not path.is_file():
        raise AddressFileError(f"Die Datei {path} gibt es nicht.", f"The file {path} does not exist.")
    if path.stat().st_size == 0:
        raise AddressFileError(f"Die Datei {path} ist leer.", f"The file {path} is empty.")
    try:
        addresses = list(reader(path))
    except AddressFileError:
        raise
    except (RuntimeError, ValueError, KeyError, TypeError, IndexError, OSError, zipfile.BadZipFile) as error:
        raise AddressFileError(
            f"Die Datei {path} ist beschädigt oder hat ein unbekanntes Format ({error}).",
            f"The file {path} is corrupt or in an unknown format ({error}).",
        ) from error
    if not addresses:
        raise AddressFileError(f"Die Datei {path} enthält keine Adressen.", f"The file {path} contains no addresses.")
    return addresses


def _osmium_addresses(path: Path) -> Iterator[RawAddress]:
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for obj in processor:
        tags = obj.tags
        if "addr:housenumber" not in tags:
            continue
        # Villages often address houses by the place instead of a street.
        street = tags.get("addr:street") or tags.get("addr:place")
        if not street:
            continue
        if isinstance(obj, osmium.osm.Node):
            if not obj.location.valid():
                continue
            source = "osm:entrance" if "entrance" in tags else "osm:node"
            lat, lon = obj.location.lat, obj.location.lon
        elif isinstance(obj, osmium.osm.Way) and obj.is_closed():
            ring = [(n.location.lat, n.location.lon) for n in obj.nodes if n.location.valid()]
            if len(ring) < 3:
                continue  # an outline cut off at the extract's edge
            source = "osm:building"
            lat, lon = ring_centroid(ring)
        else:
            continue
        city = tags.get("addr:city") or None
        for number in split_housenumbers(tags["addr:housenumber"]):
            yield RawAddress(street, number, city, lat, lon, source, obj.id)


def split_housenumbers(value: str) -> list[str]:
    """OSM lists several numbers of one building as "1;3" or "1, 3"."""
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    """The area centroid of a closed outline (lat, lon), on a plane local to the outline."""
    lat0, lon0 = ring[0]
    # Degrees of longitude shrink with cos(latitude); a building is small enough for a plane.
    scale = math.cos(math.radians(lat0))
    points = [((lon - lon0) * scale, lat - lat0) for lat, lon in ring]
    if points[0] != points[-1]:
        points.append(points[0])
    twice_area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        twice_area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(twice_area) < 1e-18:  # a degenerate outline: the mean of its corners
        unique = points[:-1]
        return lat0 + sum(y for _, y in unique) / len(unique), lon0 + sum(x for x, _ in unique) / len(unique) / scale
    return lat0 + cy / (3 * twice_area), lon0 + cx / (3 * twice_area) / scale


def _house_coordinate_addresses(path: Path) -> Iterator[RawAddress]:
    document = json.loads(_geojson_bytes(path))
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise ValueError("not a GeoJSON FeatureCollection")
    crs = ((document.get("crs") or {}).get("properties") or {}).get("name")
    if crs is not None and crs not in WGS84_CRS_NAMES:
        raise AddressFileError(
            f"Die Datei {path} hat das Koordinatensystem {crs}; gelesen wird nur WGS84 (EPSG:4326).",
            f"The file {path} uses the coordinate system {crs}; only WGS84 (EPSG:4326) is read.",
        )
    for position, feature in enumerate(document["features"]):
        properties: dict[str, Any] = feature.get("properties") or {}
        street = str(properties.get("strname") or "").strip()
        number = str(properties.get("hsnr") or "").strip()
        # A row without a number locates the street itself, not a house.
        if not street or not number or street.startswith(UNKNOWN_STREET_PREFIX):
            continue
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            continue
        lon, lat = (float(value) for value in geometry["coordinates"][:2])
        suffix = str(properties.get("hsnrzu") or "").strip()
        ref = int(properties.get("objectid") or position)
        yield RawAddress(street, number + suffix, None, lat, lon, "hk", ref)


def _geojson_bytes(path: Path) -> bytes:
    if not zipfile.is_zipfile(path):
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        members = [name for name in archive.namelist() if name.lower().endswith(GEOJSON_SUFFIXES)]
        if not members:
            raise AddressFileError(
                f"Das Archiv {path} enthält keine GeoJSON-Datei.", f"The archive {path} contains no GeoJSON file."
            )
        return archive.read(members[0])
