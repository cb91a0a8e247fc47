"""The batch check of a school roll: a CSV of pupils' addresses (or points) and grades in, the
footpath to their school and the verdict per row out: the same `school_route_check` as on the
parents' page, so the footpath rule (§ 5 (2) SchfkVO NRW) and the nearest-school rule (§ 9) both.

- `roll_read(data)` checks and parses the uploaded bytes (type, encoding, delimiter, columns, size)
  and raises `RollFileError` for a file it cannot take at all; nothing is stored then.
- `roll_check(...)` judges each row: a broken row (unknown school, bad grade, unknown address,
  point off the network, unparsable numbers) gets its reason, the good rows get their route.
- `result_csv(...)` writes the result for Excel (`;`, UTF-8 with BOM): the input columns, then
  `RESULT_COLUMNS`. "Anspruch" is ja/nein by both rules ("ja" also where § 9 caps the costs),
  "Anspruch_Art" the API's entitlement code (paid, capped, nearer_school, not_paid), and
  "Nähere_Schule"/"Nähere_Schule_m" name a nearer school of the same Schulform and its footpath.
- `batch_run_start` stores a run and queues `batch_run_process` (django-tasks), which writes its
  progress to the run; `batch_runs_purge` deletes runs older than `RETENTION` (they hold pupils'
  addresses).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from rathaus.accounts.models import User
from rathaus.core.language import localized
from rathaus.core.uploads import EXECUTABLE_MAGICS, MARKUP_OPENINGS, MEGABYTE, OLE_MAGIC, ZIP_MAGICS, sniff_image
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.records.services import audit_record
from rathaus.routing import AddressIndex, AddressNotFound, AmbiguousAddress, Graph, RoutingError, SchoolGrounds
from rathaus.schoolroute.eligibility import Entitlement, school_level
from rathaus.schoolroute.models import BatchRun, School
from rathaus.schoolroute.selectors import (
    street_network_addresses,
    street_network_get,
    street_network_graph,
    street_network_grounds,
)
from rathaus.schoolroute.verdict import school_route_check

logger = logging.getLogger(__name__)

MAX_BYTES: Final = 2 * MEGABYTE
MAX_ROWS: Final = 5_000
# The results hold pupils' addresses: kept no longer than the school office needs to pass them on.
RETENTION: Final = timedelta(days=30)

SCHULNUMMER, KLASSE, STRASSE, HAUSNUMMER, BREITE, LAENGE, KENNUNG = (
    "schulnummer",
    "klasse",
    "strasse",
    "hausnummer",
    "breite",
    "laenge",
    "kennung",
)
# Header spellings (compared after `_header_key`) for each column the check reads.
_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    SCHULNUMMER: ("schulnummer", "schul-nr", "schulnr"),
    KLASSE: ("klasse", "jahrgang", "jahrgangsstufe"),
    STRASSE: ("strasse", "str"),
    HAUSNUMMER: ("hausnummer", "hausnr", "hnr"),
    BREITE: ("breite", "breitengrad", "lat", "latitude"),
    LAENGE: ("laenge", "laengengrad", "lon", "longitude"),
    KENNUNG: ("kennung", "id"),
}
# New columns go at the end, so that spreadsheets reading the older ones by position still work.
RESULT_COLUMNS: Final = (
    "Entfernung_m",
    "Schwelle_m",
    "Anspruch",
    "Begründung",
    "Fehler",
    "Anspruch_Art",
    "Nähere_Schule",
    "Nähere_Schule_m",
)
# Upper years of the G9 Gymnasium by their names: EF is grade 11, Q1 and Q2 are 12 and 13.
_UPPER_YEARS: Final = {"ef": 11, "q1": 12, "q2": 13}
_GRADE = re.compile(r"^(\d{1,2})\s*[a-z]?$")
# Excel and other spreadsheets run a cell starting with one of these as a formula.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RollFileError(Exception):
    """The upload is not a school roll we can read; the message is for the member of staff."""


@dataclass(frozen=True)
class Roll:
    """A parsed school roll: the header as written, the column of each field we read, the rows
    with their line numbers (blank lines left out)."""

    header: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]]
    delimiter: str
    encoding: str

    @property
    def by_address(self) -> bool:
        return BREITE not in self.columns


@dataclass
class RowResult:
    line: int
    values: list[str]
    distance_m: float | None = None
    threshold_m: int | None = None
    eligible: bool | None = None  # the footpath rule (§ 5 (2)) alone, as the API's `eligible`
    entitlement: Entitlement | None = None  # both rules; None in runs stored before § 9 was applied
    nearest_schulnummer: str = ""
    nearest_name: str = ""
    nearest_length_m: float | None = None
    reason: str = ""
    error: str = ""
    suggestions: list[str] = field(default_factory=list)

    @property
    def paid(self) -> bool | None:
        """The answer of the "Anspruch" column; None for a broken row."""
        if self.entitlement is not None:
            return self.entitlement.paid
        return self.eligible

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "distance_m": self.distance_m,
            "threshold_m": self.threshold_m,
            "eligible": self.eligible,
            "entitlement": self.entitlement,
            "nearest_schulnummer": self.nearest_schulnummer,
            "nearest_name": self.nearest_name,
            "nearest_length_m": self.nearest_length_m,
            "reason": self.reason,
            "error": self.error,
        }


# Reading the file ---------------------------------------------------------------------------------


def _header_key(name: str) -> str:
    key = name.strip().casefold().replace("ß", "ss")
    for umlaut, written in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        key = key.replace(umlaut, written)
    key = unicodedata.normalize("NFKD", key)
    return "".join(character for character in key if not unicodedata.combining(character)).rstrip(".").strip()


def _not_a_csv() -> RollFileError:
    return RollFileError(
        _(
            "Diese Datei ist keine CSV-Datei. Bitte speichern Sie die Schülerliste in Ihrer Tabellenkalkulation "
            "als „CSV (Trennzeichen-getrennt)“ und laden Sie diese Datei hoch."
        )
    )


def _sniff(data: bytes) -> None:
    head = data[:4096]
    if head.startswith(EXECUTABLE_MAGICS + ZIP_MAGICS + (OLE_MAGIC, b"%PDF-")) or sniff_image(head) is not None:
        raise _not_a_csv()
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(MARKUP_OPENINGS) or head.startswith(b"#!"):
        raise RollFileError(
            _("Dateien mit Webseiten- oder Skript-Code (zum Beispiel HTML) nehmen wir nicht an. Bitte eine CSV-Datei.")
        )
    if b"\x00" in data:
        raise _not_a_csv()


def _decode(data: bytes) -> tuple[str, str]:
    encodings = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise _not_a_csv()
        return text, encoding
    raise RollFileError(
        _("Die Zeichen der Datei sind nicht lesbar. Bitte als CSV in UTF-8 oder Windows-1252 (ANSI) speichern.")
    )


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        key = _header_key(name)
        for column, spellings in _HEADERS.items():
            if key in spellings and column not in columns:
                columns[column] = position
    return columns


def _missing(columns: Mapping[str, int]) -> list[str]:
    missing = [label for key, label in ((SCHULNUMMER, "Schulnummer"), (KLASSE, "Klasse")) if key not in columns]
    has_address = STRASSE in columns and HAUSNUMMER in columns
    has_point = BREITE in columns and LAENGE in columns
    if not has_address and not has_point:
        missing.append(_("„Straße“ und „Hausnummer“ oder „Breite“ und „Länge“"))
    return missing


def roll_read(data: bytes) -> Roll:
    """Parses an uploaded school roll; raises `RollFileError` if the file cannot be taken at all."""
    if not data.strip():
        raise RollFileError(_("Die Datei ist leer."))
    if len(data) > MAX_BYTES:
        raise RollFileError(_("Die Datei ist zu groß. Erlaubt sind höchstens 2 MB."))
    _sniff(data)
    text, encoding = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiters = [";", ","] if first_line.count(";") >= first_line.count(",") else [",", ";"]
    # The delimiter under which the header names the most columns we read.
    candidates: list[tuple[int, int, list[str], str]] = []
    for delimiter in delimiters:
        header = next(csv.reader(io.StringIO(first_line), delimiter=delimiter), [])
        candidates.append((len(_columns(header)), -len(candidates), header, delimiter))
    _count, _order, header, delimiter = max(candidates)
    columns = _columns(header)
    missing = _missing(columns)
    if missing:
        raise RollFileError(
            _("In der ersten Zeile fehlen die Spalten: %(columns)s. Gefunden: %(found)s.")
            % {
                "columns": "; ".join(missing),
                "found": "; ".join(name.strip() for name in header if name.strip()) or "–",
            }
        )
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=delimiter)
    try:
        next(reader)
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                raise RollFileError(
                    _("Die Datei hat mehr als %(limit)s Zeilen. Bitte teilen Sie die Liste auf.") % {"limit": "5.000"}
                )
    except csv.Error as error:
        raise RollFileError(
            _("Die Datei ist ab Zeile %(line)s kein gültiges CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
    if not rows:
        raise RollFileError(_("Die Datei enthält nur die Kopfzeile, aber keine Schülerinnen und Schüler."))
    return Roll(header=header, columns=columns, rows=rows, delimiter=delimiter, encoding=encoding)


# Judging the rows ---------------------------------------------------------------------------------


def parse_grade(value: str) -> int | None:
    """The grade of "3", "03", "5b", "EF", "Q1"; None for anything else."""
    key = value.strip().casefold().replace(" ", "")
    if key in _UPPER_YEARS:
        return _UPPER_YEARS[key]
    match = _GRADE.match(key)
    return int(match.group(1)) if match else None


def parse_coordinate(value: str, *, lower: float, upper: float) -> float | None:
    """A decimal degree written with a point or a German comma; None if unparsable or out of range."""
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) and lower <= number <= upper else None


def _cell(values: list[str], columns: Mapping[str, int], key: str) -> str:
    position = columns.get(key)
    if position is None or position >= len(values):
        return ""
    return values[position].strip()


class _RowError(Exception):
    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


def _start(values: list[str], columns: Mapping[str, int], addresses: AddressIndex | None) -> tuple[float, float]:
    lat_text, lon_text = _cell(values, columns, BREITE), _cell(values, columns, LAENGE)
    if lat_text or lon_text or STRASSE not in columns:
        lat = parse_coordinate(lat_text, lower=-90, upper=90)
        lon = parse_coordinate(lon_text, lower=-180, upper=180)
        if lat is None or lon is None:
            raise _RowError(
                _("Breite „%(lat)s“ und Länge „%(lon)s“ sind keine Koordinaten (z. B. 51,9738 und 7,5582).")
                % {"lat": lat_text, "lon": lon_text}
            )
        return lat, lon
    street, number = _cell(values, columns, STRASSE), _cell(values, columns, HAUSNUMMER)
    if not street or not number:
        raise _RowError(_("Straße und Hausnummer fehlen."))
    if addresses is None:
        raise _RowError(
            _(
                "Für diese Kommune ist kein Adressverzeichnis geladen. Bitte Breite und Länge statt der Anschrift angeben."
            )
        )
    try:
        address = addresses.lookup(street, number)
    except (AddressNotFound, AmbiguousAddress) as error:
        raise _RowError(localized(error), error.suggestions) from None
    return address.lat, address.lon


def _school(values: list[str], columns: Mapping[str, int], schools: Mapping[str, School]) -> School:
    number = _cell(values, columns, SCHULNUMMER)
    school = schools.get(number)
    if school is None:
        raise _RowError(_("Eine Schule mit der Schulnummer „%(number)s“ gibt es hier nicht.") % {"number": number})
    return school


def _check_row(
    values: list[str],
    columns: Mapping[str, int],
    *,
    header_length: int,
    schools: Mapping[str, School],
    graph: Graph,
    addresses: AddressIndex | None,
    grounds: Sequence[SchoolGrounds],
    result: RowResult,
) -> None:
    if len(values) > header_length:
        raise _RowError(
            _("Die Zeile hat %(found)s Felder, die Kopfzeile nur %(expected)s.")
            % {"found": len(values), "expected": header_length}
        )
    school = _school(values, columns, schools)
    grade_text = _cell(values, columns, KLASSE)
    grade = parse_grade(grade_text)
    if grade is None:
        raise _RowError(_("„%(grade)s“ ist keine Klasse (z. B. 3, 5b, EF oder Q1).") % {"grade": grade_text})
    try:
        school_level(school.schulform, grade)
    except ValueError as error:
        raise _RowError(str(error)) from None
    if school.latitude is None or school.longitude is None:
        raise _RowError(_("Für die Schule %(name)s sind keine Koordinaten hinterlegt.") % {"name": school.name})
    start = _start(values, columns, addresses)
    try:
        verdict = school_route_check(
            graph=graph, grounds=grounds, school=school, start=start, grade=grade, schools=schools.values()
        )
    except RoutingError as error:
        raise _RowError(localized(error)) from None
    result.distance_m = verdict.route.length_m
    result.threshold_m = verdict.eligibility.threshold_m
    result.eligible = verdict.eligibility.eligible
    result.entitlement = verdict.entitlement
    if verdict.nearest is not None:
        result.nearest_schulnummer = verdict.nearest.school.schulnummer
        result.nearest_name = verdict.nearest.school.name
        result.nearest_length_m = verdict.nearest.length_m
    reasons = [verdict.headline, verdict.explanation]
    if verdict.nearest is not None:
        reasons.append(verdict.nearest_explanation)
    result.reason = " ".join(reasons)


def roll_check(
    *,
    roll: Roll,
    schools: Iterable[School],
    graph: Graph,
    addresses: AddressIndex | None,
    grounds: Sequence[SchoolGrounds] = (),
    progress: Callable[[int], None] | None = None,
) -> list[RowResult]:
    """Judges every row of the roll; `progress(rows_done)` is called now and then. Routes end at
    the nearest entrance of a school's `grounds`, as on the page and in the API."""
    by_number = {school.schulnummer: school for school in schools}
    results: list[RowResult] = []
    for done, (line, values) in enumerate(roll.rows, start=1):
        result = RowResult(line=line, values=values)
        try:
            _check_row(
                values,
                roll.columns,
                header_length=len(roll.header),
                schools=by_number,
                graph=graph,
                addresses=addresses,
                grounds=grounds,
                result=result,
            )
        except _RowError as error:
            result.error, result.suggestions = error.message, error.suggestions
        results.append(result)
        if progress is not None and (done % 50 == 0 or done == len(roll.rows)):
            progress(done)
    return results


