"""The application for school transport costs (Schülerfahrkosten, free school ticket) as a procedure
of the engine (§ 97 SchulG NRW, SchfkVO NRW).

Parents start it from the school route page, which passes the school, the grade and the front door,
or from the service page with nothing. Figures from the browser are never taken: the first step
measures the footpath on the municipality's street network with `school_route_check` (§§ 5, 7, 9
SchfkVO), as the page does, and keeps its facts (distances, threshold, entitlement, the nearer
school) with the answers; `RouteAnswers` reads them back and words them in the reader's language,
so the review page, the receipt and the clerk's file show the same figures. A municipality without a street network
still takes applications; the school authority then measures the route itself.

The school authority (Schulträger) decides: the computed verdict is a hint, exceptions under § 6
(dangerous route, health) are claimed with evidence and granted by a clerk with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.core.language import localized
from rathaus.procedures.base import (
    Answers,
    AttachmentRule,
    Procedure,
    Retention,
    ReviewLine,
    ReviewSection,
    Step,
    Transition,
    Workflow,
)
from rathaus.procedures.fields import AttachmentField
from rathaus.procedures.forms import ApplicantContactForm
from rathaus.procedures.registry import register
from rathaus.routing import GraphFileError, RoutingError
from rathaus.schoolroute.eligibility import (
    Entitlement,
    ExceptionReason,
    NearestSchool,
    SchoolLevel,
    exceeds,
    footpath_explanation,
    metres,
    school_level,
)
from rathaus.schoolroute.models import School, StreetNetwork
from rathaus.schoolroute.selectors import (
    street_network_addresses,
    street_network_get,
    street_network_graph,
    street_network_grounds,
)
from rathaus.schoolroute.verdict import SchoolRouteVerdict, school_route_check

if TYPE_CHECKING:
    from rathaus.cases.models import Case

PROCEDURE_KEY: Final = "schuelerfahrkosten"
ROUTE_STEP: Final = "schulweg"
PUPIL_STEP: Final = "schueler"
APPLICANT_STEP: Final = "antragsteller"
EXCEPTION_STEP: Final = "ausnahme"
EVIDENCE_STEP: Final = "nachweis"
# A route this close to the threshold deserves a second look at the front door and the school entrance.
CLOSE_CALL_M: Final = 100
# The footpath is measured again at submit; a difference above this means the network changed meanwhile.
ROUTE_TOLERANCE_M: Final = 0.5
# The NRW school year starts on 1 August (§ 7 SchulG NRW).
SCHOOL_YEAR_START_MONTH: Final = 8
# The administrative court for an action against the notice, by the first five digits of the AGS
# (§ 17 JustG NRW): Kreis Soest and Märkischer Kreis → Arnsberg, Stadt Münster → Münster.
COURTS: Final = {
    "05974": "Verwaltungsgericht Arnsberg, Jägerstraße 1, 59821 Arnsberg",
    "05962": "Verwaltungsgericht Arnsberg, Jägerstraße 1, 59821 Arnsberg",
    "05515": "Verwaltungsgericht Münster, Piusallee 38, 48147 Münster",
}
# UNVERIFIED: no retention rule for Schülerfahrkosten files was found to cite exactly. The file backs
# payments of the municipal budget, whose vouchers are kept six years (§ 58 Abs. 2 KomHVO NRW), and
# the school authority re-checks entitlement every school year; afterwards DSGVO Art. 17 applies.
RETENTION_PERIOD: Final = timedelta(days=6 * 366)

# The answers the route step computes on the server; never read from the request. Answers filed
# before the texts were rendered at display time also hold "headline_de"/"_en",
# "explanation_de"/"_en" and "nearest_note_de"/"_en"; `RouteAnswers` still reads them.
COMPUTED: Final = (
    "length_m",
    "threshold_m",
    "level",
    "eligible",
    "nearest_schulnummer",
    "nearest_name",
    "nearest_length_m",
    "entitlement",
    "network",
)


class CoordinateField(forms.FloatField):
    """A WGS84 coordinate; a decimal comma is read as a point."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # the stubs say int
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        result: float | None = super().to_python(value)
        return result


