"""Payment providers behind one interface.

A provider knows how a citizen pays: at the counter, by invoice, or online on a provider's
hosted payment page (ePayBL and the like). Card or account data is entered only on that page and
never reaches our server; the provider sends the citizen back to `payment_return` with a signed
result.

- `counter`: pay at the town hall's cash desk; a clerk marks the payment paid.
- `invoice`: the citizen receives an invoice and pays by bank transfer.
- `test`: a stand-in for a hosted payment page, for development and the demo
  (setting `PAYMENT_TEST_PROVIDER`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rathaus.payments.models import Payment

Label = str | Promise

_RETURN_SALT = "rathaus.payments.return"


class PaymentProvider(ABC):
    """The contract of a payment provider."""

    key: ClassVar[str]
    label: ClassVar[Label]
    description: ClassVar[Label]
    # True when the citizen pays on the provider's page and comes back with a signed result.
    online: ClassVar[bool]

    @abstractmethod
    def start(self, payment: Payment) -> str | None:
        """The URL to send the citizen to, or None when there is nothing to do online."""


class CounterProvider(PaymentProvider):
    key = "counter"
    label = _("Bezahlung vor Ort an der Kasse")
    description = _("Sie bezahlen bei Ihrem Besuch im Rathaus an der Kasse.")
    online = False

    def start(self, payment: Payment) -> str | None:
        return None


class InvoiceProvider(PaymentProvider):
    key = "invoice"
    label = _("Rechnung / Überweisung")
    description = _("Sie erhalten eine Rechnung mit den Zahlungsdaten.")
    online = False

    def start(self, payment: Payment) -> str | None:
        return None


class HostedTestPageProvider(PaymentProvider):
    """Plays the external payment page on our own site; no money moves."""

    key = "test"
    label = _("Testzahlung")
    description = _("Eine nachgestellte Bezahlseite zum Ausprobieren. Es wird kein Geld bewegt.")
    online = True

    def start(self, payment: Payment) -> str | None:
        return reverse(
            "payment_test",
            kwargs={"municipality_slug": payment.municipality.slug, "payment_token": payment.token},
        )


PROVIDERS: dict[str, PaymentProvider] = {
    p.key: p for p in (CounterProvider(), InvoiceProvider(), HostedTestPageProvider())
}


def is_test_provider_enabled() -> bool:
    return bool(getattr(settings, "PAYMENT_TEST_PROVIDER", True))


def available_providers() -> list[PaymentProvider]:
    """The providers a citizen may choose from now."""
    return [p for p in PROVIDERS.values() if p.key != HostedTestPageProvider.key or is_test_provider_enabled()]


def provider(key: str) -> PaymentProvider:
    """The provider registered under `key`; KeyError when there is none."""
    return PROVIDERS[key]


def return_signature(*, token: str, status: str) -> str:
    """HMAC-SHA256 over token and status with the SECRET_KEY, as a provider's callback carries it."""
    return salted_hmac(_RETURN_SALT, f"{token}:{status}", algorithm="sha256").hexdigest()


def return_signature_valid(*, token: str, status: str, signature: str) -> bool:
    return constant_time_compare(return_signature(token=token, status=status), signature)


def return_url(*, payment: Payment, status: str) -> str:
    """Where a provider sends the citizen back to, with the signed result of the payment."""
    path = reverse("payment_return", kwargs={"municipality_slug": payment.municipality.slug})
    query = urlencode(
        {"payment": payment.token, "status": status, "sig": return_signature(token=payment.token, status=status)}
    )
    return f"{path}?{query}"
