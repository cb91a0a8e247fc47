"""The clerk corrects a confirmed notice: the answers change, the receipt is issued again, and every
recipient gets a correction message (transition "correct")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.accounts.access import staff_user
from rathaus.cases.backoffice import case_for_staff, form_add_errors
from rathaus.cases.services import case_transition
from rathaus.procedures.forms import postal_code_validator
from rathaus.procedures.registry import get as procedure_class
from rathaus.trade.answers import Activity, Premises, StepKey, TradeNoticeAnswers
from rathaus.trade.forms import clean_wz_code
from rathaus.trade.procedure import CONFIRMED, TradeNotice

# The corrections a clerk may make, as (step, field) of the notice's answers.
CORRECTABLE = {
    "registered_name": (StepKey.BUSINESS, "registered_name"),
    "trade_name": (StepKey.BUSINESS, "trade_name"),
    "street": (StepKey.PREMISES, "street"),
    "postal_code": (StepKey.PREMISES, "postal_code"),
    "city": (StepKey.PREMISES, "city"),
    "activity": (StepKey.ACTIVITY, "activity"),
    "wz_code": (StepKey.ACTIVITY, "wz_code"),
}


class CorrectionForm(forms.Form):
    registered_name = forms.CharField(
        label=gettext_lazy("Feld 1: Im Register eingetragener Name"), max_length=200, required=False
    )
    trade_name = forms.CharField(label=gettext_lazy("Geschäftsbezeichnung"), max_length=200, required=False)
    street = forms.CharField(label=gettext_lazy("Feld 12: Betriebsstätte, Straße und Hausnummer"), max_length=120)
    postal_code = forms.CharField(label=gettext_lazy("Postleitzahl"), max_length=5, validators=[postal_code_validator])
    city = forms.CharField(label=gettext_lazy("Ort"), max_length=80)
    activity = forms.CharField(
        label=gettext_lazy("Feld 15: Angemeldete Tätigkeit"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    wz_code = forms.CharField(label=gettext_lazy("Feld 15: WZ-Code"), max_length=80)
    reason = forms.CharField(
        label=gettext_lazy("Begründung der Berichtigung"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Steht auf der berichtigten Empfangsbescheinigung."),
    )

    def clean_wz_code(self) -> str:
        # The same check and suggestions as on the citizen's page.
        return clean_wz_code(self.cleaned_data["wz_code"])


def _initial(notice: TradeNoticeAnswers) -> dict[str, str]:
    """The correctable answers as the notice gives them; a page it does not have (a GewA 3 names no
    premises or activity) reads as empty and is never written."""
    premises = notice.premises or Premises()
    activity = notice.activity or Activity()
    return {
        "registered_name": notice.business.registered_name,
        "trade_name": notice.business.trade_name,
        "street": premises.address.street,
        "postal_code": premises.address.postal_code,
        "city": premises.address.city,
        "activity": activity.activity,
        "wz_code": activity.wz_code,
    }


def trade_correct(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, _role = case_for_staff(request, case_id)
    procedure = procedure_class(case.procedure_key)(case.municipality)
    if not isinstance(procedure, TradeNotice) or case.status != CONFIRMED:
        raise Http404(_("Nur eine bescheinigte Gewerbeanzeige kann berichtigt werden."))
    initial = _initial(TradeNoticeAnswers.from_answers(case.answers))
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes: dict[str, dict[str, Any]] = {}
        for name, (step, key) in CORRECTABLE.items():
            if step not in case.answers:
                continue
            if form.cleaned_data[name] != initial[name]:
                changes.setdefault(step, {})[key] = form.cleaned_data[name]
        from rathaus.trade.services import answers_correct

        try:
            with transaction.atomic():
                answers_correct(case=case, actor=staff_user(request), changes=changes)
                case_transition(
                    case=case, transition_key="correct", actor=staff_user(request), text=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("backoffice:case_detail", municipality_slug=case.municipality.slug, case_id=case.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "trade/backoffice/correct.html",
        {
            "form": form,
            "case": case,
            "heading": _("Gewerbeanzeige %(reference)s berichtigen") % {"reference": case.reference},
        },
        status=status,
    )


patterns = [path("gewerbe/vorgang/<int:case_id>/berichtigen/", trade_correct, name="trade_correct")]
