"""The batch check of a school roll on the real street network of Münster-Gievenbeck (OSM, ODbL) and the
schools of the NRW school list: file checks, broken rows, distances against an independently built graph."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rathaus.routing import AddressIndex, Graph
from rathaus.routing.addresses import FILE_FORMAT
from rathaus.schoolroute.batch import (
    RESULT_COLUMNS,
    Roll,
    RollFileError,
    parse_grade,
    result_csv,
    roll_check,
    roll_read,
)
from rathaus.schoolroute.models import School
from rathaus.schoolroute.services import schools_import, schools_read_csv
from rathaus.schoolroute.tests.conftest import GYMNASIUM, HOME, MICHAELSCHULE, WARTBURGSCHULE, shipped_csv
from rathaus.testing import make_municipality

WEITERBILDUNGSKOLLEG = "170677"  # not covered by the SchfkVO
# Far outside the Gievenbeck extract: Soest's market square.
SOEST = (51.5711, 8.1057)


@pytest.fixture
def schools(db: None) -> list[School]:
    muenster = make_municipality(
        ags="05515000", slug="muenster", name="Stadt Münster", city="Münster", postal_code="48161"
    )
    schools_import(municipality=muenster, rows=schools_read_csv(shipped_csv("muenster_gievenbeck.csv")))
    return list(School.all_tenants.filter(municipality=muenster))


def by_number(schools: list[School], number: str) -> School:
    return next(school for school in schools if school.schulnummer == number)


@pytest.fixture
def addresses(tmp_path: Path) -> AddressIndex:
    """Address points of Gievenbeck: the schools' own addresses with their coordinates from the NRW list."""
    rows = [
        [51.9677932, 7.5812586, "Appelbreistiege", "40", "Münster", "hk"],
        [51.9652177, 7.5669587, "Dieckmannstraße", "131", "Münster", "hk"],
        [51.9614304, 7.5693819, "Dieckmannstraße", "141", "Münster", "hk"],
    ]
    path = tmp_path / "addresses.json"
    path.write_text(json.dumps({"format": FILE_FORMAT, "addresses": rows}), "utf-8")
    return AddressIndex.load(path)


def coordinate(value: float) -> str:
    return f"{value}".replace(".", ",")


def roll_of_points(*lines: str) -> bytes:
    return ("Kennung;Schulnummer;Klasse;Breite;Länge\n" + "\n".join(lines) + "\n").encode("utf-8")


def result_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_it_measures_each_row_like_the_router_and_judges_it(
    gievenbeck: Graph, schools: list[School], addresses: AddressIndex
) -> None:
    lat, lon = coordinate(HOME[0]), coordinate(HOME[1])
    roll = roll_read(
        roll_of_points(
            f"A1;{MICHAELSCHULE};3;{lat};{lon}",
            f"A2;{WARTBURGSCHULE};2a;{lat};{lon}",
            f"A3;{GYMNASIUM};EF;{HOME[0]};{HOME[1]}",
            f"A4;{GYMNASIUM};Q2;{lat};{lon}",
        )
    )

    results = roll_check(roll=roll, schools=schools, graph=gievenbeck, addresses=addresses)

    for result, number, threshold in zip(
        results, [MICHAELSCHULE, WARTBURGSCHULE, GYMNASIUM, GYMNASIUM], [2000, 2000, 3500, 5000], strict=True
    ):
        school = by_number(schools, number)
        assert school.latitude is not None and school.longitude is not None
        expected = gievenbeck.route(HOME, (school.latitude, school.longitude)).length_m
        assert result.error == ""
        assert result.distance_m == pytest.approx(expected, abs=1e-6)
        assert result.threshold_m == threshold
        assert result.eligible is (expected > threshold)
    assert [result.line for result in results] == [2, 3, 4, 5]

    table = result_rows(result_csv(header=roll.header, results=results))
    assert list(table[0]) == ["Kennung", "Schulnummer", "Klasse", "Breite", "Länge", *RESULT_COLUMNS]
    assert [row["Kennung"] for row in table] == ["A1", "A2", "A3", "A4"]
    assert table[0]["Entfernung_m"] == f"{results[0].distance_m:.1f}".replace(".", ",")
    assert table[0]["Schwelle_m"] == "2000"
    # The footpath to the Michaelschule is long enough, but the Wartburgschule is nearer and within 2 km (§ 9).
    assert results[0].eligible is True
    assert table[0]["Anspruch"] == "nein"
    assert table[0]["Anspruch_Art"] == "nearer_school"
    assert table[0]["Nähere_Schule"] == f"{WARTBURGSCHULE} Wartburgschule"
    assert "Primarstufe" in table[0]["Begründung"]


