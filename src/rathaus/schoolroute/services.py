"""Writes of the school route app: importing the NRW school list and a street network."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.records.services import audit_record
from rathaus.routing import AddressFileError, AddressIndex, Graph, Progress, grounds_save, read_school_grounds
from rathaus.schoolroute.eligibility import Schulform
from rathaus.schoolroute.models import BatchRun, School, StreetNetwork

# Columns of the NRW school list (IT.NRW "AS_BS_Verzeichnis") that the import reads.
COL_SCHULNUMMER = "Schulnummer"
COL_SCHULFORM = "Schulform"
COL_NAME_1 = "Amtliche Bezeichnung 1"
COL_NAME_2 = "Amtliche Bezeichnung 2"
COL_STREET = "Straße und Hausnummer"
COL_POSTAL_CODE = "Postleitzahl"
COL_CITY = "Ort"
COL_PUPILS = "Anzahl"
COL_LAT = "latitude"
COL_LON = "longitude"
REQUIRED_COLUMNS = (COL_SCHULNUMMER, COL_SCHULFORM, COL_NAME_1, COL_STREET, COL_POSTAL_CODE, COL_CITY)


class SchoolFileError(ValueError):
    """The file cannot be read as a school list at all (as opposed to single broken rows)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def schools_read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a school list with their line numbers; comma or semicolon separated, header checked."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise SchoolFileError(
            f"Die Kopfzeile passt nicht zur NRW-Schulliste, es fehlen die Spalten: {', '.join(missing)} "
            f"/ the header does not match the NRW school list, missing columns: {', '.join(missing)}"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        # The reader's line_num is the line the row ends on, which is where an editor shows it.
        rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None}))
    return rows


def _split_street(street_and_number: str) -> tuple[str, str]:
    street, _, number = street_and_number.rpartition(" ")
    if street and number[:1].isdigit():
        return street, number
    return street_and_number, ""


def _optional_float(value: str, *, lower: float, upper: float, label: str) -> float | None:
    if not value:
        return None
    number = float(value)
    if not lower <= number <= upper:
        raise ValueError(f"{label} {value} liegt außerhalb von {lower} bis {upper}")
    return number


