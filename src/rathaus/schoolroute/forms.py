"""The parents' school route form: school, grade and the front door (address or a point on the map)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.schoolroute.models import School

GRADES = range(1, 14)


def school_choices(schools: Iterable[School]) -> list[tuple[str, Any]]:
    """The schools grouped by Schulform (optgroups), each by its Schulnummer."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for school in sorted(schools, key=lambda school: (school.schulform, school.name)):
        groups.setdefault(school.schulform, []).append((school.schulnummer, f"{school.name} ({school.street})"))
    return [("", _("Bitte wählen")), *groups.items()]


class SchoolRouteForm(forms.Form):
    """With `by_address` the start is street and house number; otherwise lat/lon (typed or from a map click)."""

    school = forms.ChoiceField(
        label=_("Schule"),
        error_messages={
            "required": _("Bitte wählen Sie die Schule."),
            "invalid_choice": _("Eine Schule mit der Schulnummer %(value)s gibt es hier nicht."),
        },
    )
    grade = forms.TypedChoiceField(
        label=_("Klasse im kommenden Schuljahr"),
        coerce=int,
        error_messages={
            "required": _("Bitte wählen Sie die Klasse."),
            "invalid_choice": _("Bitte wählen Sie eine Klasse von 1 bis 13."),
        },
        choices=[("", _("Bitte wählen")), *((str(grade), str(grade)) for grade in GRADES)],
    )
    street = forms.CharField(label=_("Straße"), max_length=120, required=False)
    housenumber = forms.CharField(label=_("Hausnummer"), max_length=20, required=False)
    place = forms.CharField(
        label=_("Ort"),
        max_length=80,
        required=False,
        help_text=_("Nur nötig, wenn es die Adresse in mehreren Orten gibt."),
    )
    lat = forms.FloatField(label=_("Breitengrad"), required=False, min_value=-90, max_value=90, localize=True)
    lon = forms.FloatField(label=_("Längengrad"), required=False, min_value=-180, max_value=180, localize=True)

    def __init__(self, *args: Any, schools: Iterable[School], by_address: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_address = by_address
        self.fields["school"].choices = school_choices(schools)  # type: ignore[attr-defined]
        if by_address:
            del self.fields["lat"], self.fields["lon"]
            self.fields["street"].required = True
            self.fields["housenumber"].required = True
        else:
            del self.fields["street"], self.fields["housenumber"], self.fields["place"]
            self.fields["lat"].help_text = _("Zum Beispiel 51,9738 (Dezimalgrad, Norden positiv).")
            self.fields["lon"].help_text = _("Zum Beispiel 7,5582 (Dezimalgrad, Osten positiv).")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        missing = cleaned.get("lat") is None or cleaned.get("lon") is None
        if not self.by_address and missing and not self.has_error("lat") and not self.has_error("lon"):
            self.add_error(
                "lat",
                _(
                    "Bitte klicken Sie auf der Karte auf Ihre Haustür oder geben Sie unter "
                    "„Koordinaten eingeben“ Breiten- und Längengrad ein."
                ),
            )
        return cleaned
