"""The school office's staff pages on the demo's real street network of Münster-Gievenbeck (OSM, ODbL):
the batch check from upload to the CSV result, the eligibility map's bands, permissions and retention."""

from __future__ import annotations

import csv
import io
import math
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string

from rathaus.accounts.models import Membership, User
from rathaus.core.capability import periodic_jobs
from rathaus.municipalities.models import Department, Municipality
from rathaus.records.models import AuditEvent
from rathaus.routing import Graph
from rathaus.schoolroute.backoffice_views import BANDS, band_of, edge_bands
from rathaus.schoolroute.batch import batch_run_process, batch_runs_purge
from rathaus.schoolroute.models import BatchRun
from rathaus.schoolroute.tests.conftest import GYMNASIUM, HOME, MICHAELSCHULE, school_point
from rathaus.testing import make_staff

BATCH = "/muenster/verwaltung/schulweg/pruefung/"
MAP = "/muenster/verwaltung/schulweg/karte/"


def school_office_clerk(municipality: Municipality, email: str = "schule@muenster.example") -> User:
    user = make_staff(municipality, email)
    department, _created = Department.all_tenants.get_or_create(
        municipality=municipality, key="schulamt", defaults={"name": "Schulamt"}
    )
    Membership.all_tenants.filter(user=user).update(department=department)
    return user


@pytest.fixture
def clerk(demo: Municipality) -> Client:
    client = Client()
    client.force_login(school_office_clerk(demo))
    return client


def upload(client: Client, content: bytes, name: str = "klasse.csv") -> Any:
    return client.post(BATCH, {"liste": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_a_roll_is_checked_in_the_background_and_its_result_downloaded(
    clerk: Client, demo: Municipality, gievenbeck: Graph, django_capture_on_commit_callbacks: Any
) -> None:
    content = (
        "Kennung;Schulnummer;Klasse;Breite;Länge\r\n"
        f"S1;{MICHAELSCHULE};3;{HOME[0]};{HOME[1]}\r\n"
        f"S2;{GYMNASIUM};Q1;{HOME[0]};{HOME[1]}\r\n"
        "S3;000000;3;51,97;7,55\r\n"
        f"S4;{MICHAELSCHULE};9;{HOME[0]};{HOME[1]}\r\n"
    ).encode("cp1252")

    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in tests
        response = upload(clerk, content)

    run = BatchRun.all_tenants.get()
    assert response.status_code == 302 and response["Location"] == f"{BATCH}{run.pk}/"
    assert run.status == BatchRun.Status.DONE and run.rows_done == 4 and run.rows_failed == 2
    page = clerk.get(f"{BATCH}{run.pk}/")
    body = page.content.decode()
    assert "Refresh" not in page
    assert "000000" in body and "Klasse 9" in body
    assert f'href="{BATCH}{run.pk}/ergebnis.csv"' in body

    download = clerk.get(f"{BATCH}{run.pk}/ergebnis.csv")

    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["Kennung"] for row in rows] == ["S1", "S2", "S3", "S4"]
    for row, number in ((rows[0], MICHAELSCHULE), (rows[1], GYMNASIUM)):
        expected = gievenbeck.route(HOME, school_point(number)).length_m
        assert float(row["Entfernung_m"].replace(",", ".")) == pytest.approx(expected, abs=0.05)
        assert row["Fehler"] == ""
    assert rows[1]["Schwelle_m"] == "5000" and rows[1]["Anspruch"] == "nein"
    assert rows[2]["Entfernung_m"] == "" and rows[2]["Fehler"]
    actions = list(
        AuditEvent.all_tenants.filter(object_id=str(run.pk), action__startswith="schoolroute.").values_list(
            "action", flat=True
        )
    )
    assert actions == ["schoolroute.batch_uploaded", "schoolroute.batch_downloaded"]


def test_a_running_check_shows_its_progress_and_refreshes_itself(clerk: Client, demo: Municipality) -> None:
    run = BatchRun.all_tenants.create(
        municipality=demo, created_at=timezone.now(), rows_total=200, rows_done=50, status=BatchRun.Status.RUNNING
    )

    page = clerk.get(f"{BATCH}{run.pk}/")
    paused = clerk.get(f"{BATCH}{run.pk}/", {"aktualisieren": "nein"})

    assert page["Refresh"] == "2"
    assert "50 von 200 Zeilen" in page.content.decode()
    assert 'value="50"' in page.content.decode()
    assert "Refresh" not in paused
    assert clerk.get(f"{BATCH}{run.pk}/ergebnis.csv").status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n1 0 obj", "keine CSV-Datei"),
        (b"<html><body>x</body></html>", "Webseiten"),
        (b"Name;Vorname\nMuster;Max\n", "fehlen die Spalten"),
        (b"", "leer"),
    ],
)
def test_files_that_are_no_roll_are_refused_and_nothing_is_stored(
    clerk: Client, demo: Municipality, content: bytes, message: str
) -> None:
    response = upload(clerk, content)

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "<title>Fehler:" in body
    assert 'href="#id_liste"' in body
    assert not BatchRun.all_tenants.exists()
    assert not AuditEvent.all_tenants.filter(action="schoolroute.batch_uploaded").exists()


