from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from rathaus.core.uploads import validate_image_upload
from rathaus.municipalities.models import AccessibilityFeedback, Department, Municipality


class AccessibilityFeedbackForm(forms.ModelForm[AccessibilityFeedback]):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "name", "email"]
        labels = {"message": _("Welche Barriere ist Ihnen begegnet?")}
        help_texts = {
            "page_url": _("Zum Beispiel die Adresse oder den Titel der Seite."),
            "email": _("Freiwillig. Nur wenn Sie eine Antwort möchten."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}


LOGO_MAX_BYTES = 512 * 1024


class MunicipalitySettingsForm(forms.ModelForm[Municipality]):
    """What a municipal admin may change; the AGS and the address slug stay fixed."""

    class Meta:
        model = Municipality
        fields = [
            "name",
            "street",
            "postal_code",
            "city",
            "phone",
            "email",
            "website",
            "opening_hours",
            "opening_hours_en",
            "logo",
            "colour",
            "reference_prefix",
            "legal_representative",
            "supervisory_authority",
            "privacy_officer",
            "accessibility_contact",
            "accessibility_reviewed_on",
        ]
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 4}),
            "opening_hours_en": forms.Textarea(attrs={"rows": 4}),
            "privacy_officer": forms.Textarea(attrs={"rows": 3}),
            "accessibility_reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_logo(self) -> object:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            image_type = validate_image_upload(logo, max_bytes=LOGO_MAX_BYTES)
            # The stored name comes from the content, not from what the browser sent.
            logo.name = f"{self.instance.slug}-logo.{image_type.extension}"
        return logo

    def clean_postal_code(self) -> str:
        value: str = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_("Die Postleitzahl hat 5 Ziffern."))
        return value


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ["name", "name_en", "key", "email", "phone"]
        help_texts = {"key": _("Kurzer Name ohne Leerzeichen, z. B. buergerbuero. Bleibt intern.")}

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        taken = Department.objects.filter(key=key).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("Diesen Schlüssel hat schon ein anderer Fachbereich."))
        return key
