"""The operator's form to put a municipality on the platform."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.register import RegisterEntry, register_search


def _choice_label(entry: RegisterEntry) -> str:
    where = ", ".join(part for part in (entry.district_name, entry.land_name) if part)
    return f"{entry.display_name} ({entry.type}, {where}) – {entry.ags}"


class MunicipalityAddForm(forms.Form):
    query = forms.CharField(
        label=_("Kommune"),
        max_length=120,
        help_text=_("Name oder Amtlicher Gemeindeschlüssel (8 Ziffern), z. B. Werl oder 05974052."),
    )
    ags = forms.ChoiceField(label=_("Welche Kommune meinen Sie?"), widget=forms.RadioSelect, required=False)
    admin_email = forms.EmailField(
        label=_("E-Mail-Adresse der ersten Verwaltung"),
        max_length=254,
        help_text=_("Diese Person erhält eine Einladung: einen Link, mit dem sie ein Passwort festlegt."),
    )
    street = forms.CharField(
        label=_("Straße und Hausnummer des Rathauses"),
        max_length=120,
        required=False,
        help_text=_("Freiwillig; sonst trägt die Verwaltung es später ein."),
    )
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False, help_text=_("Freiwillig."))
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Kommune"), max_length=254, required=False, help_text=_("Freiwillig.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        query = (self.data.get("query") or "").strip() if self.is_bound else ""
        self.matches = register_search(query) if query else []
        ags = cast(forms.ChoiceField, self.fields["ags"])
        ags.choices = [(entry.ags, _choice_label(entry)) for entry in self.matches]
        if len(self.matches) < 2:
            self.fields["ags"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "query" not in data:
            return data
        query = data["query"].strip()
        if data.get("ags"):
            return data
        if query.isdigit() and len(query) == 8:
            data["ags"] = query
        elif len(self.matches) == 1:
            data["ags"] = self.matches[0].ags
        elif not self.matches:
            self.add_error("query", _("Im Gemeindeverzeichnis gibt es keine Kommune mit diesem Namen oder Schlüssel."))
        else:
            self.add_error("ags", _("Mehrere Kommunen passen. Bitte wählen Sie eine aus."))
        return data
