from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rathaus.accounts.models import User

# The longest address our tables hold; browsers and allauth's form accept up to 320 characters.
EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length or 254


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def clean_email(self, email: str) -> str:
        """Refuses addresses too long to store, which allauth would otherwise cut short or crash on."""
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("Die E-Mail-Adresse darf höchstens %(max)d Zeichen lang sein.") % {"max": EMAIL_MAX_LENGTH}
            )
        return email
