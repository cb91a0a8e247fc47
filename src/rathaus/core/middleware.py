"""Fences around every request: bodies above a limit are refused before anything reads them, text
no database can store is refused before any view sees it.

Each procedure limits its own files (`AttachmentRule`); the size limit is the outer fence that
keeps a 100 MB upload from being streamed to disk at all. Each answer is a page in the user's
language that says what happened, never a bare server error.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
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


# Text PostgreSQL cannot store: the NUL character (refused in text, json and jsonb alike) and a
# lone UTF-16 surrogate (not encodable as UTF-8; only JSON's "\udXXX" escapes can produce one, since
# form data and addresses are decoded with replacement characters).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def _json_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, list):
        return any(_json_unstorable(item) for item in value)
    if isinstance(value, dict):
        return any(unstorable(key) or _json_unstorable(item) for key, item in value.items())
    return False


def _request_unstorable(request: HttpRequest) -> bool:
    if unstorable(request.path_info):
        return True
    if any(unstorable(text) for key, values in request.GET.lists() for text in [key, *values]):
        return True
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return False
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        return any(unstorable(text) for key, values in request.POST.lists() for text in [key, *values])
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            return _json_unstorable(json.loads(request.body))
        except ValueError:
            return False  # not JSON at all: the API answers that itself
    return False


class UnstorableTextMiddleware:
    """Refuses request data with text no database column can hold, before any view sees it.

    One fence for every path (form fields, a step's draft answers, messages, feedback, search,
    account and back-office forms, API parameters and bodies) instead of a check in each form:
    nobody types a NUL character, so a request carrying one comes from a broken client or an
    attacker, and a 400 page that says what happened is the honest answer. Uploaded files' contents
    are not text and not looked at. A cookie with such text (a forged session id would reach the
    session table) is dropped as if it had not been sent: refusing it would lock the browser out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        spoiled = [name for name, value in request.COOKIES.items() if unstorable(name) or unstorable(value)]
        for name in spoiled:
            del request.COOKIES[name]
        if settings.SESSION_COOKIE_NAME in spoiled and hasattr(request, "session"):
            request.session = type(request.session)()
        if _request_unstorable(request):
            message = _(
                "Die gesendeten Daten enthalten ein Zeichen, das wir nicht speichern können (ein Nullzeichen "
                "oder ein unvollständiges Sonderzeichen). Bitte geben Sie den Text noch einmal ein, am besten "
                "ohne ihn aus einem anderen Programm einzufügen."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


# The browser features no page of the portal uses; a page (or anything injected into one) cannot
# ask for them. The school route map places addresses from the search, not from the device, so
# geolocation is denied too.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Pages that show personal data never stay in a browser's or a proxy's cache: on a shared computer
# the back button after logging out, or the history, must not bring them back. The whole back office
# (namespace), the account pages (allauth's names) and these pages of the citizen's side.
PRIVATE_NAMESPACES = frozenset({"backoffice"})
PRIVATE_URL_NAME_PREFIXES = ("account_", "mfa_", "usersessions_")
PRIVATE_URL_NAMES = frozenset(
    {
        "application_step",
        "application_review",
        "application_discard",
        "application_done",
        "case_pay",
        "my_cases",
        "my_case",
        "my_case_transition",
        "my_case_document",
        "case_status",
        "case_status_transition",
        "case_status_document",
        "payment_test",
        "payment_return",
        "school_route",  # shows the child's address and route
    }
)


def is_private(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    name = match.url_name or ""
    return (
        bool(PRIVATE_NAMESPACES & set(match.namespaces))
        or name in PRIVATE_URL_NAMES
        or name.startswith(PRIVATE_URL_NAME_PREFIXES)
    )


class PrivacyHeadersMiddleware:
    """Sends the Permissions-Policy with every response (static files included) and forbids caching
    the pages that show personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_private(request):
            add_never_cache_headers(response)
        return response