# Writing the result -------------------------------------------------------------------------------


def _safe_cell(value: str) -> str:
    """A cell Excel shows as text: input starting like a formula gets a leading apostrophe."""
    if value.startswith(_FORMULA_START) and parse_coordinate(value, lower=-1e9, upper=1e9) is None:
        return "'" + value
    return value


def _metres(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def result_csv(*, header: list[str], results: Iterable[RowResult]) -> bytes:
    """The result for Excel: the input columns, then distance (one decimal, German comma),
    threshold, ja/nein, the explanation, the row's error, the entitlement code and a nearer school
    with its distance; `;`-separated, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_safe_cell(name) for name in header] + list(RESULT_COLUMNS))
    for result in results:
        values = (result.values + [""] * len(header))[: len(header)]
        paid = "" if result.paid is None else ("ja" if result.paid else "nein")
        nearest = f"{result.nearest_schulnummer} {result.nearest_name}".strip()
        writer.writerow(
            [_safe_cell(value) for value in values]
            + [
                _metres(result.distance_m),
                "" if result.threshold_m is None else str(result.threshold_m),
                paid,
                result.reason,
                result.error,
                "" if result.entitlement is None else result.entitlement.value,
                _safe_cell(nearest),
                _metres(result.nearest_length_m),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Runs ---------------------------------------------------------------------------------------------


def _roll_json(roll: Roll) -> dict[str, object]:
    return {
        "header": roll.header,
        "columns": roll.columns,
        "rows": [[line, values] for line, values in roll.rows],
        "delimiter": roll.delimiter,
        "encoding": roll.encoding,
    }


def _roll_of(run: BatchRun) -> Roll:
    data = run.roll
    return Roll(
        header=list(data["header"]),
        columns=dict(data["columns"]),
        rows=[(int(line), list(values)) for line, values in data["rows"]],
        delimiter=str(data["delimiter"]),
        encoding=str(data["encoding"]),
    )


def batch_run_start(*, municipality: Municipality, roll: Roll, filename: str, by: User) -> BatchRun:
    """Stores the roll as a new run, records the upload and queues its check after the commit."""
    with transaction.atomic():
        run = BatchRun.objects.create(
            municipality=municipality,
            created_at=timezone.now(),
            created_by=by,
            filename=filename[:255],
            language=(get_language() or "de")[:10],
            rows_total=len(roll.rows),
            roll=_roll_json(roll),
        )
        # The roll holds pupils' addresses: who uploaded it is recorded (the file name may name a class).
        audit_record(
            municipality=municipality,
            actor=by,
            action="schoolroute.batch_uploaded",
            obj=run,
            data={"rows": len(roll.rows)},
        )
        transaction.on_commit(lambda: batch_run_process.enqueue(run.pk))
    return run


@task()
def batch_run_process(run_id: int) -> str:
    """Checks every row of a stored run, writing its progress; returns the run's status."""
    run = BatchRun.all_tenants.select_related("municipality").filter(pk=run_id).first()
    if run is None:
        return "missing"
    with tenant_scope(run.municipality):
        if run.status != BatchRun.Status.PENDING:
            return str(run.status)
        run.status = BatchRun.Status.RUNNING
        run.save(update_fields=["status"])
        with translation.override(run.language):
            try:
                results = _process(run)
            except Exception as error:
                logger.exception("Batch run %s failed", run.pk)
                run.status = BatchRun.Status.FAILED
                run.error = (
                    localized(error)
                    if isinstance(error, RoutingError)
                    else _("Interner Fehler: %(error)s") % {"error": type(error).__name__}
                )
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "error", "finished_at"])
                return str(run.status)
        run.results = [result.as_json() for result in results]
        run.rows_done = len(results)
        run.rows_failed = sum(1 for result in results if result.error)
        run.status = BatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["results", "rows_done", "rows_failed", "status", "finished_at"])
        return str(run.status)


