from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel

validate_leika = RegexValidator(
    r"^\d{14}$", _("Der LeiKa-Schlüssel hat genau 14 Ziffern, z. B. 99050012104000."), code="leika"
)


class Service(TenantModel):
    """A service (Verwaltungsleistung) of one municipality, keyed by the federal LeiKa catalogue."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        APPOINTMENT = "appointment", _("Mit Termin")
        IN_PERSON = "in_person", _("Vor Ort")
        EXTERNAL = "external", _("Bei einer anderen Stelle online")

    leika_key = models.CharField(_("LeiKa-Schlüssel"), max_length=14, validators=[validate_leika])
    name = models.CharField(_("Name"), max_length=200)
    name_en = models.CharField(_("Name (Englisch)"), max_length=200, blank=True)
    synonyms = models.TextField(_("Suchbegriffe"), blank=True, help_text=_("Ein Begriff je Zeile"))
    summary = models.TextField(_("Kurzbeschreibung"))
    summary_en = models.TextField(_("Kurzbeschreibung (Englisch)"), blank=True)
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    documents = models.TextField(_("Erforderliche Unterlagen"), blank=True, help_text=_("Eine Unterlage je Zeile"))
    fees = models.TextField(_("Gebühren"), blank=True)
    processing_time = models.CharField(_("Bearbeitungsdauer"), max_length=200, blank=True)
    department = models.ForeignKey(
        "municipalities.Department", on_delete=models.PROTECT, related_name="services", verbose_name=_("Zuständig")
    )
    channel = models.CharField(_("So wird es erledigt"), max_length=20, choices=Channel.choices)
    external_url = models.URLField(_("Adresse des Online-Dienstes"), blank=True)
    # The procedure of the application engine behind "Online beantragen" (a key of the registry).
    procedure_key = models.CharField(_("Online-Verfahren"), max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "leika_key"], name="service_unique_leika")]
        indexes = [models.Index(fields=["municipality", "name"])]
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("service_detail", kwargs={"municipality_slug": self.municipality.slug, "service_id": self.pk})

    @property
    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def localized_summary(self) -> str:
        return self.summary_en if get_language() == "en" and self.summary_en else self.summary

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]
