"""The school office's pages in a real browser, on the demo's network of Münster-Gievenbeck.

The school office clerk of Münster logs in with password and TOTP, opens the eligibility map of the
Michaelschule and switches to the Gymnasium with the school select, then checks a school roll: a PDF
is refused (error state), a CSV with four pupils' front doors, one of them off the network, is
checked; the broken row is listed on the result page and the downloaded result holds every row with
the footpath the router measures. Every page is checked with axe; the same works without JavaScript.
"""

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from rathaus.routing import Graph
from rathaus.schoolroute.models import School
from tests.browser.test_accessibility import assert_accessible, log_in, log_in_through_form
from tests.browser.test_application_journey import write_pdf
from tests.browser.test_schoolroute_journey import HOME, MICHAELSCHULE, demo  # noqa: F401
from tests.conftest import browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHOOL_OFFICE_CLERK_OF_MUENSTER = "schulamt.muenster@rathaus.example"
GYMNASIUM = "167915"  # Freiherr-vom-Stein-Gymnasium
THERESIENSCHULE = "119696"  # Grundschule, beyond 2 km from the third front door
WARTBURGSCHULE = "119921"  # Grundschule, the nearest one to HOME
MAP = "/muenster/verwaltung/schulweg/karte/"
BATCH = "/muenster/verwaltung/schulweg/pruefung/"
# Front doors in Gievenbeck: HOME (Am Küchenbusch) and two points on streets of the shipped network.
NEAR_TOPPHEIDEWEG = (51.9702038, 7.5653575)
NEAR_DIECKMANNSTRASSE = (51.9651478, 7.5750115)
OFF_THE_NETWORK = (52.2, 7.6)  # 25 km north: no footpath near it
# Schulnummer, Klasse, front door; the second row is written the German way, with decimal commas.
ROLL: list[tuple[str, str, tuple[float, float]]] = [
    (MICHAELSCHULE, "3", HOME),
    (GYMNASIUM, "7", NEAR_TOPPHEIDEWEG),
    (THERESIENSCHULE, "2", NEAR_DIECKMANNSTRASSE),
    (MICHAELSCHULE, "4", OFF_THE_NETWORK),
]


def roll_csv(path: Path) -> Path:
    lines = ["Schulnummer;Klasse;Breite;Länge"]
    for number, grade, (lat, lon) in ROLL:
        if number == GYMNASIUM:
            lines.append(f"{number};{grade};{str(lat).replace('.', ',')};{str(lon).replace('.', ',')}")
        else:
            lines.append(f"{number};{grade};{lat};{lon}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")  # as Excel saves "CSV (Trennzeichen-getrennt)"
    return path


def footpath(graph: Graph, number: str, start: tuple[float, float]) -> float:
    school = School.all_tenants.get(municipality__slug="muenster", schulnummer=number)
    assert school.latitude is not None and school.longitude is not None
    return graph.route(start, (school.latitude, school.longitude)).length_m


