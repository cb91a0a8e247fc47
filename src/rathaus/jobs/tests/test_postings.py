"""Job postings: TVöD pay groups, deadlines, and the admins' pages that write them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.jobs.forms import JobPostingForm
from rathaus.jobs.models import JobPosting, validate_pay_grade
from rathaus.jobs.services import job_posting_create, job_posting_update
from rathaus.jobs.tests.conftest import in_days
from rathaus.municipalities.models import Department, Municipality
from rathaus.records.models import AuditEvent


@pytest.mark.parametrize(
    "grade", ["EG 1", "EG 9a", "EG 9b", "EG 9c", "EG 12", "EG 15", "EG 15Ü", "S 8a", "S 11b", "S 18", "P 8", "P 16"]
)
def test_tvoed_pay_groups_are_accepted(grade: str) -> None:
    validate_pay_grade(grade)


@pytest.mark.parametrize("grade", ["EG 0", "EG 16", "EG9a", "E 9", "A 13", "S 1", "S 19", "P 4", "P 17", "EG 9d", ""])
def test_other_pay_groups_are_refused(grade: str) -> None:
    with pytest.raises(ValidationError):
        validate_pay_grade(grade)


def _data(department: Department, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Ingenieurin / Ingenieur Tiefbau (m/w/d)",
        "department": department,
        "pay_grade": "EG 11",
        "hours_per_week": "39.0",
        "part_time_possible": False,
        "limited": False,
        "limited_until": None,
        "start": "zum nächstmöglichen Zeitpunkt",
        "deadline": in_days(21),
        "description": "Straßen, Wege, Brücken.",
        "tasks": "Planung\nBauüberwachung",
        "requirements": "Bauingenieurwesen",
        "offer": "TVöD",
        "contact_name": "Team Personalgewinnung",
        "contact_phone": "02921 103-0",
        "published": True,
    }
    data.update(changes)
    return data


def test_a_posting_is_created_and_recorded_in_the_audit_chain(soest: Municipality, hr_department: Department) -> None:
    posting = job_posting_create(municipality=soest, data=_data(hr_department), by=None)

    assert posting.is_open
    assert AuditEvent.all_tenants.filter(action="job_posting.created", object_id=str(posting.pk)).exists()


def test_a_posting_whose_deadline_has_passed_cannot_be_published(
    soest: Municipality, hr_department: Department
) -> None:
    with pytest.raises(ValidationError) as error:
        job_posting_create(municipality=soest, data=_data(hr_department, deadline=in_days(-1)), by=None)
    assert "deadline" in error.value.message_dict

    draft = job_posting_create(
        municipality=soest, data=_data(hr_department, deadline=in_days(-1), published=False), by=None
    )
    with pytest.raises(ValidationError):
        job_posting_update(posting=draft, data={"published": True}, by=None)
    assert not JobPosting.all_tenants.get(pk=draft.pk).published


def test_an_end_date_belongs_only_to_a_limited_posting_and_ends_after_the_deadline(
    soest: Municipality, hr_department: Department
) -> None:
    with pytest.raises(ValidationError) as error:
        job_posting_create(municipality=soest, data=_data(hr_department, limited_until=in_days(400)), by=None)
    assert "limited_until" in error.value.message_dict
    with pytest.raises(ValidationError):
        job_posting_create(
            municipality=soest, data=_data(hr_department, limited=True, limited_until=in_days(3)), by=None
        )
    posting = job_posting_create(
        municipality=soest, data=_data(hr_department, limited=True, limited_until=in_days(400)), by=None
    )
    assert posting.limited_until == timezone.localdate() + timedelta(days=400)


def test_the_form_reads_common_spellings_of_a_pay_group(soest: Municipality, hr_department: Department) -> None:
    data = {key: "" if value is None else value for key, value in _data(hr_department).items()}
    data["department"] = hr_department.pk
    for typed, stored in (("eg9a", "EG 9a"), ("EG  15ü", "EG 15Ü"), ("s11B", "S 11b")):
        form = JobPostingForm({**data, "pay_grade": typed}, instance=JobPosting(municipality=soest))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["pay_grade"] == stored


def test_the_admin_writes_and_publishes_a_posting_in_the_back_office(
    admin_client: Client, soest: Municipality, hr_department: Department
) -> None:
    data = {key: "" if value is None else value for key, value in _data(hr_department, published="").items()}
    data.update(department=hr_department.pk, deadline=in_days(21).isoformat(), part_time_possible="on")

    response = admin_client.post("/soest/verwaltung/stellen/neu/", data)

    assert response.status_code == 302
    posting = JobPosting.all_tenants.get(municipality=soest)
    assert (posting.title, posting.pay_grade, posting.published) == (data["title"], "EG 11", False)
    listing = admin_client.get("/soest/verwaltung/stellen/").content.decode()
    assert posting.title in listing and "Entwurf" in listing

    response = admin_client.post(f"/soest/verwaltung/stellen/{posting.pk}/", {**data, "published": "on"})

    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.published
    assert AuditEvent.all_tenants.filter(action="job_posting.updated", object_id=str(posting.pk)).exists()
    assert "ausgeschrieben" in admin_client.get("/soest/verwaltung/stellen/").content.decode()


def test_a_past_deadline_comes_back_as_a_form_error(
    admin_client: Client, soest: Municipality, hr_department: Department
) -> None:
    data = {key: "" if value is None else value for key, value in _data(hr_department, published="on").items()}
    data.update(department=hr_department.pk, deadline=in_days(-2).isoformat())

    response = admin_client.post("/soest/verwaltung/stellen/neu/", data)

    assert response.status_code == 200
    assert "abgelaufener Bewerbungsfrist" in response.content.decode()
    assert not JobPosting.all_tenants.exists()


def test_the_dashboard_links_the_postings_for_admins(admin_client: Client) -> None:
    assert "/soest/verwaltung/stellen/" in admin_client.get("/soest/verwaltung/").content.decode()


def test_a_clerk_may_not_write_postings(clerk_of_soest: User, soest: Municipality) -> None:
    client = Client()
    client.force_login(clerk_of_soest)
    assert client.get("/soest/verwaltung/stellen/").status_code == 403
    assert client.get("/soest/verwaltung/stellen/neu/").status_code == 403
