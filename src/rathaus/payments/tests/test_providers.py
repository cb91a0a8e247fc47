import pytest
from pytest_django.fixtures import Settings

from rathaus.payments.providers import PROVIDERS, available_providers, provider


def test_it_knows_counter_invoice_and_test() -> None:
    assert set(PROVIDERS) == {"counter", "invoice", "test"}
    assert str(provider("counter").label) == "Bezahlung vor Ort an der Kasse"
    assert str(provider("invoice").label) == "Rechnung / Überweisung"
    assert str(provider("invoice").description) == "Sie erhalten eine Rechnung mit den Zahlungsdaten."


def test_only_the_test_provider_is_online() -> None:
    assert [p.key for p in PROVIDERS.values() if p.online] == ["test"]


def test_unknown_provider_raises_key_error() -> None:
    with pytest.raises(KeyError):
        provider("kreditkarte")


def test_test_provider_is_offered_by_default(settings: Settings) -> None:
    del settings.PAYMENT_TEST_PROVIDER  # not configured: on, as in development and the demo
    assert [p.key for p in available_providers()] == ["counter", "invoice", "test"]


def test_test_provider_can_be_switched_off(settings: Settings) -> None:
    settings.PAYMENT_TEST_PROVIDER = False
    assert [p.key for p in available_providers()] == ["counter", "invoice"]


def test_offline_providers_have_nothing_to_start(soest_payment) -> None:
    assert provider("counter").start(soest_payment) is None
    assert provider("invoice").start(soest_payment) is None


def test_test_provider_starts_on_our_own_page(soest_payment) -> None:
    assert provider("test").start(soest_payment) == f"/soest/zahlung/test/{soest_payment.token}/"
