"""The trade register (Gewerberegister) for staff: search, one business with its history, and the
monthly statistics; and the statistics as open data (CSV, JSON) for everyone.

The middleware lets only the municipality's staff (with two-step login) into the back-office pages.
The register holds personal data: opening a business is recorded in the audit log. The open data
files hold counts only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_stubs_ext import StrOrPromise

from rathaus.accounts.access import requires, staff_user
from rathaus.cases.backoffice import PAGE_PARAM, page_number, query_with
from rathaus.municipalities.models import Municipality
from rathaus.procedures.base import Procedure
from rathaus.trade import statistics, wz
from rathaus.trade.codes import legal_form_label
from rathaus.trade.models import Business, BusinessNotice
from rathaus.trade.procedure import Change, Deregistration, Registration
from rathaus.trade.selectors import CONTAINS, PREFIX, RegisterFilter, business_with_history, register_search
from rathaus.trade.services import business_viewed

PER_PAGE = 25
# A WZ code or its leading digits: "96021", "96.02.1", "96.02", "43.2", "43".
_WZ_CODE = re.compile(r"^\d{2}(?:\.?\d{1,2}(?:\.?\d)?)?$")
_DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
_PROCEDURES: dict[str, type[Procedure]] = {
    procedure.kind: procedure for procedure in (Registration, Change, Deregistration)
}


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": gettext_lazy("Dieses Datum gibt es nicht. Bitte als TT.MM.JJJJ angeben, z. B. 31.12.2025.")
        },
    )


@dataclass
class WzChoice:
    """What the WZ field asked for: the leading digits of a code, or the codes a keyword stands for."""

    prefix: str = ""
    activities: tuple[wz.Activity, ...] = ()


class RegisterSearchForm(forms.Form):
    """The register's filters, read from the query string. Invalid input is shown next to its field."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Der Anfang des Namens, z. B. „Bäckerei Sch“; mit „enthält“ auch ein Wort daraus"),
    )
    anschrift = forms.CharField(
        label=gettext_lazy("Anschrift der Betriebsstätte"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Straße, z. B. „Ulricher Straße“; mit „enthält“ auch Postleitzahl oder Ort"),
    )
    suchart = forms.ChoiceField(
        label=gettext_lazy("Name und Anschrift"),
        required=False,
        choices=[
            (PREFIX, gettext_lazy("beginnen mit dem Suchbegriff")),
            (CONTAINS, gettext_lazy("enthalten den Suchbegriff (durchsucht das ganze Register, langsamer)")),
        ],
        widget=forms.RadioSelect,
    )
    wz = forms.CharField(
        label=gettext_lazy("Wirtschaftszweig"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "WZ-Code (z. B. 96021, 96.02.1 oder nur den Anfang wie 43 oder 43.2) oder ein Wort wie „Friseur“"
        ),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Alle Betriebe")), *Business.Status.choices],
    )
    beginn_von = _date_field(gettext_lazy("Beginn frühestens am"))
    beginn_bis = _date_field(gettext_lazy("Beginn spätestens am"))

    def clean_wz(self) -> WzChoice | None:
        value = " ".join(self.cleaned_data["wz"].split())
        if not value:
            return None
        if not any(character.isalpha() for character in value):
            compact = value.replace(" ", "")
            if not _WZ_CODE.match(compact):
                raise ValidationError(
                    _(
                        "Ein WZ-Code hat zwei bis fünf Ziffern, z. B. 96021, 96.02.1 oder nur 96. "
                        "Für eine Suche nach Wörtern geben Sie ein Stichwort wie „Friseur“ ein."
                    ),
                    code="malformed",
                )
            return WzChoice(prefix=compact.replace(".", ""))
        activities = tuple(wz.search(value))
        if not activities:
            raise ValidationError(
                _("Zu „%(words)s“ kennen wir keinen Wirtschaftszweig. Versuchen Sie ein anderes Wort oder den WZ-Code.")
                % {"words": value},
                code="unknown",
            )
        return WzChoice(activities=activities)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("beginn_von"), data.get("beginn_bis")
        if start is not None and end is not None and start > end:
            self.add_error("beginn_bis", _("Dieses Datum liegt vor dem Datum bei „Beginn frühestens am“."))
        return data

    def filters(self) -> RegisterFilter:
        """The register's filter from valid input (call after `is_valid()`)."""
        data = self.cleaned_data
        choice: WzChoice = data.get("wz") or WzChoice()
        return RegisterFilter(
            name=data.get("name", ""),
            address=data.get("anschrift", ""),
            match=data.get("suchart") or PREFIX,
            wz_prefix=choice.prefix,
            wz_codes=[activity.code for activity in choice.activities],
            status=data.get("status", ""),
            started_from=data.get("beginn_von"),
            started_to=data.get("beginn_bis"),
        )


@dataclass
class RegisterRow:
    business: Business
    activity: wz.Activity | None


@requires("trade.register")
@require_safe
def register_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    data = request.GET.copy()
    data.setdefault("suchart", PREFIX)  # the radio buttons show the default as chosen
    form = RegisterSearchForm(data)
    context: dict[str, Any] = {"form": form, "page": None, "rows": [], "wz_activities": ()}
    if form.is_valid():
        page = register_search(
            municipality=municipality, filters=form.filters(), page=page_number(request), per_page=PER_PAGE
        )
        wz_choice = form.cleaned_data.get("wz")
        context.update(
            page=page,
            rows=[RegisterRow(business, wz.lookup(business.wz_code)) for business in page.rows],
            wz_activities=wz_choice.activities if wz_choice else (),
            previous_url=query_with(request, **{PAGE_PARAM: page.page - 1}) if page.has_previous else None,
            next_url=query_with(request, **{PAGE_PARAM: page.page + 1}) if page.has_next else None,
        )
    return render(request, "trade/backoffice/register_list.html", context)


@dataclass
class HistoryEntry:
    notice: BusinessNotice
    corrected: bool


@requires("trade.register")
@require_safe
def business_detail(request: HttpRequest, municipality_slug: str, business_id: int) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    try:
        business, notices = business_with_history(municipality=municipality, business_id=business_id)
    except Business.DoesNotExist:
        raise Http404(_("Diesen Betrieb gibt es im Gewerberegister nicht.")) from None
    # The register holds personal data: staff opening a business is recorded, every time.
    business_viewed(business=business, actor=staff_user(request))
    corrected = {notice.corrects_id for notice in notices if notice.corrects_id is not None}
    latest = notices[0] if notices else None
    procedure = _PROCEDURES.get(latest.kind) if latest is not None else None
    return render(
        request,
        "trade/backoffice/business_detail.html",
        {
            "business": business,
            "activity": wz.lookup(business.wz_code),
            "legal_form": legal_form_label(business.legal_form),
            "history": [HistoryEntry(notice, notice.pk in corrected) for notice in notices],
            "latest": latest,
            "sections": procedure(municipality).review(latest.answers) if procedure and latest else [],
        },
    )


class StatisticsForm(forms.Form):
    jahr = forms.CharField(
        label=gettext_lazy("Jahr"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("Vier Ziffern, z. B. 2026; ohne Angabe das laufende Jahr"),
    )
    abschnitt = forms.ChoiceField(label=gettext_lazy("Wirtschaftsabschnitt"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["abschnitt"].choices = [  # type: ignore[attr-defined]
            ("", _("Alle Abschnitte")),
            *((letter, f"{letter} – {title}") for letter, title in wz.sections().items()),
        ]

    def clean_jahr(self) -> int:
        try:
            return statistics.parse_year(self.cleaned_data["jahr"])
        except statistics.YearError as error:
            raise ValidationError(str(error), code="year") from None


def _kind_names() -> dict[str, str]:
    return {"registrations": _("Anmeldungen"), "changes": _("Ummeldungen"), "deregistrations": _("Abmeldungen")}


@requires("trade.statistics")
@require_safe
def statistics_page(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    form = StatisticsForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "kind_names": _kind_names()}
    if not form.is_bound or form.is_valid():
        year = form.cleaned_data["jahr"] if form.is_bound else statistics.parse_year(None)
        section = form.cleaned_data.get("abschnitt", "") if form.is_bound else ""
        rows = statistics.monthly(municipality=municipality, year=year)
        months = statistics.by_month(rows, section=section or None)
        sections = statistics.by_section(rows)
        month_total = statistics.total(months)
        open_data = {
            kind: reverse(f"trade_statistics_{kind}", kwargs={"municipality_slug": municipality.slug}) + f"?jahr={year}"
            for kind in ("csv", "json")
        }
        context.update(
            year=year,
            section=section,
            section_title=statistics.section_title(section) if section else "",
            months=months,
            month_total=month_total,
            sections=sections,
            section_total=statistics.total(sections),
            chart=statistics.bar_chart(months, _kind_names()) if month_total.total else None,
            open_data=open_data,
        )
    return render(request, "trade/backoffice/statistics_page.html", context)


def _year_or_400(request: HttpRequest, municipality: Municipality) -> tuple[int, list[statistics.Row]] | str:
    try:
        year = statistics.parse_year(request.GET.get("jahr"))
    except statistics.YearError as error:
        return str(error)
    return year, statistics.monthly(municipality=municipality, year=year)


@require_safe
def statistics_csv(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    result = _year_or_400(request, municipality)
    if isinstance(result, str):
        return HttpResponseBadRequest(result, content_type="text/plain; charset=utf-8")
    year, rows = result
    response = HttpResponse(statistics.as_csv(rows), content_type="text/csv; charset=utf-8; header=present")
    response["Content-Disposition"] = f'attachment; filename="gewerbestatistik-{municipality.slug}-{year}.csv"'
    return response


@require_safe
def statistics_json(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    result = _year_or_400(request, municipality)
    if isinstance(result, str):
        return JsonResponse({"detail": result}, status=400, json_dumps_params={"ensure_ascii": False})
    year, rows = result
    response = JsonResponse(
        statistics.as_json(municipality=municipality, year=year, rows=rows), json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'inline; filename="gewerbestatistik-{municipality.slug}-{year}.json"'
    return response


patterns: list[URLPattern] = [
    path("gewerbe/register/", register_list, name="trade_register"),
    path("gewerbe/register/<int:business_id>/", business_detail, name="trade_business"),
    path("gewerbe/statistik/", statistics_page, name="trade_statistics"),
]
public_patterns: list[URLPattern] = [
    path("gewerbe/statistik.csv", statistics_csv, name="trade_statistics_csv"),
    path("gewerbe/statistik.json", statistics_json, name="trade_statistics_json"),
]
