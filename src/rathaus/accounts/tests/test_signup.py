import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.accounts.tests.helpers import last_mail_to, link_in_mail, logged_in_user_id
from rathaus.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Neues-Passwort-fuer-Soest-7"


def sign_up(client: Client, email: str, password: str = NEW_PASSWORD) -> None:
    response = client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("account_email_verification_sent")


def test_citizen_can_sign_up_and_verify_email(client: Client) -> None:
    sign_up(client, "neu@example.org")

    user = User.objects.get(email="neu@example.org")
    assert EmailAddress.objects.get(user=user).verified is False
    assert logged_in_user_id(client) is None
    message = last_mail_to("neu@example.org")
    assert message.subject.startswith("[Rathaus] ")
    confirm_path = link_in_mail(message, "/konto/confirm-email/")

    # The link only shows a form: following it (or a mail scanner prefetching it) confirms nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert EmailAddress.objects.get(user=user).verified is False

    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True
    # Confirming in the browser that signed up logs the citizen in.
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get(reverse("account_profile")).status_code == 200


def test_citizen_can_log_in_after_confirming_in_another_browser(client: Client) -> None:
    sign_up(client, "zweiter@example.org")
    confirm_path = link_in_mail(last_mail_to("zweiter@example.org"), "/konto/confirm-email/")

    other_browser = Client()
    other_browser.post(confirm_path)
    assert logged_in_user_id(other_browser) is None

    response = other_browser.post(reverse("account_login"), {"login": "zweiter@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_profile")
    assert logged_in_user_id(other_browser) == str(User.objects.get(email="zweiter@example.org").pk)


def test_unverified_citizen_cannot_log_in_but_gets_a_new_verification_mail(client: Client) -> None:
    user = make_user("unbestaetigt@example.org", verified=False)

    response = client.post(reverse("account_login"), {"login": "unbestaetigt@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("account_profile")).status_code == 302
    assert link_in_mail(last_mail_to("unbestaetigt@example.org"), "/konto/confirm-email/")
    assert EmailAddress.objects.get(user=user).verified is False


def test_a_confirmation_link_with_a_wrong_key_confirms_nothing(client: Client) -> None:
    sign_up(client, "falsch@example.org")

    response = client.post(reverse("account_confirm_email", args=["nicht-der-schluessel"]))

    assert response.status_code == 404
    assert EmailAddress.objects.get(email="falsch@example.org").verified is False


def test_signup_with_mismatched_passwords_creates_no_account(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "tippfehler@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="tippfehler@example.org").exists()
    assert mail.outbox == []


def test_signup_with_a_short_password_is_refused(client: Client) -> None:
    response = client.post(
        reverse("account_signup"), {"email": "kurz@example.org", "password1": "Kurz-1", "password2": "Kurz-1"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="kurz@example.org").exists()


def test_signup_with_a_taken_address_looks_like_success_but_creates_no_second_account(
    client: Client, citizen: User
) -> None:
    response = client.post(
        reverse("account_signup"), {"email": citizen.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # Same answer as a real signup, so nobody learns which addresses have an account …
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email=citizen.email).count() == 1
    # … and the owner of the address is told by mail instead.
    assert last_mail_to(citizen.email)


def test_citizen_can_sign_up_with_a_long_but_valid_address(client: Client) -> None:
    # 254 characters is the most an address may have (RFC 5321); the login name mirrors it.
    address = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 53}.example"
    assert len(address) == 254

    sign_up(client, address)

    user = User.objects.get(email=address)
    client.post(link_in_mail(last_mail_to(address), "/konto/confirm-email/"))
    assert EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) == str(user.pk)


def test_addresses_are_stored_in_lower_case_and_do_not_make_a_second_account(client: Client) -> None:
    sign_up(client, "Anna.Meier@Example.ORG")
    sign_up(Client(), "anna.meier@example.org")

    assert list(User.objects.values_list("email", "username")) == [("anna.meier@example.org", "anna.meier@example.org")]


def test_an_address_too_long_to_store_is_refused_and_not_cut_short(client: Client) -> None:
    address = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example"
    assert len(address) > 254

    response = client.post(
        reverse("account_signup"), {"email": address, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Die E-Mail-Adresse darf höchstens 254 Zeichen lang sein."]
    assert not User.objects.exists()
    assert mail.outbox == []
