from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.accounts.access import requires, staff_user
from rathaus.catalog.forms import SearchForm, ServiceForm
from rathaus.catalog.models import Service
from rathaus.catalog.search import fold
from rathaus.catalog.selectors import (
    other_level,
    other_level_hits,
    search_suggestions,
    service_list,
    service_search_scored,
)
from rathaus.catalog.services import service_create, service_update
from rathaus.core.forms import saved
from rathaus.municipalities.models import Department


def service_index(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    by_letter: dict[str, list[Service]] = defaultdict(list)
    for service in service_list(municipality=request.municipality):  # type: ignore[attr-defined]
        letter = service.localized_name[:1].upper()
        by_letter[{"Ä": "A", "Ö": "O", "Ü": "U"}.get(letter, letter)].append(service)
    letters = sorted(by_letter)
    return render(
        request,
        "catalog/index.html",
        # fold() sorts "Übermittlungssperre" among the U, not after Z.
        {"groups": [(letter, sorted(by_letter[letter], key=lambda s: fold(s.localized_name))) for letter in letters]},
    )


def service_search_page(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    scored = service_search_scored(municipality=municipality, query=query) if query else []
    results = [service for service, _ in scored]
    page = Paginator(results, 20).get_page(request.GET.get("seite"))
    # The other level of government (town ↔ district) when it answers the query better, or
    # when nothing here does; close spellings when nothing is found at all.
    elsewhere = []
    if query:
        best_here = scored[0][1] if scored else 0.0
        elsewhere = [hit for hit in other_level_hits(municipality=municipality, query=query) if hit[2] > best_here]
    suggested = (
        search_suggestions(municipalities=[municipality, *other_level(municipality)], query=query)
        if query and not scored
        else []
    )
    # htmx asks for the results only; when it restores history it wants the whole page.
    partial = (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
    )
    template = "catalog/_results.html" if partial else "catalog/search.html"
    context = {
        "form": form,
        "query": query,
        "page": page,
        "count": len(results),
        "elsewhere": elsewhere,
        "suggestions": suggested,
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def appointment_url(service: Service) -> str:
    """Where a citizen books an appointment for the service; "" while the platform has no booking.

    The hook for online appointment booking (a later issue): return the booking page's address
    here and the service page shows "Termin online buchen" above the office's contact.
    """
    return ""


def service_contact(service: Service) -> dict[str, str]:
    """Whom to call, write to or visit for a service: its department, else the town hall's numbers."""
    department, municipality = service.department, service.municipality
    return {
        "office": department.localized_name,
        "phone": department.phone or municipality.phone,
        "email": department.email or municipality.email,
        "address": f"{municipality.name}, {municipality.street}, {municipality.postal_code} {municipality.city}",
        "opening_hours": municipality.localized_opening_hours,
    }


def service_detail(request: HttpRequest, municipality_slug: str, service_id: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("department", "municipality"), pk=service_id)
    context = {"service": service, "contact": service_contact(service), "appointment_url": appointment_url(service)}
    return render(request, "catalog/detail.html", context)


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def backoffice_service_edit(request: HttpRequest, municipality_slug: str, service_id: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=service_id)
    form = ServiceForm(request.POST or None, instance=service)
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: service_update(
                service=service, data={n: form.cleaned_data[n] for n in form.changed_data}, by=staff_user(request)
            ),
        )
    ):
        messages.success(request, _("Die Leistung wurde gespeichert."))
        return redirect("backoffice:service_list", municipality_slug=municipality_slug)
    heading = _("%(name)s bearbeiten") % {"name": service.name}
    return render(request, "backoffice_form.html", {"form": form, "heading": heading})


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def backoffice_service_create(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    # The unsaved instance carries the municipality so that validation checks uniqueness and
    # the department's tenant against it.
    form = ServiceForm(request.POST or None, instance=Service(municipality=municipality))
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form, lambda: service_create(municipality=municipality, data=form.cleaned_data, by=staff_user(request))
        )
    ):
        messages.success(request, _("Die Leistung wurde angelegt."))
        return redirect("backoffice:service_list", municipality_slug=municipality_slug)
    return render(request, "backoffice_form.html", {"form": form, "heading": _("Neue Leistung")})


@requires("catalog.view")
@require_safe
def backoffice_service_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The municipality's services with their LeiKa keys and departments; admins may edit them."""
    return render(
        request,
        "catalog/backoffice/service_list.html",
        {"services": service_list(municipality=request.municipality)},  # type: ignore[attr-defined]
    )


# Services shown on a municipality's start page: the ones most people come for.
TOP_SERVICE_KEYS = (
    "99008001000000",  # Personalausweis
    "99115005000000",  # Wohnsitz anmelden
    "99050012104000",  # Gewerbeanmeldung
    "99089017152000",  # Fundbüro
    "99049001000000",  # Führungszeugnis
    "99115003000000",  # Meldebescheinigung
)


def municipality_home(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    services = service_list(municipality=municipality)
    top = [s for s in services if s.leika_key in TOP_SERVICE_KEYS] or list(services[:6])
    return render(
        request,
        "municipalities/home.html",
        {"top_services": top[:6], "service_count": services.count(), "departments": Department.objects.all()},
    )