def test_broken_rows_are_named_and_the_good_ones_processed(
    gievenbeck: Graph, schools: list[School], addresses: AddressIndex
) -> None:
    lat, lon = coordinate(HOME[0]), coordinate(HOME[1])
    roll = roll_read(
        roll_of_points(
            f"B1;999999;3;{lat};{lon}",  # unknown school
            f"B2;{MICHAELSCHULE};7;{lat};{lon}",  # no grade 7 at a Grundschule
            f"B3;{MICHAELSCHULE};drei;{lat};{lon}",  # not a grade
            f"B4;{MICHAELSCHULE};3;nördlich;{lon}",  # not a number
            f"B5;{MICHAELSCHULE};3;{SOEST[0]};{SOEST[1]}",  # far off the network
            f"B6;{WEITERBILDUNGSKOLLEG};12;{lat};{lon}",  # not covered by the regulation
            f"B7;{MICHAELSCHULE};4;{lat};{lon}",  # good
        )
    )

    results = roll_check(roll=roll, schools=schools, graph=gievenbeck, addresses=addresses)

    errors = {result.values[0]: result.error for result in results}
    assert "999999" in errors["B1"]
    assert "Klasse 7" in errors["B2"]
    assert "drei" in errors["B3"]
    assert "nördlich" in errors["B4"]
    assert "Fußweg" in errors["B5"]
    assert "Schülerfahrkostenverordnung" in errors["B6"]
    assert errors["B7"] == ""
    assert results[-1].distance_m is not None and results[-1].threshold_m == 2000
    assert all(result.distance_m is None for result in results[:-1])
    table = result_rows(result_csv(header=roll.header, results=results))
    assert [row["Fehler"] != "" for row in table] == [True] * 6 + [False]


def test_addresses_are_looked_up_and_unknown_ones_get_suggestions(
    gievenbeck: Graph, schools: list[School], addresses: AddressIndex
) -> None:
    data = (
        "Schulnummer,Klasse,Straße,Hausnummer,Kennung\n"
        f"{GYMNASIUM},6,Dieckmannstr.,131,C1\n"
        f"{GYMNASIUM},6,Dieckmanstraße,131,C2\n"
        f"{GYMNASIUM},6,Dieckmannstraße,999,C3\n"
    ).encode()
    roll = roll_read(data)

    results = roll_check(roll=roll, schools=schools, graph=gievenbeck, addresses=addresses)

    gymnasium = by_number(schools, GYMNASIUM)
    assert gymnasium.latitude is not None and gymnasium.longitude is not None
    expected = gievenbeck.route((51.9652177, 7.5669587), (gymnasium.latitude, gymnasium.longitude)).length_m
    assert results[0].error == "" and results[0].distance_m == pytest.approx(expected, abs=1e-6)
    assert results[1].suggestions == ["Dieckmannstraße"] and "Meinten Sie" in results[1].error
    assert results[2].suggestions and "999" in results[2].error
    without_index = roll_check(roll=roll, schools=schools, graph=gievenbeck, addresses=None)
    assert all("Breite und Länge" in result.error for result in without_index)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_it_reads_every_encoding_and_delimiter_excel_writes(encoding: str, delimiter: str) -> None:
    text = f"SCHULNUMMER{delimiter}klasse{delimiter}Straße{delimiter}HAUSNUMMER\r\n119910{delimiter}3{delimiter}Görresstraße{delimiter}5\r\n"

    roll = roll_read(text.encode(encoding))

    assert isinstance(roll, Roll) and roll.by_address and roll.delimiter == delimiter
    assert roll.rows == [(2, ["119910", "3", "Görresstraße", "5"])]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leer"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "keine CSV-Datei"),
        (b"PK\x03\x04\x14\x00\x06\x00", "keine CSV-Datei"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "keine CSV-Datei"),
        (b"<!DOCTYPE html><html><body>Schulnummer;Klasse</body></html>", "Webseiten"),
        (b"Schulnummer;Klasse;Breite;L\xc3\xa4nge\n\x00\x01\x02", "keine CSV-Datei"),
        (b"Name;Vorname;Geburtstag\nMuster;Max;1.1.2015\n", "fehlen die Spalten"),
        (b"Schulnummer;Klasse;Stra\xc3\x9fe\n119910;3;Weg\n", "Hausnummer"),
        (b"Schulnummer;Klasse;Breite;Laenge\n", "nur die Kopfzeile"),
        (b"Schulnummer;Klasse;Breite;Laenge\n" + b"119910;3;51,9;7,5\n" * 5001, "5.000 Zeilen"),
        (b"Schulnummer;Klasse;Breite;Laenge\n" + b"1" * (2 * 1024 * 1024), "2 MB"),
    ],
)
def test_files_that_are_no_school_roll_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(RollFileError, match=message):
        roll_read(data)


@pytest.mark.parametrize(
    ("text", "grade"), [("3", 3), ("03", 3), ("5b", 5), (" 10 c", 10), ("EF", 11), ("q1", 12), ("Q2", 13)]
)
def test_grades_are_read_as_schools_write_them(text: str, grade: int) -> None:
    assert parse_grade(text) == grade


@pytest.mark.parametrize("text", ["", "drei", "5bb", "100", "-1"])
def test_other_grades_are_not_guessed(text: str) -> None:
    assert parse_grade(text) is None


def test_cells_that_look_like_formulas_are_written_as_text(gievenbeck: Graph, schools: list[School]) -> None:
    roll = roll_read(roll_of_points(f'=HYPERLINK("x");{MICHAELSCHULE};3;{HOME[0]};{HOME[1]}'))
    results = roll_check(roll=roll, schools=schools, graph=gievenbeck, addresses=None)

    table = result_rows(result_csv(header=roll.header, results=results))

    assert table[0]["Kennung"] == '\'=HYPERLINK("x")'
    assert table[0]["Breite"] == str(HOME[0])