class RouteForm(forms.Form):
    """School, grade and the front door; `clean` checks them and has `school_route_check` judge the
    footpath. The school choices and which location fields exist are set by `SchoolTransport.form_for`
    for the municipality."""

    school = forms.ChoiceField(label=_("Schule"), help_text=_("Die Schule, die Ihr Kind besucht oder besuchen wird."))
    grade = forms.TypedChoiceField(
        label=_("Klasse oder Jahrgangsstufe"),
        coerce=int,
        choices=[("", _("Bitte wählen"))] + [(str(grade), str(grade)) for grade in range(1, 14)],
        help_text=_("Im Schuljahr, für das Sie die Fahrkosten beantragen."),
    )
    street = forms.CharField(label=_("Straße der Wohnung"), max_length=120, required=False)
    housenumber = forms.CharField(label=_("Hausnummer"), max_length=20, required=False)
    lat = CoordinateField(
        label=_("Breitengrad der Haustür"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Dezimalgrad, z. B. 51.97384. Die Seite „Schulweg berechnen“ trägt ihn für Sie ein."),
    )
    lon = CoordinateField(
        label=_("Längengrad der Haustür"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Dezimalgrad, z. B. 7.55820."),
    )

    procedure: SchoolTransport

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        municipality = self.procedure.municipality
        school = School.objects.filter(municipality=municipality, schulnummer=cleaned.get("school", "")).first()
        if school is None:
            self.add_error("school", _("Diese Schule gibt es in der Schulliste nicht."))
            return cleaned
        grade: int = cleaned["grade"]
        try:
            school_level(school.schulform, grade)
        except ValueError as error:
            self.add_error("grade", str(error))
            return cleaned
        cleaned.update(dict.fromkeys(COMPUTED))
        network = street_network_get(municipality=municipality)
        if network is None:
            # No street data: the school authority measures the route itself (see the hints).
            cleaned["network"] = False
            return cleaned
        start = self._start(network)
        if start is None:
            return cleaned
        try:
            verdict = school_route_check(
                graph=street_network_graph(network),
                grounds=street_network_grounds(network),
                school=school,
                start=start,
                grade=grade,
                schools=School.objects.filter(municipality=municipality, schulform=school.schulform),
            )
        except GraphFileError as error:
            self.add_error(None, localized(error))
            return cleaned
        except RoutingError as error:
            self.add_error("lat" if "lat" in self.fields else None, localized(error))
            return cleaned
        cleaned.update(network=True, lat=start[0], lon=start[1], **route_facts(verdict))
        return cleaned

    def _start(self, network: StreetNetwork) -> tuple[float, float] | None:
        """The front door: the address point when street and number are given, else the coordinates."""
        street = (self.cleaned_data.get("street") or "").strip()
        number = (self.cleaned_data.get("housenumber") or "").strip()
        if street or number:
            if not (street and number):
                self.add_error("housenumber" if street else "street", _("Bitte geben Sie Straße und Hausnummer an."))
                return None
            try:
                addresses = street_network_addresses(network)
                if addresses is not None:
                    address = addresses.lookup(street, number)
                    return address.lat, address.lon
            except RoutingError as error:
                self.add_error("street", localized(error))
                return None
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        if lat is None or lon is None:
            missing = "lat" if lat is None else "lon"
            if "street" in self.fields:
                self.add_error("street", _("Bitte geben Sie Straße und Hausnummer an."))
            else:
                self.add_error(missing, _("Bitte geben Sie die Lage der Haustür an (Breiten- und Längengrad)."))
            return None
        return float(lat), float(lon)


def route_facts(verdict: SchoolRouteVerdict) -> dict[str, Any]:
    """What the route step files of a verdict: its facts only, worded when read (`RouteAnswers`)."""
    nearest = verdict.nearest
    return {
        "length_m": round(verdict.route.length_m, 2),
        "threshold_m": verdict.eligibility.threshold_m,
        "level": verdict.eligibility.level.value,
        "eligible": verdict.eligibility.eligible,
        "nearest_schulnummer": nearest.school.schulnummer if nearest else None,
        "nearest_name": nearest.school.name if nearest else None,
        "nearest_length_m": round(nearest.length_m, 2) if nearest else None,
        "entitlement": verdict.entitlement.value,
    }


@dataclass(frozen=True)
class _FiledText:
    """A text that older route steps filed in both languages, as it was shown then."""

    german: str
    english: str


# The texts older route steps filed as "<name>_de" and "<name>_en".
_FILED_TEXTS: Final = ("headline", "explanation", "nearest_note")


@dataclass(frozen=True)
class RouteAnswers:
    """The route step's filed answers, typed, and their verdict in the reader's language.

    New answers hold the facts of `route_facts`; older ones also hold the texts in German and
    English as they were shown when filed, and those are read as they stand.
    """

    length_m: float | None
    threshold_m: int | None
    level: SchoolLevel | None
    nearest_name: str
    nearest_length_m: float | None
    entitlement: Entitlement | None
    filed_texts: Mapping[str, _FiledText]

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> RouteAnswers:
        level, entitlement = answers.get("level"), answers.get("entitlement")
        threshold, nearest_length = answers.get("threshold_m"), answers.get("nearest_length_m")
        return cls(
            length_m=None if answers.get("length_m") is None else float(answers["length_m"]),
            threshold_m=None if threshold is None else int(threshold),
            level=SchoolLevel(level) if level else None,
            nearest_name=answers.get("nearest_name") or "",
            nearest_length_m=None if nearest_length is None else float(nearest_length),
            entitlement=Entitlement(entitlement) if entitlement else None,
            filed_texts={
                name: _FiledText(str(answers[f"{name}_de"]), str(answers.get(f"{name}_en") or answers[f"{name}_de"]))
                for name in _FILED_TEXTS
                if answers.get(f"{name}_de")
            },
        )

    @property
    def exceeds_threshold(self) -> bool:
        return self.length_m is not None and self.threshold_m is not None and exceeds(self.length_m, self.threshold_m)

    def _filed(self, name: str) -> str | None:
        filed = self.filed_texts.get(name)
        return None if filed is None else localized(filed)

    @property
    def headline(self) -> str:
        filed = self._filed("headline")
        if filed is not None:
            return filed
        return self.entitlement.headline if self.entitlement is not None else ""

    @property
    def explanation(self) -> str:
        filed = self._filed("explanation")
        if filed is not None:
            return filed
        if self.length_m is None or self.threshold_m is None or self.level is None:
            return ""
        return footpath_explanation(distance_m=self.length_m, threshold_m=self.threshold_m, level=self.level)

    @property
    def nearest_note(self) -> str:
        """The nearest-school rule (§ 9) in words; empty when no nearer school was found."""
        if not self.nearest_name:
            return ""
        filed = self._filed("nearest_note")
        if filed is not None:
            return filed
        if self.length_m is None or self.nearest_length_m is None:
            return ""
        return NearestSchool(chosen_distance_m=self.length_m, nearest_distance_m=self.nearest_length_m).explanation


def school_years(today: date | None = None) -> list[tuple[str, str]]:
    """The current and the next school year, e.g. "2026/27" and "2027/28"."""
    today = today or timezone.localdate()
    first = today.year if today.month >= SCHOOL_YEAR_START_MONTH else today.year - 1
    labels = [f"{year}/{(year + 1) % 100:02d}" for year in (first, first + 1)]
    return [(label, label) for label in labels]


class PupilForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname des Kindes"), max_length=100)
    last_name = forms.CharField(label=_("Nachname des Kindes"), max_length=100)
    birth_date = forms.DateField(
        label=_("Geburtsdatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    school_year = forms.ChoiceField(label=_("Schuljahr"), choices=school_years)
    class_name = forms.CharField(
        label=_("Klasse"), max_length=20, required=False, help_text=_("Zum Beispiel 3b, wenn sie schon feststeht.")
    )

    def clean_birth_date(self) -> date:
        value: date = self.cleaned_data["birth_date"]
        if value >= timezone.localdate():
            raise ValidationError(_("Das Geburtsdatum muss in der Vergangenheit liegen."))
        return value


class ApplicantForm(ApplicantContactForm):
    relation = forms.ChoiceField(
        label=_("Sie stellen den Antrag als"),
        choices=[
            ("parent", _("Mutter oder Vater")),
            ("guardian", _("Vormund oder Pflegeperson")),
            ("pupil", _("volljährige Schülerin oder volljähriger Schüler")),
        ],
    )
    field_order = ["relation"]


class ExceptionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Ausnahme nach § 6 SchfkVO NRW"),
        required=False,
        choices=[
            ("", _("Keine Ausnahme beantragt")),
            (ExceptionReason.DANGEROUS_ROUTE.value, _("Der Schulweg ist besonders gefährlich oder ungeeignet")),
            (ExceptionReason.HEALTH.value, _("Gesundheitliche Gründe, die länger als 8 Wochen bestehen")),
        ],
        help_text=_(
            "Auch bei einem kürzeren Schulweg übernimmt der Schulträger die Fahrkosten, wenn der Weg besonders "
            "gefährlich ist oder Ihr Kind ihn aus gesundheitlichen Gründen nicht zu Fuß gehen kann."
        ),
    )
    explanation = forms.CharField(
        label=_("Begründung der Ausnahme"),
        required=False,
        max_length=3_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Beschreiben Sie die gefährliche Stelle oder die gesundheitlichen Gründe. Höchstens 3.000 Zeichen."
        ),
    )

    not_admitted = forms.BooleanField(
        label=_("Die nächstgelegene Schule derselben Schulform konnte mein Kind nicht aufnehmen."),
        required=False,
        help_text=_(
            "Dann gilt die gewählte Schule als nächstgelegene (§ 9 SchfkVO NRW). Laden Sie die Absage der "
            "Schule im nächsten Schritt hoch."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("reason") and not (cleaned.get("explanation") or "").strip():
            self.add_error("explanation", _("Bitte begründen Sie die Ausnahme."))
        return cleaned


class EvidenceForm(forms.Form):
    evidence = AttachmentField(
        label=_("Nachweis"),
        multiple=True,
        help_text=_(
            "Ärztliche Bescheinigung, Belege für die Gefahr (z. B. Fotos, Stellungnahme der Schule) oder die "
            "Absage der nächstgelegenen Schule. PDF, JPEG oder PNG."
        ),
    )


def _claims_exception(answers: Answers) -> bool:
    claim = answers[EXCEPTION_STEP]
    return bool(claim["reason"] or claim.get("not_admitted"))


SUBMITTED = "submitted"
IN_REVIEW = "in_review"
WAITING = "waiting"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
NOTICE_TEMPLATE = "schoolroute/procedure/notice.html"
OPEN_STATES = (SUBMITTED, IN_REVIEW, WAITING)


@register
class SchoolTransport(Procedure):
    key = PROCEDURE_KEY
    title = _("Schülerfahrkosten (Schülerticket)")
    # The route drawn on a map in the electronic file, measured again on today's network.
    file_panel_template = "schoolroute/procedure/_case_panel.html"
    description = _(
        "Beantragen Sie die Übernahme der Fahrkosten zur Schule (Schülerticket). Der Schulweg wird aus "
        "Ihrer Adresse und der Schule berechnet; über den Antrag entscheidet der Schulträger."
    )
    steps = (
        Step(ROUTE_STEP, _("Schule und Schulweg"), RouteForm),
        Step(PUPIL_STEP, _("Schülerin oder Schüler"), PupilForm),
        Step(APPLICANT_STEP, _("Antragstellerin oder Antragsteller"), ApplicantForm),
        Step(EXCEPTION_STEP, _("Ausnahmen (§§ 6, 9 SchfkVO NRW)"), ExceptionForm),
        Step(EVIDENCE_STEP, _("Nachweis für die Ausnahme"), EvidenceForm, condition=_claims_exception),
    )
    workflow = Workflow(
        states={
            SUBMITTED: _("Eingegangen"),
            IN_REVIEW: _("In Prüfung"),
            WAITING: _("Unterlagen nachgefordert"),
            APPROVED: _("Bewilligt"),
            REJECTED: _("Abgelehnt"),
            WITHDRAWN: _("Zurückgezogen"),
        },
        transitions=(
            Transition("start", _("Prüfung beginnen"), (SUBMITTED,), IN_REVIEW, style="primary"),
            Transition(
                "approve",
                _("Bewilligen"),
                OPEN_STATES,
                APPROVED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Bescheid über Schülerfahrkosten"),
                style="primary",
            ),
            Transition(
                "approve_exception",
                _("Bewilligen mit Ausnahme nach § 6"),
                OPEN_STATES,
                APPROVED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Bescheid über Schülerfahrkosten (Ausnahme nach § 6 SchfkVO NRW)"),
                needs_text=True,
            ),
            Transition(
                "reject",
                _("Ablehnen"),
                OPEN_STATES,
                REJECTED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Ablehnung der Übernahme von Schülerfahrkosten"),
                needs_text=True,
            ),
            Transition("withdraw", _("Antrag zurückziehen"), OPEN_STATES, WITHDRAWN, by_applicant=True),
        ),
        final=frozenset({APPROVED, REJECTED, WITHDRAWN}),
        waiting=WAITING,
    )
    retention = Retention(
        RETENTION_PERIOD,
        action="delete",
        basis="§ 97 SchulG NRW, SchfkVO NRW; Belege 6 Jahre (§ 58 KomHVO NRW, ungeprüft); DSGVO Art. 17",
    )
    attachments = AttachmentRule(max_files=5, max_bytes=10 * 1024 * 1024, types=frozenset({"pdf", "png", "jpeg"}))
    processing_days = 30
    department_key = "schulamt"

    # The form ---------------------------------------------------------------------------------

    def form_for(self, step: Step, **kwargs: Any) -> forms.Form:
        form = super().form_for(step, **kwargs)
        if step.key != ROUTE_STEP:
            return form
        schools = School.objects.filter(municipality=self.municipality).order_by("name", "schulnummer")
        school_field = form.fields["school"]
        if isinstance(school_field, forms.ChoiceField):
            school_field.choices = [("", gettext("Bitte wählen"))] + [
                (school.schulnummer, f"{school.name} ({school.schulform})") for school in schools
            ]
        network = street_network_get(municipality=self.municipality)
        has_addresses = False
        if network is not None:
            try:
                has_addresses = street_network_addresses(network) is not None
            except RoutingError:
                has_addresses = False
        drop = {"street", "housenumber"} if not has_addresses else set()
        if network is None:
            drop |= {"lat", "lon"}
        for name in drop:
            del form.fields[name]
        return form

    def initial(self, params: Mapping[str, str]) -> dict[str, Any]:
        """The school route page's link: only what is well-formed is kept, as a prefill. The route itself
        is measured when the parent confirms the first step, never taken from the link."""
        prefill: dict[str, str] = {}
        school = params.get("school", "").strip()
        if school:
            if not (school.isdigit() and len(school) == 6):
                raise ValidationError(_("Die Schulnummer hat sechs Ziffern."))
            prefill["school"] = school
        grade = params.get("grade", "").strip()
        if grade:
            if not (grade.isdigit() and 1 <= int(grade) <= 13):
                raise ValidationError(_("Die Klasse ist eine Zahl von 1 bis 13."))
            prefill["grade"] = str(int(grade))
        for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
            raw = params.get(name, "").strip()
            if not raw:
                continue
            try:
                value = float(raw.replace(",", "."))
            except ValueError:
                value = float("nan")
            if not low <= value <= high:
                raise ValidationError(
                    _("Die Lage der Haustür im Link ist ungültig. Bitte berechnen Sie den Schulweg neu.")
                )
            prefill[name] = repr(value)
        for name, limit in (("street", 120), ("housenumber", 20)):
            raw = params.get(name, "").strip()
            if raw:
                prefill[name] = raw[:limit]
        return {"prefill": prefill} if prefill else {}

    def step_initial(self, step: Step, context: Mapping[str, Any]) -> dict[str, Any]:
        if step.key != ROUTE_STEP:
            return {}
        return dict(context.get("prefill", {}))

    # Rules, applicant, fee ----------------------------------------------------------------------

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        """The footpath is measured again: a network imported meanwhile or a school moved must be seen."""
        stored = answers.get(ROUTE_STEP, {})
        step = self.step(ROUTE_STEP)
        data = {name: stored.get(name) for name in ("school", "grade", "street", "housenumber", "lat", "lon")}
        form = self.form_for(step, data={key: "" if value is None else str(value) for key, value in data.items()})
        if not form.is_valid():
            messages = [str(message) for errors in form.errors.values() for message in errors]
            raise ValidationError({ROUTE_STEP: messages})
        fresh = form.cleaned_data.get("length_m")
        before = stored.get("length_m")
        if (fresh is None) != (before is None) or (
            fresh is not None and before is not None and abs(fresh - before) > ROUTE_TOLERANCE_M
        ):
            raise ValidationError(
                {
                    ROUTE_STEP: _(
                        "Der Schulweg hat sich inzwischen geändert. Bitte bestätigen Sie diesen Schritt erneut."
                    )
                }
            )

    def applicant(self, answers: Answers) -> tuple[str, str]:
        person = answers[APPLICANT_STEP]
        return f"{person['first_name']} {person['last_name']}".strip(), person["email"]

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        pupil = answers.get(PUPIL_STEP, {})
        name = f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip()
        return gettext("Schülerfahrkosten: %(name)s, %(school_year)s") % {
            "name": name,
            "school_year": pupil.get("school_year", ""),
        }

    # Review, hints, notices -----------------------------------------------------------------------

    def review(self, answers: Answers) -> list[ReviewSection]:
        sections = super().review(answers)
        route = answers.get(ROUTE_STEP, {})
        for section in sections:
            if section.step.key == ROUTE_STEP:
                section.lines.extend(ReviewLine(label, value) for label, value in route_lines(route))
        return sections

    def hints(self, case: Case) -> list[str]:
        """The verdict `school_route_check` gave when the application was filed, for the clerk to check."""
        route = RouteAnswers.of(case.answers.get(ROUTE_STEP, {}))
        hints: list[str] = []
        length, threshold = route.length_m, route.threshold_m
        if length is None or threshold is None:
            hints.append(
                gettext(
                    "Der Schulweg wurde nicht berechnet, weil für die Kommune kein Straßennetz importiert ist: "
                    "bitte von Hand messen (§ 7 SchfkVO NRW)."
                )
            )
        else:
            verdict = (
                gettext("länger als die Grenze") if route.exceeds_threshold else gettext("nicht länger als die Grenze")
            )
            hints.append(
                gettext("Schulweg %(length)s, Grenze %(threshold)s: %(verdict)s.")
                % {"length": metres(length), "threshold": metres(threshold), "verdict": verdict}
            )
            if abs(length - threshold) <= CLOSE_CALL_M:
                hints.append(
                    gettext(
                        "Der Schulweg liegt weniger als %(margin)s m neben der Grenze: Weg prüfen (Haustür, "
                        "Schuleingang, Abkürzungen)."
                    )
                    % {"margin": CLOSE_CALL_M}
                )
        if route.nearest_name:
            nearest = {"name": route.nearest_name, "length": metres(route.nearest_length_m or 0)}
            if route.entitlement is Entitlement.NEARER_SCHOOL:
                hints.append(
                    gettext(
                        "Die nächstgelegene Schule derselben Schulform liegt innerhalb der Grenze (§ 9 SchfkVO NRW): "
                        "%(name)s, %(length)s. Fahrkosten nur, wenn sie das Kind nicht aufnehmen konnte."
                    )
                    % nearest
                )
            else:
                hints.append(
                    gettext(
                        "Es gibt eine nähere Schule derselben Schulform (§ 9 SchfkVO NRW): %(name)s, %(length)s. "
                        "Der Anspruch ist auf die Fahrkosten dorthin begrenzt."
                    )
                    % nearest
                )
        if case.answers.get(EXCEPTION_STEP, {}).get("not_admitted"):
            hints.append(
                gettext("Laut Antrag konnte die nächstgelegene Schule das Kind nicht aufnehmen: die Absage prüfen.")
            )
        reason = case.answers.get(EXCEPTION_STEP, {}).get("reason")
        if reason:
            hints.append(
                gettext("Ausnahme nach § 6 beantragt (%(reason)s): den Nachweis in den Anlagen prüfen.")
                % {"reason": exception_label(reason)}
            )
        return hints

    def notice_context(self, case: Case, transition: Transition, text: str) -> dict[str, Any]:
        person = case.answers.get(APPLICANT_STEP, {})
        pupil = case.answers.get(PUPIL_STEP, {})
        route = case.answers.get(ROUTE_STEP, {})
        school = School.objects.filter(municipality=case.municipality, schulnummer=route.get("school", "")).first()
        court = COURTS.get(case.municipality.ags[:5], gettext("zuständigen Verwaltungsgericht"))
        return {
            "transition_key": transition.key,
            "addressee": "\n".join(
                line
                for line in (
                    case.applicant_name,
                    person.get("street", ""),
                    f"{person.get('postal_code', '')} {person.get('city', '')}",
                )
                if line.strip()
            ),
            "pupil_name": f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip(),
            "school_year": pupil.get("school_year", ""),
            "school_name": school.name if school else route.get("school", ""),
            "grade": route.get("grade", ""),
            "route_lines": route_lines(route),
            "exception_reason": exception_label(case.answers.get(EXCEPTION_STEP, {}).get("reason", "")),
            "text": text,
            "legal_remedy": gettext(
                "Gegen diesen Bescheid können Sie innerhalb eines Monats nach Bekanntgabe Klage beim %(court)s "
                "erheben (§ 74 VwGO; ein Widerspruchsverfahren findet nach § 110 JustG NRW nicht statt)."
            )
            % {"court": court},
        }


def exception_label(reason: str) -> str:
    labels = dict(ExceptionForm.base_fields["reason"].choices)  # type: ignore[attr-defined]
    return str(labels.get(reason, "")) if reason else ""


def route_lines(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The measured route in words, for the review page, the receipt, the file and the notice."""
    route = RouteAnswers.of(answers)
    if route.length_m is None or route.threshold_m is None:
        return [
            (
                gettext("Schulweg"),
                gettext("Nicht berechnet: Der Schulträger misst den Schulweg (kein Straßennetz hinterlegt)."),
            ),
            (gettext("Entscheidung"), gettext("Über den Antrag entscheidet der Schulträger.")),
        ]
    lines = [
        (gettext("Länge des Schulwegs (kürzester Fußweg, § 7 SchfkVO NRW)"), metres(route.length_m)),
        (
            gettext("Grenze (§ 5 Abs. 2 SchfkVO NRW)"),
            gettext("mehr als %(threshold)s (%(level)s)")
            % {"threshold": metres(route.threshold_m), "level": route.level.value if route.level else ""},
        ),
        (
            gettext("Ergebnis der Berechnung"),
            " ".join(part for part in (route.headline, route.explanation) if part),
        ),
    ]
    if route.nearest_note:
        lines.append((gettext("Nächstgelegene Schule (§ 9 SchfkVO NRW)"), route.nearest_note))
    lines.append(
        (
            gettext("Entscheidung"),
            gettext(
                "Die Berechnung ist eine Auskunft. Über den Antrag entscheidet der Schulträger; er prüft den "
                "Schulweg und eine beantragte Ausnahme."
            ),
        )
    )
    return lines
