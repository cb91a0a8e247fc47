from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from rathaus.municipalities.models import Municipality
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_create


def create(municipality: Municipality, **overrides: object) -> Payment:
    values: dict[str, object] = {
        "reference": "SO-2026-000123",
        "purpose": "Gebühr Gewerbeanmeldung",
        "amount": Decimal("26.00"),
        "provider_key": "invoice",
        "return_url": "/soest/antraege/1/",
    } | overrides
    return payment_create(municipality=municipality, **values)  # type: ignore[arg-type]


def test_it_opens_a_payment(soest: Municipality) -> None:
    payment = create(soest)

    assert payment.status == Payment.Status.OPEN
    assert payment.currency == "EUR"
    assert payment.amount == Decimal("26.00")
    assert payment.paid_at is None
    assert len(payment.token) == 43
    assert Payment.all_tenants.get(token=payment.token).municipality == soest


def test_each_payment_gets_its_own_token(soest: Municipality) -> None:
    assert create(soest).token != create(soest).token


def test_a_free_payment_is_allowed(soest: Municipality) -> None:
    assert create(soest, amount=Decimal("0")).amount == 0


def test_it_refuses_an_unknown_provider(soest: Municipality) -> None:
    with pytest.raises(ValidationError) as error:
        create(soest, provider_key="kreditkarte")
    assert error.value.message_dict == {"provider": ["Diese Zahlungsart gibt es nicht."]}
    assert not Payment.all_tenants.exists()


def test_it_refuses_the_test_provider_when_switched_off(soest: Municipality, settings: Settings) -> None:
    settings.PAYMENT_TEST_PROVIDER = False
    with pytest.raises(ValidationError) as error:
        create(soest, provider_key="test")
    assert "provider" in error.value.message_dict


def test_it_refuses_a_negative_amount(soest: Municipality) -> None:
    with pytest.raises(ValidationError) as error:
        create(soest, amount=Decimal("-0.01"))
    assert error.value.message_dict["amount"] == ["Der Betrag darf nicht negativ sein."]
    assert not Payment.all_tenants.exists()


@pytest.mark.parametrize(
    "return_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "antraege/1/", "javascript:alert(1)", ""],
)
def test_it_refuses_a_return_url_off_our_site(soest: Municipality, return_url: str) -> None:
    with pytest.raises(ValidationError) as error:
        create(soest, return_url=return_url)
    assert "return_url" in error.value.message_dict
    assert not Payment.all_tenants.exists()