def _process(run: BatchRun) -> list[RowResult]:
    municipality = run.municipality
    network = street_network_get(municipality=municipality)
    if network is None:
        raise RoutingError(
            "Für diese Kommune ist kein Straßennetz importiert.", "No street network is imported for this municipality."
        )
    graph = street_network_graph(network)
    roll = _roll_of(run)
    addresses = street_network_addresses(network) if roll.by_address else None

    def progress(done: int) -> None:
        BatchRun.objects.of(run.municipality_id).filter(pk=run.pk).update(rows_done=done)

    schools = School.objects.filter(municipality=municipality)
    grounds = street_network_grounds(network)
    return roll_check(roll=roll, schools=schools, graph=graph, addresses=addresses, grounds=grounds, progress=progress)


def batch_run_results(run: BatchRun) -> list[RowResult]:
    """The stored result of a run, row by row with the input values."""
    roll = _roll_of(run)
    results = []
    for (line, values), stored in zip(roll.rows, run.results, strict=False):
        entitlement = stored.get("entitlement")  # absent in runs stored before § 9 was applied
        results.append(
            RowResult(
                line=line,
                values=values,
                distance_m=stored["distance_m"],
                threshold_m=stored["threshold_m"],
                eligible=stored["eligible"],
                entitlement=None if entitlement is None else Entitlement(entitlement),
                nearest_schulnummer=stored.get("nearest_schulnummer", ""),
                nearest_name=stored.get("nearest_name", ""),
                nearest_length_m=stored.get("nearest_length_m"),
                reason=stored["reason"],
                error=stored["error"],
            )
        )
    return results


def batch_run_csv(run: BatchRun) -> bytes:
    return result_csv(header=list(run.roll["header"]), results=batch_run_results(run))


def batch_runs_purge(*, now: datetime | None = None) -> int:
    """Deletes the runs older than `RETENTION` in every municipality; returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = BatchRun.all_tenants.filter(created_at__lt=cutoff).delete()
    return deleted
