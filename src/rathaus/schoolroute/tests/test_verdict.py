"""One verdict everywhere: the parents' page, the API and the school-roll batch judge a front door
alike (`school_route_check`), on the demo's street network of Münster-Gievenbeck (OSM, ODbL)."""

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.routing import Graph
from rathaus.schoolroute.batch import batch_run_csv, batch_run_start, roll_read
from rathaus.schoolroute.eligibility import Entitlement
from rathaus.schoolroute.models import BatchRun, School
from rathaus.schoolroute.selectors import street_network_get, street_network_grounds
from rathaus.schoolroute.tests.conftest import GYMNASIUM, HOME, MICHAELSCHULE, WARTBURGSCHULE
from rathaus.schoolroute.verdict import school_route_check

PAGE = "/muenster/schulweg/"
API = "/api/v1/municipalities/muenster/school-route"
SCHOOL_OFFICE_CLERK = "schulamt.muenster@rathaus.example"
# A junction in the north of Gievenbeck, more than 2 km from every Grundschule.
NORTH = (51.9922231, 7.573842)


def page_entitlement(client: Client, school: str, grade: int, start: tuple[float, float]) -> str:
    response = client.get(PAGE, {"school": school, "grade": str(grade), "lat": str(start[0]), "lon": str(start[1])})
    match = re.search(r'data-entitlement="([a-z_]+)"', response.content.decode())
    assert match is not None, response.content.decode()[:2000]
    return match.group(1)


def api_answer(client: Client, school: str, grade: int, start: tuple[float, float]) -> Any:
    response = client.get(API, {"school": school, "grade": str(grade), "lat": str(start[0]), "lon": str(start[1])})
    assert response.status_code == 200
    return response.json()


def batch_rows(
    municipality: Municipality, lines: list[tuple[str, int, tuple[float, float]]], capture: Any
) -> list[dict[str, str]]:
    """The downloaded result of a school roll checked as the school office does it."""
    roll = "Schulnummer;Klasse;Breite;Länge\n" + "".join(
        f"{school};{grade};{lat};{lon}\n" for school, grade, (lat, lon) in lines
    )
    with capture(execute=True):  # the task runs at once in tests
        run = batch_run_start(
            municipality=municipality,
            roll=roll_read(roll.encode()),
            filename="klasse-3a.csv",
            by=User.objects.get(email=SCHOOL_OFFICE_CLERK),
        )
    run.refresh_from_db()
    assert run.status == BatchRun.Status.DONE
    return list(csv.DictReader(io.StringIO(batch_run_csv(run).decode("utf-8-sig")), delimiter=";"))


def metres(cell: str) -> float:
    return float(cell.replace(",", "."))


def test_the_batch_and_the_parents_page_give_the_same_entitlement(
    client: Client, demo: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    # From HOME the footpath to the Michaelschule is longer than 2 km, but the Wartburgschule, a
    # Grundschule too, is within 2 km: § 9 leaves nothing to pay. The batch used to apply § 5 alone
    # and wrote "ja" where the page said "voraussichtlich nein".
    page = client.get(PAGE, {"school": MICHAELSCHULE, "grade": "3", "lat": str(HOME[0]), "lon": str(HOME[1])})
    answer = api_answer(client, MICHAELSCHULE, 3, HOME)

    [row] = batch_rows(demo, [(MICHAELSCHULE, 3, HOME)], django_capture_on_commit_callbacks)

    assert 'data-entitlement="nearer_school"' in page.content.decode()
    assert (
        "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar." in page.content.decode()
    )
    assert answer["eligible"] is True and answer["entitlement"] == "nearer_school"
    assert row["Anspruch"] == "nein"
    assert row["Anspruch_Art"] == "nearer_school"
    assert row["Begründung"].startswith(
        "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar."
    )
    assert "§ 9 SchfkVO NRW" in row["Begründung"]
    assert row["Nähere_Schule"] == f"{WARTBURGSCHULE} Wartburgschule"
    assert metres(row["Entfernung_m"]) == pytest.approx(answer["length_m"], abs=0.05)
    assert metres(row["Nähere_Schule_m"]) == pytest.approx(answer["nearest_school"]["length_m"], abs=0.05)
    assert row["Fehler"] == ""


def test_every_entitlement_reads_alike_on_the_page_in_the_api_and_in_the_batch(
    client: Client, demo: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    cases = [
        (MICHAELSCHULE, 3, HOME, "nearer_school"),
        (MICHAELSCHULE, 3, NORTH, "capped"),
        (WARTBURGSCHULE, 2, NORTH, "paid"),
        (WARTBURGSCHULE, 2, HOME, "not_paid"),
        (GYMNASIUM, 5, HOME, "not_paid"),
    ]

    rows = batch_rows(
        demo, [(school, grade, start) for school, grade, start, _ in cases], django_capture_on_commit_callbacks
    )

    for row, (school, grade, start, entitlement) in zip(rows, cases, strict=True):
        assert page_entitlement(client, school, grade, start) == entitlement
        assert api_answer(client, school, grade, start)["entitlement"] == entitlement
        assert row["Anspruch_Art"] == entitlement
        assert row["Anspruch"] == ("ja" if Entitlement(entitlement).paid else "nein")


def test_only_schools_of_the_same_municipality_and_schulform_count_as_nearer(
    demo: Municipality, gievenbeck: Graph
) -> None:
    network = street_network_get(municipality=demo)
    assert network is not None
    michael = School.all_tenants.get(municipality=demo, schulnummer=MICHAELSCHULE)
    wartburg = School.all_tenants.get(municipality=demo, schulnummer=WARTBURGSCHULE)
    gymnasium = School.all_tenants.get(municipality=demo, schulnummer=GYMNASIUM)
    elsewhere = School(
        municipality=Municipality.objects.get(slug="soest"),
        schulnummer="999999",
        name="Grundschule anderswo",
        schulform="Grundschule",
        latitude=wartburg.latitude,
        longitude=wartburg.longitude,
    )

    def check(*schools: School) -> Any:
        return school_route_check(
            graph=gievenbeck,
            grounds=street_network_grounds(network),
            school=michael,
            start=HOME,
            grade=3,
            schools=schools,
        )

    alone = check(michael, gymnasium, elsewhere)
    with_wartburg = check(michael, gymnasium, elsewhere, wartburg)

    assert alone.nearest is None and alone.entitlement is Entitlement.PAID
    assert alone.nearest_check.nearest_distance_m == alone.route.length_m
    assert with_wartburg.nearest is not None and with_wartburg.nearest.school == wartburg
    assert with_wartburg.entitlement is Entitlement.NEARER_SCHOOL
