"""The platform operator's page adds a municipality with the same service as the command; only
operators (superusers with TOTP) open it, and bad input is explained on the page."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.records.models import AuditEvent
from rathaus.testing import make_municipality, make_staff, make_user

pytestmark = pytest.mark.django_db

PAGE = "/plattform/kommunen/neu/"


def operator(*, totp: bool = True) -> User:
    user = make_user("betrieb@rathaus.example")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def operator_client(client: Client) -> Client:
    client.force_login(operator())
    return client


def test_only_operators_with_totp_open_the_page(client: Client) -> None:
    assert client.get(PAGE)["Location"].startswith("/konto/login/")
    soest = make_municipality(ags="05974040", slug="soest", name="Stadt Soest", city="Soest", postal_code="59494")
    client.force_login(make_staff(soest, "admin@soest.example", role="admin"))
    assert client.get(PAGE).status_code == 403
    without_totp = Client()
    without_totp.force_login(operator(totp=False))
    assert without_totp.get(PAGE)["Location"] == "/konto/2fa/totp/activate/"


def test_an_operator_finds_werl_by_name_picks_it_and_invites_its_admin(
    operator_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = operator_client.get(PAGE)
    assert page.status_code == 200
    assert 'name="query"' in page.content.decode()

    # "Werl" also starts "Werlte": the page asks which one is meant, without JavaScript.
    data = {"query": "Werl", "admin_email": "leitung@werl.example"}
    choose = operator_client.post(PAGE, data)
    assert choose.status_code == 422
    html = choose.content.decode()
    assert 'type="radio"' in html and 'value="05974052"' in html and "Werlte" in html
    assert not Municipality.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = operator_client.post(PAGE, {**data, "ags": "05974052"})
    assert done.status_code == 302
    werl = Municipality.objects.get(ags="05974052")
    assert werl.slug == "werl"
    entry = AuditEvent.objects.filter(municipality=werl, action="municipality.onboarded").get()
    assert entry.actor is not None and entry.actor.email == "betrieb@rathaus.example"
    assert any("leitung@werl.example" in message.to for message in mail.outbox)
    listing = operator_client.get(done["Location"]).content.decode()
    assert "Stadt Werl" in listing and "/werl/" in listing and "Gewerbeamt" in listing


def test_a_key_typed_in_is_taken_directly(operator_client: Client) -> None:
    response = operator_client.post(PAGE, {"query": "05974052", "admin_email": "leitung@werl.example"})
    assert response.status_code == 302
    assert Municipality.objects.filter(ags="05974052").exists()


def test_bad_input_is_explained_and_nothing_is_stored(operator_client: Client) -> None:
    unknown = operator_client.post(PAGE, {"query": "Xylophonhausen", "admin_email": "a@werl.example"})
    assert unknown.status_code == 422
    assert "keine Kommune mit diesem Namen" in unknown.content.decode()
    bad_mail = operator_client.post(PAGE, {"query": "05974052", "admin_email": "a-at-werl"})
    assert bad_mail.status_code == 422
    assert "<title>Fehler:" in bad_mail.content.decode()
    wrong_key = operator_client.post(PAGE, {"query": "05974999", "admin_email": "a@werl.example"})
    assert wrong_key.status_code == 422
    assert "gibt es im Gemeindeverzeichnis" in wrong_key.content.decode()
    assert not Municipality.objects.exists()

    assert operator_client.post(PAGE, {"query": "05974052", "admin_email": "a@werl.example"}).status_code == 302
    again = operator_client.post(PAGE, {"query": "05974052", "admin_email": "b@werl.example"})
    assert again.status_code == 422
    assert "schon auf der Plattform" in again.content.decode()
