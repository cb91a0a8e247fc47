"""Form parts that several procedures ask alike: the applicant's name, contact and postal address."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

postal_code_validator = RegexValidator(r"^\d{5}$", _("Die Postleitzahl hat genau fünf Ziffern."), code="postal_code")


class ApplicantContactForm(forms.Form):
    """Name, e-mail, phone and postal address of the person applying. A procedure subclasses it,
    adds its own fields (put first with `field_order`) and may redeclare `email` for its help text."""

    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(label=_("E-Mail-Adresse"), help_text=_("Hierhin schicken wir Nachrichten zum Antrag."))
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=120)
    postal_code = forms.CharField(label=_("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = forms.CharField(label=_("Ort"), max_length=80)
