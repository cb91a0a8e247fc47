from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import User


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("Ich möchte mein Konto und meine Daten endgültig löschen."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password
