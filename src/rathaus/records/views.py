from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rathaus.accounts.access import requires
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify

PAGE_VERIFY_ENTRIES = 1000


@requires("townhall.audit")
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
