from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import Department


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


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"), max_length=254)
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices, initial=Membership.Role.CLERK)
    department = forms.ModelChoiceField(
        label=_("Fachbereich"), queryset=Department.objects.none(), required=False, empty_label=_("– keiner –")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Querysets built at import time carry no tenant filter: build this one per request.
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
