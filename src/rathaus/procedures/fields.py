"""Form fields procedures use for what the engine must treat specially: uploads."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentField(forms.FileField):
    """One or more uploaded documents. The engine stores them as soon as the step is valid and keeps
    only their ids in the answers; limits come from the procedure's `AttachmentRule`."""

    widget = MultipleFileInput

    def __init__(self, *, multiple: bool = False, **kwargs: Any) -> None:
        self.multiple = multiple
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}) if multiple else forms.FileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if not self.multiple and len(uploads) > 1:
            raise ValidationError(_("Bitte laden Sie hier nur eine Datei hoch."), code="too_many")
        return uploads
