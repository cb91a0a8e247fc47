from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rathaus.core.forms import saved


class NameForm(forms.Form):
    name = forms.CharField()


def _refuse(error: Exception) -> None:
    raise error


def test_a_rule_only_the_service_knows_comes_back_as_a_form_error() -> None:
    form = NameForm({"name": "Ordnungsamt"})
    assert form.is_valid()
    assert not saved(form, lambda: _refuse(ValidationError("Gibt es schon.")))
    assert form.non_field_errors() == ["Gibt es schon."]


def test_a_concurrent_write_asks_the_user_to_check_and_save_again() -> None:
    form = NameForm({"name": "Ordnungsamt"})
    assert form.is_valid()
    assert not saved(form, lambda: _refuse(IntegrityError("duplicate key")))
    assert "Bitte prüfen Sie Ihre Angaben" in form.non_field_errors()[0]


def test_a_successful_write_reports_success() -> None:
    form = NameForm({"name": "Ordnungsamt"})
    assert form.is_valid()
    assert saved(form, lambda: None)
    assert not form.errors