def switch_to_the_gymnasium(page: Page, *, axe: bool) -> None:
    page.goto(f"{MAP}{MICHAELSCHULE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Entfernungskarte Michaelschule")
    expect(page.get_by_text("Primarstufe 2.000 m")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^bis 2 km durchgezogene Linie"))).to_be_visible()
    if axe:
        assert_accessible(page)
    # By keyboard: choose in the select, tab to the button and press Enter; the form submits.
    page.get_by_label("Schule", exact=True).select_option(GYMNASIUM)
    page.get_by_label("Schule", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Karte zeigen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"{MAP}{GYMNASIUM}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Entfernungskarte Freiherr-vom-Stein-Gymnasium")
    expect(page.get_by_text("Sekundarstufe I 3.500 m; Sekundarstufe II 5.000 m")).to_be_visible()
    expect(page.get_by_label("Schule", exact=True)).to_have_value(GYMNASIUM)
    if axe:
        assert_accessible(page)


def check_the_roll(page: Page, tmp_path: Path, *, axe: bool) -> None:
    """Sends a PDF, then the CSV; waits for the result page and finds the broken row on it."""
    page.get_by_role("link", name="Schulweg-Prüfung einer Schülerliste").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schulweg-Prüfung einer Schülerliste")
    if axe:
        assert_accessible(page)
    page.get_by_label("Schülerliste als CSV-Datei").set_input_files(write_pdf(tmp_path / "Klasse 3a.pdf"))
    page.get_by_role("button", name="Liste prüfen").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.locator("#error-summary")).to_contain_text("Diese Datei ist keine CSV-Datei.")
    if axe:
        assert_accessible(page)

    page.get_by_label("Schülerliste als CSV-Datei").set_input_files(roll_csv(tmp_path / "schulweg-3a.csv"))
    page.get_by_role("button", name="Liste prüfen").click()
    expect(page).to_have_url(re.compile(f"{BATCH}\\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Schulweg-Prüfung: schulweg-3a.csv")
    expect(page.get_by_text("Fertig: 4 Zeilen geprüft, davon 1 mit Fehlern.")).to_be_visible(timeout=30_000)
    problems = page.get_by_role("table", name="Zeilen mit Fehlern, nach Zeilennummer")
    expect(problems.get_by_role("row")).to_have_count(2)  # the header and line 5
    broken = problems.get_by_role("row").nth(1)
    expect(broken.get_by_role("rowheader")).to_have_text("5")
    expect(broken).to_contain_text(f"{MICHAELSCHULE}; 4; {OFF_THE_NETWORK[0]}; {OFF_THE_NETWORK[1]}")
    expect(broken).to_contain_text("Fußweg")
    if axe:
        assert_accessible(page)


def test_the_clerk_reads_the_map_and_checks_a_school_roll(page: Page, demo: Graph, tmp_path: Path) -> None:  # noqa: F811
    page.goto("/muenster/verwaltung/")
    log_in_through_form(page, SCHOOL_OFFICE_CLERK_OF_MUENSTER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwaltungsbereich")
    page.get_by_role("link", name="Entfernungskarte einer Schule").click()
    expect(page).to_have_url(re.compile(f"{MAP}\\d{{6}}/$"))
    expect(page.locator("figure svg")).to_be_visible()

    switch_to_the_gymnasium(page, axe=True)
    check_the_roll(page, tmp_path, axe=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Ergebnis als CSV herunterladen").click()
    assert re.fullmatch(r"schulweg-pruefung-\d+\.csv", download.value.suggested_filename)
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so that Excel reads the umlauts
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == [
        "Schulnummer",
        "Klasse",
        "Breite",
        "Länge",
        "Entfernung_m",
        "Schwelle_m",
        "Anspruch",
        "Begründung",
        "Fehler",
        "Anspruch_Art",
        "Nähere_Schule",
        "Nähere_Schule_m",
    ]
    assert [(row["Schulnummer"], row["Klasse"]) for row in rows] == [(number, grade) for number, grade, _ in ROLL]
    for row, (number, _grade, start), threshold in zip(rows[:3], ROLL[:3], ("2000", "3500", "2000"), strict=True):
        expected = footpath(demo, number, start)
        assert float(row["Entfernung_m"].replace(",", ".")) == pytest.approx(expected, abs=0.05)
        assert row["Schwelle_m"] == threshold
        assert ("lang genug für die Übernahme der Fahrkosten" in row["Begründung"]) is (expected > int(threshold))
        assert row["Fehler"] == ""
    # Michaelschule 2,047 m and Theresienschule 2,126 m from their front doors, both beyond 2 km; but a
    # Grundschule is nearer to each and within 2 km (Wartburgschule 958 m, Michaelschule 571 m), so § 9
    # SchfkVO NRW leaves nothing to pay, as the parents' page says. The Gymnasium is 1,279 m away.
    assert [row["Anspruch"] for row in rows] == ["nein", "nein", "nein", ""]
    assert [row["Anspruch_Art"] for row in rows] == ["nearer_school", "not_paid", "nearer_school", ""]
    assert [row["Nähere_Schule"] for row in rows] == [
        f"{WARTBURGSCHULE} Wartburgschule",
        "",
        f"{MICHAELSCHULE} Michaelschule",
        "",
    ]
    assert rows[3]["Entfernung_m"] == "" and "Fußweg" in rows[3]["Fehler"]


def test_the_school_office_pages_work_without_javascript(
    browser: Any,
    live_server: Any,
    demo: Graph,  # noqa: F811
    tmp_path: Path,
) -> None:
    with browser_page(browser, live_server.url, java_script_enabled=False) as page:
        log_in(page, live_server, SCHOOL_OFFICE_CLERK_OF_MUENSTER)
        switch_to_the_gymnasium(page, axe=False)
        check_the_roll(page, tmp_path, axe=False)
        with page.expect_download() as download:
            page.get_by_role("link", name="Ergebnis als CSV herunterladen").click()
        assert len(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()) == 1 + len(ROLL)
