"""The one access policy: who may open what, decided here and nowhere else.

- **Tenant.** `TenantMiddleware` resolves the municipality named in the URL and makes it the
  tenant in scope (`rathaus.municipalities.tenancy`); a URL without one has no tenant.
- **Back office.** Every URL in the `backoffice` namespace is for logged-in members of staff of
  *this* municipality who have set up TOTP. A view declares what it needs with
  `@requires("trade.register")`; the permission is declared by the app that owns the view (its
  `Capability.permissions`) and held by role and department (`Permission`).
- **Navigation.** The back office's links are the apps' `NavLink`s that the member may open:
  the same permission decides link and page, so no link leads to a refusal.
- **Objects.** A case belongs to a department: `case_role` says whether a member may work on it.
  Views ask it through `rathaus.cases` and never map errors to 404s by hand.

Views and API endpoints never check any of this themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.accounts.selectors import user_has_totp
from rathaus.core import capability
from rathaus.core.capability import Permission
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tenancy import NO_TENANT, request_tenant_set, tenant_scope

TENANT_URL_KWARG = "municipality_slug"
BACKOFFICE_NAMESPACE = "backoffice"
ADMIN = Membership.Role.ADMIN.value
CLERK = Membership.Role.CLERK.value

View = Callable[..., HttpResponse]


class NotPermitted(ValidationError, Http404):
    """A member of staff asked for an object the policy does not let them have.

    It is a 404: raised while a page looks up what it shows, the page answers as if the object
    did not exist, so nobody learns of another department's cases, and no view maps it by hand.
    It is also a ValidationError, so a service's refusal (assigning a case to someone of another
    department) reaches the form that asked, as every other refusal of a service does."""


def staff_user(request: HttpRequest) -> User:
    """The member of staff behind a back-office request (the guard below let only them in)."""
    return cast(User, request.user)


def requires(permission: str) -> Callable[[View], View]:
    """Marks a back-office view that only holders of `permission` may open."""

    def mark(view: View) -> View:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return mark


def permission(name: str) -> Permission:
    """The declared permission `name`; KeyError for a name no app declares (a typo fails loudly)."""
    return capability.permissions()[name]


def may(membership: Membership | None, name: str) -> bool:
    """Whether the member holds the permission `name` in their municipality."""
    if membership is None:
        return False
    rule = permission(name)
    if membership.role == ADMIN:
        return rule.admins
    if not rule.clerks:
        return False
    if not rule.departments:
        return True
    department = membership.department
    if department is None:
        return rule.generalists
    return department.key in rule.departments


def case_role(*, membership: Membership | None, department_id: int | None) -> str:
    """The role a member has on a case of `department_id`: admins on every case of their
    municipality; clerks on their department's cases, and on every case when they belong to no
    department. Raises `NotPermitted` otherwise."""
    if membership is None:
        raise NotPermitted(_("Sie gehören nicht zur Verwaltung dieser Kommune."))
    if membership.role == ADMIN:
        return ADMIN
    if membership.department_id is not None and membership.department_id != department_id:
        raise NotPermitted(_("Dieser Vorgang gehört zu einem anderen Fachbereich."))
    return membership.role


def case_department_limit(membership: Membership | None) -> int | None | Literal[False]:
    """The department whose cases the member may see, for a queryset: None for every department
    (admins, generalists), False for none (no member), else the department's id."""
    if membership is None:
        return False
    if membership.role == ADMIN or membership.department_id is None:
        return None
    return membership.department_id


def staff_case_role(*, user: User, municipality: Municipality, department_id: int | None) -> str:
    """The role `user` has on a case of `municipality` and `department_id`; `NotPermitted` otherwise."""
    return case_role(membership=membership_of(user=user, municipality=municipality), department_id=department_id)


def membership_of(*, user: User, municipality: Municipality) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(municipality=municipality, user=user).select_related("department").first()


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str


def navigation_for(request: HttpRequest) -> list[NavItem]:
    """The back office's links that this member may open, in the order of `INSTALLED_APPS`."""
    membership = getattr(request, "membership", None)
    municipality = getattr(request, "municipality", None)
    if membership is None or municipality is None:
        return []
    items = []
    for link in capability.navigation():
        if not may(membership, link.permission):
            continue
        try:
            url = reverse(f"{BACKOFFICE_NAMESPACE}:{link.url_name}", kwargs={TENANT_URL_KWARG: municipality.slug})
        except NoReverseMatch:  # an app whose pages are switched off by configuration
            continue
        items.append(NavItem(str(link.label), url, str(link.description)))
    return items


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with tenant_scope(NO_TENANT):
            return self.get_response(request)

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
        request_tenant_set(municipality)

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
        required = getattr(view_func, "required_permission", None)
        if required is not None and not may(membership, required):
            raise PermissionDenied(_("Für diese Seite fehlt Ihnen die Berechtigung."))
        request.membership = membership  # type: ignore[attr-defined]
        return None


def is_platform_operator(user: Any) -> bool:
    """Platform operators run the platform itself (they add municipalities): Django superusers,
    made with `rathaus createsuperuser`. They hold no municipality's permissions by that."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def operator_required(view: View) -> View:
    """A page of the platform's operation (`/plattform/…`): operators only, with TOTP like all staff."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_platform_operator(user):
            raise PermissionDenied(_("Diese Seite ist nur für den Betrieb der Plattform."))
        if not user_has_totp(user=user):
            messages.warning(
                request,
                _("Bitte richten Sie zuerst die Anmeldung in zwei Schritten ein. Erst dann öffnet sich diese Seite."),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return guarded
