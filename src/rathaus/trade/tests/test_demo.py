"""The demo runs the trade office in Soest and Lippstadt with different settings and the same code."""

from decimal import Decimal
from typing import Any

import pytest

from rathaus.cases.models import Case
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.site.demo import demo_load
from rathaus.trade.models import Business, OutboxMessage, Recipient, TradeOffice


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TRADE_OUTBOX_DIR = str(tmp_path / "outbox")
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()


def test_soest_and_lippstadt_differ_only_in_configuration(demo: None) -> None:
    soest = Municipality.objects.get(slug="soest")
    lippstadt = Municipality.objects.get(slug="lippstadt")
    assert TradeOffice.all_tenants.get(municipality=soest).fee_change
    assert not TradeOffice.all_tenants.get(municipality=lippstadt).fee_change
    assert not Recipient.all_tenants.get(municipality=lippstadt, kind="eichbehoerde").active
    assert set(Recipient.all_tenants.filter(municipality=soest).values_list("transport", flat=True)) == {"file"}
    assert set(Recipient.all_tenants.filter(municipality=lippstadt).values_list("transport", flat=True)) == {"email"}
    # Lippstadt's confirmed notices sent nothing to the Eichbehörde, Soest's café did.
    assert not OutboxMessage.all_tenants.filter(municipality=lippstadt, recipient__kind="eichbehoerde").exists()
    assert OutboxMessage.all_tenants.filter(municipality=soest, recipient__kind="eichbehoerde").exists()


def test_the_demo_has_a_register_a_queue_and_online_services(demo: None) -> None:
    soest = Municipality.objects.get(slug="soest")
    assert Business.all_tenants.filter(municipality=soest).count() == 2
    waiting = Case.all_tenants.get(municipality=soest, procedure_key="gewerbe-anmeldung", status="submitted")
    assert waiting.fee == Decimal("46.00")
    keys = set(Service.all_tenants.filter(municipality=soest).values_list("procedure_key", flat=True))
    assert {"gewerbe-anmeldung", "gewerbe-ummeldung", "gewerbe-abmeldung"} <= keys


def test_loading_the_demo_twice_adds_nothing(demo: None, django_capture_on_commit_callbacks: Any) -> None:
    before = (Business.all_tenants.count(), Case.all_tenants.count(), OutboxMessage.all_tenants.count())
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert (Business.all_tenants.count(), Case.all_tenants.count(), OutboxMessage.all_tenants.count()) == before
