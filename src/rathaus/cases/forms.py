from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.procedures.base import AttachmentRule
from rathaus.procedures.fields import AttachmentField


class SubmitForm(forms.Form):
    """The last step: the declaration of truth and, when a fee is due, how it is paid."""

    declaration = forms.BooleanField(
        label=_("Ich bestätige die Richtigkeit meiner Angaben."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Ihre Angaben richtig sind.")},
    )

    def __init__(self, *args: Any, fee: Any = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fee and fee > 0:
            from rathaus.payments.providers import available_providers

            self.fields["payment"] = forms.ChoiceField(
                label=_("So möchte ich die Gebühr bezahlen"),
                choices=[(provider.key, provider.label) for provider in available_providers()],
                widget=forms.RadioSelect,
                error_messages={"required": _("Bitte wählen Sie, wie Sie die Gebühr bezahlen möchten.")},
            )


class ApplicantMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Ihre Nachricht"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    attachments = AttachmentField(
        label=_("Dateien anhängen"),
        multiple=True,
        required=False,
    )

    def __init__(self, *args: Any, rule: AttachmentRule | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rule is not None:
            self.fields["attachments"].help_text = rule.describe()


class ClerkMessageForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=200, required=False)
    body = forms.CharField(label=_("Nachricht"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachments = AttachmentField(label=_("Dateien anhängen"), multiple=True, required=False)
