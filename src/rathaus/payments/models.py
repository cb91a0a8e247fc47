import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel


def new_token() -> str:
    """43 URL-safe characters: the only handle on a payment that leaves our server."""
    return secrets.token_urlsafe(32)


def validate_local_path(value: str) -> None:
    """Only a path on our own site, so that a payment cannot send the citizen elsewhere."""
    if (
        not value.startswith("/")
        or value.startswith("//")
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        raise ValidationError(
            _("Die Rücksprungadresse muss ein Pfad auf dieser Website sein, z. B. /soest/antraege/1/."),
            code="return_url",
        )


class Payment(TenantModel):
    """A fee a citizen pays for a case, through one of the payment providers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        PAID = "paid", _("Bezahlt")
        CANCELLED = "cancelled", _("Abgebrochen")
        FAILED = "failed", _("Fehlgeschlagen")

    reference = models.CharField(_("Aktenzeichen"), max_length=40)
    purpose = models.CharField(_("Verwendungszweck"), max_length=200)
    amount = models.DecimalField(
        _("Betrag"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message=_("Der Betrag darf nicht negativ sein."))],
    )
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    provider = models.CharField(_("Zahlungsart"), max_length=20)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    return_url = models.CharField(_("Rücksprungadresse"), max_length=300, validators=[validate_local_path])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(_("Bezahlt am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["municipality", "reference"])]
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} {self.currency} ({self.get_status_display()})"
