"""The open API lists the open postings of a municipality."""

from django.test import Client

from rathaus.jobs.models import JobPosting
from rathaus.jobs.tests.conftest import in_days, make_posting
from rathaus.municipalities.models import Department, Municipality

BASE = "/api/v1/municipalities"


def test_the_list_has_the_open_postings_as_json(
    client: Client, soest: Municipality, hr_department: Department, posting: JobPosting
) -> None:
    make_posting(soest, title="Abgelaufen", deadline=in_days(-1))
    make_posting(soest, title="Entwurf", published=False)

    response = client.get(f"{BASE}/soest/jobs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == [
        {
            "id": posting.pk,
            "title": posting.title,
            "department": {"key": "personal", "name": "Personal und Organisation"},
            "pay_grade": "EG 8",
            "hours": 39.0,
            "part_time_possible": False,
            "limited": False,
            "deadline": posting.deadline.isoformat(),
            "url": f"http://testserver/soest/stellen/{posting.pk}/",
        }
    ]


def test_one_posting_has_its_texts_as_lists(client: Client, posting: JobPosting) -> None:
    data = client.get(f"{BASE}/soest/jobs/{posting.pk}").json()

    assert data["tasks"] == ["Ausweise", "Meldewesen"]
    assert data["offer"] == ["TVöD", "ZVK"]
    assert data["apply_url"] == "http://testserver/soest/antrag/bewerbung/"
    assert data["limited_until"] is None


def test_a_closed_posting_or_one_of_another_municipality_is_not_found(
    client: Client, soest: Municipality, lippstadt: Municipality, hr_department: Department, posting: JobPosting
) -> None:
    closed = make_posting(soest, deadline=in_days(-3))

    assert client.get(f"{BASE}/soest/jobs/{closed.pk}").status_code == 404
    assert client.get(f"{BASE}/lippstadt/jobs/{posting.pk}").status_code == 404
    assert client.get(f"{BASE}/lippstadt/jobs").json() == []
    assert client.get(f"{BASE}/soest/jobs/abc").status_code == 404
