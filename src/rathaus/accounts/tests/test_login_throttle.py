"""The attacker is throttled, not the owner: whoever knows an e-mail address cannot keep that
account locked (rathaus.accounts.adapter; the policy is in docs/configuration.md)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rathaus.accounts.adapter import DEVICE_COOKIE, AccountAdapter
from rathaus.accounts.models import User
from rathaus.accounts.tests.helpers import logged_in_user_id
from rathaus.accounts.tests.test_login_lockout import TOO_MANY_ATTEMPTS, log_in
from rathaus.municipalities.models import Municipality
from rathaus.testing import PASSWORD, make_staff, totp_code

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OWNER_AT_HOME = "198.51.100.7"
OWNER_ON_THE_ROAD = "192.0.2.44"


def attack(email: str, attempts: int = 50) -> list[tuple[int, list[str]]]:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    return [log_in(attacker, email, "falsch-falsch-falsch") for _ in range(attempts)]


def known_device(email: str) -> Client:
    """The owner's browser after one successful login there, logged out again."""
    device = Client(REMOTE_ADDR=OWNER_AT_HOME)
    assert log_in(device, email, PASSWORD)[0] == 302
    assert DEVICE_COOKIE in device.cookies
    device.post(reverse("account_logout"))
    assert logged_in_user_id(device) is None
    return device


def assert_throttled(result: tuple[int, list[str]]) -> None:
    """Refused with allauth's message on the login page, or (over 30 logins a minute from one
    address) with the page for too many requests."""
    assert result in [(200, [TOO_MANY_ATTEMPTS]), (429, [])], result


def test_fifty_attempts_from_elsewhere_do_not_stop_the_owner_on_their_known_device(citizen: User) -> None:
    device = known_device(citizen.email)
    results = attack(citizen.email)

    assert_throttled(results[-1])  # the attacker is throttled, with a message
    status, _errors = log_in(device, citizen.email, PASSWORD)
    assert status == 302
    assert logged_in_user_id(device) == str(citizen.pk)


def test_the_attacker_is_throttled_after_five_tries_and_told_so(citizen: User) -> None:
    results = attack(citizen.email, attempts=6)
    assert [errors for _status, errors in results[:5]] == [
        ["Die E-Mail-Adresse und/oder das Passwort sind leider falsch."]
    ] * 5
    assert results[5] == (200, [TOO_MANY_ATTEMPTS])
    # Even with the right password the attacker's address stays throttled.
    assert log_in(Client(REMOTE_ADDR=ATTACKER), citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])


def test_the_throttle_message_is_in_english_for_an_english_browser(citizen: User) -> None:
    attack(citizen.email, attempts=5)
    response = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("account_login"), {"login": citizen.email, "password": "falsch-falsch-falsch"}
    )
    assert "Too many failed login attempts" in response.content.decode()


def test_a_few_attempts_from_elsewhere_do_not_stop_the_owner_on_a_new_device(citizen: User) -> None:
    attack(citizen.email, attempts=10)
    assert log_in(Client(REMOTE_ADDR=OWNER_ON_THE_ROAD), citizen.email, PASSWORD)[0] == 302


def test_an_attack_from_many_addresses_hits_the_account_ceiling_but_not_the_known_device(citizen: User) -> None:
    device = known_device(citizen.email)
    for number in range(40):  # four tries each from ten addresses: under every per-address limit
        log_in(Client(REMOTE_ADDR=f"203.0.113.{number // 4 + 1}"), citizen.email, "falsch-falsch-falsch")

    assert log_in(Client(REMOTE_ADDR=OWNER_ON_THE_ROAD), citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])
    assert log_in(device, citizen.email, PASSWORD)[0] == 302


def test_a_forged_device_cookie_counts_for_nothing(citizen: User) -> None:
    for number in range(40):
        log_in(Client(REMOTE_ADDR=f"203.0.113.{number // 4 + 1}"), citizen.email, "falsch-falsch-falsch")
    forger = Client(REMOTE_ADDR=OWNER_ON_THE_ROAD)
    forger.cookies[DEVICE_COOKIE] = "0123456789abcdef0123456789abcdef:forged"
    assert log_in(forger, citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])


def test_a_password_reset_clears_the_accounts_ceiling(citizen: User, rf: object) -> None:
    for number in range(40):
        log_in(Client(REMOTE_ADDR=f"203.0.113.{number // 4 + 1}"), citizen.email, "falsch-falsch-falsch")
    road = Client(REMOTE_ADDR=OWNER_ON_THE_ROAD)
    assert log_in(road, citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])

    # What allauth calls when the owner has set a new password through the link in the reset mail.
    from django.test import RequestFactory

    request = RequestFactory().post("/konto/password/reset/key/", REMOTE_ADDR=OWNER_ON_THE_ROAD)
    AccountAdapter(request)._delete_login_attempts_cached_email(request, email=citizen.email)

    assert log_in(road, citizen.email, PASSWORD)[0] == 302


def test_staff_are_protected_the_same_way(soest: Municipality) -> None:
    clerk = make_staff(soest, "sachbearbeitung@soest.example")
    device = Client(REMOTE_ADDR=OWNER_AT_HOME)
    assert log_in(device, clerk.email, PASSWORD)[0] == 302
    device.post(reverse("mfa_authenticate"), {"code": totp_code(clerk)})
    assert DEVICE_COOKIE in device.cookies  # set once the login is complete, after the second factor
    device.post(reverse("account_logout"))
    results = attack(clerk.email)
    assert_throttled(results[-1])
    response = device.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "/konto/2fa/authenticate/" in response["Location"]
    assert settings.ACCOUNT_RATE_LIMITS["login_failed_account"]


def test_too_many_logins_from_one_address_get_a_page_that_says_so(citizen: User) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    responses = [
        attacker.post(reverse("account_login"), {"login": f"rate-{n}@example.org", "password": "x"}) for n in range(31)
    ]
    assert responses[-1].status_code == 429
    page = responses[-1].content.decode()
    assert "Zu viele Versuche" in page and "Bitte warten Sie einige Minuten" in page
    assert '<html lang="de">' in page
