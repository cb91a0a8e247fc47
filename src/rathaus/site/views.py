"""The platform operator's pages: the municipalities on the platform, and adding one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.access import operator_required, staff_user
from rathaus.municipalities.models import Municipality
from rathaus.site.forms import MunicipalityAddForm
from rathaus.site.onboarding import OnboardingError, municipality_onboard


@operator_required
def operator_municipalities(request: HttpRequest) -> HttpResponse:
    notes = request.session.pop("onboarding_notes", [])
    return render(
        request, "site/municipalities.html", {"municipalities": Municipality.objects.order_by("name"), "notes": notes}
    )


@operator_required
@require_http_methods(["GET", "POST"])
def operator_municipality_add(request: HttpRequest) -> HttpResponse:
    form = MunicipalityAddForm(request.POST or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = municipality_onboard(
                ags=data["ags"],
                admin_email=data["admin_email"],
                street=data["street"],
                phone=data["phone"],
                email=data["email"],
                by=staff_user(request),
            )
        except OnboardingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s ist aufgenommen: /%(slug)s/. Die Einladung an %(email)s ist verschickt.")
                % {"name": result.municipality.name, "slug": result.municipality.slug, "email": result.admin.email},
            )
            request.session["onboarding_notes"] = [*result.notes, *_open_fields_note(result.open_fields)]
            return redirect("operator_municipalities")
    return render(
        request,
        "site/municipality_add.html",
        {"form": form, "heading": _("Eine Kommune aufnehmen")},
        status=422 if form.is_bound else 200,
    )


def _open_fields_note(fields: list[str]) -> list[str]:
    if not fields:
        return []
    return [_("Noch zu ergänzen (Verwaltung → Angaben der Kommune): %(fields)s") % {"fields": ", ".join(fields)}]
