from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.access import may, navigation_for, requires, staff_user
from rathaus.core.forms import saved
from rathaus.core.uploads import sniff_image
from rathaus.municipalities.models import AccessibilityFeedback, Department, Municipality
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify
from rathaus.townhall.forms import AccessibilityFeedbackForm, DepartmentForm, MunicipalitySettingsForm
from rathaus.townhall.services import accessibility_feedback_submit, department_save, municipality_update


def home(request: HttpRequest) -> HttpResponse:
    """The list of municipalities on this installation."""
    return render(request, "core/home.html", {"municipalities": Municipality.objects.all()})


def imprint(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return render(request, "municipalities/imprint.html")


def privacy(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return render(request, "municipalities/privacy.html")


@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page_url": request.GET.get("seite", "")[:500]})
    if request.method == "POST" and form.is_valid():
        accessibility_feedback_submit(
            municipality=request.municipality,  # type: ignore[attr-defined]
            user=request.user if request.user.is_authenticated else None,
            **form.cleaned_data,
        )
        return redirect("accessibility_thanks", municipality_slug=municipality_slug)
    return render(request, "municipalities/accessibility.html", {"form": form})


def accessibility_thanks(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return render(request, "municipalities/accessibility_thanks.html")


def backoffice_dashboard(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return render(
        request,
        "municipalities/backoffice/dashboard.html",
        {
            "departments": Department.objects.all(),
            "feedback": AccessibilityFeedback.objects.all()[:20],
            "navigation": navigation_for(request),
            "may_edit_departments": may(request.membership, "townhall.departments"),  # type: ignore[attr-defined]
        },
    )


@requires("townhall.feedback")
def backoffice_feedback_detail(request: HttpRequest, municipality_slug: str, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(AccessibilityFeedback, pk=feedback_id)
    return render(request, "municipalities/backoffice/feedback_detail.html", {"item": feedback})


@requires("townhall.settings")
@require_http_methods(["GET", "POST"])
def backoffice_settings(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    form = MunicipalitySettingsForm(request.POST or None, request.FILES or None, instance=municipality)
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: municipality_update(
                municipality=municipality,
                data={name: form.cleaned_data[name] for name in form.changed_data},
                by=staff_user(request),
            ),
        )
    ):
        messages.success(request, _("Die Angaben der Kommune wurden gespeichert."))
        return redirect("backoffice:dashboard", municipality_slug=municipality_slug)
    return render(
        request, "municipalities/backoffice/settings.html", {"form": form, "heading": _("Angaben der Kommune")}
    )


def logo(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The municipality's logo, read through the storage API so any storage backend works."""
    municipality = request.municipality  # type: ignore[attr-defined]
    if not municipality.logo:
        raise Http404
    with municipality.logo.open("rb") as stored:
        content = stored.read()
    image_type = sniff_image(content[:16])
    if image_type is None:
        raise Http404
    response = HttpResponse(content, content_type=image_type.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@requires("townhall.departments")
@require_http_methods(["GET", "POST"])
def backoffice_department_edit(
    request: HttpRequest, municipality_slug: str, department_id: int | None = None
) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    department = get_object_or_404(Department, pk=department_id) if department_id else None
    form = DepartmentForm(
        request.POST or None, instance=department or Department(municipality=municipality), municipality=municipality
    )
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: department_save(
                municipality=municipality, department=department, data=form.cleaned_data, by=staff_user(request)
            ),
        )
    ):
        messages.success(request, _("Der Fachbereich wurde gespeichert."))
        return redirect("backoffice:dashboard", municipality_slug=municipality_slug)
    heading = _("%(name)s bearbeiten") % {"name": department.name} if department else _("Neuer Fachbereich")
    return render(request, "backoffice_form.html", {"form": form, "heading": heading})


# The audit page checks this many of the newest entries; `rathaus audit verify` checks whole chains.
PAGE_VERIFY_ENTRIES = 1000


@requires("townhall.audit")
def backoffice_audit(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    page = Paginator(events, 50).get_page(request.GET.get("seite"))
    breaks = audit_verify(municipality=municipality, newest=PAGE_VERIFY_ENTRIES)
    return render(
        request,
        "records/audit.html",
        {"page": page, "chain_break": breaks[0] if breaks else None, "checked": PAGE_VERIFY_ENTRIES},
    )