def _school_fields(row: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    schulnummer = row.get(COL_SCHULNUMMER, "")
    if not (len(schulnummer) == 6 and schulnummer.isdigit()):
        raise ValueError(f"Schulnummer {schulnummer!r} hat nicht sechs Ziffern")
    schulform = row.get(COL_SCHULFORM, "")
    if schulform not in set(Schulform):
        raise ValueError(f"Unbekannte Schulform {schulform!r}")
    name = row.get(COL_NAME_1, "")
    if not name:
        raise ValueError("Der Name der Schule fehlt")
    street, house_number = _split_street(row.get(COL_STREET, ""))
    if not street:
        raise ValueError("Die Straße fehlt")
    postal_code = row.get(COL_POSTAL_CODE, "")
    if not (len(postal_code) == 5 and postal_code.isdigit()):
        raise ValueError(f"Postleitzahl {postal_code!r} hat nicht fünf Ziffern")
    try:
        latitude = _optional_float(row.get(COL_LAT, ""), lower=-90, upper=90, label="Breitengrad")
        longitude = _optional_float(row.get(COL_LON, ""), lower=-180, upper=180, label="Längengrad")
    except ValueError as error:
        raise ValueError(f"Ungültige Koordinate: {error}") from None
    if (latitude is None) != (longitude is None):
        raise ValueError("Breiten- und Längengrad müssen beide angegeben sein oder beide fehlen")
    pupils_text = row.get(COL_PUPILS, "")
    if pupils_text and not pupils_text.isdigit():
        raise ValueError(f"Schülerzahl {pupils_text!r} ist keine ganze Zahl")
    fields: dict[str, object] = {
        "name": name,
        "schulform": schulform,
        "street": street,
        "house_number": house_number,
        "postal_code": postal_code,
        "city": row.get(COL_CITY, ""),
        "latitude": latitude,
        "longitude": longitude,
        "pupils": int(pupils_text) if pupils_text else None,
    }
    return schulnummer, fields


@transaction.atomic
def schools_import(*, municipality: Municipality, rows: Iterable[tuple[int, Mapping[str, str]]]) -> ImportReport:
    """Create or update the municipality's schools by Schulnummer; running it twice changes nothing.

    `rows` are (line number, row) pairs as `schools_read_csv` returns them. A broken row is
    listed in the report with its line and a German reason; the good rows are imported.
    """
    report = ImportReport()
    existing = {school.schulnummer: school for school in School.objects.filter(municipality=municipality)}
    seen: set[str] = set()
    for line, row in rows:
        try:
            schulnummer, fields = _school_fields(row)
        except ValueError as error:
            report.problems.append(RowProblem(line=line, reason=str(error)))
            continue
        if schulnummer in seen:
            report.problems.append(RowProblem(line=line, reason=f"Schulnummer {schulnummer} kommt doppelt vor"))
            continue
        seen.add(schulnummer)
        school = existing.get(schulnummer)
        if school is None:
            School.objects.create(municipality=municipality, schulnummer=schulnummer, **fields)
            report.created += 1
            continue
        changed = [name for name, value in fields.items() if getattr(school, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(school, name, fields[name])
        school.save(update_fields=changed)
        report.updated += 1
    return report


# Files that can carry OSM addr:* tags; an Overpass GeoJSON of ways has none.
OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf")


def street_network_import(
    *, municipality: Municipality, path: str | os.PathLike[str], progress: Progress | None = None
) -> StreetNetwork:
    """Build the walking graph from an OSM file and make it the municipality's street network.

    Reads .osm, .osm.gz, .osm.bz2, .osm.pbf or Overpass GeoJSON; a bad file raises
    `rathaus.routing.OsmImportError` and leaves the current network untouched. The graph is
    written atomically to `settings.GRAPH_DIR / <slug>.npz`, then the row is created or updated.
    School grounds (`amenity=school` outlines) with their entrances go to `<slug>.grounds.json`:
    routes to a school on them end at the nearest entrance. An OSM file's address points (addr:*) become the network's addresses, unless the
    municipality has official house coordinates (`addresses_import`), which are kept.
    """
    source = Path(path)
    graph = Graph.from_osm(source, progress=progress)
    addresses = None
    if source.name.lower().endswith(OSM_SUFFIXES):
        try:
            addresses = AddressIndex.from_osm(source)
        except AddressFileError:  # the file read as a network; it only has no addr:* tags
            addresses = AddressIndex([])
    graph_dir = Path(settings.GRAPH_DIR)
    graph_dir.mkdir(parents=True, exist_ok=True)
    graph_file = f"{municipality.slug}.npz"
    grounds_file = graph_dir / f"{municipality.slug}.grounds.json"
    temporary = grounds_file.with_name(f".{grounds_file.name}.tmp")
    grounds_save(read_school_grounds(source), temporary)
    graph.save(graph_dir / graph_file)
    os.replace(temporary, grounds_file)
    defaults: dict[str, object] = {
        "graph_file": graph_file,
        "source_name": source.name,
        "imported_at": timezone.now(),
        "node_count": graph.node_count,
        "edge_count": graph.edge_count,
    }
    current = StreetNetwork.objects.filter(municipality=municipality).first()
    # Addresses imported on their own (house coordinates) outlive a new street extract.
    keeps_official = bool(current and current.address_file and current.address_source != current.source_name)
    if addresses is not None and not keeps_official:
        if len(addresses):
            defaults.update(_addresses_save(municipality, addresses, source_name=source.name))
        else:  # the earlier extract's addresses belong to the replaced network
            defaults.update(address_file="", address_source="", address_count=0)
    network, _ = StreetNetwork.objects.update_or_create(municipality=municipality, defaults=defaults)
    return network


def addresses_import(*, municipality: Municipality, path: str | os.PathLike[str]) -> StreetNetwork:
    """Make an address file the municipality's address points, replacing earlier ones.

    Takes an NRW house coordinate file (.geojson or its .zip) or an OSM file (.osm, .osm.gz,
    .osm.bz2, .osm.pbf). Needs the street network first (ValueError otherwise); a bad file
    raises `rathaus.routing.AddressFileError` and leaves the current addresses untouched.
    """
    network = StreetNetwork.objects.filter(municipality=municipality).first()
    if network is None:
        raise ValueError(
            f"Für {municipality.name} ist noch kein Straßennetz importiert: zuerst „rathaus import-streets“. "
            f"/ No street network has been imported for {municipality.name}: run “rathaus import-streets” first."
        )
    source = Path(path)
    if source.name.lower().endswith(OSM_SUFFIXES):
        addresses = AddressIndex.from_osm(source)
    else:
        addresses = AddressIndex.from_house_coordinates(source)
    if not len(addresses):
        raise ValueError(
            f"Die Datei {source.name} enthält keine Adressen. / The file {source.name} holds no addresses."
        )
    for name, value in _addresses_save(municipality, addresses, source_name=source.name).items():
        setattr(network, name, value)
    network.save(update_fields=["address_file", "address_source", "address_count", "imported_at"])
    return network


def _addresses_save(municipality: Municipality, addresses: AddressIndex, *, source_name: str) -> dict[str, object]:
    """Writes the index atomically to `GRAPH_DIR/<slug>.addresses.json`; the fields for the network row."""
    graph_dir = Path(settings.GRAPH_DIR)
    graph_dir.mkdir(parents=True, exist_ok=True)
    address_file = f"{municipality.slug}.addresses.json"
    handle, temporary = tempfile.mkstemp(dir=graph_dir, prefix=f".{address_file}.", suffix=".tmp")
    os.close(handle)
    try:
        addresses.save(temporary)
        os.replace(temporary, graph_dir / address_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    # imported_at keys the per-process caches of graph and addresses.
    return {
        "address_file": address_file,
        "address_source": source_name,
        "address_count": len(addresses),
        "imported_at": timezone.now(),
    }


def batch_run_downloaded(*, run: BatchRun, actor: User) -> None:
    """The school office downloaded the result of a roll check, which names pupils: that is recorded."""
    audit_record(
        municipality=run.municipality,
        actor=actor,
        action="schoolroute.batch_downloaded",
        obj=run,
        data={"rows": run.rows_total},
    )
