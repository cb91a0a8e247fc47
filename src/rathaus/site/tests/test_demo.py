from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case
from rathaus.catalog.models import Service
from rathaus.jobs.models import JobPosting
from rathaus.municipalities.models import Department, Municipality

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "municipalities": Municipality.objects.count(),
        "departments": Department.all_tenants.count(),
        "services": Service.all_tenants.count(),
        "users": User.objects.count(),
        "memberships": Membership.all_tenants.count(),
        "authenticators": Authenticator.objects.count(),
        "job_postings": JobPosting.all_tenants.count(),
        "cases": Case.all_tenants.count(),
    }


def test_demo_loads_the_five_municipalities_with_real_keys_and_staff() -> None:
    out = StringIO()
    call_command("demo", stdout=out)

    assert dict(Municipality.objects.values_list("slug", "ags")) == {
        "soest": "05974040",
        "lippstadt": "05974028",
        "iserlohn": "05962024",
        "kreis-soest": "05974000",
        "muenster": "05515000",
    }
    soest = Municipality.objects.get(slug="soest")
    assert Service.all_tenants.filter(municipality=soest).count() >= 40
    # A LeiKa key only where a shipped source gives one (catalog/data/leika_keys.json); never a made-up one.
    keys = [key for key in Service.all_tenants.values_list("leika_key", flat=True) if key]
    assert keys and all(len(key) == 14 and key.isdigit() for key in keys)
    for municipality in Municipality.objects.all():
        roles = set(Membership.all_tenants.filter(municipality=municipality).values_list("role", flat=True))
        assert roles == {"admin", "clerk"}
    printed = out.getvalue()
    assert "admin.soest@rathaus.example" in printed
    assert "clerk.lippstadt@rathaus.example" in printed
    assert "TOTP secret" in printed


def test_running_demo_twice_changes_nothing() -> None:
    call_command("demo", stdout=StringIO())
    first = _counts()
    first_out = StringIO()
    call_command("demo", stdout=first_out)
    assert _counts() == first


def test_demo_staff_have_distinct_totp_secrets() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    secrets = [line.split("TOTP secret: ")[1] for line in out.getvalue().splitlines() if "TOTP secret: " in line]
    # Admin and clerk of five municipalities, an HR clerk in each of four towns, a trade clerk in Soest and
    # Lippstadt, a school transport clerk in Soest and Münster.
    assert len(secrets) == 18
    assert len(set(secrets)) == 18
