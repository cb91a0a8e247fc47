"""The official register of German municipalities: the Destatis Gemeindeverzeichnis (GV-ISys,
extract "AuszugGV4Q", Gebietsstand 31.12.2020), shipped as `data/gemeindeverzeichnis_2020q4.csv.gz`.

`register_entry(ags)` gives what onboarding needs of one municipality or district; `register_search`
finds them by name or key. The file is read once per process (about 16,000 rows, 0.1 s).

The file's columns: `satzart` is the kind of record (10 Land, 20 Regierungsbezirk, 30 Region,
40 Kreis, 50 Gemeindeverband, 60 Gemeinde) and `textkennzeichen` its type: for a Kreis 41
kreisfreie Stadt, 42 Stadtkreis, 43 Kreis, 44 Landkreis, 45 Regionalverband; for a Gemeinde
60 Markt, 61 kreisfreie Stadt, 62 Stadtkreis, 63 Stadt, 64 kreisangehörige Gemeinde,
65/66 gemeindefreies Gebiet, 67 Große Kreisstadt. The AGS is `land` (2) + `rb` (1) + `kreis`
(2) + `gemeinde` (3); a Kreis has no Gemeinde row, and its AGS ends in 000 (Kreis Soest
05974000), as does a kreisfreie Stadt's (Münster 05515000). The name carries the type after a
comma ("Soest, Stadt", "Tüßling, M" for Markt); postal code and coordinates (decimal commas)
exist for Gemeinden only.

© Statistisches Bundesamt (Destatis), Datenlizenz Deutschland – Namensnennung – Version 2.0
(dl-de/by-2.0); see `data/ATTRIBUTION.md`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rathaus.municipalities.models import Municipality

REGISTER_FILE = "gemeindeverzeichnis_2020q4.csv.gz"
REGISTER_AS_OF = "31.12.2020"

# textkennzeichen of Gemeinde rows (Satzart 60).
_INDEPENDENT = frozenset({"61", "62"})  # kreisfreie Stadt, Stadtkreis
_TOWN = frozenset({"63", "67"})  # Stadt, Große Kreisstadt
_MUNICIPALITY = frozenset({"60", "64"})  # Markt, kreisangehörige Gemeinde
_UNINCORPORATED = frozenset({"65", "66"})  # gemeindefreies Gebiet
# textkennzeichen of Kreis rows (Satzart 40) that are districts, not kreisfreie Städte.
_DISTRICT_WORDS = {"43": "Kreis", "44": "Landkreis", "45": "Regionalverband"}

# Abbreviations the register uses after the comma.
_SUFFIX_WORDS = {"M": "Markt", "St": "Stadt", "GKSt": "Große Kreisstadt"}

TYPE_TOWN = "Stadt"
TYPE_MUNICIPALITY = "Gemeinde"
TYPE_DISTRICT = "Kreis"
TYPE_INDEPENDENT_CITY = "kreisfreie Stadt"


class RegisterError(ValueError):
    """A key the register does not know, or names no municipality."""


@dataclass(frozen=True)
class RegisterEntry:
    ags: str
    official_name: str  # as the register writes it: "Werl, Stadt"
    short_name: str  # the place: "Werl"
    display_name: str  # as the municipality calls itself: "Stadt Werl", "Kreis Soest"
    type: str  # TYPE_TOWN, TYPE_MUNICIPALITY, TYPE_DISTRICT or TYPE_INDEPENDENT_CITY
    land: str  # "05"
    land_name: str  # "Nordrhein-Westfalen"
    district_ags: str | None  # the Kreis a kreisangehörige municipality belongs to: "05974000"
    district_name: str | None  # "Kreis Soest"
    region_name: str  # the Regierungsbezirk or statistical region, "" where the Land has none
    postal_code: str
    latitude: float | None
    longitude: float | None
    population: int | None

    @property
    def kind(self) -> str:
        """The `Municipality.Kind` of this entry."""
        if self.type == TYPE_DISTRICT:
            return Municipality.Kind.DISTRICT
        if self.type == TYPE_MUNICIPALITY:
            return Municipality.Kind.MUNICIPALITY
        return Municipality.Kind.CITY

    @property
    def level(self) -> str:
        """The catalogue level: "city", "district" or "independent_city" (which does the work of both)."""
        return {TYPE_DISTRICT: "district", TYPE_INDEPENDENT_CITY: "independent_city"}.get(self.type, "city")


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _population(text: str) -> int | None:
    digits = text.replace(" ", "").strip()
    return int(digits) if digits.isdigit() else None


def _split(official: str) -> tuple[str, str]:
    """ "Soest, Stadt" → ("Soest", "Stadt"); "Tüßling, M" → ("Tüßling", "Markt")."""
    if ", " not in official:
        return official.strip(), ""
    place, suffix = official.split(", ", 1)
    suffix = suffix.strip()
    return place.strip(), _SUFFIX_WORDS.get(suffix, suffix)


def _district_name(name: str, type_code: str) -> str:
    word = _DISTRICT_WORDS[type_code]
    # Names that already say what they are: "Hochsauerlandkreis", "Rhein-Kreis Neuss",
    # "Städteregion Aachen", "Region Hannover", "Regionalverband Saarbrücken".
    if re.search(r"kreis|region", name, re.IGNORECASE):
        return name
    return f"{word} {name}"


@dataclass(frozen=True)
class _Register:
    entries: dict[str, RegisterEntry]


@cache
def _register() -> _Register:
    raw = resources.files("rathaus.municipalities").joinpath("data", REGISTER_FILE).read_bytes()
    text = gzip.decompress(raw).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    lands: dict[str, str] = {}
    regions: dict[str, str] = {}
    districts: dict[str, tuple[str, str]] = {}  # land+rb+kreis → (name, type code)
    for row in rows:
        key = row["land"] + row["rb"] + row["kreis"]
        if row["satzart"] == "10":
            lands[row["land"]] = row["gemeindename"]
        elif row["satzart"] == "20":
            regions[row["land"] + row["rb"]] = row["gemeindename"].removeprefix("früher: ")
        elif row["satzart"] == "40":
            districts[key] = (row["gemeindename"], row["textkennzeichen"])

    entries: dict[str, RegisterEntry] = {}
    for key, (name, type_code) in districts.items():
        if type_code not in _DISTRICT_WORDS:
            continue  # a kreisfreie Stadt: its Gemeinde row below is the entry
        land = key[:2]
        display = _district_name(name, type_code)
        entries[key + "000"] = RegisterEntry(
            ags=key + "000",
            official_name=name,
            short_name=name,
            display_name=display,
            type=TYPE_DISTRICT,
            land=land,
            land_name=lands.get(land, ""),
            district_ags=None,
            district_name=None,
            region_name=regions.get(key[:3], ""),
            postal_code="",
            latitude=None,
            longitude=None,
            population=None,
        )
    for row in rows:
        if row["satzart"] != "60" or row["textkennzeichen"] in _UNINCORPORATED:
            continue
        type_code = row["textkennzeichen"]
        key = row["land"] + row["rb"] + row["kreis"]
        ags = key + row["gemeinde"]
        place, suffix = _split(row["gemeindename"])
        if type_code in _INDEPENDENT:
            kind, district_ags, district_name = TYPE_INDEPENDENT_CITY, None, None
        else:
            kind = TYPE_TOWN if type_code in _TOWN else TYPE_MUNICIPALITY
            district = districts.get(key)
            district_ags = key + "000" if district else None
            district_name = _district_name(*district) if district and district[1] in _DISTRICT_WORDS else None
        default_word = "Stadt" if kind in (TYPE_TOWN, TYPE_INDEPENDENT_CITY) else "Gemeinde"
        entries[ags] = RegisterEntry(
            ags=ags,
            official_name=row["gemeindename"],
            short_name=place,
            display_name=f"{suffix or default_word} {place}",
            type=kind,
            land=row["land"],
            land_name=lands.get(row["land"], ""),
            district_ags=district_ags,
            district_name=district_name,
            region_name=regions.get(key[:3], ""),
            postal_code=row["postleitzahl"].strip(),
            latitude=_number(row["breitengrad"]),
            longitude=_number(row["laengengrad"]),
            population=_population(row["bevoelkerung"]),
        )
    return _Register(entries)


def register_entry(ags: str) -> RegisterEntry:
    """The municipality or district with this AGS; `RegisterError` with a German text otherwise."""
    ags = (ags or "").strip()
    if not re.fullmatch(r"\d{8}", ags):
        raise RegisterError(f"„{ags}“ ist kein Amtlicher Gemeindeschlüssel: er hat genau 8 Ziffern, z. B. 05974052.")
    entry = _register().entries.get(ags)
    if entry is None:
        raise RegisterError(
            f"Den Gemeindeschlüssel {ags} gibt es im Gemeindeverzeichnis (Stand {REGISTER_AS_OF}) nicht, "
            "oder er bezeichnet ein gemeindefreies Gebiet."
        )
    return entry


def _folded(text: str) -> str:
    return text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


def register_search(query: str, *, limit: int = 20) -> list[RegisterEntry]:
    """Entries whose AGS starts with the digits given, or whose name starts with (or, failing
    that, contains) the words given; the larger places first."""
    query = (query or "").strip()
    if not query:
        return []
    entries = _register().entries.values()
    if query.isdigit():
        found = [entry for entry in entries if entry.ags.startswith(query)]
    else:
        wanted = _folded(query)
        found = [e for e in entries if _folded(e.short_name).startswith(wanted) or _folded(e.display_name) == wanted]
        if not found:
            found = [e for e in entries if wanted in _folded(e.display_name)]
    found.sort(key=lambda entry: (-(entry.population or 0), entry.ags))
    return found[:limit]
