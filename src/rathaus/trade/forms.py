"""The pages of the trade notices GewA 1, 2 and 3. Every label carries the number of its field on the
official form ("Feld 15"), so a clerk on the phone and a person with the paper form meet.

Each page checks its input (postal codes, the spelling of register numbers, plausible dates, the WZ
code) and asks the rules of `rathaus.trade.gewanzv` about the rest (a register entry by legal form,
a late start, a residence title for persons from outside the EU), showing each problem at its
field. The choices are the code lists of `rathaus.trade.codes`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rathaus.procedures.fields import AttachmentField
from rathaus.procedures.forms import postal_code_validator
from rathaus.trade import gewanzv, wz
from rathaus.trade.answers import (
    MAX_PERSONS,
    Activity,
    Business,
    DeregistrationDetails,
    Permits,
    Person,
    Premises,
    RegistrationDetails,
)
from rathaus.trade.codes import (
    BusinessKind,
    ChangeKind,
    CraftCard,
    DeregistrationCause,
    DeregistrationReason,
    Establishment,
    LegalForm,
    NationalityGroup,
    PermitRequired,
    PersonRole,
    RegistrationReason,
    ResidenceTitle,
    SelfEmployment,
    Sex,
)
from rathaus.trade.gewanzv import Problem

if TYPE_CHECKING:
    from rathaus.trade import models


def _number(number: int, label: Any) -> str:
    return _("Feld %(number)s: %(label)s") % {"number": number, "label": label}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _refuse(problem: Problem | None) -> None:
    """Raises a rule's problem with one field's value, from that field's `clean_<name>`."""
    if problem is not None:
        raise ValidationError(problem.message, code=problem.code)


def _report(form: forms.Form, problems: list[Problem], refused: set[str]) -> None:
    """Shows each of the rules' problems at its field. A field whose input was refused already
    (`refused`, taken before the rules ran) is not judged again: the rule saw it as empty."""
    for problem in problems:
        if problem.field not in refused:
            form.add_error(problem.field, ValidationError(problem.message, code=problem.code))


