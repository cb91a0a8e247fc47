"""The case's side of paying its fee: starting a payment with the provider chosen at submit, and
mirroring what the provider (or the cash desk) reports back."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case, CaseEvent
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_create, payment_mark_paid_at_counter, payment_start
from rathaus.records.services import audit_record


@transaction.atomic
def case_payment_update(*, case: Case, status: str, actor: User | None = None) -> Case:
    """Mirrors the payment's state on the case (called when the payment provider reports back)."""
    if status not in Case.Payment.values:
        raise ValidationError(_("Unbekannter Zahlungsstatus."))
    case.payment_status = status
    case.save(update_fields=["payment_status", "updated_at"])
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.PAYMENT,
        text=str(Case.Payment(status).label),
        created_at=timezone.now(),
    )
    audit_record(municipality=case.municipality, actor=actor, action="case.payment", obj=case, data={"status": status})
    return case


def case_payment_start(*, case: Case, return_url: str) -> str | None:
    """Starts (or restarts) paying the case's fee with the provider chosen at submit; returns where to send
    the applicant (a hosted payment page) or None when there is nothing to do online."""
    if case.payment_status == Case.Payment.PAID or case.fee <= 0:
        return None
    payment = (
        Payment.objects.filter(municipality=case.municipality, reference=case.reference, status="open")
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        payment = payment_create(
            municipality=case.municipality,
            reference=case.reference,
            purpose=case.subject,
            amount=case.fee,
            provider_key=case.payment_provider,
            return_url=return_url,
        )
    return payment_start(payment=payment)


@transaction.atomic
def case_paid_at_counter(*, case: Case, actor: User) -> None:
    """Payment received at the cash desk (or the invoice settled): the open payment is marked paid, which
    reports back to the case; without a payment (paying at the counter) the case itself is marked paid."""
    if case.payment_status != Case.Payment.OPEN:
        raise ValidationError(_("Für diesen Vorgang ist keine Zahlung offen."))
    payment = Payment.objects.filter(
        municipality=case.municipality, reference=case.reference, status=Payment.Status.OPEN
    ).first()
    if payment is None:
        case_payment_update(case=case, status=Case.Payment.PAID, actor=actor)
    else:
        payment_mark_paid_at_counter(payment=payment, actor=actor)
