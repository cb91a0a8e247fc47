"""The cases app listens to other apps reporting back."""

from typing import Any

from django.dispatch import receiver

from rathaus.cases.models import Case
from rathaus.cases.services import case_payment_update
from rathaus.payments.models import Payment
from rathaus.payments.signals import payment_status_changed


@receiver(payment_status_changed, sender=Payment)
def payment_changed(sender: type[Payment], payment: Payment, **kwargs: Any) -> None:
    case = Case.objects.filter(municipality_id=payment.municipality_id, reference=payment.reference).first()
    if case is not None and case.payment_status != payment.status:
        case_payment_update(case=case, status=payment.status, actor=kwargs.get("actor"))
