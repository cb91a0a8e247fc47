"""The trade office (Gewerbeamt): its settings per municipality, the trade register
(Gewerberegister) and the outbox of messages to the authorities that receive copies of a notice.

A notice is filed as a case of the procedures in `rathaus.trade.procedure`. When the clerk issues
the receipt (Empfangsbescheinigung), the notice enters the register (`BusinessNotice`) and one
message per recipient goes into the outbox (`OutboxMessage`), filtered by GewAnzV § 3.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel
from rathaus.trade.gewanzv import RECIPIENTS, RecipientRule

# AVerwGebO NRW, Tarifstelle 11.1.1 (see DOMAIN.md § 1): the default for every new municipality.
NRW_FEE_NATURAL = Decimal("26.00")
NRW_FEE_LEGAL = Decimal("33.00")
NRW_FEE_ADDITIONAL_PERSON = Decimal("13.00")


class TradeOffice(TenantModel):
    """How a municipality runs its trade office: fees and the authority's own data for messages.
    Everything another municipality changes to take the trade office over is here or in its
    recipients: no code differs between municipalities."""

    fee_natural = models.DecimalField(
        _("Gebühr natürliche Person oder Personengesellschaft"),
        max_digits=7,
        decimal_places=2,
        default=NRW_FEE_NATURAL,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_legal = models.DecimalField(
        _("Gebühr juristische Person"),
        max_digits=7,
        decimal_places=2,
        default=NRW_FEE_LEGAL,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_additional_person = models.DecimalField(
        _("Zuschlag je weitere anzeigepflichtige Person"),
        max_digits=7,
        decimal_places=2,
        default=NRW_FEE_ADDITIONAL_PERSON,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_change = models.BooleanField(
        _("Ummeldung gebührenpflichtig"), default=True, help_text=_("Dieselben Sätze wie bei der Anmeldung.")
    )
    fee_deregistration = models.DecimalField(
        _("Gebühr Abmeldung"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    sender_name = models.CharField(
        _("Absender in Nachrichten"), max_length=120, help_text=_("z. B. „Stadt Soest, Gewerbeamt“")
    )
    sender_email = models.EmailField(_("E-Mail-Adresse des Gewerbeamts"))
    sender_phone = models.CharField(_("Telefon des Gewerbeamts"), max_length=40, blank=True)
    court = models.CharField(
        _("Zuständiges Verwaltungsgericht"),
        max_length=200,
        default="Verwaltungsgericht Arnsberg, Jägerstraße 1, 59821 Arnsberg",
        help_text=_("Für die Rechtsbehelfsbelehrung einer Zurückweisung, mit Anschrift."),
    )
    # The public extract for a legitimate interest (§ 14 Abs. 5 GewO) through the API.
    public_extract = models.BooleanField(_("Öffentliche Registerauskunft über die Schnittstelle"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality"], name="trade_office_one_per_municipality")]
        verbose_name = _("Gewerbeamt")
        verbose_name_plural = _("Gewerbeämter")

    def __str__(self) -> str:
        return self.sender_name


class Recipient(TenantModel):
    """An authority that receives copies of trade notices (GewO § 14 Abs. 8)."""

    class Transport(models.TextChoices):
        FILE = "file", _("Dateiablage")
        EMAIL = "email", _("E-Mail")

    kind = models.CharField(
        _("Empfänger"), max_length=30, choices=[(key, rule.name) for key, rule in RECIPIENTS.items()]
    )
    name = models.CharField(_("Behörde"), max_length=200, help_text=_("z. B. „Finanzamt Soest“"))
    authority_key = models.CharField(
        _("Behördenkennung"), max_length=40, blank=True, help_text=_("Kennung im DVDV, falls vorhanden")
    )
    transport = models.CharField(_("Übermittlungsweg"), max_length=10, choices=Transport.choices)
    address = models.CharField(
        _("Adresse"),
        max_length=254,
        help_text=_("E-Mail-Adresse, oder bei der Dateiablage der Unterordner im Ablageverzeichnis"),
    )
    active = models.BooleanField(
        _("Erhält Meldungen"),
        default=True,
        help_text=_("Abwählen, wenn die Behörde auf die Übermittlung verzichtet hat."),
    )

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["municipality", "kind"], name="trade_recipient_one_per_kind")]
        verbose_name = _("Empfangsbehörde")
        verbose_name_plural = _("Empfangsbehörden")

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> RecipientRule:
        return RECIPIENTS[self.kind]


class Business(TenantModel):
    """One business in the trade register (Gewerberegister), with its current state. Its history is
    the list of notices; the public extract shows only name, premises and activity (§ 14 Abs. 5 GewO)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Angemeldet")
        CLOSED = "closed", _("Abgemeldet")

    # The gewerbebetriebID of XGewerbeanzeige: stays with the business through every notice.
    business_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    number = models.CharField(_("Betriebsnummer"), max_length=20)
    name = models.CharField(_("Name"), max_length=200)
    name_search = models.CharField(max_length=200, editable=False)
    legal_form = models.CharField(_("Rechtsform"), max_length=20)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postal_code = models.CharField(
        _("Postleitzahl"), max_length=5, validators=[RegexValidator(r"^\d{5}$", _("Fünf Ziffern"))]
    )
    city = models.CharField(_("Ort"), max_length=80)
    address_search = models.CharField(max_length=220, editable=False)
    activity = models.CharField(_("Tätigkeit"), max_length=500)
    wz_code = models.CharField(_("WZ-Code"), max_length=5)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(_("Beginn"))
    closed_on = models.DateField(_("Aufgegeben am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_search"]
        constraints = [models.UniqueConstraint(fields=["municipality", "number"], name="trade_business_number")]
        indexes = [
            # Prefix searches ("bördeland…", "ulricher…"): varchar_pattern_ops lets PostgreSQL use the
            # index for LIKE 'x%' under any collation; SQLite ignores the opclasses.
            models.Index(
                fields=["municipality", "name_search"],
                name="trade_business_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["municipality", "address_search"],
                name="trade_business_address",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["municipality", "wz_code", "name_search"], name="trade_business_wz"),
            models.Index(fields=["municipality", "started_on"], name="trade_business_started"),
        ]
        verbose_name = _("Gewerbebetrieb")
        verbose_name_plural = _("Gewerbebetriebe")

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_search = self.name.lower()[:200]
        self.address_search = f"{self.street} {self.postal_code} {self.city}".lower()[:220]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class BusinessNotice(TenantModel):
    """A trade notice as it entered the register: GewA 1, 2 or 3, with the answers it was filed with."""

    class Kind(models.TextChoices):
        REGISTRATION = "anmeldung", _("Anmeldung (GewA 1)")
        CHANGE = "ummeldung", _("Ummeldung (GewA 2)")
        DEREGISTRATION = "abmeldung", _("Abmeldung (GewA 3)")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="notices")
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("Aktenzeichen"), max_length=30)
    valid_from = models.DateField(_("Gültig ab"))
    wz_code = models.CharField(_("WZ-Code"), max_length=5)
    answers = models.JSONField(default=dict)
    # A correction replaces the notice it corrects; messages then go out with istKorrektur = 1.
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    correction_reason = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(_("Empfang bescheinigt am"))

    class Meta:
        ordering = ["-confirmed_at"]
        indexes = [models.Index(fields=["municipality", "confirmed_at"], name="trade_notice_confirmed")]
        verbose_name = _("Gewerbeanzeige")
        verbose_name_plural = _("Gewerbeanzeigen")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class OutboxMessage(TenantModel):
    """One message of a notice to one recipient, with its delivery state. Delivery is retried with
    growing pauses; a recipient that is down never holds up the others."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Wartet")
        SENT = "sent", _("Zugestellt")
        FAILED = "failed", _("Fehlgeschlagen, neuer Versuch geplant")
        GAVE_UP = "gave_up", _("Endgültig fehlgeschlagen")

    message_uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    notice = models.ForeignKey(BusinessNotice, on_delete=models.PROTECT, related_name="messages")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="messages")
    message_type = models.CharField(_("Nachrichtentyp"), max_length=60)
    is_correction = models.BooleanField(_("Korrektur"), default=False)
    xml = models.TextField()
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("Zugestellt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["municipality", "status", "created_at"], name="trade_outbox_status"),
            models.Index(fields=["status", "next_attempt_at"], name="trade_outbox_due"),
        ]
        verbose_name = _("Nachricht an Empfangsbehörde")
        verbose_name_plural = _("Nachrichten an Empfangsbehörden")

    def __str__(self) -> str:
        return f"{self.message_type} → {self.recipient}"
