from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import User


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("Ich möchte mein Konto und meine Daten endgültig löschen."))

    def __init__(self, *args: Any, user: User, rate_limited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.rate_limited = rate_limited

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if self.rate_limited:
            raise forms.ValidationError(
                _("Zu viele Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.")
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password
