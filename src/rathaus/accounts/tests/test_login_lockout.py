import runpy
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

import rathaus.settings
from rathaus.accounts.models import User
from rathaus.accounts.tests.helpers import logged_in_user_id
from rathaus.testing import PASSWORD

pytestmark = pytest.mark.django_db

# allauth's lock-out message in our formal German (locale_overrides), as the login page shows it.
TOO_MANY_ATTEMPTS = "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut."
WRONG_CREDENTIALS = "Die E-Mail-Adresse und/oder das Passwort sind leider falsch."


def log_in(client: Client, email: str, password: str) -> tuple[int, list[str]]:
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    errors = [str(e) for e in response.context["form"].non_field_errors()] if response.status_code == 200 else []
    return response.status_code, errors


def test_a_wrong_password_is_refused_with_a_message(client: Client, citizen: User) -> None:
    assert log_in(client, citizen.email, "falsch-falsch-falsch") == (200, [WRONG_CREDENTIALS])
    assert logged_in_user_id(client) is None


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client: Client, citizen: User) -> None:
    for _ in range(5):
        assert log_in(client, citizen.email, "falsch-falsch-falsch") == (200, [WRONG_CREDENTIALS])

    status, errors = log_in(client, citizen.email, PASSWORD)

    assert (status, errors) == (200, [TOO_MANY_ATTEMPTS])
    assert logged_in_user_id(client) is None
    page = client.post(reverse("account_login"), {"login": citizen.email, "password": PASSWORD})
    assert TOO_MANY_ATTEMPTS in page.content.decode()


def test_the_lock_holds_for_an_attacker_on_a_fresh_session(client: Client, citizen: User) -> None:
    for _ in range(5):
        log_in(Client(), citizen.email, "falsch-falsch-falsch")

    assert log_in(client, citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])


def test_the_address_is_matched_case_insensitively_for_the_lock(client: Client, citizen: User) -> None:
    for _ in range(5):
        log_in(client, citizen.email.upper(), "falsch-falsch-falsch")

    assert log_in(client, citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])


def test_a_lock_on_one_account_leaves_other_accounts_alone(client: Client, citizen: User) -> None:
    other = User.objects.create_user(email="nachbar@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    for _ in range(5):
        log_in(client, citizen.email, "falsch-falsch-falsch")

    status, _ = log_in(client, other.email, PASSWORD)

    assert status == 302
    assert logged_in_user_id(client) == str(other.pk)


def test_an_unknown_address_is_locked_the_same_way_so_nobody_learns_which_addresses_exist(
    client: Client, citizen: User
) -> None:
    known = [log_in(Client(), citizen.email, "falsch-falsch-falsch") for _ in range(6)]
    unknown = [log_in(Client(), "niemand@example.org", "falsch-falsch-falsch") for _ in range(6)]

    assert known == unknown
    assert known[-1] == (200, [TOO_MANY_ATTEMPTS])
    assert known[0] == (200, [WRONG_CREDENTIALS])


def test_a_successful_login_does_not_count_against_the_limit(client: Client, citizen: User) -> None:
    for _ in range(4):
        log_in(Client(), citizen.email, "falsch-falsch-falsch")
    for _ in range(3):
        browser = Client()
        assert log_in(browser, citizen.email, PASSWORD)[0] == 302

    assert log_in(Client(), citizen.email, "falsch-falsch-falsch") == (200, [WRONG_CREDENTIALS])
    assert log_in(Client(), citizen.email, PASSWORD) == (200, [TOO_MANY_ATTEMPTS])


def test_twenty_failed_logins_from_one_address_within_a_minute_block_that_address(client: Client) -> None:
    for number in range(20):
        assert log_in(client, f"rate-{number}@example.org", "falsch-falsch-falsch") == (200, [WRONG_CREDENTIALS])

    assert log_in(client, "noch-einer@example.org", "falsch-falsch-falsch") == (200, [TOO_MANY_ATTEMPTS])


def test_behind_a_proxy_each_citizen_is_counted_by_their_own_address(
    client: Client, citizen: User, settings: SettingsWrapper
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for number in range(20):
        log_in(attacker, f"rate-{number}@example.org", "falsch-falsch-falsch")
    assert log_in(attacker, "noch-einer@example.org", "falsch-falsch-falsch") == (200, [TOO_MANY_ATTEMPTS])

    # Another citizen behind the same proxy can still log in.
    neighbour = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in(neighbour, citizen.email, PASSWORD)[0] == 302


@pytest.mark.parametrize(("behind_proxy", "trusted"), [("true", 1), ("false", 0)])
def test_settings_trust_the_proxy_for_client_addresses_only_when_behind_one(
    monkeypatch: pytest.MonkeyPatch, behind_proxy: str, trusted: int
) -> None:
    monkeypatch.setenv("BEHIND_PROXY", behind_proxy)

    values = runpy.run_path(str(Path(rathaus.settings.__file__)))

    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == trusted
