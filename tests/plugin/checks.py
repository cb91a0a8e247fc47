"""Run by tests/test_plugin_capability.py in a process of its own with tests.plugin.settings:
the portal with one more app in INSTALLED_APPS, and nothing else changed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from rathaus.accounts.models import Membership
from rathaus.core.capability import periodic_jobs
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry
from rathaus.records.services import audit_record
from rathaus.site.demo import demo_load
from rathaus.site.scheduler import Scheduler
from rathaus.testing import make_department, make_municipality, make_staff
from tests.plugin import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def soest():
    return make_municipality(ags="05974040", slug="soest", name="Stadt Soest", city="Soest", postal_code="59494")


def test_its_public_page_answers_under_the_municipality(soest):
    response = Client().get("/soest/schirme/")
    assert response.status_code == 200
    assert response.content.decode() == "Schirme in Stadt Soest"


def test_its_api_router_is_part_of_the_one_api(soest):
    assert Client().get("/api/v1/municipalities/soest/umbrellas").json() == {"count": 3}
    assert (
        "/api/v1/municipalities/{municipality_slug}/umbrellas" in Client().get("/api/v1/openapi.json").json()["paths"]
    )


def test_its_procedure_is_registered_and_can_be_started(soest):
    assert registry.get("schirm-abholen").title == "Schirm abholen"
    response = Client().get("/soest/antrag/schirm-abholen/")
    assert response.status_code in (200, 302)


def test_its_back_office_page_and_link_follow_its_permission(soest):
    lost_property = make_department(soest, key="fundbuero", name="Fundbüro")
    clerk = make_staff(soest, "fund@soest.example")
    Membership.all_tenants.filter(user=clerk).update(department=lost_property)
    other = make_staff(soest, "other@soest.example")
    allowed, refused = Client(), Client()
    allowed.force_login(clerk)
    refused.force_login(other)

    assert "/soest/verwaltung/schirme/" in allowed.get("/soest/verwaltung/").content.decode()
    assert allowed.get("/soest/verwaltung/schirme/").content.decode() == "Schirmtheke"
    assert "/soest/verwaltung/schirme/" not in refused.get("/soest/verwaltung/").content.decode()
    assert refused.get("/soest/verwaltung/schirme/").status_code == 403


def test_its_periodic_job_runs_in_the_one_scheduler():
    assert "umbrella-count" in [job.name for job in periodic_jobs()]
    jobs.RUNS.clear()
    assert "umbrella-count" in Scheduler().run_pending()
    assert jobs.RUNS == ["counted"]


def test_its_demo_loader_is_part_of_the_demo():
    logins = demo_load()
    assert any(login.email == "schirm@rathaus.example" for login in logins)


def test_it_sets_itself_up_for_a_municipality_added_from_the_register():
    out = StringIO()
    call_command("municipality", "add", "--ags", "05974052", "--admin-email", "leitung@werl.example", stdout=out)
    assert "Schirmfundstelle: im Fundbüro eingerichtet." in out.getvalue()
    werl = Municipality.objects.get(ags="05974052")
    assert Department.objects.filter(municipality=werl, key="fundbuero").exists()


def test_its_audit_action_is_part_of_the_vocabulary(soest):
    event = audit_record(municipality=soest, actor=None, action="umbrellas.handed_out")
    assert event.sequence == 1


def test_the_system_check_passes():
    call_command("check")
