"""The public API: each app contributes a router from its api.py."""

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rathaus.catalog.api import router as catalog_router
from rathaus.jobs.api import router as jobs_router
from rathaus.municipalities.api import router as municipalities_router
from rathaus.schoolroute.api import router as schoolroute_router
from rathaus.trade.api import router as trade_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Rathaus API",
    version="1",
    description="Open data and services of the municipalities on this Rathaus installation.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", municipalities_router)
api.add_router("", catalog_router)
api.add_router("", schoolroute_router)
api.add_router("", jobs_router)
api.add_router("", trade_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(part) for part in error.get("loc", [])[1:]), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    return api.create_response(
        request, {"detail": _("Die Anfrage enthält ungültige Werte."), "errors": problems}, status=422
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Nicht gefunden.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Anmeldung erforderlich.")}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s", request.path)
    return api.create_response(
        request, {"detail": _("Ein interner Fehler ist aufgetreten. Bitte später erneut versuchen.")}, status=500
    )
