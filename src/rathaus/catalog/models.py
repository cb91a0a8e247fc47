from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel
from rathaus.procedures import registry

validate_leika = RegexValidator(
    r"^\d{14}$", _("Der LeiKa-Schlüssel hat genau 14 Ziffern, z. B. 99050012104000."), code="leika"
)


class Service(TenantModel):
    """A service (Verwaltungsleistung) of one municipality.

    `key` is our own stable identifier (a slug, unique per municipality); `leika_key` the
    federal LeiKa catalogue's key where a source gives one, else empty. A service counts as
    online only when it links to something: a registered procedure of the application engine
    or a named online service of another authority (`clean` enforces it, `is_online` reads it).
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        APPOINTMENT = "appointment", _("Mit Termin")
        IN_PERSON = "in_person", _("Vor Ort")
        WRITTEN = "written", _("Schriftlich oder vor Ort")
        EXTERNAL = "external", _("Bei einer anderen Stelle online")
        ELSEWHERE = "elsewhere", _("Bei einer anderen Stelle")

    key = models.SlugField(_("Kennung"), max_length=80, blank=True, help_text=_("Wird aus dem Namen gebildet"))
    leika_key = models.CharField(_("LeiKa-Schlüssel"), max_length=14, blank=True, validators=[validate_leika])
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
    external_name = models.CharField(
        _("Name des Online-Dienstes oder der zuständigen Stelle"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „Online-Antrag des Bundesamts für Justiz“"),
    )
    external_name_en = models.CharField(_("Name des Online-Dienstes (Englisch)"), max_length=200, blank=True)
    # The procedure of the application engine behind "Online beantragen" (a key of the registry).
    procedure_key = models.CharField(_("Online-Verfahren"), max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="service_unique_key"),
            models.UniqueConstraint(
                fields=["municipality", "leika_key"], condition=~Q(leika_key=""), name="service_unique_leika"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "name"])]
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._fill_key()
        super().save(*args, **kwargs)

    def _fill_key(self) -> None:
        if not self.key:
            self.key = self._free_key(slugify(self.name)[:70] or "leistung")

    def clean(self) -> None:
        """Online only with something to click; a missing key is made from the name. The tenant
        check (rows of one municipality only) runs first."""
        super().clean()
        self._fill_key()
        errors: dict[str, Any] = {}
        if self.procedure_key and self.procedure_key not in dict(registry.choices()):
            errors["procedure_key"] = _("Dieses Online-Verfahren gibt es nicht.")
        if self.channel == self.Channel.ONLINE and not self.procedure_key and not self.external_link:
            errors["channel"] = _(
                "„Online“ nur mit einem Online-Verfahren oder mit Adresse und Namen eines Online-Dienstes."
            )
        if self.channel == self.Channel.EXTERNAL:
            if not self.external_url:
                errors["external_url"] = _("Bitte die Adresse des Online-Dienstes angeben.")
            if not self.external_name:
                errors["external_name"] = _("Bitte den Namen des Online-Dienstes angeben.")
        if errors:
            raise ValidationError(errors)

    def _free_key(self, base: str) -> str:
        taken = set(
            Service.objects.of(self.municipality_id)
            .filter(key__startswith=base)
            .exclude(pk=self.pk)
            .values_list("key", flat=True)
        )
        key, number = base, 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        return key

    @property
    def external_link(self) -> bool:
        """A named online service of another authority: address and name."""
        return bool(self.external_url and self.external_name)

    @property
    def is_online(self) -> bool:
        """The page may say "online": there is a procedure to start here (whatever the channel says),
        or the service is done online elsewhere and names that online service."""
        if self.procedure_key and self.procedure_key in dict(registry.choices()):
            return True
        return self.channel in {self.Channel.ONLINE, self.Channel.EXTERNAL} and bool(self.external_link)

    @property
    def needs_visit(self) -> bool:
        """Citizens come by or write (with or without appointment): the page gives the office's contact."""
        return not self.is_online

    def get_absolute_url(self) -> str:
        return reverse("service_detail", kwargs={"municipality_slug": self.municipality.slug, "service_id": self.pk})

    @property
    def localized_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def localized_summary(self) -> str:
        return self.summary_en if get_language() == "en" and self.summary_en else self.summary

    @property
    def localized_external_name(self) -> str:
        return self.external_name_en if get_language() == "en" and self.external_name_en else self.external_name

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]
