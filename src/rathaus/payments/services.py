"""Every write to a payment goes through these functions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.payments import providers
from rathaus.payments.models import Payment
from rathaus.payments.signals import payment_status_changed

Status = Payment.Status

# Paid is final; a cancelled or failed payment may be opened again for another try.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.PAID, Status.CANCELLED, Status.FAILED}),
    Status.CANCELLED: frozenset({Status.OPEN}),
    Status.FAILED: frozenset({Status.OPEN}),
    Status.PAID: frozenset(),
}


def payment_create(
    *,
    municipality: Municipality,
    reference: str,
    purpose: str,
    amount: Decimal,
    provider_key: str,
    return_url: str,
) -> Payment:
    """Opens a payment of `amount` euros for the case `reference`, to be paid through `provider_key`.

    `return_url` is the local path the citizen comes back to once the payment is settled.
    """
    if provider_key not in {p.key for p in providers.available_providers()}:
        raise ValidationError({"provider": _("Diese Zahlungsart gibt es nicht.")}, code="provider")
    payment = Payment(
        municipality=municipality,
        reference=reference,
        purpose=purpose,
        amount=amount,
        provider=provider_key,
        return_url=return_url,
    )
    payment.full_clean()
    payment.save()
    return payment


def payment_start(*, payment: Payment) -> str | None:
    """Starts paying: the URL of the provider's page to send the citizen to, or None when the
    citizen pays offline. A cancelled or failed payment is opened again for another try."""
    if payment.status in {Status.CANCELLED, Status.FAILED}:
        payment_set_status(payment=payment, status=Status.OPEN)
    if payment.status != Status.OPEN:
        raise ValidationError(_("Diese Zahlung ist bereits abgeschlossen."), code="closed")
    return providers.provider(payment.provider).start(payment)


def payment_set_status(*, payment: Payment, status: str, actor: User | None = None) -> Payment:
    """Moves a payment to `status` and sends `payment_status_changed`.

    `actor` is the member of staff who did it, or None when the provider reported it.
    """
    with transaction.atomic():
        # Read the status under a row lock: a provider's return and a clerk may race.
        current = (
            Payment.objects.of(payment.municipality_id).select_for_update().only("status").get(pk=payment.pk).status
        )
        if status not in ALLOWED_TRANSITIONS.get(current, frozenset()):
            raise ValidationError(
                _("Eine Zahlung mit dem Status „%(current)s“ kann nicht „%(new)s“ werden.")
                % {"current": Status(current).label, "new": _label(status)},
                code="transition",
            )
        payment.status = status
        payment.paid_at = timezone.now() if status == Status.PAID else None
        payment.save(update_fields=["status", "paid_at", "updated_at"])
        payment_status_changed.send(sender=Payment, payment=payment, previous_status=current, actor=actor)
    return payment


def payment_mark_paid_at_counter(*, payment: Payment, actor: User) -> Payment:
    """A clerk records that the citizen paid at the cash desk (or the invoice was settled)."""
    if providers.provider(payment.provider).online:
        raise ValidationError(
            _("Online-Zahlungen bestätigt der Zahlungsdienstleister, nicht die Verwaltung."), code="online"
        )
    return payment_set_status(payment=payment, status=Status.PAID, actor=actor)


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status
