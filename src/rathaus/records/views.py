from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rathaus.municipalities.middleware import staff_role
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify


@staff_role("admin")
def backoffice_audit(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    page = Paginator(events, 50).get_page(request.GET.get("seite"))
    breaks = audit_verify(municipality=municipality)
    return render(request, "records/audit.html", {"page": page, "chain_break": breaks[0] if breaks else None})
