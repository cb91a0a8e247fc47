"""A German authority addresses citizens with "Sie": allauth's informal German is overridden."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinem|deinen|deiner|deines)\b", re.IGNORECASE)
INVISIBLE = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    return TAG.sub(" ", INVISIBLE.sub(" ", html))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "formal"),
    [
        ("account_login", "Falls Sie noch kein Konto haben"),
        ("account_signup", "Sie haben bereits ein Konto?"),
        ("account_reset_password", "Geben Sie unten Ihre E-Mail-Adresse ein"),
    ],
)
def test_the_account_pages_address_the_citizen_formally(client: Client, url_name: str, formal: str) -> None:
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert INFORMAL.findall(text) == []
    assert formal in text


def test_the_lockout_message_is_formal() -> None:
    with translation.override("de"):
        message = gettext("Too many failed login attempts. Try again later.")

    assert message == "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut."
