"""Geocoding "street + house number" on address points from OSM or NRW house coordinate files.

`AddressIndex.from_osm(path)` and `AddressIndex.from_house_coordinates(path)` read the points;
`index.lookup(street, housenumber)` returns an `Address` or raises `AddressNotFound` with the
closest streets or house numbers as suggestions. A house that is not in the data is never
guessed or interpolated: the caller gets the neighbouring numbers that do exist.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from ._address_reader import SOURCE_RANK, RawAddress, read_house_coordinates, read_osm_addresses
from ._errors import AddressFileError, AddressNotFound, AmbiguousAddress
from ._normalize import display_street, housenumber_sort_key, normalize_housenumber, normalize_street

FILE_FORMAT = "rathaus-addresses/1"
MAX_SUGGESTIONS = 5
# difflib ratio on normalised names: 0.75 lets "Heisener Str" find "Heißener Str.". The word
# "strasse" counts as one letter there, or every "…straße" would look alike.
STREET_SIMILARITY = 0.75
STREET_WORD_KEY = "strasse"
# A prefix of at least this many characters suggests the streets it begins ("Heißener" ...).
MIN_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Address:
    """An address point: WGS84 coordinates, the street as the data spells it (abbreviations
    written out), the house number with its suffix, the place (OSM addr:city) and the source
    ("hk", "osm:entrance", "osm:node" or "osm:building" for the outline's centroid)."""

    lat: float
    lon: float
    street: str
    housenumber: str
    city: str | None
    source: str


class AddressIndex:
    """All address points of one file, looked up by normalised street and house number."""

    def __init__(self, addresses: Iterable[RawAddress]) -> None:
        best: dict[tuple[str, str, str], tuple[tuple[int, int], Address]] = {}
        self._names: dict[str, str] = {}
        for raw in addresses:
            street_key = normalize_street(raw.street)
            number_key = normalize_housenumber(raw.housenumber)
            if not street_key or not number_key:
                continue
            city_key = normalize_street(raw.city) if raw.city else ""
            address = Address(
                raw.lat, raw.lon, display_street(raw.street), raw.housenumber.strip(), raw.city, raw.source
            )
            rank = (SOURCE_RANK.get(raw.source, len(SOURCE_RANK)), raw.ref)
            key = (street_key, number_key, city_key)
            # Two points for one address of one place: keep the better kind, then the lower id.
            if key not in best or rank < best[key][0]:
                best[key] = (rank, address)
            self._names.setdefault(street_key, address.street)
        self._streets: dict[str, dict[str, list[Address]]] = {}
        for (street_key, number_key, _), (_, address) in sorted(best.items()):
            self._streets.setdefault(street_key, {}).setdefault(number_key, []).append(address)
        self._count = len(best)

    @classmethod
    def from_osm(cls, path: str | PathLike[str]) -> AddressIndex:
        """Addresses of an .osm, .osm.gz, .osm.bz2 or .osm.pbf file: nodes, entrances and the
        centroids of closed ways (building outlines) with addr:housenumber and addr:street
        (or addr:place). Raises `AddressFileError` on a missing, empty or corrupt file."""
        return cls(read_osm_addresses(Path(path)))

    @classmethod
    def from_house_coordinates(cls, path: str | PathLike[str]) -> AddressIndex:
        """Addresses of an NRW house coordinate file (properties strname, hsnr, hsnrzu; WGS84
        points) as .geojson or the .zip it is published in. Raises `AddressFileError`."""
        return cls(read_house_coordinates(Path(path)))

    def save(self, path: str | PathLike[str]) -> None:
        """Writes the index as JSON; `load` reads it back without the source file."""
        rows = [[a.lat, a.lon, a.street, a.housenumber, a.city, a.source] for a in self]
        Path(path).write_text(json.dumps({"format": FILE_FORMAT, "addresses": rows}, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, path: str | PathLike[str]) -> AddressIndex:
        """Reads a file written by `save`; raises `AddressFileError` on anything else."""
        path = Path(path)
        try:
            document = json.loads(path.read_bytes())
            if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
                raise ValueError("not a saved address index")
            raws = [
                RawAddress(str(street), str(number), city, float(lat), float(lon), str(source), position)
                for position, (lat, lon, street, number, city, source) in enumerate(document["addresses"])
            ]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise AddressFileError(
                f"Die Datei {path} ist kein gespeichertes Adressverzeichnis ({error}).",
                f"The file {path} is not a saved address index ({error}).",
            ) from error
        return cls(raws)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Address]:
        for numbers in self._streets.values():
            for addresses in numbers.values():
                yield from addresses

    def streets(self) -> list[str]:
        """Every street name, sorted."""
        return sorted(self._names.values(), key=lambda name: (normalize_street(name), name))

    def lookup(self, street: str, housenumber: str, *, city: str | None = None) -> Address:
        """The address point of `street` and `housenumber` (in `city`, where the data has places).

        Raises `AddressNotFound` (suggestions: similar streets, or the nearest existing numbers
        on the street) and `AmbiguousAddress` when the address exists in several places."""
        street_key = normalize_street(street)
        numbers = self._streets.get(street_key)
        if numbers is None:
            suggestions = self.similar_streets(street)
            if suggestions:
                raise AddressNotFound(
                    f"Die Straße „{street}“ ist nicht bekannt. Meinten Sie: {', '.join(suggestions)}?",
                    f"The street “{street}” is not known. Did you mean: {', '.join(suggestions)}?",
                    suggestions=suggestions,
                    street_known=False,
                )
            raise AddressNotFound(
                f"Die Straße „{street}“ ist nicht bekannt, und keine bekannte Straße ähnelt ihr.",
                f"The street “{street}” is not known, and no known street is similar.",
                suggestions=[],
                street_known=False,
            )
        name = self._names[street_key]
        candidates = numbers.get(normalize_housenumber(housenumber), [])
        if city is not None:
            city_key = normalize_street(city)
            candidates = [a for a in candidates if a.city is None or normalize_street(a.city) == city_key]
        if not candidates:
            suggestions = nearest_housenumbers(housenumber, [a[0].housenumber for a in numbers.values()])
            raise AddressNotFound(
                f"Die Hausnummer {housenumber} gibt es in „{name}“ nicht. "
                f"Vorhandene Hausnummern in der Nähe: {', '.join(suggestions)}.",
                f"There is no house number {housenumber} in “{name}”. "
                f"Nearest existing numbers: {', '.join(suggestions)}.",
                suggestions=suggestions,
                street_known=True,
            )
        if len(candidates) > 1:
            places = [a.city or "?" for a in candidates]
            raise AmbiguousAddress(
                f"„{name} {housenumber}“ gibt es in mehreren Orten: {', '.join(places)}. Bitte den Ort angeben.",
                f"“{name} {housenumber}” exists in several places: {', '.join(places)}. Please give the place.",
                suggestions=places,
            )
        return candidates[0]

    def similar_streets(self, street: str) -> list[str]:
        """Up to five known streets closest to `street` (compared in normalised form)."""
        key = normalize_street(street)
        if not key:
            return []
        short_key = key.replace(STREET_WORD_KEY, "_")
        scored: dict[str, float] = {}
        for candidate in self._streets:
            ratio = difflib.SequenceMatcher(None, short_key, candidate.replace(STREET_WORD_KEY, "_")).ratio()
            if len(key) >= MIN_PREFIX and candidate.startswith(key):
                ratio = max(ratio, STREET_SIMILARITY)
            if ratio >= STREET_SIMILARITY:
                scored[candidate] = ratio
        best = sorted(scored, key=lambda candidate: (-scored[candidate], candidate))[:MAX_SUGGESTIONS]
        return [self._names[candidate] for candidate in best]


def nearest_housenumbers(wanted: str, existing: Iterable[str]) -> list[str]:
    """Up to five existing numbers closest to `wanted` on the street: same number with another
    suffix first, then by distance of the number; listed in street order."""
    target, _ = housenumber_sort_key(normalize_housenumber(wanted))
    unique = {normalize_housenumber(number): number for number in existing}
    ordered = sorted(
        unique,
        key=lambda number: (abs(housenumber_sort_key(number)[0] - target), housenumber_sort_key(number)),
    )
    return [unique[number] for number in sorted(ordered[:MAX_SUGGESTIONS], key=housenumber_sort_key)]
