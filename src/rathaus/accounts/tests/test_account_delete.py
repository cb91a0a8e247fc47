import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import Membership, User
from rathaus.accounts.services import account_delete
from rathaus.accounts.tests.helpers import last_mail_to, link_in_mail, logged_in_user_id
from rathaus.municipalities.models import AccessibilityFeedback, Municipality
from rathaus.testing import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.django_db

DELETE_URL = "/konto/loeschen/"


def test_the_delete_page_is_at_the_documented_address() -> None:
    assert reverse("account_delete") == DELETE_URL


def test_anonymous_visitors_are_sent_to_log_in_before_deleting(client: Client) -> None:
    response = client.get(DELETE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_deletion_with_a_wrong_password_is_refused_with_a_message(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    response = client.post(DELETE_URL, {"password": "nicht-mein-passwort", "confirm": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["Das Passwort stimmt nicht."]
    assert "Das Passwort stimmt nicht." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.is_active
    assert citizen.deleted_at is None
    assert citizen.email == "buergerin@example.org"


def test_account_deletion_without_confirming_is_refused(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    citizen.refresh_from_db()
    assert citizen.deleted_at is None


def test_citizen_can_delete_the_account_and_personal_data_go(
    client: Client, citizen: User, soest: Municipality
) -> None:
    citizen.first_name, citizen.last_name = "Berta", "Bürger"
    citizen.save()
    Authenticator.objects.create(user=citizen, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    feedback = AccessibilityFeedback.all_tenants.create(
        municipality=soest,
        message="Der Kontrast ist zu schwach.",
        name="Berta Bürger",
        email=citizen.email,
        user=citizen,
    )
    client.force_login(citizen)
    second_device = Client()
    second_device.force_login(citizen)
    someone_else = make_user("jemand@example.org")
    their_device = Client()
    their_device.force_login(someone_else)

    response = client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Ihr Konto und Ihre persönlichen Daten wurden gelöscht."
    ]
    citizen.refresh_from_db()
    assert citizen.email == f"deleted-{citizen.pk}@invalid"
    assert citizen.username == citizen.email
    assert (citizen.first_name, citizen.last_name) == ("", "")
    assert not citizen.has_usable_password()
    assert not citizen.is_active
    assert citizen.deleted_at is not None
    assert citizen.is_deleted
    assert not EmailAddress.objects.filter(user=citizen).exists()
    assert not Authenticator.objects.filter(user=citizen).exists()
    # Every session of the citizen has ended, on every device; other people stay logged in.
    assert logged_in_user_id(client) is None
    assert second_device.get(reverse("account_profile")).status_code == 302
    assert their_device.get(reverse("account_profile")).status_code == 200
    assert all(s.get_decoded().get("_auth_user_id") != str(citizen.pk) for s in Session.objects.all())
    # The report is a record we must keep: it stays, linked to the tombstone, without the person's data.
    feedback.refresh_from_db()
    assert feedback.message == "Der Kontrast ist zu schwach."
    assert (feedback.name, feedback.email) == ("", "")
    assert feedback.user_id == citizen.pk


def test_a_deleted_account_cannot_log_in_any_more(client: Client, citizen: User) -> None:
    account_delete(user=citizen)

    response = client.post(reverse("account_login"), {"login": "buergerin@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_the_old_address_can_sign_up_again_after_deletion(client: Client, citizen: User) -> None:
    account_delete(user=citizen)

    response = client.post(
        reverse("account_signup"),
        {"email": "buergerin@example.org", "password1": "Wieder-da-Passwort-9", "password2": "Wieder-da-Passwort-9"},
    )
    assert response.status_code == 302

    newcomer = User.objects.get(email="buergerin@example.org")
    assert newcomer.pk != citizen.pk
    client.post(link_in_mail(last_mail_to("buergerin@example.org"), "/konto/confirm-email/"))
    assert EmailAddress.objects.get(user=newcomer).verified
    assert logged_in_user_id(client) == str(newcomer.pk)


def test_deleting_a_staff_account_ends_its_memberships_and_second_factor(soest: Municipality) -> None:
    clerk = make_staff(soest, "weg@soest.example")

    account_delete(user=clerk)

    assert not Membership.all_tenants.filter(user=clerk).exists()
    assert not Authenticator.objects.filter(user=clerk).exists()


def test_guessing_the_password_on_the_delete_page_is_rate_limited(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    for _ in range(10):
        client.post(DELETE_URL, {"password": "geraten-geraten", "confirm": "on"})

    response = client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Zu viele Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut."
    ]
    citizen.refresh_from_db()
    assert citizen.deleted_at is None
