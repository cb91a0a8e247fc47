"""Job postings (Stellenausschreibungen) of a municipality; applications to them are cases of the
procedure "bewerbung" (`rathaus.jobs.procedure`)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel

# TVöD pay groups: "EG 1" … "EG 15" (with "Ü" for EG 15Ü and the split groups 9a–9c of the VKA table),
# "S 2" … "S 18" with a/b for the social and childcare service (Anlage C, SuE), "P 5" … "P 16" for care.
PAY_GRADE_PATTERN = r"^(?:EG (?:[1-9]|1[0-5])(?:Ü|a|b|c)?|S (?:[2-9]|1[0-8])(?:a|b)?|P (?:[5-9]|1[0-6]))$"
validate_pay_grade = RegexValidator(
    PAY_GRADE_PATTERN,
    _("Bitte die Entgeltgruppe nach TVöD angeben, z. B. „EG 9a“, „EG 15Ü“, „S 11b“ oder „P 8“."),
    code="pay_grade",
)

# Full time in the TVöD (VKA, west) is 39 hours; ArbZG § 3 caps the average week at 48 hours.
FULL_TIME_HOURS = Decimal("39.0")
MAX_WEEKLY_HOURS = Decimal("48.0")


class JobPosting(TenantModel):
    """A vacancy the municipality advertises. Open while published and the deadline has not passed."""

    title = models.CharField(
        _("Stellenbezeichnung"), max_length=200, help_text=_("z. B. „Sachbearbeitung Bürgerbüro (m/w/d)“")
    )
    department = models.ForeignKey(
        "municipalities.Department",
        on_delete=models.PROTECT,
        related_name="job_postings",
        verbose_name=_("Fachbereich"),
    )
    pay_grade = models.CharField(
        _("Entgeltgruppe"),
        max_length=8,
        validators=[validate_pay_grade],
        help_text=_(
            "Nach TVöD: „EG 1“ bis „EG 15“, auch „EG 9a“ oder „EG 15Ü“; im Sozial- und Erziehungsdienst "
            "„S 2“ bis „S 18“ (z. B. „S 8a“), in der Pflege „P 5“ bis „P 16“."
        ),
    )
    hours_per_week = models.DecimalField(
        _("Wochenarbeitszeit (Stunden)"),
        max_digits=4,
        decimal_places=1,
        default=FULL_TIME_HOURS,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(MAX_WEEKLY_HOURS)],
        help_text=_("Vollzeit nach TVöD: 39 Stunden"),
    )
    part_time_possible = models.BooleanField(_("Teilzeit möglich"), default=False)
    limited = models.BooleanField(_("Befristet"), default=False)
    limited_until = models.DateField(_("Befristet bis"), null=True, blank=True)
    start = models.CharField(
        _("Beginn"), max_length=100, blank=True, help_text=_("z. B. „zum nächstmöglichen Zeitpunkt“ oder „1. März“")
    )
    deadline = models.DateField(
        _("Bewerbungsfrist"), help_text=_("Bewerbungen sind bis zum Ende dieses Tages möglich.")
    )
    description = models.TextField(_("Über die Stelle"))
    tasks = models.TextField(_("Ihre Aufgaben"), help_text=_("Eine Aufgabe je Zeile"))
    requirements = models.TextField(_("Ihr Profil"), help_text=_("Eine Anforderung je Zeile"))
    offer = models.TextField(_("Wir bieten"), help_text=_("Ein Punkt je Zeile"))
    contact_name = models.CharField(_("Ansprechperson"), max_length=120)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40)
    published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "title"]
        indexes = [models.Index(fields=["municipality", "published", "deadline"], name="job_posting_open")]
        verbose_name = _("Stellenangebot")
        verbose_name_plural = _("Stellenangebote")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("job_detail", kwargs={"municipality_slug": self.municipality.slug, "posting_id": self.pk})

    @property
    def is_open(self) -> bool:
        """Applications are accepted: published, and the deadline is today or later."""
        return self.published and self.deadline >= timezone.localdate()

    @property
    def task_list(self) -> list[str]:
        return _lines(self.tasks)

    @property
    def requirement_list(self) -> list[str]:
        return _lines(self.requirements)

    @property
    def offer_list(self) -> list[str]:
        return _lines(self.offer)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.published and self.deadline is not None and self.deadline < timezone.localdate():
            errors["deadline"] = _("Eine Stelle mit abgelaufener Bewerbungsfrist kann nicht veröffentlicht werden.")
        if self.limited_until is not None and not self.limited:
            errors["limited_until"] = _("Ein Enddatum gibt es nur bei befristeten Stellen.")
        elif self.limited_until is not None and self.deadline is not None and self.limited_until <= self.deadline:
            errors["limited_until"] = _("Die Befristung muss nach der Bewerbungsfrist enden.")
        if errors:
            raise ValidationError(errors)


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("-•").strip() for line in text.splitlines() if line.strip()]
