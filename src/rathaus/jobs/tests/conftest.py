from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.jobs.models import JobPosting
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department, make_staff


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded CVs and generated letters go to a temporary folder, not var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def make_posting(municipality: Municipality, *, department: Department | None = None, **fields: Any) -> JobPosting:
    """A posting saved without the service's checks, so that tests can make closed ones too."""
    if department is None:
        department = Department.all_tenants.filter(municipality=municipality).order_by("pk")[0]
    values: dict[str, Any] = {
        "title": "Sachbearbeitung Bürgerbüro (m/w/d)",
        "pay_grade": "EG 8",
        "hours_per_week": "39.0",
        "deadline": in_days(14),
        "description": "Erste Anlaufstelle für alle Bürgerinnen und Bürger.",
        "tasks": "Ausweise\nMeldewesen",
        "requirements": "Ausbildung als Verwaltungsfachangestellte/r",
        "offer": "TVöD\nZVK",
        "contact_name": "Team Personalgewinnung",
        "contact_phone": "02921 103-0",
        "published": True,
        **fields,
    }
    return JobPosting.all_tenants.create(municipality=municipality, department=department, **values)


@pytest.fixture
def hr_department(soest: Municipality) -> Department:
    return make_department(soest, key="personal", name="Personal und Organisation")


@pytest.fixture
def posting(soest: Municipality, hr_department: Department) -> JobPosting:
    return make_posting(soest)


@pytest.fixture
def hr_clerk(soest: Municipality, hr_department: Department) -> User:
    """A clerk of Soest's HR department: works the applications."""
    user = make_staff(soest, "personal@soest.example")
    Membership.all_tenants.filter(user=user).update(department=hr_department)
    return user
