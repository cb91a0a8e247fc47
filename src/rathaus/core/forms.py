from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _


def saved(form: forms.BaseForm, write: Callable[[], Any]) -> bool:
    """Runs a service's write for a valid form; what the service still refuses (a rule the form
    cannot see, or a row another user saved a moment earlier) comes back as a form error."""
    try:
        write()
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    except IntegrityError:
        form.add_error(
            None, _("Jemand hat diese Daten gerade geändert. Bitte prüfen Sie Ihre Angaben und speichern Sie erneut.")
        )
        return False
    return True
