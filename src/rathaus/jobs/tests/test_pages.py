"""The public pages: only open postings are listed and shown; "Jetzt bewerben" starts an application."""

from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from rathaus.jobs.models import JobPosting
from rathaus.jobs.tests.conftest import in_days, make_posting
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department


def test_the_list_shows_only_published_postings_whose_deadline_has_not_passed(
    client: Client, soest: Municipality, hr_department: Department
) -> None:
    make_posting(soest, title="Offen bis heute", deadline=in_days(0))
    make_posting(soest, title="Offen (m/w/d)", deadline=in_days(20), pay_grade="S 8a", hours_per_week="30.0")
    make_posting(soest, title="Abgelaufen", deadline=in_days(-1))
    make_posting(soest, title="Entwurf", published=False)

    body = client.get("/soest/stellen/").content.decode()

    assert "Offen bis heute" in body and "Offen (m/w/d)" in body
    assert "Abgelaufen" not in body and "Entwurf" not in body
    assert "S 8a" in body and "30 Stunden" in body
    assert hr_department.name in body
    with translation.override("de"):
        assert date_format(in_days(20), "DATE_FORMAT") in body


def test_the_list_says_so_when_nothing_is_open(client: Client, soest: Municipality) -> None:
    assert "Zurzeit sind keine Stellen ausgeschrieben." in client.get("/soest/stellen/").content.decode()


def test_the_detail_page_offers_to_apply_to_this_posting(client: Client, posting: JobPosting) -> None:
    body = client.get(f"/soest/stellen/{posting.pk}/").content.decode()

    assert posting.title in body
    assert 'action="/soest/antrag/bewerbung/"' in body
    assert f'name="stelle" value="{posting.pk}"' in body
    assert "Jetzt bewerben" in body


def test_jetzt_bewerben_opens_the_first_step_of_the_application(client: Client, posting: JobPosting) -> None:
    response = client.post("/soest/antrag/bewerbung/", {"stelle": str(posting.pk)})

    assert response.status_code == 302
    assert response["Location"].endswith("/person/")
    step = client.get(response["Location"]).content.decode()
    assert "Persönliche Angaben" in step


def test_a_closed_or_unpublished_posting_is_not_found(
    client: Client, soest: Municipality, hr_department: Department
) -> None:
    closed = make_posting(soest, deadline=in_days(-1))
    draft = make_posting(soest, published=False)

    assert client.get(f"/soest/stellen/{closed.pk}/").status_code == 404
    assert client.get(f"/soest/stellen/{draft.pk}/").status_code == 404
    assert client.get("/soest/stellen/999999/").status_code == 404


def test_a_posting_of_soest_is_not_shown_under_lippstadt(
    client: Client, posting: JobPosting, lippstadt: Municipality
) -> None:
    make_department(lippstadt)
    assert client.get(f"/lippstadt/stellen/{posting.pk}/").status_code == 404
    assert posting.title not in client.get("/lippstadt/stellen/").content.decode()


def test_the_home_page_links_the_job_postings(client: Client, soest: Municipality) -> None:
    assert 'href="/soest/stellen/"' in client.get("/soest/").content.decode()
