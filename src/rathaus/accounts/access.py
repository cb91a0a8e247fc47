"""Resolves the municipality named in the URL and guards the back office.

This is the single place where tenant isolation and staff access are enforced: views and API
endpoints never check either themselves.
"""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.accounts.selectors import user_has_totp
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tenancy import NO_TENANT, _current

TENANT_URL_KWARG = "municipality_slug"
BACKOFFICE_NAMESPACE = "backoffice"

View = Callable[..., HttpResponse]


def staff_user(request: HttpRequest) -> User:
    """The member of staff behind a back-office request (the guard below let only them in)."""
    return cast(User, request.user)


def staff_role(role: str) -> Callable[[View], View]:
    """Marks a back-office view that only the given role (e.g. "admin") may open."""

    def mark(view: View) -> View:
        view.required_role = role  # type: ignore[attr-defined]
        return view

    return mark


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(NO_TENANT)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: View, view_args: tuple[Any, ...], view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        slug = view_kwargs.get(TENANT_URL_KWARG)
        if slug is None:
            return None
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise Http404(_("Diese Kommune gibt es bei uns nicht."))
        request.municipality = municipality  # type: ignore[attr-defined]
        _current.set(municipality)

        match = request.resolver_match
        if match is not None and BACKOFFICE_NAMESPACE in match.namespaces:
            return self._guard_backoffice(request, view_func, municipality)
        return None

    def _guard_backoffice(
        self, request: HttpRequest, view_func: View, municipality: Municipality
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = Membership.objects.filter(user=user).select_related("department").first()
        if membership is None:
            raise PermissionDenied(_("Sie gehören nicht zur Verwaltung von %(name)s.") % {"name": municipality.name})
        if not user_has_totp(user=user):
            messages.warning(
                request,
                _(
                    "Bitte richten Sie zuerst die Anmeldung in zwei Schritten ein. Erst dann öffnet sich der Verwaltungsbereich."
                ),
            )
            return redirect("mfa_activate_totp")
        required_role = getattr(view_func, "required_role", None)
        if required_role is not None and membership.role != required_role:
            raise PermissionDenied(_("Für diese Seite fehlt Ihnen die Berechtigung."))
        request.membership = membership  # type: ignore[attr-defined]
        return None
