import pytest
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department, make_staff

pytestmark = pytest.mark.django_db

PROFILE = "/konto/"


def test_anonymous_visitors_are_sent_to_log_in_for_the_profile(client: Client) -> None:
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE}"


def test_the_profile_links_to_every_account_setting(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    page = client.get(PROFILE).content.decode()

    assert "Mein Konto" in page
    assert "Angemeldet als buergerin@example.org" in page
    for name in ["account_email", "account_change_password", "mfa_index", "account_delete"]:
        assert f'href="{reverse(name)}"' in page, name


def test_a_citizen_sees_no_back_office_section(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    response = client.get(PROFILE)

    assert list(response.context["memberships"]) == []
    assert "Verwaltungsbereiche" not in response.content.decode()


def test_staff_see_each_municipality_they_work_for_with_role_and_link(
    client: Client, soest: Municipality, lippstadt: Municipality
) -> None:
    user = make_staff(soest, "zwei-kommunen@example.org")
    department = make_department(lippstadt, key="ordnungsamt", name="Ordnungsamt")
    Membership.all_tenants.create(municipality=lippstadt, user=user, role=Membership.Role.ADMIN, department=department)
    client.force_login(user)

    response = client.get(PROFILE)
    page = response.content.decode()

    assert {m.municipality.slug for m in response.context["memberships"]} == {"soest", "lippstadt"}
    assert "Verwaltungsbereiche" in page
    assert '<a class="kern-link" href="/soest/verwaltung/">Stadt Soest</a> – Sachbearbeitung' in page
    assert (
        '<a class="kern-link" href="/lippstadt/verwaltung/">Stadt Lippstadt</a> – Verwaltung der Kommune, Ordnungsamt'
        in page
    )
    # Staff with TOTP are not nagged to set it up.
    assert f'href="{reverse("mfa_activate_totp")}"' not in page


def test_staff_without_totp_are_asked_to_set_it_up_on_the_profile(client: Client, soest: Municipality) -> None:
    clerk = make_staff(soest, "noch-ohne@soest.example", totp=False)
    client.force_login(clerk)

    page = client.get(PROFILE).content.decode()

    assert "brauchen Sie die Anmeldung in zwei Schritten" in page
    assert f'href="{reverse("mfa_activate_totp")}"' in page


def test_the_profile_shows_no_other_persons_memberships(client: Client, citizen: User, clerk_of_soest: User) -> None:
    client.force_login(citizen)
    page = client.get(PROFILE).content.decode()

    # "Meine Anträge" links to every municipality's list of one's own applications; no section
    # or link names the clerk's membership.
    assert "Verwaltungsbereiche" not in page
    assert "/soest/verwaltung/" not in page
