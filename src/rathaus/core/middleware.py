"""Refuses request bodies above a limit before anything reads them.

Each procedure limits its own files (`AttachmentRule`); this is the outer fence that keeps a
100 MB upload from being streamed to disk at all. The answer is a page in the user's language
that says what happened, never a bare server error.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.MAX_REQUEST_BYTES
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("Die gesendeten Daten sind zu groß: höchstens %(limit)s MB auf einmal.") % {
                "limit": limit // (1024 * 1024)
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            response = render(request, "413.html", {"message": message}, status=413)
            # The rest of the body is never read; the connection cannot be reused.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
