from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel
from rathaus.municipalities.validators import validate_ags, validate_colour, validate_slug_free


class Municipality(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("Stadt")
        MUNICIPALITY = "municipality", _("Gemeinde")
        DISTRICT = "district", _("Kreis")

    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=8, unique=True, validators=[validate_ags])
    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=60, unique=True, validators=[validate_slug_free])
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    city = models.CharField(_("Ort"), max_length=80)
    phone = models.CharField(_("Telefon"), max_length=40)
    email = models.EmailField(_("E-Mail"))
    website = models.URLField(_("Website"), blank=True)
    opening_hours = models.TextField(_("Öffnungszeiten"), blank=True, help_text=_("Eine Zeile je Tag"))
    opening_hours_en = models.TextField(_("Öffnungszeiten (Englisch)"), blank=True)
    logo = models.FileField(_("Wappen oder Logo"), upload_to="logos/", blank=True)
    # The letters in front of every reference number (Aktenzeichen), e.g. "SO" in SO-2026-000123.
    reference_prefix = models.CharField(
        _("Kürzel für Aktenzeichen"),
        max_length=5,
        default="RH",
        validators=[RegexValidator(r"^[A-Z]{1,5}$", _("Ein bis fünf Großbuchstaben, z. B. SO."))],
    )
    colour = models.CharField(_("Farbe"), max_length=7, default="#004b87", validators=[validate_colour])
    legal_representative = models.CharField(_("Vertreten durch"), max_length=200)
    supervisory_authority = models.CharField(_("Aufsichtsbehörde"), max_length=200, blank=True)
    privacy_officer = models.TextField(_("Datenschutzbeauftragte Stelle"), blank=True)
    accessibility_contact = models.EmailField(_("Kontakt für Barrierefreiheit"), blank=True)
    accessibility_reviewed_on = models.DateField(_("Barrierefreiheit zuletzt geprüft am"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipality_home", kwargs={"municipality_slug": self.slug})

    @property
    def localized_opening_hours(self) -> str:
        if get_language() == "en" and self.opening_hours_en:
            return self.opening_hours_en
        return self.opening_hours


class Department(TenantModel):
    key = models.SlugField(_("Schlüssel"), max_length=40)
    name = models.CharField(_("Name"), max_length=120)
    name_en = models.CharField(_("Name (Englisch)"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "key"], name="department_unique_key")]
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class AccessibilityFeedback(TenantModel):
    """A report of a barrier, sent through the feedback form of § 10b BGG NRW."""

    page_url = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Ihre Nachricht"), max_length=5000)
    name = models.CharField(_("Name"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail für eine Antwort"), blank=True)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
