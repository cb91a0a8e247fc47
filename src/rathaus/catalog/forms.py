from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.catalog.models import Service
from rathaus.catalog.search import MAX_QUERY_LENGTH, clean_query
from rathaus.municipalities.models import Department
from rathaus.procedures import registry


class SearchField(forms.CharField):
    """Search terms as typed; control characters (even NUL) are dropped instead of failing the form."""

    def to_python(self, value: Any) -> str:
        return clean_query(super().to_python(value) or "")


class SearchForm(forms.Form):
    # No max_length: a pasted or hand-made overlong query is cut to what the search reads,
    # instead of turning into an empty page. The API answers 422 above 10,000 characters.
    q = SearchField(label=_("Suchbegriff"), required=False)

    def clean_q(self) -> str:
        value: str = self.cleaned_data["q"]
        return value[:MAX_QUERY_LENGTH].strip()


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = [
            "name",
            "name_en",
            "leika_key",
            "synonyms",
            "summary",
            "summary_en",
            "prerequisites",
            "documents",
            "fees",
            "processing_time",
            "department",
            "channel",
            "external_url",
            "external_name",
            "external_name_en",
            "procedure_key",
        ]
        widgets = {
            "synonyms": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "documents": forms.Textarea(attrs={"rows": 4}),
            "fees": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The departments of the service's municipality (a queryset built at import has none in scope).
        self.fields["department"].queryset = Department.objects.of(self.instance.municipality_id)  # type: ignore[attr-defined]
        self.fields["procedure_key"].widget = forms.Select(
            choices=[("", _("Kein Online-Verfahren")), *registry.choices()]
        )

    def clean_leika_key(self) -> str:
        key: str = self.cleaned_data["leika_key"]
        if not key:
            return key  # many services have no LeiKa key; none is invented
        duplicate = (
            Service.objects.filter(municipality_id=self.instance.municipality_id, leika_key=key)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if duplicate:
            raise forms.ValidationError(_("Eine Leistung mit diesem LeiKa-Schlüssel gibt es in Ihrer Kommune schon."))
        return key

    # "Online" needs a procedure or a named online service: `Service.clean` checks it, for this
    # form as for the catalogue's loader.
