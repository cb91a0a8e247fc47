from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rathaus.cases.models import Case, Document
from rathaus.cases.services import staff_role_for
from rathaus.municipalities.middleware import staff_role, staff_user
from rathaus.records.export import case_export
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify

PAGE_VERIFY_ENTRIES = 1000


@staff_role("admin")
def backoffice_audit(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    page = Paginator(events, 50).get_page(request.GET.get("seite"))
    # A page view checks the newest entries only; `rathaus audit verify` checks whole chains.
    breaks = audit_verify(municipality=municipality, newest=PAGE_VERIFY_ENTRIES)
    return render(
        request,
        "records/audit.html",
        {"page": page, "chain_break": breaks[0] if breaks else None, "checked": PAGE_VERIFY_ENTRIES},
    )


@require_GET
def backoffice_case_export(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    """The electronic file as a ZIP, for staff who may work the case."""
    case = get_object_or_404(Case.objects.select_related("municipality", "department"), pk=case_id)
    try:
        staff_role_for(case=case, user=staff_user(request))
    except ValidationError:
        # Another department's case is not there for this clerk, as if it did not exist.
        raise Http404(_("Diesen Vorgang gibt es nicht.")) from None
    response = HttpResponse(case_export(case=case, actor=staff_user(request)), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{case.reference}-akte.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def document_file_response(document: Document) -> FileResponse:
    """A stored document as a download: never rendered inline, never cached on the way."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
