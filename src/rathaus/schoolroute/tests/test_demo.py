from io import StringIO

import pytest
from django.core.management import call_command

from rathaus.municipalities.models import Department
from rathaus.schoolroute.models import School

pytestmark = pytest.mark.django_db


def test_demo_loads_the_22_schools_of_soest_and_the_8_of_gievenbeck() -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())

    soest = School.all_tenants.filter(municipality__slug="soest")
    assert soest.count() == 22
    assert soest.filter(schulform="Grundschule").count() == 8
    muenster = School.all_tenants.filter(municipality__slug="muenster")
    assert muenster.count() == 8
    assert all(school.latitude and school.longitude for school in muenster)
    assert School.all_tenants.filter(municipality__slug="lippstadt").count() == 0
    assert Department.all_tenants.filter(municipality__slug="muenster", key="buergerbuero").exists()
