"""Back-office pages of the trade office's outbox (the messages to recipient authorities) and of its
settings (fees, sender, recipients).

The middleware lets only the municipality's staff with two-step login in; the settings are for its
admins (`@requires("trade.settings")`). Messages are shown to whoever may open their case: admins, clerks of
the case's department and clerks of no department, as for the case file. A message holds personal
data: opening one is recorded in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.accounts.access import case_department_limit, requires, staff_user
from rathaus.cases.backoffice import PAGE_PARAM, page_number, query_with
from rathaus.core.forms import saved
from rathaus.municipalities.models import Municipality
from rathaus.trade.gewanzv import FIELDS, RECIPIENTS, Label
from rathaus.trade.models import OutboxMessage, Recipient, TradeOffice
from rathaus.trade.outbox import TRANSPORTS, message_retry, office_update, recipient_save
from rathaus.trade.services import outbox_message_viewed, trade_office_for
from rathaus.trade.xml import parse_fields

PER_PAGE = 50
RETRYABLE = frozenset({OutboxMessage.Status.FAILED, OutboxMessage.Status.GAVE_UP})
FEES = ("fee_natural", "fee_legal", "fee_additional_person", "fee_deregistration")


def _municipality(request: HttpRequest) -> Municipality:
    return request.municipality  # type: ignore[attr-defined, no-any-return]


def visible_messages(request: HttpRequest) -> QuerySet[OutboxMessage]:
    """The messages of cases the member of staff may open (`accounts.access.case_department_limit`)."""
    limit = case_department_limit(request.membership)  # type: ignore[attr-defined]
    queryset = OutboxMessage.objects.all()
    if limit is False:
        return queryset.none()
    return queryset if limit is None else queryset.filter(notice__case__department_id=limit)


# The outbox ------------------------------------------------------------------------------------------


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *OutboxMessage.Status.choices],
    )
    empfaenger = forms.TypedChoiceField(label=gettext_lazy("Empfangsbehörde"), required=False, coerce=int)

    def __init__(self, *args: Any, recipients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["empfaenger"].choices = [("", _("Alle")), *recipients]  # type: ignore[attr-defined]

    def filters(self) -> Q:
        if not self.is_valid():
            return Q()
        condition = Q()
        if self.cleaned_data["status"]:
            condition &= Q(status=self.cleaned_data["status"])
        if self.cleaned_data["empfaenger"] not in (None, ""):
            condition &= Q(recipient_id=self.cleaned_data["empfaenger"])
        return condition


@requires("trade.outbox")
@require_safe
def outbox_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    recipients = [(recipient.pk, recipient.name) for recipient in Recipient.objects.order_by("name")]
    form = OutboxFilterForm(request.GET or None, recipients=recipients)
    messages_found = (
        visible_messages(request)
        .filter(form.filters())
        .select_related("recipient", "notice")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(messages_found, PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "trade/backoffice/outbox_list.html",
        {
            "form": form,
            "page": page,
            "previous_url": query_with(request, **{PAGE_PARAM: page.number - 1}) if page.has_previous() else None,
            "next_url": query_with(request, **{PAGE_PARAM: page.number + 1}) if page.has_next() else None,
        },
    )


def _message_for(request: HttpRequest, message_id: int) -> OutboxMessage:
    message = (
        visible_messages(request)
        .select_related("recipient", "notice", "notice__business")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404(_("Diese Nachricht gibt es nicht."))
    return message


@dataclass(frozen=True)
class CarriedField:
    number: int
    label: Label


@requires("trade.outbox")
@require_safe
def message_detail(request: HttpRequest, municipality_slug: str, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    outbox_message_viewed(message=message, actor=staff_user(request))
    carried = [CarriedField(number, FIELDS[number]) for number in sorted(parse_fields(message.xml)) if number in FIELDS]
    return render(
        request,
        "trade/backoffice/message_detail.html",
        {
            "message": message,
            "fields": carried,
            "transport_label": _transport_label(message.recipient.transport),
            "retryable": message.status in RETRYABLE,
        },
    )


@requires("trade.outbox")
@require_POST
def message_retry_action(request: HttpRequest, municipality_slug: str, message_id: int) -> HttpResponse:
    message = _message_for(request, message_id)
    try:
        message_retry(message=message, actor=staff_user(request))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request, _("Die Nachricht an %(name)s wird erneut gesendet.") % {"name": message.recipient.name}
        )
    return redirect("backoffice:trade_message", municipality_slug=municipality_slug, message_id=message.pk)


def _transport_label(key: str) -> str:
    transport = TRANSPORTS.get(key)
    return str(transport.label) if transport is not None else key


# The settings ----------------------------------------------------------------------------------------


class TradeOfficeForm(forms.ModelForm[TradeOffice]):
    class Meta:
        model = TradeOffice
        fields = [
            "sender_name",
            "sender_email",
            "sender_phone",
            "fee_natural",
            "fee_legal",
            "fee_additional_person",
            "fee_change",
            "fee_deregistration",
            "public_extract",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FEES:
            field = self.fields[name]
            field.validators = [
                validator for validator in field.validators if not isinstance(validator, MinValueValidator)
            ]
            field.validators.append(MinValueValidator(0, message=gettext_lazy("Eine Gebühr kann nicht negativ sein.")))
            field.help_text = gettext_lazy("in Euro, z. B. 26,00")
        self.fields["sender_email"].error_messages["invalid"] = gettext_lazy(
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. „gewerbe@stadt.example“."
        )


class RecipientForm(forms.ModelForm[Recipient]):
    class Meta:
        model = Recipient
        fields = ["kind", "name", "authority_key", "transport", "address", "active"]
        help_texts = {
            "authority_key": gettext_lazy(
                "Kennung im DVDV, falls vorhanden, mit Präfix: z. B. „azr:000100“. Steht im Kopf jeder Nachricht."
            ),
            "address": gettext_lazy(
                "Bei E-Mail die Adresse der Behörde; bei der Dateiablage ein einfacher Ordnername wie "
                "„finanzamt-soest“ im Ablageverzeichnis."
            ),
        }

    def __init__(self, *args: Any, taken: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = taken
        self.fields["transport"] = forms.ChoiceField(
            label=self.fields["transport"].label,
            choices=[(key, transport.label) for key, transport in TRANSPORTS.items()],
            widget=forms.RadioSelect,
        )
        if self.instance.pk is not None:
            # What kind of authority an entry is stays fixed: the law's filter depends on it.
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [
                ("", _("Bitte wählen")),
                *((key, rule.name) for key, rule in RECIPIENTS.items() if key not in taken),
            ]

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind in self.taken:
            raise ValidationError(_("Für diese Behörde gibt es schon einen Eintrag."), code="taken")
        return kind

    def clean_address(self) -> str:
        return str(self.cleaned_data["address"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        transport = TRANSPORTS.get(data.get("transport", ""))
        address = data.get("address")
        if transport is not None and address and "address" not in self.errors:
            try:
                transport.validate_address(address)
            except ValidationError as error:
                self.add_error("address", error)
        return data


@requires("trade.settings")
@require_http_methods(["GET", "POST"])
def trade_settings(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    office = trade_office_for(_municipality(request))
    form = TradeOfficeForm(request.POST or None, instance=office)
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: office_update(
                office=office,
                data={name: form.cleaned_data[name] for name in form.changed_data},
                by=staff_user(request),
            ),
        )
    ):
        messages.success(request, _("Die Einstellungen des Gewerbeamts wurden gespeichert."))
        return redirect("backoffice:trade_settings", municipality_slug=municipality_slug)
    if form.is_bound:
        office.refresh_from_db()  # a failed form leaves the instance half changed
    recipients = list(Recipient.objects.order_by("kind"))
    missing = [rule.name for key, rule in RECIPIENTS.items() if key not in {r.kind for r in recipients}]
    rows = [(recipient, _transport_label(recipient.transport)) for recipient in recipients]
    return render(
        request,
        "trade/backoffice/settings.html",
        {"form": form, "office": office, "recipients": rows, "missing": missing},
        status=422 if form.errors else 200,
    )


@requires("trade.settings")
@require_http_methods(["GET", "POST"])
def recipient_edit(request: HttpRequest, municipality_slug: str, recipient_id: int | None = None) -> HttpResponse:
    municipality = _municipality(request)
    recipient = get_object_or_404(Recipient, pk=recipient_id) if recipient_id is not None else None
    others = Recipient.objects.exclude(pk=recipient.pk) if recipient is not None else Recipient.objects.all()
    taken = set(others.values_list("kind", flat=True))
    if recipient is None and len(taken) == len(RECIPIENTS):
        messages.info(request, _("Alle Empfangsbehörden sind schon eingerichtet."))
        return redirect("backoffice:trade_settings", municipality_slug=municipality_slug)
    heading = _("%(name)s bearbeiten") % {"name": recipient.name} if recipient else _("Empfangsbehörde hinzufügen")
    form = RecipientForm(
        request.POST or None,
        instance=recipient or Recipient(municipality=municipality),
        taken=taken,
        initial={"transport": "email"} if recipient is None else None,
    )
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: recipient_save(
                municipality=municipality,
                recipient=recipient,
                data={name: form.cleaned_data[name] for name in (form.changed_data if recipient else form.fields)},
                by=staff_user(request),
            ),
        )
    ):
        messages.success(request, _("Die Empfangsbehörde wurde gespeichert."))
        return redirect("backoffice:trade_settings", municipality_slug=municipality_slug)
    return render(
        request,
        "trade/backoffice/recipient_form.html",
        {"form": form, "heading": heading, "recipient": recipient},
        status=422 if form.errors else 200,
    )


patterns: list[URLPattern] = [
    path("gewerbe/postausgang/", outbox_list, name="trade_outbox"),
    path("gewerbe/postausgang/<int:message_id>/", message_detail, name="trade_message"),
    path("gewerbe/postausgang/<int:message_id>/erneut/", message_retry_action, name="trade_message_retry"),
    path("gewerbe/einstellungen/", trade_settings, name="trade_settings"),
    path("gewerbe/empfaenger/neu/", recipient_edit, name="trade_recipient_create"),
    path("gewerbe/empfaenger/<int:recipient_id>/", recipient_edit, name="trade_recipient_edit"),
]
