from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.models import AccessibilityFeedback


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
