from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_mark_paid_at_counter, payment_set_status, payment_start
from rathaus.payments.signals import payment_status_changed
from rathaus.payments.tests.conftest import make_payment

Status = Payment.Status


@pytest.fixture
def signals() -> Any:
    received: list[dict[str, Any]] = []

    def receiver(sender: type[Payment], **kwargs: Any) -> None:
        received.append({"sender": sender, **kwargs})

    payment_status_changed.connect(receiver)
    yield received
    payment_status_changed.disconnect(receiver)


def with_status(payment: Payment, status: str) -> Payment:
    Payment.all_tenants.filter(pk=payment.pk).update(status=status)
    payment.refresh_from_db()
    return payment


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Status.OPEN, Status.PAID),
        (Status.OPEN, Status.CANCELLED),
        (Status.OPEN, Status.FAILED),
        (Status.CANCELLED, Status.OPEN),
        (Status.FAILED, Status.OPEN),
    ],
)
def test_allowed_transition_saves_and_signals(
    soest_payment: Payment, signals: list[dict[str, Any]], clerk_of_soest: User, before: str, after: str
) -> None:
    payment = with_status(soest_payment, before)

    payment_set_status(payment=payment, status=after, actor=clerk_of_soest)

    payment.refresh_from_db()
    assert payment.status == after
    assert (payment.paid_at is not None) == (after == Status.PAID)
    assert signals == [
        {
            "sender": Payment,
            "signal": payment_status_changed,
            "payment": payment,
            "previous_status": before,
            "actor": clerk_of_soest,
        }
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Status.PAID, Status.OPEN),
        (Status.PAID, Status.CANCELLED),
        (Status.PAID, Status.FAILED),
        (Status.PAID, Status.PAID),
        (Status.OPEN, Status.OPEN),
        (Status.CANCELLED, Status.PAID),
        (Status.CANCELLED, Status.FAILED),
        (Status.FAILED, Status.PAID),
        (Status.FAILED, Status.CANCELLED),
        (Status.OPEN, "refunded"),
    ],
)
def test_refused_transition_changes_nothing(
    soest_payment: Payment, signals: list[dict[str, Any]], before: str, after: str
) -> None:
    payment = with_status(soest_payment, before)

    with pytest.raises(ValidationError) as error:
        payment_set_status(payment=payment, status=after)

    assert "kann nicht" in error.value.messages[0]
    assert Payment.all_tenants.get(pk=payment.pk).status == before
    assert signals == []


def test_transition_is_checked_against_the_saved_status(soest_payment: Payment) -> None:
    stale = Payment.all_tenants.get(pk=soest_payment.pk)
    payment_set_status(payment=soest_payment, status=Status.PAID)

    with pytest.raises(ValidationError):
        payment_set_status(payment=stale, status=Status.CANCELLED)
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Status.PAID


def test_clerk_marks_a_counter_payment_paid(
    soest: Municipality, clerk_of_soest: User, signals: list[dict[str, Any]]
) -> None:
    payment = make_payment(soest, provider_key="counter")

    payment_mark_paid_at_counter(payment=payment, actor=clerk_of_soest)

    payment.refresh_from_db()
    assert payment.status == Status.PAID
    assert payment.paid_at is not None
    assert [s["actor"] for s in signals] == [clerk_of_soest]


def test_clerk_cannot_mark_an_online_payment_paid(soest_payment: Payment, clerk_of_soest: User) -> None:
    with pytest.raises(ValidationError):
        payment_mark_paid_at_counter(payment=soest_payment, actor=clerk_of_soest)
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Status.OPEN


def test_start_of_an_offline_payment_leaves_it_open(soest: Municipality) -> None:
    payment = make_payment(soest, provider_key="counter")

    assert payment_start(payment=payment) is None
    assert Payment.all_tenants.get(pk=payment.pk).status == Status.OPEN


def test_start_after_a_cancel_opens_the_payment_again(soest_payment: Payment) -> None:
    payment = with_status(soest_payment, Status.CANCELLED)

    assert payment_start(payment=payment) == f"/soest/zahlung/test/{payment.token}/"
    assert Payment.all_tenants.get(pk=payment.pk).status == Status.OPEN


def test_a_paid_payment_cannot_be_started_again(soest_payment: Payment) -> None:
    payment = with_status(soest_payment, Status.PAID)

    with pytest.raises(ValidationError):
        payment_start(payment=payment)
