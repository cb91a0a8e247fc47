"""How logins are limited: the attacker is throttled, not the owner.

allauth counts failed logins per account ("key") and per client address. Counted per account
alone, anyone who knows an e-mail address could keep that account locked for good, staff included.
Here (the policy is written down in docs/configuration.md):

- failed logins count per account *and* client address together (`login_failed`): an attacker
  locks out only themselves, the owner elsewhere is not affected;
- a per-address limit (also `login_failed`) throttles one client trying many accounts;
- a looser ceiling per account (`login_failed_account`) catches an attack spread over many
  addresses, but does not apply on a device that has logged in to this account successfully
  before: such a device carries a signed cookie set at each successful login;
- a password reset clears the account's counters, so the owner always has a way back in.
"""

import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rathaus.accounts.models import User

# The longest address our tables hold; browsers and allauth's form accept up to 320 characters.
EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length or 254

DEVICE_COOKIE = "rathaus_device"
DEVICE_COOKIE_SALT = "rathaus.accounts.device"
DEVICE_MAX_AGE = 365 * 24 * 3600
DEVICE_ACCOUNTS = 5  # a shared family computer knows a few accounts; the oldest is forgotten first


def _account_mark(login: str) -> str:
    """Names the account in the device cookie without its address: a keyed hash only this server makes."""
    return salted_hmac(DEVICE_COOKIE_SALT, login.strip().lower()).hexdigest()[:32]


def _known_accounts(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        marks = signing.get_cookie_signer(salt=DEVICE_COOKIE_SALT).unsign(value, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [mark for mark in marks.split(",") if mark][:DEVICE_ACCOUNTS]


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def clean_email(self, email: str) -> str:
        """Refuses addresses too long to store, which allauth would otherwise cut short or crash on."""
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("Die E-Mail-Adresse darf höchstens %(max)d Zeichen lang sein.") % {"max": EMAIL_MAX_LENGTH}
            )
        return email

    def _login(self, credentials: dict[str, Any]) -> str:
        return str(credentials.get("email", credentials.get("username", ""))).lower()

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The account's key for the ceiling across all addresses (allauth's own key)."""
        return f"{get_current_site(request).domain}:{self._login(credentials)}"

    def _client_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The account together with the client's address."""
        account = self._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{hashlib.sha256(ratelimit.get_ip(request).encode()).hexdigest()}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        per_client = ratelimit.consume(
            request, app="allauth.account", action="login_failed", key=self._client_key(request, **credentials)
        )
        if not per_client:
            raise self.validation_error("too_many_login_attempts")
        usage = [*per_client.usage]
        if _account_mark(self._login(credentials)) not in _known_accounts(request):
            per_account = ratelimit.consume(
                request,
                app="allauth.account",
                action="login_failed_account",
                key=self._get_login_attempts_cache_key(request, **credentials),
            )
            if not per_account:
                per_client.rollback()
                raise self.validation_error("too_many_login_attempts")
            usage.extend(per_account.usage)
        # allauth rolls this back when the password was right: a success does not count.
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=usage)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset: the account's ceiling and this client's count start again."""
        for action, key in (
            ("login_failed_account", self._get_login_attempts_cache_key(request, **credentials)),
            ("login_failed", self._client_key(request, **credentials)),
        ):
            ratelimit.clear(request, app="allauth.account", action=action, key=key)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Remembers on this device that this account logged in here (see the module's docstring)."""
        response: HttpResponse = super().post_login(request, user, **kwargs)
        mark = _account_mark(user.email)
        marks = [mark, *(known for known in _known_accounts(request) if known != mark)][:DEVICE_ACCOUNTS]
        response.set_cookie(
            DEVICE_COOKIE,
            signing.get_cookie_signer(salt=DEVICE_COOKIE_SALT).sign(",".join(marks)),
            max_age=DEVICE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
