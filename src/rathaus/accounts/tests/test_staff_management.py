from django.test import Client

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department, make_user


def test_admin_makes_a_registered_person_a_clerk_of_a_department(admin_client: Client, soest: Municipality) -> None:
    person = make_user("neue.kollegin@example.org")
    department = make_department(soest, key="standesamt", name="Standesamt")

    response = admin_client.post(
        "/soest/verwaltung/mitarbeitende/",
        {"email": "Neue.Kollegin@example.org", "role": "clerk", "department": department.pk},
    )

    assert response.status_code == 302
    membership = Membership.all_tenants.get(user=person)
    assert (membership.municipality, membership.role, membership.department) == (soest, "clerk", department)
    page = admin_client.get("/soest/verwaltung/mitarbeitende/").content.decode()
    assert "neue.kollegin@example.org" in page
    assert "fehlt noch" in page  # no TOTP yet


def test_unknown_or_unverified_addresses_get_a_clear_message(admin_client: Client, soest: Municipality) -> None:
    make_user("unbestaetigt@example.org", verified=False)
    for email in ["niemand@example.org", "unbestaetigt@example.org"]:
        response = admin_client.post("/soest/verwaltung/mitarbeitende/", {"email": email, "role": "clerk"})
        assert response.status_code == 200
        assert "kein bestätigtes Konto" in response.content.decode()
    assert Membership.all_tenants.count() == 1  # only the admin


def test_a_department_of_another_municipality_cannot_be_chosen(
    admin_client: Client, soest: Municipality, lippstadt: Municipality
) -> None:
    make_user("person@example.org")
    foreign = make_department(lippstadt, key="fremd", name="Fremdes Amt")
    response = admin_client.post(
        "/soest/verwaltung/mitarbeitende/", {"email": "person@example.org", "role": "clerk", "department": foreign.pk}
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Membership.all_tenants.filter(user__email="person@example.org").exists()


def test_admin_removes_a_clerk_but_not_themselves(
    admin_client: Client, admin_of_soest: User, clerk_of_soest: User
) -> None:
    clerk_membership = Membership.all_tenants.get(user=clerk_of_soest)
    own = Membership.all_tenants.get(user=admin_of_soest)

    admin_client.post(f"/soest/verwaltung/mitarbeitende/{clerk_membership.pk}/entfernen/")
    response = admin_client.post(f"/soest/verwaltung/mitarbeitende/{own.pk}/entfernen/", follow=True)

    assert not Membership.all_tenants.filter(pk=clerk_membership.pk).exists()
    assert Membership.all_tenants.filter(pk=own.pk).exists()
    assert "Ihre eigene Mitgliedschaft können Sie nicht beenden." in response.content.decode()
    # The removed clerk's back office is closed at once.
    client = Client()
    client.force_login(clerk_of_soest)
    assert client.get("/soest/verwaltung/").status_code == 403


def test_clerks_cannot_manage_staff(clerk_of_soest: User, soest: Municipality) -> None:
    client = Client()
    client.force_login(clerk_of_soest)
    assert client.get("/soest/verwaltung/mitarbeitende/").status_code == 403
