"""Template helpers that render Django form fields as KERN components."""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.inclusion_tag("includes/field.html")
def kern_field(field: BoundField, hint: str = "") -> dict[str, Any]:
    widget = field.field.widget
    is_check = isinstance(widget, forms.CheckboxInput)
    is_select = isinstance(widget, forms.Select)
    is_choice_list = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    describedby = []
    help_text = hint or field.help_text
    if help_text:
        describedby.append(f"{field.auto_id}-hint")
    if field.errors:
        describedby.append(f"{field.auto_id}-error")
    if is_check:
        css = "kern-form-check__checkbox" + (" kern-form-check__checkbox--error" if field.errors else "")
    elif is_select:
        css = "kern-form-input__select" + (" kern-form-input__select--error" if field.errors else "")
    else:
        css = "kern-form-input__input" + (" kern-form-input__input--error" if field.errors else "")
    # Labels and hints carry the information; a placeholder repeating them only adds noise
    # and disappears while typing (allauth sets them on its fields).
    widget.attrs.pop("placeholder", None)
    attrs: dict[str, Any] = {"class": css}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if is_choice_list:
        return {
            "field": field,
            "is_choice_list": True,
            # CheckboxSelectMultiple is a subclass of RadioSelect: ask whether several may be chosen.
            "is_radio": not widget.allow_multiple_selected,
            "hint": help_text,
            "describedby": " ".join(describedby),
        }
    return {
        "field": field,
        "widget_html": SafeString(field.as_widget(attrs=attrs)),
        "is_check": is_check,
        "is_select": is_select,
        "hint": help_text,
    }