class BusinessForm(forms.Form):
    """Fields 1, 2 and 10: who runs the business."""

    legal_form = forms.ChoiceField(label=_("Rechtsform"), choices=LegalForm.choices, widget=forms.RadioSelect)
    registered_name = forms.CharField(
        label=_number(1, _("Im Register eingetragener Name mit Rechtsform")),
        max_length=200,
        required=False,
        help_text=_("Nur bei eingetragenen Unternehmen, genau wie im Register, z. B. „Muster Bau GmbH“."),
    )
    trade_name = forms.CharField(
        label=_("Geschäftsbezeichnung"),
        max_length=200,
        required=False,
        help_text=_("Freiwillig: der Name, unter dem Sie auftreten, z. B. „Salon Schnittig“."),
    )
    register_court = forms.CharField(
        label=_number(2, _("Registergericht")),
        max_length=80,
        required=False,
        help_text=_("z. B. „Amtsgericht Arnsberg“"),
    )
    register_number = forms.CharField(
        label=_number(2, _("Registernummer")),
        max_length=20,
        required=False,
        help_text=_("Mit Registerart, z. B. „HRB 12345“, „HRA 678“, „VR 90“ oder „GnR 12“."),
    )
    tax_number = forms.CharField(
        label=_("Steuernummer"),
        max_length=20,
        required=False,
        help_text=_("Falls schon vorhanden, z. B. „316/5012/3456“. Das Finanzamt meldet sich sonst bei Ihnen."),
    )
    person_count = forms.IntegerField(
        label=_number(10, _("Zahl der Inhaberinnen, Inhaber, Gesellschafter oder gesetzlichen Vertreter")),
        min_value=1,
        max_value=MAX_PERSONS,
        initial=1,
        help_text=_(
            "Einzelunternehmen: 1. GbR, OHG, KG: alle Gesellschafter. GmbH, UG, AG: alle Geschäftsführer "
            "oder Vorstände. Online bis zu 10; bei mehr schreiben Sie uns bitte nach dem Absenden."
        ),
    )

    def clean_register_number(self) -> str:
        value: str = " ".join(self.cleaned_data.get("register_number", "").upper().split())
        if not value:
            return value
        parts = value.replace(".", "").split(" ")
        if len(parts) < 2 or parts[0] not in {"HRA", "HRB", "GNR", "VR", "PR", "GSR"}:
            raise ValidationError(
                _("Bitte die Registerart vor die Nummer schreiben, z. B. „HRB 12345“."), code="register_type"
            )
        number = "".join(parts[1:])
        if not number[:-1].isdigit() if len(number) > 1 else not number.isdigit():
            raise ValidationError(_("Die Registernummer besteht aus Ziffern, z. B. „HRB 12345“."), code="register")
        kind = {"GNR": "GnR", "GSR": "GsR"}.get(parts[0], parts[0])
        return f"{kind} {number}"

    def clean_tax_number(self) -> str:
        from stdnum.de import stnr

        value: str = self.cleaned_data.get("tax_number", "").strip()
        if not value:
            return value
        if not stnr.is_valid(value):
            raise ValidationError(
                _("Diese Steuernummer ist nicht gültig. Bitte prüfen Sie sie, z. B. „316/5012/3456“."),
                code="tax_number",
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _report(self, gewanzv.business_problems(Business.from_step(data)), set(self.errors))
        return data


class PersonForm(forms.Form):
    """Fields 3–9 (and 30–31) for one person: owner, partner or legal representative."""

    index = 1

    role = forms.ChoiceField(
        label=_("Funktion"),
        choices=PersonRole.choices,
    )
    last_name = forms.CharField(label=_number(3, _("Familienname")), max_length=100)
    birth_name = forms.CharField(label=_("Geburtsname, falls anders"), max_length=100, required=False)
    first_names = forms.CharField(label=_number(4, _("Vornamen")), max_length=120)
    doctor = forms.CharField(label=_("Doktorgrad"), max_length=20, required=False)
    sex = forms.ChoiceField(
        label=_number(5, _("Geschlecht")),
        choices=[("", _("Bitte wählen")), *Sex.choices],
    )
    birth_date = forms.DateField(label=_number(6, _("Geburtsdatum")), widget=_date_widget())
    birth_place = forms.CharField(label=_number(6, _("Geburtsort")), max_length=80)
    birth_country = forms.CharField(label=_number(6, _("Geburtsland")), max_length=80, initial="Deutschland")
    nationality_group = forms.ChoiceField(
        label=_number(7, _("Staatsangehörigkeit")),
        choices=NationalityGroup.choices,
        widget=forms.RadioSelect,
    )
    nationality = forms.CharField(
        label=_("Staatsangehörigkeit(en) in Worten"),
        max_length=120,
        required=False,
        help_text=_("Nur wenn nicht deutsch, z. B. „italienisch“ oder „syrisch“."),
    )
    street = forms.CharField(label=_number(8, _("Straße und Hausnummer der Wohnung")), max_length=120)
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = forms.CharField(label=_("Ort"), max_length=80)
    phone = forms.CharField(label=_number(9, _("Telefon")), max_length=40, required=False)
    email = forms.EmailField(label=_number(9, _("E-Mail-Adresse")), required=False)
    residence_title = forms.ChoiceField(
        label=_number(30, _("Aufenthaltstitel")),
        required=False,
        choices=[("", _("Bitte wählen")), *ResidenceTitle.choices],
        help_text=_("Nur für Staatsangehörige außerhalb von EU, EWR und Schweiz."),
    )
    residence_title_authority = forms.CharField(
        label=_number(30, _("Ausgestellt von (Behörde)")), max_length=120, required=False
    )
    residence_title_date = forms.DateField(
        label=_number(30, _("Ausgestellt am")), required=False, widget=_date_widget()
    )
    self_employment_allowed = forms.ChoiceField(
        label=_number(31, _("Ist eine selbständige Tätigkeit erlaubt?")),
        required=False,
        choices=[("", _("Bitte wählen")), *SelfEmployment.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.index == 1:
            self.fields["email"].required = True
            self.fields["email"].help_text = _("Hierhin schicken wir die Empfangsbescheinigung und Nachrichten.")

    def clean_birth_date(self) -> date:
        value: date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise ValidationError(_("Das Geburtsdatum liegt in der Zukunft."), code="future")
        _refuse(gewanzv.birth_date_problem(value, today=today))
        if value.year < today.year - 110:
            raise ValidationError(_("Bitte prüfen Sie das Geburtsjahr."), code="too_old")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = Person.from_step(data)
        _report(self, gewanzv.person_problems(person), set(self.errors))
        if data.get("residence_title") and not gewanzv.residence_title_asked(person.nationality_group):
            # Not asked of EU citizens: drop what a changed answer left behind.
            for name in ("residence_title", "residence_title_authority", "self_employment_allowed"):
                data[name] = ""
            data["residence_title_date"] = None
        return data


def person_form(index: int) -> type[PersonForm]:
    return type(f"PersonForm{index}", (PersonForm,), {"index": index})


class PremisesForm(forms.Form):
    """Fields 12, 13, 14 and 20: where the business is run."""

    street = forms.CharField(label=_number(12, _("Betriebsstätte: Straße und Hausnummer")), max_length=120)
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = forms.CharField(label=_("Ort"), max_length=80)
    phone = forms.CharField(label=_number(12, _("Telefon der Betriebsstätte")), max_length=40, required=False)
    email = forms.EmailField(label=_number(12, _("E-Mail der Betriebsstätte")), required=False)
    website = forms.URLField(label=_number(12, _("Internetseite")), required=False, assume_scheme="https")
    establishment = forms.ChoiceField(
        label=_number(20, _("Die Anzeige betrifft")),
        choices=Establishment.choices,
        widget=forms.RadioSelect,
        initial=Establishment.MAIN,
    )
    head_street = forms.CharField(
        label=_number(13, _("Hauptniederlassung: Straße und Hausnummer")),
        max_length=120,
        required=False,
        help_text=_("Nur bei Zweigniederlassung oder Zweigstelle."),
    )
    head_postal_code = forms.CharField(
        label=_("Postleitzahl der Hauptniederlassung"),
        max_length=5,
        required=False,
        validators=[postal_code_validator],
    )
    head_city = forms.CharField(label=_("Ort der Hauptniederlassung"), max_length=80, required=False)
    former_street = forms.CharField(
        label=_number(14, _("Frühere Betriebsstätte: Straße und Hausnummer")),
        max_length=120,
        required=False,
        help_text=_("Nur wenn der Betrieb umzieht oder aus einem anderen Ort hierher verlegt wird."),
    )
    former_postal_code = forms.CharField(
        label=_("Postleitzahl der früheren Betriebsstätte"),
        max_length=5,
        required=False,
        validators=[postal_code_validator],
    )
    former_city = forms.CharField(label=_("Ort der früheren Betriebsstätte"), max_length=80, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _report(self, gewanzv.premises_problems(Premises.from_step(data)), set(self.errors))
        return data


def clean_wz_code(text: str) -> str:
    """A five-digit WZ 2008 subclass from what was typed; words bring suggestions, never a guess."""
    value = text.strip()
    activity = wz.lookup(value)
    if activity is not None:
        return activity.code
    if wz.normalise(value) is not None:
        raise ValidationError(
            _("Den WZ-Code %(code)s gibt es nicht. Schreiben Sie ein Stichwort, dann schlagen wir Codes vor.")
            % {"code": value},
            code="wz_unknown",
        )
    suggestions = wz.search(value, limit=5)
    if not suggestions:
        raise ValidationError(
            _("Zu „%(words)s“ haben wir keinen WZ-Code gefunden. Versuchen Sie ein anderes Stichwort.")
            % {"words": value},
            code="wz_none",
        )
    raise ValidationError(
        _("Bitte tragen Sie einen fünfstelligen Code ein. Passend zu „%(words)s“: %(list)s.")
        % {"words": value, "list": "; ".join(str(activity) for activity in suggestions)},
        code="wz_suggest",
    )


class WzCodeInput(forms.TextInput):
    """A text field that, with JavaScript, offers matching codes while typing (a datalist filled by htmx)."""

    def __init__(self) -> None:
        super().__init__(
            attrs={
                "list": "wz-vorschlaege",
                "autocomplete": "off",
                "hx-get": reverse_lazy("wz_suggestions"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#wz-vorschlaege",
                "hx-swap": "outerHTML",
            }
        )

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="wz-vorschlaege"></datalist>', field)


class ActivityForm(forms.Form):
    """Fields 15–19, 21 and 22: what the business does, from when, with whom."""

    activity = forms.CharField(
        label=_number(15, _("Angemeldete Tätigkeit")),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Genau beschreiben, z. B. „Friseursalon für Damen und Herren“ statt „Dienstleistungen“. "
            "Mehrere Tätigkeiten mit Komma trennen; die wichtigste zuerst."
        ),
    )
    wz_code = forms.CharField(
        label=_number(15, _("Wirtschaftszweig (WZ-Code)")),
        max_length=80,
        widget=WzCodeInput(),
        help_text=_(
            "Fünfstelliger Code der Klassifikation WZ 2008, z. B. 96021. Sie kennen ihn nicht? Schreiben Sie "
            "ein Stichwort wie „Friseur“ oder „Onlinehandel“: wir schlagen passende Codes vor."
        ),
    )
    side_business = forms.BooleanField(
        label=_number(16, _("Die Tätigkeit wird (vorerst) im Nebenerwerb betrieben.")), required=False
    )
    start_date = forms.DateField(label=_number(17, _("Beginn der Tätigkeit")), widget=_date_widget())
    kinds = forms.MultipleChoiceField(
        label=_number(18, _("Art des Betriebes")),
        choices=BusinessKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bestimmt, ob die IHK oder die Handwerkskammer zuständig ist. Mehrfachnennung möglich."),
    )
    staff_full = forms.IntegerField(
        label=_number(19, _("Beschäftigte in Vollzeit (ohne Inhaber)")), min_value=0, max_value=100_000, initial=0
    )
    staff_part = forms.IntegerField(
        label=_number(19, _("Beschäftigte in Teilzeit (ohne Inhaber)")), min_value=0, max_value=100_000, initial=0
    )
    vending = forms.BooleanField(
        label=_number(21, _("Es werden Automaten aufgestellt (Automatenaufstellungsgewerbe).")), required=False
    )
    itinerant = forms.BooleanField(
        label=_number(22, _("Die Tätigkeit wird auch im Reisegewerbe ausgeübt.")), required=False
    )
    late_reason = forms.CharField(
        label=_("Warum zeigen Sie den Beginn erst jetzt an?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nur nötig, wenn der Beginn mehr als drei Monate zurückliegt."),
    )

    def clean_wz_code(self) -> str:
        return clean_wz_code(self.cleaned_data["wz_code"])

    def clean_start_date(self) -> date:
        value: date = self.cleaned_data["start_date"]
        _refuse(gewanzv.start_date_problem(value, today=timezone.localdate()))
        if value.year < 1900:
            raise ValidationError(_("Bitte prüfen Sie das Jahr."), code="implausible")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = gewanzv.activity_problems(Activity.from_step(data), today=timezone.localdate())
        _report(self, problems, set(self.errors))
        return data


class ChangeActivityForm(ActivityForm):
    """The activity after a change (GewA 2): the date of the change is asked on its own page (field 17)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["start_date"]
        del self.fields["late_reason"]


class RegistrationReasonForm(forms.Form):
    """Fields 23, 25 and 26 of the GewA 1."""

    reason = forms.ChoiceField(
        label=_number(23, _("Grund der Anmeldung")),
        choices=RegistrationReason.choices,
        widget=forms.RadioSelect,
    )
    former_municipality = forms.CharField(
        label=_number(25, _("Bisheriger Ort des Betriebes")),
        max_length=120,
        required=False,
        help_text=_(
            "Bei einer Verlegung: Das dortige Gewerbeamt meldet den Betrieb ab; eine Abmeldung ist nicht nötig."
        ),
    )
    previous_operator = forms.CharField(
        label=_number(26, _("Name des bisherigen Gewerbetreibenden oder bisherige Firma")),
        max_length=200,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _report(self, gewanzv.registration_problems(RegistrationDetails.from_step(data)), set(self.errors))
        return data


class PermitsForm(forms.Form):
    """Fields 27–29 and 32: permits, the Handwerkskarte and remarks, with the evidence."""

    permit_required = forms.ChoiceField(
        label=_number(27, _("Braucht die Tätigkeit eine Erlaubnis?")),
        choices=PermitRequired.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Zum Beispiel Makler und Bauträger (§ 34c GewO), Versicherungsvermittler (§ 34d), "
            "Finanzanlagenvermittler (§ 34f), Bewachung (§ 34a), Spielhallen, Gaststätten mit Alkohol, Taxi."
        ),
    )
    permit_kind = forms.CharField(label=_number(28, _("Art der Erlaubnis")), max_length=200, required=False)
    permit_date = forms.DateField(label=_number(28, _("Erteilt am")), required=False, widget=_date_widget())
    permit_authority = forms.CharField(label=_number(28, _("Erteilt von (Behörde)")), max_length=200, required=False)
    craft_card = forms.ChoiceField(
        label=_number(29, _("Handwerkskarte (Eintragung in die Handwerksrolle)")),
        choices=CraftCard.choices,
        widget=forms.RadioSelect,
        initial=CraftCard.NOT_NEEDED,
    )
    craft_card_date = forms.DateField(label=_number(29, _("Ausgestellt am")), required=False, widget=_date_widget())
    craft_card_chamber = forms.CharField(
        label=_number(29, _("Ausgestellt von (Handwerkskammer)")), max_length=120, required=False
    )
    evidence = AttachmentField(
        label=_("Nachweise"),
        multiple=True,
        required=False,
        help_text=_("Erlaubnis, Handwerkskarte, Registerauszug oder Aufenthaltstitel, falls vorhanden."),
    )
    notes = forms.CharField(
        label=_number(32, _("Hinweise")),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _report(self, gewanzv.permit_problems(Permits.from_step(data)), set(self.errors))
        for name in ("permit_date", "craft_card_date"):
            value = data.get(name)
            if value is not None and value > timezone.localdate():
                self.add_error(name, _("Das Datum liegt in der Zukunft."))
        return data


class BusinessLookupForm(forms.Form):
    """GewA 2 and 3 start from the register: the business must be there."""

    number = forms.CharField(
        label=_("Betriebsnummer"),
        max_length=20,
        help_text=_("Sie steht auf Ihrer Empfangsbescheinigung, z. B. „G-SO-000123“."),
    )
    postal_code = forms.CharField(
        label=_("Postleitzahl der Betriebsstätte"), max_length=5, validators=[postal_code_validator]
    )

    def business(self) -> models.Business | None:
        from rathaus.trade import models

        procedure = getattr(self, "procedure", None)
        if procedure is None:
            return None
        number = self.cleaned_data.get("number", "").strip().upper()
        return (
            models.Business.objects.filter(
                municipality=procedure.municipality,
                number=number,
                postal_code=self.cleaned_data.get("postal_code", ""),
            )
            .order_by("pk")
            .first()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        business = self.business()
        if business is None:
            raise ValidationError(
                _(
                    "Zu dieser Betriebsnummer und Postleitzahl gibt es in unserem Gewerberegister keinen Betrieb. "
                    "Bitte prüfen Sie Ihre Empfangsbescheinigung. Ist der Betrieb noch nicht angemeldet, "
                    "melden Sie ihn bitte an (GewA 1)."
                ),
                code="unknown_business",
            )
        if business.status != business.Status.ACTIVE:
            raise ValidationError(
                _("Dieser Betrieb ist seit %(date)s abgemeldet.")
                % {"date": business.closed_on.strftime("%d.%m.%Y") if business.closed_on else "–"},
                code="closed_business",
            )
        data["number"] = business.number
        return data


class ChangeForm(forms.Form):
    """Fields 17 and 23 of the GewA 2: what changes, from when."""

    changes = forms.MultipleChoiceField(
        label=_number(23, _("Was ändert sich?")),
        choices=ChangeKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    change_date = forms.DateField(label=_number(17, _("Datum der Änderung")), widget=_date_widget())

    def clean_change_date(self) -> date:
        value: date = self.cleaned_data["change_date"]
        _refuse(gewanzv.change_date_problem(value, today=timezone.localdate()))
        return value


class DeregistrationForm(forms.Form):
    """Fields 17, 24 and 26 of the GewA 3."""

    end_date = forms.DateField(label=_number(17, _("Datum der Betriebsaufgabe")), widget=_date_widget())
    reason = forms.ChoiceField(
        label=_number(24, _("Grund der Abmeldung")),
        choices=DeregistrationReason.choices,
        widget=forms.RadioSelect,
    )
    cause = forms.ChoiceField(
        label=_("Ursache der Aufgabe"),
        required=False,
        choices=[("", _("Keine Angabe")), *DeregistrationCause.choices],
        help_text=_("Freiwillig, nur für die Statistik."),
    )
    successor = forms.CharField(
        label=_number(26, _("Künftiger Gewerbetreibender")),
        max_length=200,
        required=False,
        help_text=_("Bei Übergabe, Rechtsformwechsel oder Verlegung: wer oder wohin."),
    )

    def clean_end_date(self) -> date:
        value: date = self.cleaned_data["end_date"]
        _refuse(gewanzv.end_date_problem(value, today=timezone.localdate()))
        if value.year < 1900:
            raise ValidationError(_("Bitte prüfen Sie das Jahr."), code="implausible")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _report(self, gewanzv.deregistration_problems(DeregistrationDetails.from_step(data)), set(self.errors))
        return data
