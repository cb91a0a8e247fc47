"""Public helpers of the trade notice pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rathaus.catalog.search import MAX_QUERY_LENGTH
from rathaus.trade import wz

SUGGESTIONS = 8


@require_GET
def wz_suggestions(request: HttpRequest) -> HttpResponse:
    """The options for the WZ code field's datalist while someone types ("Friseur" → 96021). The field
    works without this: the page's own check suggests codes on submit."""
    query = request.GET.get("wz_code", "").strip()[:MAX_QUERY_LENGTH]
    activities = wz.search(query, limit=SUGGESTIONS) if len(query) >= 2 else []
    return render(request, "trade/_wz_suggestions.html", {"activities": activities})
