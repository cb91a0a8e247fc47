from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.models import School
from rathaus.schoolroute.services import SchoolFileError, schools_import, schools_read_csv
from rathaus.schoolroute.tests.conftest import shipped_csv

HEADER = "Schulform;Schulnummer;Amtliche Bezeichnung 1;Straße und Hausnummer;Postleitzahl;Ort;Anzahl;latitude;longitude"


def test_it_imports_the_22_schools_of_soest(soest: Municipality) -> None:
    report = schools_import(municipality=soest, rows=schools_read_csv(shipped_csv("soest.csv")))

    assert (report.created, report.updated, report.unchanged, report.problems) == (22, 0, 0, [])
    hellweg = School.all_tenants.get(municipality=soest, schulnummer="135458")
    assert hellweg.name == "Städt. Gem. Grundschule Hellweg"
    assert hellweg.schulform == "Grundschule"
    assert (hellweg.street, hellweg.house_number, hellweg.postal_code, hellweg.city) == (
        "Am Hellweg",
        "15",
        "59494",
        "Soest",
    )
    assert hellweg.address == "Am Hellweg 15, 59494 Soest"
    assert (hellweg.latitude, hellweg.longitude, hellweg.pupils) == (51.5555909, 8.0562937, 200)


def test_it_reads_the_eight_gievenbeck_schools(soest: Municipality) -> None:
    rows = schools_read_csv(shipped_csv("muenster_gievenbeck.csv"))
    assert len(rows) == 8
    assert {row["Ort"] for _, row in rows} == {"Münster"}


def test_importing_twice_changes_nothing_and_a_changed_row_is_updated(soest: Municipality) -> None:
    rows = schools_read_csv(shipped_csv("soest.csv"))
    schools_import(municipality=soest, rows=rows)
    again = schools_import(municipality=soest, rows=rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 22)

    rows[0][1]["Anzahl"] = "999"
    changed = schools_import(municipality=soest, rows=rows)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 21)
    assert School.all_tenants.get(schulnummer=rows[0][1]["Schulnummer"]).pupils == 999
    assert School.all_tenants.count() == 22


def test_broken_rows_are_listed_with_line_and_reason_and_good_rows_imported(soest: Municipality) -> None:
    text = "\n".join(
        [
            HEADER,
            "Grundschule;123456;Gute Schule;Markt 1;59494;Soest;100;51.5;8.1",
            "Grundschule;12345;Kurze Nummer;Markt 2;59494;Soest;;;",
            "Zauberschule;234567;Hogwarts;Gleis 9;59494;Soest;;;",
            "Gymnasium;345678;;Markt 3;59494;Soest;;;",
            "Gymnasium;456789;Ohne Länge;Markt 4;59494;Soest;;51.5;",
            "Gymnasium;567890;Falsche Breite;Markt 5;59494;Soest;;95;8",
            "Realschule;678901;Falsche PLZ;Markt 6;5949;Soest;;;",
            "Realschule;789012;Viele;Markt 7;59494;Soest;zwei;;",
            "Grundschule;123456;Doppelt;Markt 1;59494;Soest;;;",
            "Realschule;890123;Ohne Koordinaten;Markt 8;59494;Soest;;;",
        ]
    )
    report = schools_import(municipality=soest, rows=schools_read_csv(text))

    assert report.created == 2
    assert [(problem.line, problem.reason) for problem in report.problems] == [
        (3, "Schulnummer '12345' hat nicht sechs Ziffern"),
        (4, "Unbekannte Schulform 'Zauberschule'"),
        (5, "Der Name der Schule fehlt"),
        (6, "Breiten- und Längengrad müssen beide angegeben sein oder beide fehlen"),
        (7, "Ungültige Koordinate: Breitengrad 95 liegt außerhalb von -90 bis 90"),
        (8, "Postleitzahl '5949' hat nicht fünf Ziffern"),
        (9, "Schülerzahl 'zwei' ist keine ganze Zahl"),
        (10, "Schulnummer 123456 kommt doppelt vor"),
    ]
    without = School.all_tenants.get(schulnummer="890123")
    assert (without.latitude, without.longitude, without.pupils) == (None, None, None)


def test_a_file_without_the_nrw_header_is_refused() -> None:
    with pytest.raises(SchoolFileError, match="es fehlen die Spalten: Schulnummer"):
        schools_read_csv("Name,Adresse\nA,B\n")


def test_schools_of_one_municipality_do_not_touch_another(soest: Municipality, lippstadt: Municipality) -> None:
    rows = schools_read_csv(shipped_csv("soest.csv"))
    schools_import(municipality=soest, rows=rows)
    report = schools_import(municipality=lippstadt, rows=rows)
    assert report.created == 22
    assert School.all_tenants.filter(municipality=soest).count() == 22


def test_the_command_imports_a_semicolon_file(soest: Municipality, tmp_path: Path) -> None:
    path = tmp_path / "schulen.csv"
    path.write_text(HEADER + "\nGrundschule;123456;Gute Schule;Markt 1;59494;Soest;100;51.5;8.1\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import-schools", str(path), municipality="soest", stdout=out, stderr=err)
    assert "1 neu, 0 geändert, 0 unverändert, 0 fehlerhaft" in out.getvalue()
    assert School.all_tenants.get().name == "Gute Schule"


def test_the_command_lists_broken_rows(soest: Municipality, tmp_path: Path) -> None:
    path = tmp_path / "schulen.csv"
    path.write_text(HEADER + "\nGrundschule;12;Kaputt;Markt 1;59494;Soest;;;\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import-schools", str(path), municipality="soest", stdout=out, stderr=err)
    assert "Zeile 2: Schulnummer '12' hat nicht sechs Ziffern" in err.getvalue()
    assert "1 fehlerhaft" in out.getvalue()


def test_the_command_refuses_a_missing_file(soest: Municipality, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import-schools", str(tmp_path / "fehlt.csv"), municipality="soest")


def test_the_command_refuses_an_unknown_municipality(soest: Municipality, tmp_path: Path) -> None:
    path = tmp_path / "schulen.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Die Kommune 'atlantis' gibt es nicht"):
        call_command("import-schools", str(path), municipality="atlantis")


def test_the_command_refuses_a_wrong_header(soest: Municipality, tmp_path: Path) -> None:
    path = tmp_path / "schulen.csv"
    path.write_text("Name;Adresse\nA;B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Kopfzeile passt nicht"):
        call_command("import-schools", str(path), municipality="soest")
    assert not School.all_tenants.exists()