def test_runs_older_than_30_days_are_deleted(demo: Municipality, clerk: Client) -> None:
    now = timezone.now()
    old = BatchRun.all_tenants.create(municipality=demo, created_at=now - timedelta(days=31), rows_total=1)
    recent = BatchRun.all_tenants.create(municipality=demo, created_at=now - timedelta(days=29), rows_total=1)

    assert batch_runs_purge(now=now) == 1
    assert list(BatchRun.all_tenants.values_list("pk", flat=True)) == [recent.pk]
    assert clerk.get(f"{BATCH}{old.pk}/").status_code == 404


def test_the_daily_retention_run_deletes_old_runs_too(demo: Municipality) -> None:
    BatchRun.all_tenants.create(municipality=demo, created_at=timezone.now() - timedelta(days=31), rows_total=1)

    # The school office's own daily job, as the scheduler in `rathaus serve` runs it.
    purge = next(job for job in periodic_jobs() if job.name == "school-roll-purge")
    import_string(purge.task)()

    assert not BatchRun.all_tenants.exists()


def test_the_map_colours_each_street_by_its_distance_band(clerk: Client, demo: Municipality, gievenbeck: Graph) -> None:
    distances = gievenbeck.distances_from(school_point(MICHAELSCHULE))
    bands = edge_bands(gievenbeck, distances)

    response = clerk.get(f"{MAP}{MICHAELSCHULE}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'class="map-band-1"' in body
    assert "Primarstufe 2.000 m" in body
    assert "gestrichelt" in body  # the legend names line styles, not colours only
    table = {row.css_class: row.km for row in response.context["bands"]}
    for css, km in table.items():
        expected = sum(length for (_u, _v, length), band in zip(gievenbeck.edges(), bands, strict=True) if band == css)
        assert km == pytest.approx(expected / 1000)
    checked = 0
    for edge, (u, v, length) in enumerate(gievenbeck.edges()):
        near, far = sorted((float(distances[u]), float(distances[v])))
        if band_of(near) == band_of(far):
            assert bands[edge] == band_of(near)
        else:
            assert bands[edge] == band_of(near + length / 2)
            checked += 1
    assert checked > 0
    assert band_of(2000.0) == "map-band-1" and band_of(2000.1) == "map-band-2"
    assert band_of(math.inf) == "map-band-none" and len(BANDS) == 4


def test_the_school_select_leads_to_the_schools_map(clerk: Client, demo: Municipality) -> None:
    response = clerk.get(MAP, {"schule": GYMNASIUM})
    assert response.status_code == 302 and response["Location"] == f"{MAP}{GYMNASIUM}/"
    gymnasium = clerk.get(f"{MAP}{GYMNASIUM}/").content.decode()
    assert "Sekundarstufe I 3.500 m" in gymnasium and "Sekundarstufe II 5.000 m" in gymnasium
    assert clerk.get(f"{MAP}999999/").status_code == 404
    assert clerk.get(MAP, {"schule": "<script>"}).status_code == 302


def test_only_the_school_office_and_admins_may_open_the_pages(
    client: Client, demo: Municipality, citizen: User
) -> None:
    soest = Municipality.objects.get(slug="soest")  # loaded by the demo
    urls = [BATCH, f"{MAP}{MICHAELSCHULE}/"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login
    client.force_login(citizen)
    assert [client.get(url).status_code for url in urls] == [403, 403]
    other_clerk = Client()
    other_clerk.force_login(make_staff(demo, "buergerbuero@muenster.example"))
    assert [other_clerk.get(url).status_code for url in urls] == [403, 403]
    soest_school_office = Client()
    soest_school_office.force_login(school_office_clerk(soest, "schule@soest.example"))
    assert [soest_school_office.get(url).status_code for url in urls] == [403, 403]
    admin = Client()
    admin.force_login(make_staff(demo, "admin@muenster.example", role=Membership.Role.ADMIN))
    assert [admin.get(url).status_code for url in urls] == [200, 200]


def test_the_dashboard_links_to_the_school_office_pages(clerk: Client) -> None:
    page = clerk.get("/muenster/verwaltung/").content.decode()

    assert f'href="{BATCH}"' in page
    assert f'href="{MAP}"' in page


def test_a_municipality_without_street_network_is_told_how_to_import_one(demo: Municipality) -> None:
    soest = Municipality.objects.get(slug="soest")
    client = Client()
    client.force_login(school_office_clerk(soest, "schule@soest.example"))
    run = BatchRun.all_tenants.create(
        municipality=soest,
        created_at=timezone.now(),
        rows_total=1,
        roll={"header": ["Schulnummer"], "columns": {}, "rows": [], "delimiter": ";", "encoding": "utf-8"},
    )

    batch_run_process.enqueue(run.pk)

    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED and "Straßennetz" in run.error
    assert "Straßennetz" in client.get(f"/soest/verwaltung/schulweg/pruefung/{run.pk}/").content.decode()
    page = client.get("/soest/verwaltung/schulweg/pruefung/").content.decode()
    assert "rathaus import-streets DATEI --municipality soest" in page
    assert client.post("/soest/verwaltung/schulweg/pruefung/", {}).status_code == 200
