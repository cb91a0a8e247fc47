"""The public API: one NinjaAPI with the router each app declares in its capability (`api_router`).

Every error is answered here in the one shape of `rathaus.core.api` (`detail`; a 422 names its fields),
in the language of the request.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rathaus.core.api import Refused, error_body, invalid_fields
from rathaus.core.capability import contributions

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Rathaus API",
    version="1",
    description="Open data and services of the municipalities on this Rathaus installation.",
    urls_namespace="api",
    docs_url="/docs",
)
for contribution in contributions():
    if contribution.capability.api_router:
        api.add_router("", import_string(contribution.capability.api_router))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Die Anfrage enthält ungültige Werte."), "errors": invalid_fields(exc.errors)},
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Nicht gefunden.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Anmeldung erforderlich.")}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = exc.body() if isinstance(exc, Refused) else error_body(exc.status_code, str(exc))
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    return api.create_response(
        request, {"detail": _("Ein interner Fehler ist aufgetreten. Bitte später erneut versuchen.")}, status=500
    )
