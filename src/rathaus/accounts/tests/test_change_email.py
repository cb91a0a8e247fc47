import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.accounts.tests.helpers import last_mail_to, link_in_mail, logged_in_user_id
from rathaus.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_citizen_can_change_the_email_address_once_the_new_one_is_verified(client: Client, citizen: User) -> None:
    old_address = citizen.email
    client.force_login(citizen)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "neue-adresse@example.org"})
    assert response.status_code == 302

    # Until the new address is confirmed, the old one stays in charge.
    citizen.refresh_from_db()
    assert citizen.email == old_address
    assert EmailAddress.objects.get(user=citizen, email="neue-adresse@example.org").verified is False

    confirm_path = link_in_mail(last_mail_to("neue-adresse@example.org"), "/konto/confirm-email/")
    assert client.post(confirm_path).status_code == 302

    citizen.refresh_from_db()
    assert citizen.email == "neue-adresse@example.org"
    assert list(EmailAddress.objects.filter(user=citizen).values_list("email", "verified", "primary")) == [
        ("neue-adresse@example.org", True, True)
    ]

    browser = Client()
    browser.post(reverse("account_login"), {"login": old_address, "password": PASSWORD})
    assert logged_in_user_id(browser) is None
    browser.post(reverse("account_login"), {"login": "neue-adresse@example.org", "password": PASSWORD})
    assert logged_in_user_id(browser) == str(citizen.pk)


def test_an_unconfirmed_change_leaves_the_old_address_in_place(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    client.post(reverse("account_email"), {"action_add": "", "email": "nie-bestaetigt@example.org"})

    citizen.refresh_from_db()
    assert citizen.email == "buergerin@example.org"
    assert EmailAddress.objects.get(user=citizen, primary=True).email == "buergerin@example.org"


def test_nobody_can_take_over_an_address_that_belongs_to_another_account(client: Client, citizen: User) -> None:
    other = User.objects.create_user(email="andere@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    client.force_login(other)

    client.post(reverse("account_email"), {"action_add": "", "email": citizen.email})

    other.refresh_from_db()
    assert other.email == "andere@example.org"
    assert not EmailAddress.objects.filter(user=other, email=citizen.email, verified=True).exists()
    assert EmailAddress.objects.get(email=citizen.email, verified=True).user == citizen


def test_the_old_address_is_free_for_a_new_account_after_a_change(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    client.post(reverse("account_email"), {"action_add": "", "email": "umgezogen@example.org"})
    client.post(link_in_mail(last_mail_to("umgezogen@example.org"), "/konto/confirm-email/"))
    citizen.refresh_from_db()
    assert citizen.username == "umgezogen@example.org"

    newcomer = Client()
    response = newcomer.post(
        reverse("account_signup"),
        {"email": "buergerin@example.org", "password1": "Nachmieterin-2026!", "password2": "Nachmieterin-2026!"},
    )

    assert response.status_code == 302
    assert User.objects.get(email="buergerin@example.org").pk != citizen.pk


def test_a_new_address_too_long_to_store_is_refused(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    address = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example"

    response = client.post(reverse("account_email"), {"action_add": "", "email": address})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Die E-Mail-Adresse darf höchstens 254 Zeichen lang sein."]
    assert list(EmailAddress.objects.filter(user=citizen).values_list("email", flat=True)) == [citizen.email]
