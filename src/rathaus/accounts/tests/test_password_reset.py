import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import User
from rathaus.accounts.tests.helpers import last_mail_to, link_in_mail, logged_in_user_id
from rathaus.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ganz-neues-Passwort-2026"


def request_reset(client: Client, email: str) -> tuple[int, str, str]:
    response = client.post(reverse("account_reset_password"), {"email": email})
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location", ""), follow.content.decode()


def test_citizen_can_reset_a_forgotten_password_and_log_in_with_the_new_one(client: Client, citizen: User) -> None:
    status, location, _ = request_reset(client, citizen.email)
    assert (status, location) == (302, reverse("account_reset_password_done"))

    reset_path = link_in_mail(last_mail_to(citizen.email), "/konto/password/reset/key/")
    # allauth moves the key out of the URL into the session before showing the form.
    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    assert "password1" in form_page.context["form"].fields
    set_password_path = form_page.redirect_chain[-1][0]

    response = client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    browser = Client()
    assert browser.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD}).status_code == 200
    assert logged_in_user_id(browser) is None
    response = browser.post(reverse("account_login"), {"login": citizen.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(citizen.pk)


def test_a_reset_link_works_only_once(client: Client, citizen: User) -> None:
    request_reset(client, citizen.email)
    reset_path = link_in_mail(last_mail_to(citizen.email), "/konto/password/reset/key/")
    set_password_path = client.get(reset_path, follow=True).redirect_chain[-1][0]
    client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    second = Client().get(reset_path, follow=True)

    assert second.status_code == 200
    assert second.context["token_fail"] is True
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same_as_for_a_known_one(client: Client, citizen: User) -> None:
    known = request_reset(client, citizen.email)
    unknown = request_reset(Client(), "niemand@example.org")

    assert known[:2] == unknown[:2] == (302, reverse("account_reset_password_done"))
    # The pages differ only in their CSRF tokens.
    assert _without_csrf(known[2]) == _without_csrf(unknown[2])
    # No reset link goes to an address that has no account.
    assert all("/konto/password/reset/key/" not in str(m.body) for m in mail.outbox if "niemand@example.org" in m.to)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
