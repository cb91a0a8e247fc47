"""The demo: postings in the four towns, applications in every state, and a second run adds nothing."""

from typing import Any

import pytest
from pytest_django.fixtures import Settings

from rathaus.accounts.models import User
from rathaus.cases.models import Case, DocumentRequest
from rathaus.cases.services import staff_role_for
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import PROCEDURE_KEY
from rathaus.site.demo import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> dict[str, Any]:
    return {
        "postings": JobPosting.all_tenants.count(),
        "cases": Case.all_tenants.count(),
        "requests": DocumentRequest.all_tenants.count(),
        "users": User.objects.count(),
    }


def test_the_demo_has_open_postings_and_applications_in_every_state_once(fast_hashing: None) -> None:
    logins = demo_load()
    first = _counts()
    demo_load()

    assert _counts() == first
    for slug in ("soest", "lippstadt", "iserlohn", "kreis-soest"):
        postings = JobPosting.all_tenants.filter(municipality__slug=slug)
        assert 2 <= postings.count() <= 3
        assert all(posting.is_open for posting in postings)
    assert not JobPosting.all_tenants.filter(municipality__slug="muenster").exists()
    soest_cases = Case.all_tenants.filter(municipality__slug="soest", procedure_key=PROCEDURE_KEY)
    assert set(soest_cases.values_list("status", flat=True)) == {
        "submitted",
        "in_review",
        "waiting",
        "invited",
        "rejected",
    }
    assert all(email.endswith("@example.org") for email in soest_cases.values_list("applicant_email", flat=True))
    assert all(case.documents.filter(original_name="lebenslauf.pdf").exists() for case in soest_cases)
    hr_clerk = User.objects.get(email="personal.soest@rathaus.example")
    assert all(staff_role_for(case=case, user=hr_clerk) == "clerk" for case in soest_cases)
    assert "personal.kreis-soest@rathaus.example" in {login.email for login in logins}
