from decimal import Decimal

import pytest

from rathaus.municipalities.models import Municipality
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_create


def make_payment(municipality: Municipality, *, provider_key: str = "test", amount: str = "12.50") -> Payment:
    return payment_create(
        municipality=municipality,
        reference="SO-2026-000123",
        purpose="Gebühr Gewerbeanmeldung",
        amount=Decimal(amount),
        provider_key=provider_key,
        return_url="/soest/antraege/SO-2026-000123/",
    )


@pytest.fixture
def soest_payment(soest: Municipality) -> Payment:
    return make_payment(soest)
